"""The user's guide Titanic walkthrough, as a tracked run.

The code of each step is the guide's, with only the import line changed to ``jupyter_ext``.
Run it with ``python examples/titanic_walkthrough.py`` (``--trials 5`` for a quick run).
"""
import argparse
import os

import numpy as np
import pandas as pd

from jupyter_ext import Logger, Task

HERE = os.path.dirname(os.path.abspath(__file__))

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--trials", type=int, default=50, help="random-search trials (the guide uses 50)")
parser.add_argument("--data", default=os.path.join(HERE, "data", "titanic.csv"))
cli = parser.parse_args()  # parsed arguments land in the task's Args section by themselves

# Step 1. A new task
task = Task.init(
    project_name="ClearML_Test",
    task_name="Titanic Survival Prediction",
    tags=["CatBoost", "RandomSearch"])

# Step 2. The data, stored with the task
fpath = cli.data
df_raw = pd.read_csv(fpath)
task.upload_artifact(name="data.raw", artifact_object=fpath)

# Step 3. A first look (EDA), stored as artifacts
task.upload_artifact(
    name="eda.describe.object",
    artifact_object=df_raw.describe(include=object))
task.upload_artifact(
    name="eda.describe.number",
    artifact_object=df_raw.describe(include=np.number))

# Step 4. A plot (the guide draws a seaborn pairplot; a lighter figure keeps the demo quick)
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots()
for survived, group in df_raw.groupby("Survived"):
    ax.hist(group["Age"].dropna(), bins=20, alpha=0.6, label=f"Survived={survived}")
ax.set_xlabel("Age")
ax.set_ylabel("Passengers")
ax.legend()
plt.title("Age by outcome")
plt.show()  # captured into the task's Plots by itself, as the guide says
plt.close(fig)

# Step 5. Preprocessing
from sklearn.model_selection import train_test_split  # noqa: E402

df_preproc = df_raw.drop(columns=["PassengerId", "Name", "Ticket"])
for col in ["Sex", "Cabin", "Embarked"]:
    # pandas 3 keeps missing values through astype(str); fillna gives the "nan" pandas 2 gave,
    # which CatBoost needs for categorical columns.
    df_preproc[col] = df_preproc[col].astype(str).fillna("nan")
task.upload_artifact(name="data.preproc", artifact_object=df_preproc)
train_df, test_df = train_test_split(df_preproc, test_size=0.33, random_state=42)
task.upload_artifact(name="data.train", artifact_object=train_df)
task.upload_artifact(name="data.test", artifact_object=test_df)

# Step 6. A first model
from catboost import CatBoostClassifier, Pool  # noqa: E402

X_train = train_df.drop(columns=["Survived"])
y_train = train_df["Survived"]
model = CatBoostClassifier(silent=True)
model.fit(X_train, y_train, cat_features=["Sex", "Cabin", "Embarked"])

# Step 7. Random search, logging the best results as they improve
from sklearn.model_selection import ParameterSampler  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

param_grid = {
    "depth": [4, 5, 6, 7, 8],
    "learning_rate": [0.1, 0.05, 0.01, 0.005, 0.001],
    "iterations": [30, 50, 100, 150],
}
task.connect(param_grid, name="search space")
X_test = test_df.drop(columns=["Survived"])
y_test = test_df["Survived"]
log = Logger.current_logger()
best_score = 0
best_model = None
iteration = 0
for params in tqdm(list(ParameterSampler(param_grid, n_iter=cli.trials, random_state=42)), desc="random search"):
    model = CatBoostClassifier(**params, silent=True)
    model.fit(X_train, y_train, cat_features=["Sex", "Cabin", "Embarked"])
    test_scores = model.eval_metrics(
        Pool(X_test, y_test, cat_features=["Sex", "Cabin", "Embarked"]),
        metrics=["Logloss", "AUC"]
    )
    test_logloss = round(test_scores["Logloss"][-1], 4)
    test_auc = round(test_scores["AUC"][-1] * 100, 1)
    train_scores = model.eval_metrics(
        Pool(X_train, y_train, cat_features=["Sex", "Cabin", "Embarked"]),
        metrics=["Logloss", "AUC"]
    )
    train_logloss = round(train_scores["Logloss"][-1], 4)
    train_auc = round(train_scores["AUC"][-1] * 100, 1)
    if test_auc > best_score:
        best_score = test_auc
        best_model = model
        log.report_scalar(title="Logloss", series="Test", iteration=iteration, value=test_logloss)
        log.report_scalar(title="Logloss", series="Train", iteration=iteration, value=train_logloss)
        log.report_scalar(title="ROC AUC", series="Test", iteration=iteration, value=test_auc)
        log.report_scalar(title="ROC AUC", series="Train", iteration=iteration, value=train_auc)
        iteration += 1

log.report_single_value("Best ROC AUC", best_score)
log.report_single_value("Best Logloss", test_logloss)
log.report_single_value("Train Rows", X_train.shape[0])
log.report_single_value("Test Rows", X_test.shape[0])
log.report_single_value("Features", X_train.shape[1])
log.report_single_value("Positive Ratio (Train)", round(y_train.mean(), 3))
log.report_single_value("Positive Ratio (Test)", round(y_test.mean(), 3))

# A table and a plot of the search, so the task shows more than numbers.
log.report_table(title="Data", series="describe", iteration=0, table_plot=df_raw.describe(include=np.number))
importances = best_model.get_feature_importance()
log.report_histogram(title="Feature importance", series="best model", values=importances,
                     xlabels=list(X_train.columns), iteration=0)

# Step 8. The best model on disk; saving it registers it as the task's output model by itself
best_model.save_model("best_model.cbm")

# Step 9. Done
task.close()

# What was stored, read back from the store.
stored = Task.get_task(task_id=task.id)
print(f"\nTask {stored.id}: {stored.name!r} in project {stored.get_project_name()!r}, status {stored.get_status()}")
for title, series in stored.get_last_scalar_metrics().items():
    if title.startswith(":monitor:"):  # machine load, recorded by itself while the task ran
        continue
    for name, m in series.items():
        print(f"  {title:8s} {name:5s} last={m['last']:<8g} min={m['min']:<8g} max={m['max']:<8g}")
for name, value in stored.get_reported_single_values().items():
    print(f"  {name:24s} {value:g}")
print(f"  {len(stored.get_parameters())} parameters, {len(stored.get_reported_plots())} plots, "
      f"{len(stored.artifacts)} artifacts ({', '.join(stored.artifacts)}), "
      f"{len(stored.models['output'])} output model(s)")
print(f"  data.train read back: {stored.artifacts['data.train'].get().shape} rows x columns")
print(f"see it all with: jupyter track show {stored.id}")
