"""HttpBackend: the Backend over the REST API, for SDKs and agents on other machines.

One ``requests.Session`` (pooled connections, shared by the caller and the reporter thread),
retries with backoff for connection failures and 502/503/504 answers, timeouts on every
call, the certificate settings on API calls and file transfers alike. The access key is
traded once for a short-lived bearer token, renewed when the server says it expired. Errors
come back as the very exception classes the server raised (``wire.errors``).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from jupyter_ext.client.backend import Backend
from jupyter_ext.client.http_datasets import DatasetCalls
from jupyter_ext.client.http_models import ModelCalls
from jupyter_ext.client.http_queues import QueueCalls
from jupyter_ext.errors import InvalidArgument, TrackError, Unauthenticated, Unavailable
from jupyter_ext.wire import codec, event_codec
from jupyter_ext.wire.errors import error_from_body
from jupyter_ext.wire.routes import API_PREFIX, MAX_JSON_BYTES, ROUTE

if TYPE_CHECKING:
    import requests

    from jupyter_ext.core.event_batch import BatchResult, EventBatch
    from jupyter_ext.core.gc import Collected
    from jupyter_ext.store.blobs import BlobStore
    from jupyter_ext.store.rows import (
        ArtifactRow,
        CellRunRow,
        ConfigRow,
        NotebookSnapshotRow,
        ParamRow,
        ProjectRow,
        TaskRow,
    )

_CHUNK = 1 << 20
READ_TIMEOUT = 120.0
_TRANSFER_ATTEMPTS = 4


def api_base(host: str) -> str:
    """``https://host[:port][/prefix]`` -> the API root ending in ``track/api/v1/``."""
    if "://" not in host:
        raise InvalidArgument(f"api_host {host!r} must be a URL such as https://tracker.example.com:8008")
    base = host.rstrip("/") + "/"
    return base if base.endswith(API_PREFIX) else base + API_PREFIX


