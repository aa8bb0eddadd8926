"""The Task calls a ClearML script makes besides Task.init: requirements, user properties, reload."""
import subprocess
import sys

from jupyter_ext import Task

with open("requirements.txt", "w") as fh:
    fh.write("numpy>=1.20\nrequests\n")
Task.add_requirements("requirements.txt")   # before Task.init, as in ClearML
Task.add_requirements("pandas", ">=1.0")
task = Task.init(project_name="Corpus", task_name="task api")
task.set_user_properties(owner="ann", dataset_rev=3)
assert task.get_user_properties(value_only=True) == {"owner": "ann", "dataset_rev": 3}
params = task.connect({"lr": 0.1, "epochs": 3})
p = task.get_parameters()
p["lr"] = 0.5                                # a bare name is General/lr; the later value wins
task.set_parameters(p)
task.flush(wait_for_uploads=True)
# someone else (here another process, as an agent or a colleague would) changes the task
subprocess.run([sys.executable, "-c", f"""
from jupyter_ext import Task
t = Task.get_task(task_id={task.id!r})
t.set_user_properties(owner="bob")
t.set_comment("edited elsewhere")
"""], check=True)
task.reload()
assert task.get_user_properties(value_only=True)["owner"] == "bob"
assert task.comment == "edited elsewhere"
print("TASK_ID=" + task.id)
