"""ClearML's task_parameters module and plotly_reporter's SeriesInfo."""
import numpy as np

from jupyter_ext import Task
from jupyter_ext.task_parameters import TaskParameters, param, percent_param
from jupyter_ext.utilities.plotly_reporter import SeriesInfo


class TrainParams(TaskParameters):
    iterations = param(type=int, desc="Number of iterations", range=(0, 100000), default=500)
    target_accuracy = percent_param(desc="The target accuracy", default=0.9)


task = Task.init(project_name="Corpus", task_name="parameters")
params = TrainParams(iterations=1000)
task.connect(params)
try:
    TrainParams(target_accuracy=1.5)
except ValueError as exc:
    print("REFUSED=" + str(exc))
series = [SeriesInfo(name="train", data=np.array([[0, 1.0], [1, 0.5], [2, 0.25]])),
          SeriesInfo(name="val", data=np.array([[0, 1.1], [1, 0.7], [2, 0.4]]))]
task.get_logger().report_line_plot(title="loss curves", series=series, iteration=0, xaxis="epoch", yaxis="loss")
