"""Every Logger plot kind reported on a model, as ClearML's OutputModel.report_* does."""
import numpy as np
import pandas as pd

from jupyter_ext import OutputModel, Task
from jupyter_ext.utilities.plotly_reporter import SeriesInfo

task = Task.init(project_name="Corpus", task_name="model plots")
with open("weights.bin", "wb") as fh:
    fh.write(b"w")
out = OutputModel(task=task, name="reported model")
out.update_weights(weights_filename="weights.bin")
out.report_scalar("metrics", "mAP", 0.7, 0)
out.report_single_value("epochs", 8)
out.report_table(title="Summary", series="models", iteration=0, table_plot=pd.DataFrame({"m": ["a"], "map": [0.7]}))
out.report_line_plot(title="Accuracy", series=[SeriesInfo(name="a", data=np.array([[0, 1], [1, 2]]))], iteration=0,
                     xaxis="epoch", yaxis="acc")
out.report_histogram(title="hist", series="h", values=[1, 2, 3], iteration=0)
out.report_confusion_matrix(title="confusion", series="c", matrix=np.eye(3), iteration=0)
out.report_scatter2d(title="scatter", series="s", scatter=np.array([[0, 1], [1, 3]]), iteration=0)
out.report_surface(title="surface", series="s", matrix=np.ones((3, 3)), iteration=0)
out.report_scatter3d(title="scatter3d", series="s", scatter=np.array([[0, 1, 2], [1, 2, 3]]), iteration=0)
out.report_vector(title="vector", series="v", values=[3, 2, 1], iteration=0)
out.report_matrix(title="matrix", series="m", matrix=np.ones((2, 2)), iteration=0)
out.report_plotly(title="plotly", series="p", figure={"data": [{"type": "bar", "y": [1, 2]}]}, iteration=0)
print("MODEL_ID=" + out.id)
