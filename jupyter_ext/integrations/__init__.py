"""Automatic capture from the libraries a script uses (``Task.init(auto_connect_frameworks=...)``).

One module per framework. None of them is imported, and no framework is, until the framework
itself is imported by the user's code: :func:`install` only registers post-import hooks (see
``_imports``), and each hook imports its module here when it fires. A framework imported before
``Task.init`` is patched at once.

=================  ===========================================================================
key                what is captured
=================  ===========================================================================
``matplotlib``     figures shown or saved (seaborn too), in scripts and in notebooks (inline)
``tensorboard``    ``torch.utils.tensorboard`` and ``tensorboardX`` writers: scalars,
                   histograms, images, figures, text, hparams (``{"report_hparams": False}``)
``pytorch``        ``torch.save`` to a file, and Lightning checkpoints, as OutputModels; ``torch.load``
                   of a file as an input model (Lightning's metrics come through its
                   TensorBoard logger)
``catboost``       per-iteration metrics of ``fit``; ``save_model``; ``load_model`` (input)
``xgboost``        per-iteration eval metrics of ``train`` / ``fit``; ``save_model``; ``load_model``
``lightgbm``       per-iteration eval metrics of ``train`` / ``fit``; ``save_model``;
                   ``Booster(model_file=...)`` (input)
``scikit``,        ``joblib.dump`` (scikit-learn models are saved with it); ``joblib.load`` (input)
``joblib``
``tensorflow``,    Keras ``model.save`` / ``save_weights`` / ``keras.saving.save_model``;
``keras``          ``load_model`` / ``load_weights`` (input)
``transformers``   what a Hugging Face ``Trainer`` logs (loss, learning rate, eval metrics)
``fire``           the arguments of what ``fire.Fire`` calls, in ``Args``
``jsonargparse``   everything ``jsonargparse`` parses (``CLI``, ``LightningCLI``), in ``Args``
``hydra``          the composed config as the ``OmegaConf`` configuration object, the
                   overrides in ``Hydra``
=================  ===========================================================================

The command-line libraries (the last three) are watched from the import of ``jupyter_ext`` on
(:func:`watch_clis`), as argparse is, because they parse before ``Task.init`` when it is called
from inside the command; what they parse then is recorded when ``Task.init`` runs.
"""
from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from jupyter_ext.integrations import _imports
from jupyter_ext.integrations._state import set_switches
from jupyter_ext.integrations._switches import Switches, parse

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task

# (framework keys that switch it on, module watched, our module, our function)
HOOKS: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (("matplotlib",), "matplotlib.figure", "matplotlib", "_patch_figure"),
    (("matplotlib",), "matplotlib.pyplot", "matplotlib", "_patch_pyplot"),
    (("matplotlib",), "matplotlib_inline.backend_inline", "matplotlib", "_patch_inline"),
    (("tensorboard",), "torch.utils.tensorboard.writer", "tensorboard", "patch_writer"),
    (("tensorboard",), "tensorboardX.writer", "tensorboard", "patch_writer"),
    (("pytorch",), "torch", "pytorch", "patch_torch"),
    (("pytorch",), "lightning.fabric.plugins.io.torch_io", "pytorch", "patch_checkpoint_io"),
    (("pytorch",), "lightning_fabric.plugins.io.torch_io", "pytorch", "patch_checkpoint_io"),
    (("catboost",), "catboost", "catboost", "hook"),
    (("xgboost",), "xgboost", "xgboost", "hook"),
    (("lightgbm",), "lightgbm", "lightgbm", "hook"),
    (("scikit", "joblib"), "joblib", "joblib", "hook"),
    (("tensorflow", "keras"), "keras", "keras", "hook"),
    (("transformers",), "transformers.trainer", "transformers", "patch_trainer"),
)

# (framework key, module watched, our module, our function): hooked from the import of jupyter_ext
CLI_HOOKS: tuple[tuple[str, str, str, str], ...] = (
    ("fire", "fire.core", "fire_args", "hook"),
    ("hydra", "hydra", "hydra_args", "hook"),
    ("jsonargparse", "jsonargparse", "jsonargparse_args", "hook"),
    ("click", "click", "click_args", "_patch"),  # switched by auto_connect_arg_parser
)

_installed: set[tuple[str, str, str]] = set()
_watching: list[bool] = []


def watch_clis() -> None:
    """Hook the command-line libraries when they are imported (at once if they are): cheap, no
    library is imported here."""
    if _watching:
        return
    _watching.append(True)
    for _key, watched, ours, function in CLI_HOOKS:
        _imports.when_imported(watched, _hook(ours, function))


def install(task: Task, frameworks: Any) -> Switches:
    """Switch the integrations as ``frameworks`` (``auto_connect_frameworks``) says and hook
    the frameworks that are on. Cheap: nothing is imported for a framework not yet imported."""
    switches = parse(frameworks)
    set_switches(switches)
    for keys, watched, ours, function in HOOKS:
        if not any(switches.on(k) for k in keys) or (watched, ours, function) in _installed:
            continue
        _installed.add((watched, ours, function))
        _imports.when_imported(watched, _hook(ours, function))
    cli = sys.modules.get(f"{__name__}._cli")
    if cli is not None:  # a command-line library parsed before this Task.init
        cli.flush(task)
    return switches


def _hook(ours: str, function: str) -> Callable[[ModuleType], None]:
    def fire(module: ModuleType) -> None:
        getattr(importlib.import_module(f"{__name__}.{ours}"), function)(module)
    return fire
