"""Which of ClearML's examples run here, how (arguments, prerequisites), and what each must record.

``EXAMPLES`` lists every script this machine can run; ``EXCLUDED`` says, for each other script of
the folder, why not (a GPU, cloud credentials, a framework that is not installed, a network service).
An expectation names what ClearML would record: the task (project, name, type, final status) and the
scalars, plots, debug samples, artifacts, models, parameters and configuration objects the script
reports, by title or name. A check passes when every one named is there (more is fine).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class T:
    """One task the script must leave behind."""

    project: str
    name: str
    type: str | None = None
    status: str | tuple[str, ...] = "completed"
    scalars: tuple[str, ...] = ()        # titles
    plots: tuple[str, ...] = ()          # titles
    debug: tuple[str, ...] = ()          # debug-sample titles
    artifacts: tuple[str, ...] = ()
    models_out: int = 0                  # at least this many output models
    models_in: int = 0                   # at least this many input models
    params: tuple[str, ...] = ()         # "Section/name"
    configs: tuple[str, ...] = ()        # configuration object names
    single: tuple[str, ...] = ()         # single values
    console: str = ""                    # a substring of the captured console
    queue: str | None = None             # the queue it was enqueued to
    count: int = 1                       # how many tasks of this name (at least)
    only: bool = False                   # exactly ``count`` (a subprocess must not make its own)
    props: tuple[str, ...] = ()          # user properties


@dataclass(frozen=True)
class D:
    """One dataset version the script must leave behind (finalized unless said)."""

    project: str
    name: str
    files: int = 1                       # at least
    parents: int = 0
    final: bool = True


@dataclass(frozen=True)
class Example:
    """A script of ClearML's examples folder, run as ``python <script> <args>`` from its own folder."""

    path: str
    expect: tuple[T | D, ...]
    args: tuple[str, ...] = ()
    after: tuple[str, ...] = ()          # scripts run first in the same home (prerequisites)
    stdin: str = ""
    service: bool = False                # runs until stopped: the time limit ends it, then it is checked
    torchvision: bool = False            # imports torchvision: runs on the local stand-in
    env: tuple[tuple[str, str], ...] = ()
    timeout: float = 0.0                 # 0: the runner's default
    agent: tuple[str, ...] = ()          # queues an agent serves while it runs (as a ClearML user would have)
    library_version: str = ""            # fails with today's libraries, as it would under ClearML: why
    place: tuple[str, ...] = ()          # local files copied beside the script (a library's download cache)


E = Example
_R = "reporting/"
_P = "pipeline/"
_DS = "datasets/"
_F = "frameworks/"
_SKLEARN = "scikit-learn 1.8 removed LogisticRegression(multi_class=...)"
_PANDAS_SKLEARN = "pandas 3 refuses Index + list of another length; " + _SKLEARN
_TORCH_SMALL = (("EXAMPLE_MNIST_TRAIN", "512"), ("EXAMPLE_MNIST_TEST", "256"))

