"""report_image and report_media: bytes and content types."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures import image_to_png, media_from


def _open(content: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(content))
    assert picture.format == "PNG"
    return picture


@pytest.mark.parametrize(
    ("array", "mode", "first_pixel"),
    [
        (np.full((4, 6), 7, dtype=np.uint8), "L", 7),
        (np.zeros((4, 6, 1), dtype=np.uint8), "L", 0),
        (np.full((4, 6, 3), (1, 2, 3), dtype=np.uint8), "RGB", (1, 2, 3)),
        (np.full((4, 6, 4), (1, 2, 3, 4), dtype=np.uint8), "RGBA", (1, 2, 3, 4)),
        (np.full((4, 6), 1.0), "L", 255),
        (np.full((4, 6, 3), 0.5, dtype=np.float32), "RGB", (128, 128, 128)),
        (np.ones((4, 6), dtype=bool), "L", 255),
    ],
    ids=["gray", "gray-1-channel", "rgb", "rgba", "float-1", "float-half", "bool"],
)
def test_arrays_round_trip_through_pil(array, mode, first_pixel) -> None:
    content, mime = image_to_png(image=array)
    picture = _open(content)
    assert mime == "image/png"
    assert (picture.size, picture.mode) == ((6, 4), mode)
    assert picture.getpixel((0, 0)) == first_pixel


def test_other_ranges_are_min_max_normalised() -> None:
    array = np.array([[-5.0, 0.0, 5.0, np.nan]])
    picture = _open(image_to_png(matrix=array)[0])
    assert [picture.getpixel((x, 0)) for x in range(4)] == [0, 128, 255, 0]
    wide = _open(image_to_png(image=np.array([[0, 1000]], dtype=np.int32))[0])
    assert [wide.getpixel((x, 0)) for x in range(2)] == [0, 255]


def test_pil_images_and_files(tmp_path) -> None:
    picture = Image.new("CMYK", (3, 2))
    assert _open(image_to_png(image=picture)[0]).mode == "RGB"
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (5, 5), "red").save(path, format="JPEG")
    content, mime = image_to_png(local_path=str(path))
    assert content == path.read_bytes() and mime == "image/jpeg"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of image, local_path or matrix; got none"),
        ({"image": np.zeros((2, 2)), "matrix": np.zeros((2, 2))}, "got image, matrix"),
        ({"image": np.zeros((2, 2, 5))}, r"\(H, W\) for gray, \(H, W, 3\) for RGB.*got \(2, 2, 5\)"),
        ({"image": np.zeros(4)}, r"got \(4,\)"),
        ({"image": np.zeros((0, 3))}, "empty"),
        ({"image": np.array([["a", "b"]])}, "must hold numbers"),
        ({"local_path": "/no/such/image.png"}, "cannot read image file"),
    ],
)
def test_image_errors(kwargs, message) -> None:
    with pytest.raises(InvalidArgument, match=message):
        image_to_png(**kwargs)


def test_text_file_is_not_an_image(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hi")
    with pytest.raises(InvalidArgument, match="not a recognised image file"):
        image_to_png(local_path=str(path))


def test_media_from_path_and_streams(tmp_path) -> None:
    path = tmp_path / "clip.MP4"
    path.write_bytes(b"\x00\x01")
    assert media_from(local_path=path) == (b"\x00\x01", "video/mp4", ".mp4")
    stream = io.BytesIO(b"abc")
    stream.read()  # the position does not matter: the whole stream is taken
    assert media_from(stream=stream, file_extension="wav") == (b"abc", "audio/x-wav", ".wav")
    assert media_from(stream=io.StringIO("<p>é</p>"), file_extension=".html") == (
        "<p>é</p>".encode(),
        "text/html",
        ".html",
    )
    assert media_from(stream=io.BytesIO(b"x"), file_extension="zzz-unknown")[1] == "application/octet-stream"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of local_path or stream"),
        ({"stream": io.BytesIO(b"x")}, "pass file_extension too"),
        ({"stream": io.BytesIO(b"x"), "file_extension": "."}, "file_extension must be a non-empty"),
        ({"local_path": "/no/such/file.mp4"}, "cannot read media file"),
        ({"stream": 42, "file_extension": "mp4"}, "stream must be a BytesIO"),
    ],
)
def test_media_errors(kwargs, message) -> None:
    with pytest.raises(InvalidArgument, match=message):
        media_from(**kwargs)
