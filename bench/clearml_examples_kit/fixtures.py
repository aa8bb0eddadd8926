"""Local stand-ins for the files ClearML's examples download, written once per run into one folder.

Each file has the shape the example reads (columns, archive layout, pickle type), small enough to
make a run quick; none is fetched. ``write_all(folder)`` returns the folder.
"""
from __future__ import annotations

import csv
import io
import pickle
import random
import struct
import tarfile
import wave
import zipfile
from pathlib import Path

import numpy as np

_RNG_SEED = 7


def _iris_pickle(folder: Path) -> None:
    from sklearn.datasets import load_iris  # bundled with scikit-learn: no download
    with open(folder / "iris_dataset.pkl", "wb") as fh:
        pickle.dump(load_iris(), fh)


def _iris_csv(folder: Path) -> None:
    from sklearn.datasets import load_iris
    frame = load_iris(as_frame=True).frame
    frame.insert(0, "Id", range(1, len(frame) + 1))
    frame.to_csv(folder / "Iris_Species.csv", index=False)


def _png(value: int) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(np.full((28, 28), value, dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def _mnist_zip(folder: Path) -> None:
    """ClearML's MNIST.zip: TRAIN/ and TEST/ at the top, one folder per digit."""
    with zipfile.ZipFile(folder / "MNIST.zip", "w") as zf:
        for split, per_digit in (("TRAIN", 3), ("TEST", 2)):
            for digit in range(10):
                for i in range(per_digit):
                    zf.writestr(f"{split}/{digit}/{split.lower()}_{digit}_{i}.png", _png(digit * 20 + i))


def _cifar_tarball(folder: Path) -> None:
    """cifar-10-python.tar.gz: cifar-10-batches-py/ with five train batches, a test batch and the meta."""
    rng = np.random.default_rng(_RNG_SEED)
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    def batch(n: int) -> bytes:
        data = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
        return pickle.dumps({"data": data, "labels": [int(x) for x in rng.integers(0, 10, size=n)]})

    members = {f"data_batch_{i}": batch(16) for i in range(1, 6)}
    members["test_batch"] = batch(16)
    members["batches.meta"] = pickle.dumps({"label_names": names})
    with tarfile.open(folder / "cifar-10-python.tar.gz", "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _wav(seconds: float = 0.1, rate: int = 8000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", (i * 97) % 2000 - 1000) for i in range(int(seconds * rate))))
    return buf.getvalue()


def _urbansound_zip(folder: Path) -> None:
    """UrbanSound8K.zip: UrbanSound8K/metadata/UrbanSound8K.csv and UrbanSound8K/audio/foldN/*.wav."""
    classes = ["air_conditioner", "car_horn", "children_playing", "dog_bark", "drilling", "engine_idling",
               "gun_shot", "jackhammer", "siren", "street_music"]
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["slice_file_name", "fsID", "start", "end", "salience", "fold", "classID", "class"])
    wav = _wav()
    with zipfile.ZipFile(folder / "UrbanSound8K.zip", "w") as zf:
        for i in range(20):
            fold, class_id = i % 2 + 1, i % 10
            name = f"{1000 + i}-{class_id}-0-0.wav"
            writer.writerow([name, 1000 + i, 0.0, 0.1, 1, fold, class_id, classes[class_id]])
            zf.writestr(f"UrbanSound8K/audio/fold{fold}/{name}", wav)
        zf.writestr("UrbanSound8K/metadata/UrbanSound8K.csv", rows.getvalue())


def _lightgbm_regression(folder: Path) -> None:
    """LightGBM's examples/regression files: tab-separated, the label first, 28 features."""
    rng = np.random.default_rng(_RNG_SEED)
    for name, n in (("regression.train", 400), ("regression.test", 100)):
        x = rng.random((n, 28))
        x[:, 21] = rng.integers(0, 3, n)  # the example declares feature 21 categorical
        y = x[:, 0] + x[:, 1] + 2 * x[:, 25]  # the example plots the splits of f26 (column 25)
        np.savetxt(folder / name, np.column_stack([y, x]), delimiter="\t", fmt="%.6g")


def _adult(folder: Path) -> None:
    """UCI adult.data: 15 columns, no header, six of them numeric."""
    rnd = random.Random(_RNG_SEED)
    with open(folder / "adult.data", "w", newline="") as fh:
        writer = csv.writer(fh)
        for _ in range(300):
            writer.writerow([
                rnd.randint(17, 90), rnd.choice(["Private", "State-gov"]), rnd.randint(10000, 500000),
                rnd.choice(["Bachelors", "HS-grad"]), rnd.randint(1, 16), rnd.choice(["Married", "Never-married"]),
                rnd.choice(["Sales", "Tech-support"]), rnd.choice(["Husband", "Wife"]), rnd.choice(["White", "Black"]),
                rnd.choice(["Male", "Female"]), rnd.randint(0, 5000), rnd.randint(0, 500), rnd.randint(10, 60),
                rnd.choice(["United-States", "Cuba"]), rnd.choice(["<=50K", ">50K"]),
            ])


def _btc_csv(folder: Path) -> None:
    rnd = random.Random(_RNG_SEED)
    with open(folder / "Mining-BTC-180.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Date", "Number-transactions", "Output-volume(BTC)", "Market-price"])
        for day in range(1, 31):
            writer.writerow([f"2017-01-{day:02d}", rnd.randint(200000, 300000), rnd.randint(10**6, 2 * 10**6),
                             round(rnd.uniform(800, 1000), 2)])


def _seaborn_fmri(folder: Path) -> None:
    """seaborn's ``load_dataset("fmri")`` reads ``$SEABORN_DATA/fmri.csv`` before it would download it."""
    rnd = random.Random(_RNG_SEED)
    (folder / "seaborn").mkdir(exist_ok=True)
    with open(folder / "seaborn" / "fmri.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["subject", "timepoint", "event", "region", "signal"])
        for subject in range(4):
            for timepoint in range(10):
                for event in ("stim", "cue"):
                    for region in ("parietal", "frontal"):
                        writer.writerow([f"s{subject}", timepoint, event, region, round(rnd.gauss(0, 0.1), 4)])


def _catboost_msrank(folder: Path) -> None:
    """catboost.datasets.msrank() reads ``./catboost_cached_datasets/msrank/{train,test}.tsv`` before it
    would download: label, query id, then features, tab-separated, no header."""
    rng = np.random.default_rng(_RNG_SEED)
    target = folder / "catboost_cached_datasets" / "msrank"
    target.mkdir(parents=True, exist_ok=True)
    for name, n in (("train.tsv", 200), ("test.tsv", 60)):
        x = rng.random((n, 8))
        rows = np.column_stack([rng.integers(0, 5, n), np.arange(n) // 10, x])
        np.savetxt(target / name, rows, delimiter="\t", fmt="%.6g")


WRITERS = (_iris_pickle, _iris_csv, _mnist_zip, _cifar_tarball, _urbansound_zip, _lightgbm_regression, _adult,
           _btc_csv, _seaborn_fmri, _catboost_msrank)


def write_all(folder: Path) -> Path:
    """Write every stand-in file into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for write in WRITERS:
        write(folder)
    return folder