EXAMPLES: tuple[Example, ...] = (
    # reporting
    E(_R + "3d_plots_reporting.py", (T("examples", "3D plot reporting",
                                       plots=("example_surface", "example_scatter_3d")),)),
    E(_R + "artifacts.py", (T("examples", "Artifacts example", artifacts=(
        "train", "Pandas", "local file", "dictionary", "Numpy Eye", "pillow_image", "local folder",
        "wildcard jpegs")),)),
    E(_R + "artifacts_retrieval.py", (T("examples", "Artifacts example"),), after=(_R + "artifacts.py",)),
    E(_R + "config_files.py", (T("FirstTrial", "config_files_example",
                                 configs=("json config file", "yaml config file")),)),
    E(_R + "hyper_parameters.py", (T("FirstTrial", "first_trial", params=(
        "Args/argparser_int_value", "General/new_param", "General/list", "from TaskParameters-like object/iterations"),
        configs=("configuration dictionary",), props=("custom1", "custom3")),)),
    E(_R + "image_reporting.py", (T("examples", "Image reporting", debug=("image",)),)),
    E(_R + "matplotlib_automatic_reporting.py", (T("examples", "Matplotlib example", plots=("My Plot Title",)),)),
    E(_R + "matplotlib_manual_reporting.py", (T("examples", "Manual Matplotlib example",
                                                plots=("Manual Reporting", "Seaborn example")),)),
    E(_R + "media_reporting.py", (T("examples", "Audio and video reporting", debug=("video", "audio")),)),
    E(_R + "model_reporting.py", (T("examples", "Model reporting example", models_out=1),)),
    E(_R + "model_reporting_plots.py", (T("examples", "Model reporting plots example", models_out=1),)),
    E(_R + "pandas_reporting.py", (T("examples", "Table reporting", plots=(
        "table pd", "table - csv", "table - list of lists")),)),
    E(_R + "plotly_reporting.py", (T("examples", "plotly reporting", plots=("iris",)),)),
    E(_R + "scalar_reporting.py", (T("examples", "Scalar reporting", scalars=("unified graph", "graph A", "graph B"),
                                     single=("metric A", "metric B")),)),
    E(_R + "scatter_hist_confusion_mat_reporting.py", (T("examples", "2D plots reporting", plots=(
        "single_histogram", "two_histogram", "example_confusion", "example_scatter")),)),
    E(_R + "text_reporting.py", (T("examples", "Text reporting", debug=("text title",),
                                   console="hello, this is plain text"),)),
    E(_R + "using_artifacts_example.py", (T("examples", "Create artifact", artifacts=("data file",)),
                                          T("examples", "Use artifact from other task"))),
    # pipelines
    E(_P + "decorated_pipeline_step_decorators.py", (T("test_decorated", "test_decorated", type="controller"),
                                                     # the component is named after the function it wraps,
                                                     # here the wrapper's own name (as in ClearML)
                                                     T("test_decorated", "function_wrapper"))),
    E(_P + "decorated_pipeline_step_functions.py", (T("test_decorated", "test_decorated", type="controller"),
                                                    T("test_decorated", "step"), T("test_decorated", "evaluate"))),
    E(_P + "full_tabular_data_process_pipeline_example.py", (
        T("xgboost_pipe_demo", "xgboost_pipeline", type="controller", models_out=1),
        # a component called twice: its second node (and task) is train_model_1, as in ClearML
        T("xgboost_pipe_demo", "train_model", models_out=1), T("xgboost_pipe_demo", "train_model_1", models_out=1),
        D("xgboost_pipe_demo", "mock"), D("xgboost_pipe_demo", "mock v2", parents=1))),
    E(_P + "pipeline_from_decorator.py", (T("examples", "custom pipeline logic", type="controller"),
                                          T("examples", "step_one", artifacts=("data_frame",)),
                                          T("examples", "step_three", type="training", artifacts=("model",)),
                                          T("examples", "step_four", type="qc")),
      library_version=_PANDAS_SKLEARN),
    E(_P + "pipeline_from_functions.py", (T("examples", "Pipeline demo", type="controller", params=("Args/url",)),
                                          T("examples", "step_one"), T("examples", "step_two"),
                                          T("examples", "step_three")),
      agent=("default",), library_version=_PANDAS_SKLEARN),
    # the three step templates call execute_remotely() with no queue: the local run ends there, a draft
    E(_P + "step1_dataset_artifact.py", (T("examples", "Pipeline step 1 dataset artifact", status="created"),)),
    E(_P + "step2_data_processing.py", (T("examples", "Pipeline step 2 process dataset", status="created",
                                          params=("General/random_state", "General/test_size")),)),
    E(_P + "step3_train_model.py", (T("examples", "Pipeline step 3 train model", status="created",
                                      params=("General/dataset_task_id",)),)),
    E(_P + "pipeline_from_tasks.py", (T("examples", "Pipeline demo", type="controller"),
                                      T("examples", "stage_data", artifacts=("dataset",)),
                                      T("examples", "stage_process", artifacts=("X_train", "y_test")),
                                      T("examples", "stage_train", models_out=1)),
      after=(_P + "step1_dataset_artifact.py", _P + "step2_data_processing.py", _P + "step3_train_model.py"),
      agent=("default",), library_version=_SKLEARN),
    # datasets
    E(_DS + "csv_dataset_creation.py", (D("dataset_examples", "CSV_Dataset"),)),
    E(_DS + "dataset_creation.py", (D("dataset_examples", "cifar_dataset", files=6),)),
    # the example syncs the TRAIN images into both TRAIN/ and TEST/ (30 + 30 files)
    E(_DS + "dataset_folder_syncing.py", (D("dataset_examples", "MNIST Complete Dataset (Syncing Example)",
                                            files=60),)),
    E(_DS + "multi_parent_child_dataset.py", (D("dataset_examples/MNIST", "MNIST Training Dataset", files=30),
                                              D("dataset_examples/MNIST", "MNIST Testing Dataset", files=20),
                                              D("dataset_examples/MNIST", "MNIST Complete Dataset", files=50,
                                                parents=2))),
    E(_DS + "single_parent_child_dataset.py", (D("dataset_examples", "MNIST Training Dataset", files=30),
                                               D("dataset_examples", "MNIST Complete Dataset", files=50, parents=1))),
    E(_DS + "urbansounds_get_data.py", (T("examples/Urbansounds", "download data",
                                          params=("General/selected_classes",)),
                                        D("examples/Urbansounds", "UrbanSounds example", files=20))),
    # automation and schedulers
    E("automation/toy_base_task.py", (T("examples", "Toy Base Task", params=("General/Example_Param",)),)),
    E("automation/programmatic_orchestration.py", (
        T("examples", "Simple Controller Task", type="controller", params=("General/next_task_name",)),
        T("examples", "Auto generated cloned task", status="queued", queue="default",
          params=("General/Example_Param",))), after=("automation/toy_base_task.py",)),
    E("scheduler/cron_example.py", (T("DevOps", "Task Scheduler", status=("in_progress", "stopped", "completed")),),
      after=(_F + "pytorch/pytorch_mnist.py",), service=True, timeout=45),
    # ClearML names either scheduler's service task "Scheduler"; here they are "Task Scheduler" and "Trigger Scheduler"
    E("scheduler/trigger_example.py", (T("DevOps", "Trigger Scheduler", status="queued", queue="services"),)),
    # distributed and advanced
    E("distributed/subprocess_example.py", (T("examples", "Popen example", only=True,
                                              params=("General/args_3", "Args/num_workers")),),
      args=("--num-workers", "3")),
    E("distributed/pytorch_distributed_example.py", (T("examples", "test torch distributed",
                                                       artifacts=("temp 00", "temp 01"),
                                                       scalars=("loss",)),),
      args=("--nodes", "2", "--workers_in_node", "1"), torchvision=True, env=_TORCH_SMALL),
    E("advanced/execute_remotely_example.py", (T("examples", "Remote_execution PyTorch MNIST train",
                                                 status="queued", queue="default", params=("Args/epochs",)),),
      # it trains one epoch here, then execute_remotely() sends the rest to the queue
      args=("--epochs", "2"), torchvision=True, env=_TORCH_SMALL),
    E("advanced/multiple_tasks_single_process.py", (T("examples", "Same process, Multiple tasks, Task #0"),
                                                    T("examples", "Same process, Multiple tasks, Task #2"))),
    E("advanced/model_finetuning/upload_local_model.py", (T("Example", "Upload Local Model", models_out=1),),
      args=("--model-path", "{DATA}/local_model", "--model-name", "local model")),
    # frameworks
    E(_F + "catboost/catboost_example.py", (T("examples", "CatBoost simple example", scalars=("learn",), models_out=1,
                                              models_in=1),),  # its --iterations has no type: leave it
      place=("catboost_cached_datasets",)),
    E(_F + "click/click_single_cmd.py", (T("examples", "Click single command", params=("Args/count", "Args/name")),),
      args=("--count", "2", "--name", "ann")),
    E(_F + "click/click_multi_cmd.py", (T("examples", "Click multi command", params=("Args/count", "Args/name")),),
      args=("hello", "--count", "2", "--name", "ann")),
    E(_F + "fire/fire_class_cmd.py", (T("examples", "Fire class command", params=("Args/x", "Args/y")),),
      args=("add", "1", "2")),
    E(_F + "fire/fire_dict_cmd.py", (T("examples", "Fire dict command", params=("Args/x", "Args/y")),),
      args=("add", "1", "2")),
    E(_F + "fire/fire_grouping_cmd.py", (T("examples", "Fire grouping command", params=("Args/volume",)),),
      args=("digestion", "run", "--volume", "2")),
    E(_F + "fire/fire_multi_cmd.py", (T("examples", "Fire multi command", params=("Args/count", "Args/name")),),
      args=("hello", "2", "--name", "ann")),
    E(_F + "fire/fire_object_cmd.py", (T("examples", "Fire object command", params=("Args/x", "Args/y")),),
      args=("multiply", "3", "4")),
    E(_F + "fire/fire_single_cmd.py", (T("examples", "Fire single command", params=("Args/count", "Args/name")),),
      args=("--count", "2", "--name", "ann")),
    E(_F + "fire/fire_typing.py", (T("examples", "Fire typing command", params=("Args/arg1", "Args/arg2")),),
      args=("with_args", "1", "[1,2]")),
    E(_F + "hydra/hydra_example.py", (T("examples", "Hydra configuration", configs=("OmegaConf",),
                                        params=("Hydra/dataset.user",)),), args=("dataset.user=alice",)),
    E(_F + "jsonargparse/jsonargparse_command.py", (T("examples", "jsonargparse command",
                                                      params=("Args/prize", "Args/person.name")),),
      args=("--prize", "5", "person", "ann")),
    E(_F + "jsonargparse/jsonargparse_nested_namespaces.py", (T("examples", "jsonargparse nested namespaces",
                                                                params=("Args/arg1.opt1", "Args/not_nested")),),
      args=("--arg1.opt1", "x", "--not-nested", "y")),
    E(_F + "jsonargparse/pytorch_lightning_cli.py", (T("example", "pytorch_lightning_jsonargparse",
                                                       params=("Args/fit.trainer.max_epochs",),
                                                       models_out=1),),  # DemoModel logs no metric
      args=("fit", "--trainer.max_epochs", "1", "--trainer.limit_train_batches", "4", "--trainer.limit_val_batches",
            "2", "--trainer.log_every_n_steps", "1")),
    E(_F + "jsonargparse/pytorch_lightning_cli_old.py", (T("example", "pytorch_lightning_jsonargparse",
                                                           params=("Args/fit.trainer.max_epochs",)),),
      args=("fit", "--trainer.max_epochs", "1", "--trainer.limit_train_batches", "4", "--trainer.limit_val_batches",
            "2"), torchvision=True, env=_TORCH_SMALL),
    E(_F + "keras/keras_v3.py", (T("examples", "keras_v3", models_out=1, models_in=1),),
      env=(("KERAS_BACKEND", "torch"),)),
    E(_F + "lightgbm/lightgbm_example.py", (T("examples", "LightGBM", scalars=("training",), models_out=1),),
      library_version="LightGBM 4 moved train(feature_name=, categorical_feature=) to Dataset"),
    E(_F + "matplotlib/matplotlib_example.py", (T("examples", "Matplotlib example", plots=("My Plot Title",)),)),
    E(_F + "pytorch-lightning/pytorch_lightning_example.py", (T("examples", "pytorch lightning MNIST",
                                                                params=("Args/batch_size",), models_out=1),),
      args=("--batch_size", "1000"), torchvision=True, timeout=400),
    E(_F + "pytorch/pytorch_abseil.py", (T("examples", "PyTorch MNIST train with abseil", params=("TF_DEFINE/epochs",),
                                           scalars=("train", "test"), models_out=1),),
      args=("--epochs", "1", "--nocuda"), torchvision=True, env=_TORCH_SMALL),
    E(_F + "pytorch/pytorch_distributed_example.py", (T("examples", "test torch distributed",
                                                       artifacts=("temp 00", "temp 01"),
                                                        scalars=("loss",)),),
      args=("--nodes", "2", "--workers_in_node", "1"), torchvision=True, env=_TORCH_SMALL),
    E(_F + "pytorch/pytorch_mnist.py", (T("examples", "PyTorch MNIST train", params=("Args/epochs",),
                                          scalars=("train", "test"), models_out=1),),
      args=("--epochs", "1"), torchvision=True, env=_TORCH_SMALL),
    E(_F + "pytorch/pytorch_tensorboard.py", (T("examples", "PyTorch with TensorBoard", scalars=("Train", "Test"),
                                                models_out=1),),
      args=("--epochs", "1"), torchvision=True, env=_TORCH_SMALL),
    E(_F + "pytorch/pytorch_tensorboardx.py", (T("examples", "PyTorch with tensorboardX", scalars=("Train", "Test"),
                                                 models_out=1),),
      args=("--epochs", "1"), torchvision=True, env=_TORCH_SMALL),
    E(_F + "pytorch/tensorboard_toy_pytorch.py", (T("examples", "PyTorch TensorBoard toy example",
                                                    debug=("test", "test_gray", "test_rgba")),)),
    E(_F + "scikit-learn/sklearn_joblib_example.py", (T("examples", "Scikit-learn joblib example", models_out=1,
                                                        plots=("untitled 00",)),)),
    E(_F + "scikit-learn/sklearn_matplotlib_example.py", (T("examples", "scikit-learn matplotlib example",
                                                            plots=("Learning Curves (Naive Bayes)",)),)),
    E(_F + "tensorboardx/pytorch_tensorboardX.py", (T("examples", "PyTorch with tensorboardX",
                                                      scalars=("Train", "Test"),
                                                      models_out=1),),
      args=("--epochs", "1"), torchvision=True, env=_TORCH_SMALL),
    E(_F + "xgboost/xgboost_metrics.py", (T("examples", "XGBoost metric auto reporting", scalars=("train", "test"),
                                            models_out=1),)),
    E(_F + "xgboost/xgboost_sample.py", (T("examples", "XGBoost simple example", models_out=2,  # xgb.01.model: none yet
                                           plots=("Feature importance",)),)),
)

