"""The user's guide Titanic walkthrough, steps 2, 3 and 5 (artifacts), with only the import
changed to ``jupyter_ext``; another process reads everything back."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
TITANIC = ROOT / "examples" / "data" / "titanic.csv"

# The guide's code. Step 1 creates the task; step 3 uses numpy, imported in the guide only in
# step 5, so it is imported before step 3 here; and the guide's step 5 (flattened by its
# formatting) uploads data.preproc after the loop, as its text says.
GUIDE = """
from jupyter_ext import Task, Logger
task = Task.init(
    project_name="ClearML_Test",
    task_name="Titanic Survival Prediction",
    tags=["CatBoost", "RandomSearch"] )

# Step 2
import pandas as pd
fpath = "titanic.csv"
df_raw = pd.read_csv(fpath)
task.upload_artifact(name="data.raw", artifact_object=fpath)

# Step 3
import numpy as np
task.upload_artifact(
    name="eda.describe.object",
    artifact_object=df_raw.describe(include=object) )
task.upload_artifact(
    name="eda.describe.number",
    artifact_object=df_raw.describe(include=np.number) )

# Step 5
from sklearn.model_selection import train_test_split
df_preproc = df_raw.drop(columns=["PassengerId", "Name", "Ticket"])
for col in ["Sex", "Cabin", "Embarked"]:
    df_preproc[col] = df_preproc[col].astype(str)
task.upload_artifact(name="data.preproc", artifact_object=df_preproc)

train_df, test_df = train_test_split(df_preproc, test_size=0.33, random_state=42)
task.upload_artifact(name="data.train", artifact_object=train_df)
task.upload_artifact(name="data.test", artifact_object=test_df)
print("TASK_ID=" + task.id)
"""

READ_BACK = """
import json
import numpy as np, pandas as pd
from sklearn.model_selection import train_test_split
from jupyter_ext import Task

task = Task.get_task(project_name="ClearML_Test", task_name="Titanic Survival Prediction")
arts = task.artifacts
df_raw = pd.read_csv("titanic.csv")
df_preproc = df_raw.drop(columns=["PassengerId", "Name", "Ticket"])
for col in ["Sex", "Cabin", "Embarked"]:
    df_preproc[col] = df_preproc[col].astype(str)
train_df, test_df = train_test_split(df_preproc, test_size=0.33, random_state=42)
checks = {}
checks["raw bytes"] = open(arts["data.raw"].get_local_copy(), "rb").read() == open("titanic.csv", "rb").read()
pd.testing.assert_frame_equal(arts["eda.describe.number"].get(), df_raw.describe(include=np.number))
for name, expected in [("data.preproc", df_preproc), ("data.train", train_df), ("data.test", test_df)]:
    pd.testing.assert_frame_equal(arts[name].get(), expected, check_dtype=False)
obj = arts["eda.describe.object"].get()
checks["describe.object"] = [list(obj.index), list(obj.columns)]
checks["types"] = {n: a.type for n, a in arts.items()}
checks["preview"] = arts["data.train"].preview.splitlines()[0]
checks["status"] = task.get_status()
print("CHECKS=" + json.dumps(checks))
"""


def test_the_guides_titanic_artifact_steps(run_py: Any) -> None:
    shutil.copy(TITANIC, run_py.workdir / "titanic.csv")
    out = run_py.run(GUIDE)
    assert out.returncode == 0, out.stderr
    back = run_py.run(READ_BACK)
    assert back.returncode == 0, back.stderr
    checks = json.loads(next(ln for ln in back.stdout.splitlines() if ln.startswith("CHECKS="))[7:])
    assert checks["raw bytes"] is True
    assert checks["describe.object"] == [["count", "unique", "top", "freq"],
                                         ["Name", "Sex", "Ticket", "Cabin", "Embarked"]]
    assert checks["types"] == {"data.raw": "custom", "eda.describe.object": "pandas",
                               "eda.describe.number": "pandas", "data.preproc": "pandas",
                               "data.train": "pandas", "data.test": "pandas"}
    assert "Survived" in checks["preview"]
    assert checks["status"] == "completed"