class HttpBackend(ModelCalls, QueueCalls, DatasetCalls, Backend):
    def __init__(self, host: str, access_key: str, secret_key: str, *, verify: bool | str = True,
                 connect_timeout: float = 3.0, read_timeout: float = READ_TIMEOUT, retries: int = 3,
                 token_ttl: float = 3600.0, config: Any = None, hub_token: str = "") -> None:
        self._hub_token = "" if access_key and secret_key else hub_token
        if (not access_key or not secret_key) and not self._hub_token:
            raise Unauthenticated(f"api_host is {host} but no API key is set: set access_key and secret_key "
                                  f"(JUPYTER_TRACK_ACCESS_KEY / JUPYTER_TRACK_SECRET_KEY, or run `jupyter track init`)")
        self.base = api_base(host)
        self.host = host
        self._access_key = access_key
        self._secret_key = secret_key
        self.verify = verify
        self.timeout = (connect_timeout, read_timeout)
        self._retries = retries
        self.config = config  # for error messages naming the settings in force
        self._token: str | None = None
        self._token_ttl = token_ttl
        self._token_lock = threading.Lock()
        self._session: requests.Session | None = None
        self._session_lock = threading.Lock()
        self._elsewhere: dict[str, BlobStore] = {}

    @classmethod
    def from_config(cls, config: Any) -> HttpBackend:
        verify = config.requests_verify() if hasattr(config, "requests_verify") else config.verify_certificate
        return cls(config.api_host, config.access_key, config.secret_key, verify=verify,
                   connect_timeout=float(getattr(config, "connect_timeout", 3.0)), config=config,
                   hub_token=str(getattr(config, "hub_api_token", "") or ""))

    def __repr__(self) -> str:  # never the secret
        return f"HttpBackend({self.base!r}, access_key={self._access_key!r})"

    # -- transport --------------------------------------------------------------------------------
    @property
    def session(self) -> requests.Session:
        with self._session_lock:
            if self._session is None:
                import requests
                from requests.adapters import HTTPAdapter
                from urllib3.util.retry import Retry

                # One connect retry only: a dead host must not cost minutes (each try waits up to
                # connect_timeout); the reporter retries and spools on its own schedule.
                retry = Retry(total=self._retries, connect=min(1, self._retries), read=self._retries,
                              status=self._retries, backoff_factor=0.2, status_forcelist=(502, 503, 504),
                              raise_on_status=False, allowed_methods=frozenset({"GET", "HEAD", "PUT", "DELETE"}))
                session = requests.Session()
                adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=retry)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                session.verify = self.verify
                session.headers["User-Agent"] = "jupyter-ext"
                self._session = session
            return self._session

    def _auth_header(self, renew: bool = False) -> dict[str, str]:
        if self._hub_token:  # a JupyterHub user's server: the team server asks the Hub whose token it is
            return {"Authorization": f"token {self._hub_token}"}
        with self._token_lock:
            if self._token is None or renew:
                for attempt in range(2):
                    # Minting a token changes nothing on the server, so unlike other POSTs it may be
                    # sent again when a pooled connection was dropped under it.
                    try:
                        response = self._send("POST", ROUTE["issue_token"].url(), json={"ttl": self._token_ttl},
                                              auth=(self._access_key, self._secret_key))
                        break
                    except Unavailable:
                        if attempt:
                            raise
                self._token = str(self._check(response)["token"])
            return {"Authorization": f"Bearer {self._token}"}

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        import requests

        from jupyter_ext.client.tls import translate_request_error

        kwargs.setdefault("timeout", self.timeout)
        # Per request: requests lets REQUESTS_CA_BUNDLE override a session's verify, not this.
        kwargs.setdefault("verify", self.verify)
        try:
            return self.session.request(method, self.base + path, **kwargs)
        except (requests.exceptions.RequestException, OSError) as exc:
            # a TLS failure names the setting that fixes it; an unreachable server is Unavailable
            raise translate_request_error(exc, self.base + path, self.config) from exc

    def _check(self, response: requests.Response) -> Any:
        if response.status_code < 300:
            return response.json() if response.content else None
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        raise error_from_body(response.status_code, body)

    def _request(self, name: str, path: Mapping[str, str] | None = None, **kwargs: Any) -> Any:
        route = ROUTE[name]
        url = route.url(**(path or {}))
        headers = {**kwargs.pop("headers", {}), **self._auth_header()}
        response = self._send(route.method, url, headers=headers, **kwargs)
        if response.status_code == 401:  # the token expired (or the server forgot its key): once more
            headers.update(self._auth_header(renew=True))
            response = self._send(route.method, url, headers=headers, **kwargs)
        return self._check(response)

    def _json(self, name: str, path: Mapping[str, str] | None = None, body: Any = None, **kwargs: Any) -> Any:
        if body is not None:
            kwargs["data"] = codec.dumps(body)
            kwargs["headers"] = {"Content-Type": "application/json"}
        return codec.times_to_epoch(self._request(name, path, **kwargs))

    def close(self) -> None:
        with self._session_lock:
            if self._session is not None:
                self._session.close()
                self._session = None

    # -- tasks ------------------------------------------------------------------------------------
    def create_task(self, spec: Mapping[str, Any]) -> TaskRow:
        return codec.task_in(self._request("create_task", data=codec.dumps(dict(spec)),
                                           headers={"Content-Type": "application/json"}))

    def get_task(self, task_id: str) -> TaskRow:
        return codec.task_in(self._request("get_task", {"task_id": task_id}))

    def query_tasks(self, **filters: Any) -> list[TaskRow]:
        params = _task_query(filters)
        return [codec.task_in(d) for d in self._request("list_tasks", params=params)["items"]]

    def update_task(self, task_id: str, fields: Mapping[str, Any]) -> TaskRow:
        return codec.task_in(self._request("update_task", {"task_id": task_id}, data=codec.dumps(dict(fields)),
                                           headers={"Content-Type": "application/json"}))

    def _post(self, name: str, path: Mapping[str, str] | None, body: Mapping[str, Any]) -> Any:
        """A JSON body sent, the answer as the server wrote it (no time conversion)."""
        return self._request(name, path, data=codec.dumps(dict(body)), headers={"Content-Type": "application/json"})

    def _task_post(self, name: str, task_id: str, body: Mapping[str, Any]) -> TaskRow:
        return codec.task_in(self._post(name, {"task_id": task_id}, body))

    def set_task_status(self, task_id: str, status: str, *, force: bool = False, message: str = "",
                        reason: str = "") -> TaskRow:
        return self._task_post("set_task_status", task_id,
                               {"status": status, "force": force, "message": message, "reason": reason})

    def reset_task(self, task_id: str, *, force: bool = False) -> TaskRow:
        return self._task_post("reset_task", task_id, {"force": force})

    def clone_task(self, source_id: str, *, name: str | None = None, comment: str | None = None,
                   parent_id: str | None = None, project: str | None = None) -> TaskRow:
        body = {k: v for k, v in (("name", name), ("comment", comment), ("parent_id", parent_id),
                                  ("project", project)) if v is not None}
        return self._task_post("clone_task", source_id, body)

    def move_task(self, task_id: str, project: str) -> TaskRow:
        return self._task_post("move_task", task_id, {"project": project})

    def archive_task(self, task_id: str, archived: bool = True) -> TaskRow:
        return self._task_post("archive_task" if archived else "unarchive_task", task_id, {})

    def delete_task(self, task_id: str, *, force: bool = False, delete_models: bool = True) -> None:
        self._request("delete_task", {"task_id": task_id},
                      params={"force": _flag(force), "delete_models": _flag(delete_models)})

    def is_task_reusable(self, task_id: str, *, project: str, name: str, task_type: str) -> bool:
        got = self._request("is_task_reusable", {"task_id": task_id},
                            params={"project": project, "name": name, "type": task_type})
        return bool(got["reusable"])

    def list_projects(self) -> list[ProjectRow]:
        return [codec.project_in(d) for d in self._request("list_projects")["items"]]

    # -- parameters and configuration -------------------------------------------------------------
    def set_parameters(self, task_id: str, rows: Sequence[ParamRow], *, replace: bool = False,
                       force: bool = False) -> None:
        self._json("set_parameters", {"task_id": task_id},
                   {"parameters": [codec.param_out(r) for r in rows], "replace": replace, "force": force})

    def get_parameters(self, task_id: str) -> list[ParamRow]:
        return [codec.param_in(d) for d in self._request("get_parameters", {"task_id": task_id})["items"]]

    def set_configuration(self, task_id: str, config: ConfigRow, *, force: bool = False) -> None:
        body = {**codec.config_out(config), "force": force}
        self._json("set_configuration", {"task_id": task_id, "name": config.name}, body)

    def get_configurations(self, task_id: str) -> list[ConfigRow]:
        items = self._request("get_configurations", {"task_id": task_id})["items"]
        return [codec.config_in(d["name"], d) for d in items]

    # -- events -----------------------------------------------------------------------------------
    def write_events(self, batch: EventBatch) -> BatchResult:
        """One request, or (a batch whose JSON would pass the server's MAX_JSON_BYTES) several in
        turn. If one of them fails, ``batch`` is left holding only what was not sent, so a retry
        or the spool never sends a point twice."""
        from jupyter_ext.core.event_batch import BatchResult

        pieces = _under_the_cap(batch)
        result = BatchResult()
        for i, (_piece, body) in enumerate(pieces):
            try:
                got = event_codec.result_in(self._request("write_events", data=body,
                                                          headers={"Content-Type": "application/json"}))
            except BaseException:
                if i:
                    left = pieces[i][0]
                    for later, _ in pieces[i + 1:]:
                        left = _joined(left, later)
                    batch.replace_with(left)
                raise
            result.written += got.written
            result.dropped.update(got.dropped)
        return result

    def get_scalars(self, task_id: str, *, max_samples: int | None, x_axis: str = "iter",
                    as_numpy: bool = False) -> dict[str, Any]:
        params: dict[str, Any] = {"x_axis": x_axis, "encoding": "b64"}
        if max_samples is not None:
            params["max_points"] = max_samples
        got = self._request("get_scalars", {"task_id": task_id}, params=params)
        return codec.series_in(got, as_numpy)

    def get_last_metrics(self, task_id: str) -> dict[str, Any]:
        return self._request("get_last_metrics", {"task_id": task_id})  # type: ignore[no-any-return]

    def get_single_values(self, task_id: str) -> dict[str, float | None]:
        got = self._request("get_single_values", {"task_id": task_id})
        return {k: float("nan") if v is None else v for k, v in got.items()}

    def get_plots(self, task_id: str) -> list[dict[str, Any]]:
        return self._json("get_plots", {"task_id": task_id})["items"]  # type: ignore[no-any-return]

    def get_debug_samples(self, task_id: str, title: str | None = None,
                          series: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("title", title), ("series", series)) if v is not None}
        return self._json("get_debug_samples", {"task_id": task_id}, params=params)["items"]  # type: ignore[no-any-return]

    def get_console(self, task_id: str, last: int | None = None) -> list[dict[str, Any]]:
        params = {} if last is None else {"tail": last}
        return self._json("get_console", {"task_id": task_id}, params=params)["items"]  # type: ignore[no-any-return]

    # -- files ------------------------------------------------------------------------------------
    def put_blob(self, data: bytes) -> tuple[str, int]:
        sha = hashlib.sha256(data).hexdigest()
        self._request("put_blob", {"sha256": sha}, data=data, headers={"Content-Type": "application/octet-stream"})
        return sha, len(data)

    def get_blob(self, sha256: str) -> bytes:
        from jupyter_ext.store.blobs import check_sha256

        check_sha256(sha256)
        response = self._stream("get_blob", sha256)
        data = response.content
        if hashlib.sha256(data).hexdigest() != sha256:
            raise Unavailable(f"blob {sha256} arrived damaged (its bytes hash differently); try again")
        return data

    def _stream(self, name: str, sha: str, headers: dict[str, str] | None = None) -> requests.Response:
        route = ROUTE[name]
        url = route.url(sha256=sha)
        response = self._send(route.method, url, headers={**(headers or {}), **self._auth_header()}, stream=True)
        if response.status_code == 401:
            response.close()
            response = self._send(route.method, url, headers={**(headers or {}), **self._auth_header(renew=True)},
                                  stream=True)
        if response.status_code >= 300:
            self._check(response)
        return response

    def _blobs_elsewhere(self, location: str) -> BlobStore:
        """Another destination (``s3://…``, a shared folder) is written by this machine directly.
        (Not named ``blobs_at``: the SDK takes a backend with that method for one whose default
        blob folder is on this machine.)"""
        with self._session_lock:
            found = self._elsewhere.get(location)
            if found is None:
                from jupyter_ext.store.blobs import BlobStore

                found = self._elsewhere[location] = BlobStore(location)
            return found

    def has_blob(self, sha256: str) -> bool:
        try:
            self._request("has_blob", {"sha256": sha256})
        except TrackError as exc:
            if exc.http_status == 404:
                return False
            raise
        return True

    def put_blob_file(self, path: str, location: str = "", progress: Callable[[int], object] | None = None,
                      known_sha256: str | None = None) -> tuple[str, int]:
        if location:
            if known_sha256:
                return self._blobs_elsewhere(location).put_file_known(path, known_sha256, progress)
            return self._blobs_elsewhere(location).put_file(path, progress)
        from jupyter_ext.store.blobs import sha256_of_file

        sha, size = (known_sha256, os.path.getsize(path)) if known_sha256 else sha256_of_file(path)
        if self.has_blob(sha):  # content-addressed: the server has these bytes already
            if progress is not None:
                progress(size)
            return sha, size
        for attempt in range(_TRANSFER_ATTEMPTS):
            with open(path, "rb") as fh:
                body = _Reading(fh, progress)
                try:
                    self._request("put_blob", {"sha256": sha}, data=body,
                                  headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)})
                    return sha, size
                except Unavailable:
                    if attempt == _TRANSFER_ATTEMPTS - 1:
                        raise
                    _backoff(attempt)
        raise AssertionError("unreachable")

    def download_blob(self, sha256: str, dest: str, location: str = "",
                      progress: Callable[[int], object] | None = None) -> str:
        if location:
            return self._blobs_elsewhere(location).download(sha256, dest, progress)
        from jupyter_ext.store.blobs import check_sha256

        check_sha256(sha256)
        parent = os.path.dirname(os.path.abspath(dest))
        os.makedirs(parent, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=".download-")
        digest = hashlib.sha256()
        done = 0
        try:
            with os.fdopen(fd, "wb") as out:
                for attempt in range(_TRANSFER_ATTEMPTS):
                    try:  # resume where a broken transfer stopped
                        response = self._stream("get_blob", sha256, {"Range": f"bytes={done}-"} if done else None)
                        with contextlib.closing(response):
                            for chunk in response.iter_content(_CHUNK):
                                out.write(chunk)
                                digest.update(chunk)
                                done += len(chunk)
                                if progress is not None:
                                    progress(len(chunk))
                        break
                    except (Unavailable, OSError) as exc:
                        if attempt == _TRANSFER_ATTEMPTS - 1 or isinstance(exc, PermissionError):
                            raise
                        _backoff(attempt)
            if digest.hexdigest() != sha256:
                raise Unavailable(f"blob {sha256} arrived damaged (its bytes hash to {digest.hexdigest()}); try again")
            os.replace(tmp, dest)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return dest

    def collect_garbage(self, *, grace_seconds: float = 0.0, dry_run: bool = False) -> Collected:
        from jupyter_ext.core.gc import Collected

        got = self._json("collect_garbage", body={"grace_seconds": grace_seconds, "dry_run": dry_run})
        return Collected(**got)

    # -- artifacts --------------------------------------------------------------------------------
    def put_artifact(self, task_id: str, spec: Mapping[str, Any]) -> ArtifactRow:
        return codec.artifact_in(self._post("put_artifact", {"task_id": task_id}, dict(spec)))

    def get_artifacts(self, task_id: str) -> list[ArtifactRow]:
        return [codec.artifact_in(a) for a in self._request("get_artifacts", {"task_id": task_id})["items"]]

    def remove_artifact(self, task_id: str, name: str) -> None:
        self._request("remove_artifact", {"task_id": task_id, "name": name})

    # -- notebooks -------------------------------------------------------------------------------
    def record_cell_run(self, task_id: str, run: Mapping[str, Any]) -> None:
        self._post("record_cell_run", {"task_id": task_id}, run)

    def get_cell_runs(self, task_id: str) -> list[CellRunRow]:
        from jupyter_ext.store.rows import CellRunRow

        return [CellRunRow.from_dict(d) for d in self._json("get_cell_runs", {"task_id": task_id})["items"]]

    def add_notebook_snapshot(self, task_id: str, fields: Mapping[str, Any]) -> NotebookSnapshotRow:
        from jupyter_ext.store.rows import NotebookSnapshotRow

        return NotebookSnapshotRow.from_dict(self._json("add_notebook_snapshot", {"task_id": task_id}, dict(fields)))

    def get_notebook_snapshots(self, task_id: str) -> list[NotebookSnapshotRow]:
        from jupyter_ext.store.rows import NotebookSnapshotRow

        items = self._json("get_notebook_snapshots", {"task_id": task_id})["items"]
        return [NotebookSnapshotRow.from_dict(d) for d in items]

    def get_notebook_provenance(self, task_id: str) -> dict[str, Any]:
        return dict(self._json("get_notebook_provenance", {"task_id": task_id}))

    # -- copying between stores -------------------------------------------------------------------
    def sync_import(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return dict(self._json("sync_import", body=record))


class _Reading:
    """A file as a request body, telling ``progress`` as bytes go out; rewindable for retries."""

    def __init__(self, fh: IO[bytes], progress: Callable[[int], object] | None) -> None:
        self._fh = fh
        self._progress = progress

    def read(self, n: int = -1) -> bytes:
        chunk = self._fh.read(_CHUNK if n is None or n < 0 else n)
        if chunk and self._progress is not None:
            self._progress(len(chunk))
        return chunk

    def tell(self) -> int:
        return self._fh.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def __iter__(self) -> Any:
        while chunk := self.read(_CHUNK):
            yield chunk


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _backoff(attempt: int) -> None:
    import time

    time.sleep(min(5.0, 0.2 * 2 ** attempt))


def _task_query(filters: Mapping[str, Any]) -> dict[str, Any]:
    """``core.tasks.query`` keyword filters as the query string of GET tasks."""
    known = {"task_ids", "project_name", "task_name", "tags", "statuses", "types", "include_archived",
             "include_subprojects", "limit", "offset", "newest_first"}
    unknown = set(filters) - known
    if unknown:
        raise InvalidArgument(f"unknown task filters: {', '.join(sorted(unknown))}")
    params: dict[str, Any] = {}

    def many(value: Any) -> list[str]:
        return [value] if isinstance(value, str) else list(value)

    if filters.get("task_ids") is not None:
        params["id"] = ",".join(filters["task_ids"]) or ","
    if filters.get("project_name") is not None:
        params["project"] = many(filters["project_name"])
    if filters.get("task_name"):
        params["name"] = filters["task_name"]
    if filters.get("tags") is not None:
        params["tag"] = many(filters["tags"])
    if filters.get("statuses"):
        params["status"] = ",".join(filters["statuses"])
    if filters.get("types"):
        params["type"] = ",".join(filters["types"])
    if not filters.get("include_archived", True):
        params["archived"] = "false"
    if not filters.get("include_subprojects", True):
        params["subprojects"] = "false"
    if filters.get("limit") is not None:
        params["limit"] = filters["limit"]
    if filters.get("offset"):
        params["offset"] = filters["offset"]
    if not filters.get("newest_first", True):
        params["order_by"] = "created"
    return params


def _under_the_cap(batch: EventBatch) -> list[tuple[EventBatch, bytes]]:
    """``batch`` as request bodies of at most MAX_JSON_BYTES each, cut in halves as needed."""
    body = codec.dumps(event_codec.batch_out(batch))
    if len(body) <= MAX_JSON_BYTES:
        return [(batch, body)]
    if len(batch) < 2:
        raise InvalidArgument(f"one reported event is {len(body) / (1 << 20):.1f} MiB as JSON; the API takes at most "
                              f"{MAX_JSON_BYTES >> 20} MiB per request: report a smaller plot or text, or upload it "
                              "as an artifact")
    first, second = batch.halves()
    return _under_the_cap(first) + _under_the_cap(second)


def _joined(a: EventBatch, b: EventBatch) -> EventBatch:
    from jupyter_ext.core.event_batch import EventBatch

    return EventBatch(*(getattr(a, f) + getattr(b, f) for f in ("scalars", "single_values", "plots", "debug_samples",
                                                                 "console")))