_TF = "TensorFlow is not installed here (no wheel for this environment's constraints)"
EXCLUDED: dict[str, str] = {
    "advanced/model_embedding.py": "calls an OpenAI-compatible embedding service with CLEARML_AUTH_TOKEN; needs PyPDF2",
    "advanced/model_finetuning/extract.py": "git clone of a repository from the internet; needs libcst",
    "advanced/model_finetuning/finetune.py": "downloads a Hugging Face model; needs peft and a GPU to be useful",
    "automation/manual_random_param_search_example.py": "its template is optimization/.../base_template_keras_simple"
                                                        " (TensorFlow)",
    "cicd/check_remotely_runnable.py": "a GitHub Actions step: needs the GitHub event and a ClearML server",
    "cicd/compare_models.py": "a GitHub Actions step: needs the GitHub event and a ClearML server",
    "cicd/example_task.py": "a GitHub Actions step: needs the GitHub event and a ClearML server",
    "cicd/task_stats_to_comment.py": "a GitHub Actions step: posts to GitHub with a token",
    "datasets/data_ingestion.py": "needs pytorch-ignite (not installed)",
    "datasets/urbansounds_dataset_preprocessing.py": "needs torchaudio (not installed)",
    "frameworks/autokeras/autokeras_imdb_example.py": "needs autokeras and TensorFlow",
    "frameworks/fastai/fastai_example.py": "needs fastai (not installed)",
    "frameworks/fastai/fastai_with_tensorboard_example.py": "needs fastai (not installed)",
    "frameworks/fastai/legacy/fastai_example.py": "needs fastai v1 (not installed)",
    "frameworks/fastai/legacy/fastai_with_tensorboard_example.py": "needs fastai v1 (not installed)",
    "frameworks/ignite/cifar_ignite.py": "needs pytorch-ignite (not installed)",
    "frameworks/keras/keras_tensorboard.py": _TF,
    "frameworks/keras/legacy/keras_tensorboard.py": _TF,
    "frameworks/kerastuner/keras_tuner_cifar.py": "needs keras-tuner and tensorflow-datasets",
    "frameworks/kerastuner/keras_tuner_cifar_legacy.py": "needs keras-tuner and tensorflow-datasets",
    "frameworks/megengine/megengine_mnist.py": "needs MegEngine (no wheel for Python 3.11)",
    "frameworks/openmmlab/openmmlab_cifar10.py": "needs mmcv (OpenMMLab) and a CIFAR download",
    "frameworks/pytorch/pytorch_model_update.py": "needs pytorch-ignite (not installed)",
    "frameworks/pytorch/pytorch_matplotlib.py": "downloads VGG19's pretrained weights (torchvision.models)",
    "frameworks/tensorboardx/moviepy_tensorboardx.py": "needs moviepy (not installed)",
    "frameworks/tensorflow/absl_flags.py": _TF,
    "frameworks/tensorflow/legacy/tensorboard_pr_curve.py": _TF,
    "frameworks/tensorflow/legacy/tensorboard_toy.py": _TF,
    "frameworks/tensorflow/legacy/tensorflow_eager.py": _TF,
    "frameworks/tensorflow/legacy/tensorflow_mnist_with_summaries.py": _TF,
    "frameworks/tensorflow/tensorboard_pr_curve.py": _TF,
    "frameworks/tensorflow/tensorboard_toy.py": _TF,
    "frameworks/tensorflow/tensorflow_mnist.py": _TF,
    "optimization/hyper-parameter-optimization/base_template_keras_simple.py": _TF,
    "optimization/hyper-parameter-optimization/hyper_parameter_optimizer.py": "optimizes the TensorFlow template on an"
                                                                               " agent's '1xGPU' queue",
    "optimization/hyper-parameter-optimization/multi_objective_hpo.py": "optimizes the TensorFlow template on an"
                                                                         " agent's '1xGPU' queue",
    "reporting/html_reporting.py": "needs bokeh (not installed)",
    "router/http_router.py": "ClearML's HTTP router proxies through the ClearML server's task router (Enterprise)",
    "router/multi_endpoints.py": "ClearML's HTTP router proxies through the ClearML server's task router (Enterprise)",
    "router/simple_webserver.py": "the router examples' backend: needs uvicorn and fastapi",
    "services/aws-autoscaler/aws_autoscaler.py": "needs AWS credentials",
    "services/cleanup/cleanup_service.py": "drives a ClearML server through its REST client (clearml.backend_api)",
    "services/monitoring/slack_alerts.py": "needs slack_sdk and a Slack token",
}
EXCLUDED_FOLDERS: dict[str, str] = {
    "hyperdatasets/": "Hyper-Datasets are a ClearML Enterprise feature (allegroai package)",
}
