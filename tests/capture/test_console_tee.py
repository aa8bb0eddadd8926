"""Console capture: output passes through unchanged and the sink gets whole, collapsed lines."""
from __future__ import annotations

import contextlib
import io
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_ext.capture.console import (
    MAX_PENDING_CHARS,
    ConsoleCapture,
    ConsoleTee,
    install_console_capture,
)


class Recorder:
    """A sink like the real one: it only appends."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, stream_name: str, text: str) -> None:
        self.calls.append((stream_name, text))

    def text(self, stream_name: str = "stdout") -> str:
        return "".join(t for s, t in self.calls if s == stream_name)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@contextlib.contextmanager
def capturing(recorder: Recorder) -> Iterator[ConsoleCapture]:
    """Install inside the test body: pytest re-installs its own capture between setup and call,
    which would put a fixture-installed tee out of the path."""
    cap = install_console_capture(recorder)
    try:
        yield cap
    finally:
        cap.uninstall()


def test_output_passes_through_and_sink_gets_lines(
    recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    with capturing(recorder):
        print("hello")
        print("a", "b", sep="-")
        print("warn", file=sys.stderr)
        sys.stdout.write("x\ny\npartial")
    out, err = capsys.readouterr()
    assert out == "hello\na-b\nx\ny\npartial"
    assert err == "warn\n"
    assert recorder.text("stdout") == "hello\na-b\nx\ny\npartial\n"  # uninstall flushed the tail
    assert recorder.text("stderr") == "warn\n"
    assert all(text.endswith("\n") for _, text in recorder.calls)


def test_carriage_return_progress_is_collapsed(
    recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    with capturing(recorder):
        for i in range(10_000):
            sys.stdout.write(f"\rstep {i:5d}")
            sys.stdout.flush()
        sys.stdout.write("\n")
        print("done")
    out, _ = capsys.readouterr()
    assert out.count("\r") == 10_000  # the terminal still sees every frame
    assert recorder.text() == "step  9999\ndone\n"


def test_progress_state_is_handed_over_on_flush_pending(recorder: Recorder) -> None:
    with capturing(recorder) as capture:
        sys.stdout.write("epoch 1\r")
        sys.stdout.write("epoch 2\r")
        capture.flush_pending()
        assert recorder.text() == "epoch 2\n"
        sys.stdout.write("\repoch 3\r\n")  # Windows-style line end after a rewrite
    assert recorder.text() == "epoch 2\nepoch 3\n"


def test_carriage_return_then_separate_newline_keeps_the_line(recorder: Recorder) -> None:
    with capturing(recorder):
        print("50%", end="\r")
        print("100%", end="\r")
        print()
        print("a\rb\nc\r", end="")
        print("d")
    assert recorder.text() == "100%\nb\nd\n"


def test_tqdm_bar_gives_one_line(recorder: Recorder) -> None:
    tqdm = pytest.importorskip("tqdm")
    with capturing(recorder):
        for _ in tqdm.tqdm(range(2000), file=sys.stderr, mininterval=0, miniters=1, desc="train"):
            pass
    lines = recorder.text("stderr").splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("train: 100%")


def test_failing_sink_does_not_break_print(capsys: pytest.CaptureFixture[str]) -> None:
    calls = []

    def broken(stream_name: str, text: str) -> None:
        calls.append(text)
        raise RuntimeError("disk full")

    cap = install_console_capture(broken)
    try:
        print("one")
        print("two")
        assert not cap.active
    finally:
        cap.uninstall()
    out, err = capsys.readouterr()
    assert out == "one\ntwo\n"
    assert calls == ["one\n"]  # switched off after the first failure
    assert err.count("console capture stopped") == 1 and "disk full" in err


def test_sink_that_prints_does_not_recurse(capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[str] = []

    def chatty(stream_name: str, text: str) -> None:
        seen.append(text)
        print(f"sink saw {text!r}")
        print("and warned", file=sys.stderr)

    cap = install_console_capture(chatty)
    try:
        print("hi")
    finally:
        cap.uninstall()
    out, err = capsys.readouterr()
    assert seen == ["hi\n"]
    assert out == "hi\nsink saw 'hi\\n'\n"
    assert err == "and warned\n"


def test_uninstall_restores_the_original_streams(recorder: Recorder) -> None:
    before = sys.stdout, sys.stderr
    cap = install_console_capture(recorder)
    assert isinstance(sys.stdout, ConsoleTee) and isinstance(sys.stderr, ConsoleTee)
    cap.uninstall()
    assert (sys.stdout, sys.stderr) == before
    cap.uninstall()  # twice is harmless
    assert (sys.stdout, sys.stderr) == before


def test_uninstall_under_a_later_wrapper_only_stops_the_sink(
    recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    original = sys.stdout
    cap = install_console_capture(recorder, stderr=False)
    ours = sys.stdout

    class Wrapper(io.StringIO):  # another tool's tee, installed after ours
        def write(self, text: str) -> int:
            return ours.write(text)

    wrapper = Wrapper()
    sys.stdout = wrapper
    try:
        cap.uninstall()
        assert sys.stdout is wrapper
        print("after")
        assert recorder.calls == []
    finally:
        sys.stdout = original
    assert capsys.readouterr().out == "after\n"


def test_attributes_are_the_originals(tmp_path: Path, recorder: Recorder) -> None:
    with open(tmp_path / "out.txt", "w", encoding="utf-8") as fh:
        tee = ConsoleTee(fh, "stdout", recorder)
        assert tee.fileno() == fh.fileno()
        assert tee.isatty() is False
        assert tee.encoding == "utf-8"
        assert tee.buffer is fh.buffer
        assert tee.closed is False
        assert isinstance(tee, io.TextIOBase)
        tee.write("line\n")
        tee.writelines(["a\n", "b\n"])
        tee.flush()
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "line\na\nb\n"
    assert recorder.text() == "line\na\nb\n"


def test_concurrent_writers_lose_no_lines(recorder: Recorder) -> None:
    def worker(n: int) -> None:
        for i in range(500):
            sys.stdout.write(f"thread {n} line {i}\n")

    with capturing(recorder):
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    lines = recorder.text().splitlines()
    assert sorted(lines) == sorted(f"thread {n} line {i}" for n in range(4) for i in range(500))


def test_endless_line_is_handed_over_in_bounded_pieces(recorder: Recorder) -> None:
    with capturing(recorder):
        for _ in range(200):
            sys.stdout.write("z" * 1000)
        assert recorder.calls, "a line without end must not grow forever"
    assert max(len(t) for _, t in recorder.calls) <= MAX_PENDING_CHARS + 1001
    assert recorder.text().replace("\n", "") == "z" * 200_000  # nothing lost, just split
