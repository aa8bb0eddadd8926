"""The examples runner changes only import lines and download URLs (bench/clearml_examples_kit/rewrite.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def rewrite():  # noqa: ANN201 - the bench module's function
    sys.path.insert(0, str(BENCH))
    try:
        from clearml_examples_kit.rewrite import rewrite as fn

        yield fn
    finally:
        sys.path.remove(str(BENCH))


SOURCE = '''from clearml import Task, Logger
from clearml.automation.controller import PipelineDecorator
import clearml
from pathlib2 import Path
from torchvision import datasets, transforms
    from clearml import StorageManager
x = "clearml is not an import here"
url = "https://allegro-datasets.s3.amazonaws.com/datasets/MNIST.zip"
model_url = "https://github.com/ultralytics/yolov5/releases/download/v6.2/yolov5x6.pt"
'''


def test_only_imports_and_downloads_change(rewrite, tmp_path: Path) -> None:
    text, changes = rewrite(SOURCE, tmp_path, torchvision=True)
    lines = text.splitlines()
    assert lines[0] == "from jupyter_ext import Task, Logger"
    assert lines[1] == "from jupyter_ext.automation.controller import PipelineDecorator"
    assert lines[2] == "import jupyter_ext as clearml"
    assert lines[3] == "from pathlib import Path"
    assert lines[4] == "from example_torchvision import datasets, transforms"
    assert lines[5] == "    from jupyter_ext import StorageManager"
    assert lines[6] == 'x = "clearml is not an import here"'                     # not an import line
    assert lines[7] == f'url = "{(tmp_path / "MNIST.zip").as_uri()}"'           # a download: a local file
    assert lines[8] == SOURCE.splitlines()[8]                                    # registered only: kept
    assert len(changes) == 7 and all(c.startswith("line ") for c in changes)


def test_torchvision_is_kept_unless_asked(rewrite, tmp_path: Path) -> None:
    text, _ = rewrite("from torchvision import datasets\n", tmp_path)
    assert text == "from torchvision import datasets\n"
