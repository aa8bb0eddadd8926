"""StorageManager: the first ``get_local_copy`` of a 32 MB file served by a local http.server
(download to a temporary name, rename into the cache), a second call (a cache hit: one stat and
a touch), and ``upload_folder`` / ``download_folder`` of 200 small files between two folders.
"""
from __future__ import annotations

from _common import EMIT, Row, main, repeat, run_child

CHILD = EMIT + """
import functools, http.server, os, threading, time
www = os.path.join(os.getcwd(), "www"); os.makedirs(www)
with open(os.path.join(www, "big.bin"), "wb") as fh:
    fh.write(os.urandom(32 << 20))
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=www))
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}/big.bin"
src = os.path.join(os.getcwd(), "src")
for i in range(200):
    os.makedirs(os.path.join(src, f"d{i % 10}"), exist_ok=True)
    with open(os.path.join(src, f"d{i % 10}", f"f{i}.txt"), "w") as fh:
        fh.write("x" * 1000)
from jupyter_ext import StorageManager
t0 = time.perf_counter(); path = StorageManager.get_local_copy(url); t1 = time.perf_counter()
StorageManager.get_local_copy(url); t2 = time.perf_counter()
assert os.path.getsize(path) == 32 << 20
remote = os.path.join(os.getcwd(), "remote")
t3 = time.perf_counter(); StorageManager.upload_folder(src, remote); t4 = time.perf_counter()
StorageManager.download_folder(remote, os.path.join(os.getcwd(), "back")); t5 = time.perf_counter()
server.shutdown()
emit(first=t1 - t0, hit=t2 - t1, up=t4 - t3, down=t5 - t4)
"""


def collect() -> list[Row]:
    runs = repeat(lambda: run_child(CHILD), desc="storage")
    return [
        Row("get_local_copy: first call, 32 MB over http (download + rename)", [r["first"] for r in runs], None),
        Row("get_local_copy: second call (cache hit)", [r["hit"] for r in runs], None, unit="us"),
        Row("upload_folder: 200 files of 1 kB to a folder", [r["up"] for r in runs], None),
        Row("download_folder: the same 200 files back", [r["down"] for r in runs], None),
    ]


if __name__ == "__main__":
    main(collect)
