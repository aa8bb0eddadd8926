"""Operations on reported results (events, scalars, plots, console, artifacts) and the
API's own routes (tokens, whoami, OpenAPI, garbage collection)."""
from __future__ import annotations

import dataclasses
from typing import Any

from jupyter_ext import errors
from jupyter_ext.server.call import Call, Encoded
from jupyter_ext.wire import codec, event_codec

DEFAULT_COMPARE_POINTS = 2000


# -- ingest ---------------------------------------------------------------------------------------
def write_events(call: Call) -> dict[str, Any]:
    return _write(call, event_codec.batch_in(call.body))


def write_task_events(call: Call) -> dict[str, Any]:
    return _write(call, event_codec.batch_in(call.body, task_id=call.path["task_id"]))


def _write(call: Call, batch: Any) -> dict[str, Any]:
    result = call.backend.write_events(batch)
    for task_id in batch.task_ids() - set(result.dropped):
        call.announce("task", task_id, ["events"])
    return event_codec.result_out(result)


# -- reads ----------------------------------------------------------------------------------------
def _max_points(call: Call) -> int | None:
    return call.q_int("max_points", None, lo=2, hi=call.services.limits.max_points)


def _number(call: Call, name: str) -> float | None:
    text = call.q(name)
    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise errors.InvalidArgument(f"query parameter {name} must be a number, got {text!r}") from None


def get_scalars(call: Call) -> Encoded:
    from jupyter_ext.core import scalars, tasks

    task_id = call.path["task_id"]
    wanted = call.q_list("series", commas=False)
    encoding = call.q("encoding") or "json"
    if encoding not in ("json", "b64"):
        raise errors.InvalidArgument(f"encoding must be json or b64, got {encoding!r}")
    max_points, x_axis = _max_points(call), call.q("x_axis") or "iter"
    scalars.check_x_axis(x_axis)
    x_min, x_max = _number(call, "x_min"), _number(call, "x_max")
    scalars.check_window(x_min, x_max)
    titles = sorted({w.split("/", 1)[0] for w in wanted}) if wanted else None
    with call.backend.store.read() as conn:
        tasks._get(conn, task_id)
        fingerprint = scalars.fingerprint(conn, task_id)

        def encode() -> bytes:
            data = scalars.read_series(conn, task_id, max_samples=max_points, x_axis=x_axis, titles=titles,
                                       as_numpy=True, x_min=x_min, x_max=x_max)
            return codec.dumps(codec.series_out(_only(data, wanted) if wanted else data, packed=encoding == "b64"))

        key = (task_id, max_points, x_axis, tuple(wanted or ()), encoding, x_min, x_max)
        return Encoded(call.services.charts.get(key, fingerprint, encode))


def compare_scalars(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import scalars, tasks

    ids = call.q_list("tasks")
    if not ids:
        raise errors.InvalidArgument("give the tasks to compare: ?tasks=id1,id2")
    if len(ids) > 100:
        raise errors.InvalidArgument(f"compare at most 100 tasks at once, not {len(ids)}")
    wanted = call.q_list("metrics", commas=False)
    max_points = _max_points(call) or DEFAULT_COMPARE_POINTS
    out: dict[str, Any] = {}
    with call.backend.store.read() as conn:
        for task_id in ids:
            tasks._get(conn, task_id)
            titles = sorted({w.split("/", 1)[0] for w in wanted}) if wanted else None
            data = scalars.read_series(conn, task_id, max_samples=max_points, x_axis=call.q("x_axis") or "iter",
                                       titles=titles, as_numpy=True)
            out[task_id] = codec.series_out(_only(data, wanted) if wanted else data, packed=False)
    return {"tasks": out}


def _only(data: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    """Keep ``title`` (all its series) or ``title/series`` entries."""
    out: dict[str, Any] = {}
    for title, by_series in data.items():
        for series, xy in by_series.items():
            if title in wanted or f"{title}/{series}" in wanted:
                out.setdefault(title, {})[series] = xy
    return out


def get_last_metrics(call: Call) -> dict[str, Any]:
    return call.backend.get_last_metrics(call.path["task_id"])


def get_single_values(call: Call) -> dict[str, Any]:
    return call.backend.get_single_values(call.path["task_id"])


def get_plots(call: Call) -> dict[str, Any]:
    items = codec.times_to_iso(call.backend.get_plots(call.path["task_id"]))
    return {"items": items, "total": len(items)}


def get_debug_samples(call: Call) -> dict[str, Any]:
    items = codec.times_to_iso(call.backend.get_debug_samples(call.path["task_id"], call.q("title"),
                                                              call.q("series")))
    return {"items": items, "total": len(items)}


def get_console(call: Call) -> dict[str, Any]:
    tail = call.q_int("tail", None, lo=1, hi=1_000_000)
    search = call.q("search")
    rows = call.backend.get_console(call.path["task_id"], None if search else tail)
    if search:
        rows = [r for r in rows if search in r["text"]]
        rows = rows[-tail:] if tail else rows
    items = codec.times_to_iso(rows)
    return {"items": items, "total": len(items)}


# -- artifacts ------------------------------------------------------------------------------------
def get_artifacts(call: Call) -> dict[str, Any]:
    items = codec.rows_out(call.backend.get_artifacts(call.path["task_id"]))
    return {"items": items, "total": len(items)}


def put_artifact(call: Call) -> dict[str, Any]:
    task_id = call.path["task_id"]
    found = call.backend.put_artifact(task_id, codec.times_to_epoch(call.body))
    call.announce("task", task_id, ["artifacts"])
    return codec.row_out(found)


def remove_artifact(call: Call) -> dict[str, Any]:
    task_id = call.path["task_id"]
    call.backend.remove_artifact(task_id, call.path["name"])
    call.announce("task", task_id, ["artifacts"])
    return {"removed": call.path["name"]}


# -- the API's own routes -------------------------------------------------------------------------
def issue_token(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import keys

    if call.user.via != "key":
        raise errors.Unauthenticated("a token is issued for an access key: send HTTP Basic access_key:secret_key")
    ttl = call.b("ttl", keys.DEFAULT_TOKEN_TTL, (int, float))
    info = {"access_key": call.user.access_key, "name": call.user.name, "user": call.user.username}
    token = keys.issue_token(call.backend.store, info, ttl=float(ttl))
    return {"token": token, "token_type": "bearer", "expires_in": float(ttl)}


def whoami(call: Call) -> dict[str, Any]:
    return {"user": call.user.username, "via": call.user.via, "access_key": call.user.access_key or None,
            "key_name": call.user.name or None}


def where(call: Call) -> dict[str, Any]:
    from jupyter_ext.core.rules.redact import redact_url

    mode = "server" if call.services.keys_only else "local"
    return {"mode": mode, "location": redact_url(str(call.backend.store.engine.url)), "user": call.user.username,
            "via": call.user.via}


def openapi(call: Call) -> dict[str, Any]:
    from jupyter_ext.wire.openapi import document

    return document(call.base_url)


def collect_garbage(call: Call) -> dict[str, Any]:
    done = call.backend.collect_garbage(grace_seconds=float(call.b("grace_seconds", 0.0, (int, float))),
                                        dry_run=bool(call.b("dry_run", False, bool)))
    return dataclasses.asdict(done)


OPERATIONS = {f.__name__: f for f in (
    write_events, write_task_events, get_scalars, compare_scalars, get_last_metrics, get_single_values, get_plots,
    get_debug_samples, get_console, get_artifacts, put_artifact, remove_artifact, issue_token, whoami, where, openapi,
    collect_garbage,
)}
