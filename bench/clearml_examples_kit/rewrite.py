"""The only changes made to an example before it runs: its imports, and downloads swapped for local files.

1. Import lines: the module ``clearml`` becomes ``jupyter_ext`` (``from clearml.automation import X``
   → ``from jupyter_ext.automation import X``; ``import clearml`` → ``import jupyter_ext as clearml``).
   ``pathlib2`` becomes ``pathlib``: the backport of the standard library's pathlib that installing
   clearml brings along (a dependency of clearml, not of the examples' requirements).
2. For the scripts that import torchvision (not installed here), ``torchvision`` in an import line
   becomes ``example_torchvision``: a local stand-in with synthetic MNIST and a CIFAR10 that reads
   local files (``clearml_examples_kit/example_torchvision``).
3. ``DOWNLOADS``: each internet URL an example fetches becomes a ``file://`` URL of a local file with
   the same shape (``fixtures.py`` writes them). URLs an example only registers (a model's
   ``register_uri``, a debug sample's ``url=``) stay as they are: nothing fetches them.

Nothing else in a script changes; ``rewrite`` reports every line it touched. The environment also
points seaborn's sample-data cache (``SEABORN_DATA``) at the local files, so ``load_dataset("fmri")``
reads instead of downloading, and a catalog entry may place a library's download cache beside a script
(``catboost_cached_datasets/msrank``, which ``catboost.datasets.msrank()`` reads before it downloads).

``LIBRARY_FIXES`` is separate and off by default (``--fix-library-versions``): the few edits that make a
script valid for today's pandas and scikit-learn, which break these examples under ClearML just the same.
"""
from __future__ import annotations

import re
from pathlib import Path

DOWNLOADS: dict[str, str] = {
    "https://github.com/allegroai/events/raw/master/odsc20-east/generic/iris_dataset.pkl": "iris_dataset.pkl",
    "https://files.community.clear.ml/examples%252F.pipelines%252FPipeline%20demo/stage_data."
    "8f17b6316ce442ce8904f6fccb1763de/artifacts/dataset/f6d08388e9bc44c86cab497ad31403c4.iris_dataset.pkl":
        "iris_dataset.pkl",
    "https://allegro-datasets.s3.amazonaws.com/datasets/Iris_Species.csv": "Iris_Species.csv",
    "https://allegro-datasets.s3.amazonaws.com/datasets/MNIST.zip": "MNIST.zip",
    "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz": "cifar-10-python.tar.gz",
    "https://allegro-datasets.s3.amazonaws.com/clearml/UrbanSound8K.zip": "UrbanSound8K.zip",
    "https://raw.githubusercontent.com/microsoft/LightGBM/master/examples/regression/regression.train":
        "regression.train",
    "https://raw.githubusercontent.com/microsoft/LightGBM/master/examples/regression/regression.test":
        "regression.test",
    "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/adult.data": "adult.data",
    "https://raw.githubusercontent.com/plotly/datasets/master/Mining-BTC-180.csv": "Mining-BTC-180.csv",
}

LIBRARY_FIXES: dict[str, str] = {
    # scikit-learn 1.8 removed multi_class, and liblinear no longer fits more than two classes: its default solver does
    "LogisticRegression(solver='liblinear', multi_class='auto')": "LogisticRegression(max_iter=1000)",
    'LogisticRegression(solver="liblinear", multi_class="auto")': 'LogisticRegression(max_iter=1000)',
    # LightGBM 4 moved feature_name and categorical_feature from train() to Dataset
    "lgb_train = lgb.Dataset(X_train, y_train)":
        "lgb_train = lgb.Dataset(X_train, y_train, feature_name=['f%d' % (i + 1) for i in range(X_train.shape[1])],"
        " categorical_feature=[21])",
    "feature_name=[f'f{i + 1}' for i in range(X_train.shape[-1])],": "",
    "categorical_feature=[21],": "",
    # pandas 3 refuses Index + a list of another length; this is what the line meant
    "data_frame.columns += ['target']": "pass",
    'data_frame.columns += ["target"]': "pass",
}

_IMPORT = re.compile(r"^(\s*)(from|import)\s+(clearml|torchvision|pathlib2)\b")


def _rewrite_import(line: str, torchvision: bool) -> str:
    m = _IMPORT.match(line)
    if not m:
        return line
    indent, keyword, module = m.groups()
    if module == "pathlib2":
        return line.replace("pathlib2", "pathlib", 1)
    if module == "torchvision":
        return line.replace("torchvision", "example_torchvision", 1) if torchvision else line
    if keyword == "import" and re.match(r"^\s*import\s+clearml\s*$", line):
        return f"{indent}import jupyter_ext as clearml\n"
    return line.replace("clearml", "jupyter_ext", 1)


def rewrite(source: str, data_dir: Path, *, torchvision: bool = False,
            library_fixes: bool = False) -> tuple[str, list[str]]:
    """The example's text as it will run, and one ``line N: old → new`` per changed line."""
    changes: list[str] = []
    out: list[str] = []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        new = _rewrite_import(line, torchvision)
        for url, local in DOWNLOADS.items():
            if url in new:
                new = new.replace(url, (data_dir / local).as_uri())
        if library_fixes:
            for old, fixed in LIBRARY_FIXES.items():
                new = new.replace(old, fixed)
        if new != line:
            changes.append(f"line {number}: {line.strip()}  →  {new.strip()}")
        out.append(new)
    return "".join(out), changes
