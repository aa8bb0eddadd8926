"""StorageManager as a ClearML script uses it: a local http server stands in for the remote side."""
import functools
import http.server
import os
import threading
import zipfile

from jupyter_ext import StorageManager, Task


def read(path, mode="r"):
    with open(path, mode) as fh:
        return fh.read()


www = os.path.abspath("www")
os.makedirs(www)
with open(os.path.join(www, "iris.csv"), "w") as fh:
    fh.write("a,b\n1,2\n")
with zipfile.ZipFile(os.path.join(www, "data.zip"), "w") as zf:
    zf.writestr("data/train.csv", "x\n1\n")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=www))
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}"

task = Task.init(project_name="Corpus", task_name="storage")
local = StorageManager.get_local_copy(remote_url=f"{base}/iris.csv")
assert read(local) == "a,b\n1,2\n"
assert StorageManager.get_local_copy(remote_url=f"{base}/iris.csv") == local  # cached by URL
again = StorageManager.get_local_copy(remote_url=f"{base}/iris.csv", force_download=True)
assert read(again) == "a,b\n1,2\n"
extracted = StorageManager.get_local_copy(remote_url=f"{base}/data.zip", extract_archive=True)
assert read(os.path.join(extracted, "data", "train.csv")) == "x\n1\n"
as_file = StorageManager.get_local_copy(remote_url="file://" + os.path.join(www, "iris.csv"))
assert read(as_file) == "a,b\n1,2\n"

bucket = "file://" + os.path.abspath("bucket")
with open("model.pkl", "wb") as fh:
    fh.write(b"weights")
StorageManager.upload_file(local_file="model.pkl", remote_url=f"{bucket}/models/model.pkl")
os.makedirs("data/sub")
for name in ("data/a.txt", "data/sub/b.txt"):
    with open(name, "w") as fh:
        fh.write(name)
StorageManager.upload_folder(local_folder="data", remote_url=f"{bucket}/data/")
StorageManager.download_folder(remote_url=f"{bucket}/data/", local_folder="copy/")
# as in ClearML, each file lands under the folder at its path below the bucket (a local path: below the root)
copied = os.path.join("copy", os.path.abspath("bucket").lstrip(os.sep), "data", "sub", "b.txt")
assert read(copied) == "data/sub/b.txt"
listed = sorted(StorageManager.list(remote_url=f"{bucket}/data/"))
assert listed == ["a.txt", "sub/b.txt"], listed
assert StorageManager.exists_file(remote_url=f"{bucket}/models/model.pkl")
assert StorageManager.get_file_size_bytes(remote_url=f"{bucket}/models/model.pkl") == 7
got = StorageManager.download_file(remote_url=f"{bucket}/models/model.pkl", local_folder="downloaded")
assert read(got, "rb") == b"weights"
StorageManager.set_cache_file_limit(100)

# an artifact's url, opened as a pipeline step on another machine would
task.upload_artifact("table", artifact_object=local, wait_on_upload=True)
url = task.artifacts["table"].url
assert read(StorageManager.get_local_copy(remote_url=url)) == "a,b\n1,2\n"

# a URL that cannot be reached: a clear error naming it, nothing half-written in the cache
try:
    StorageManager.get_local_copy(remote_url=f"{base}/missing.csv")
except Exception as exc:  # noqa: BLE001 - the message is what is checked
    assert "missing.csv" in str(exc), exc
    print("UNREACHABLE_ERROR=" + type(exc).__name__)
server.shutdown()
