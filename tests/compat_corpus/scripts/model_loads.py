"""Model files loaded by the frameworks become the task's input models, as in ClearML."""
import joblib
import numpy as np
import torch
import xgboost as xgb
from sklearn.linear_model import LinearRegression

# made before the task exists: these saves are not this run's output models
joblib.dump(LinearRegression().fit(np.array([[0.0], [1.0]]), np.array([0.0, 1.0])), "linear.pkl")
torch.save({"w": torch.zeros(2)}, "weights.pt")
xgb.train({"objective": "reg:squarederror"}, xgb.DMatrix(np.eye(4), label=np.arange(4)), 2).save_model("booster.json")

from jupyter_ext import Task  # noqa: E402 - the files above are someone else's models

task = Task.init(project_name="Corpus", task_name="model loads")
joblib.load("linear.pkl")
torch.load("weights.pt")
booster = xgb.Booster()
booster.load_model("booster.json")
