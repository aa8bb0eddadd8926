"""``jupyter track init``: connect this machine to a server, as ``clearml init`` does.

Asks for the API URL and the keys (the secret without echo), or takes the ``api { … }`` block
that ``clearml init`` asks for (pasted, piped in, or ``--from-file``). Checks the connection with
an authenticated request, then writes the settings file (mode 0600: it holds the secret), keeping
the other settings already in it. The secret is never printed.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

from jupyter_ext.errors import InvalidArgument, TrackError

CONNECTION_KEYS = ("api_host", "web_host", "files_host", "access_key", "secret_key", "verify_certificate")


def parse_pasted(text: str) -> dict[str, Any]:
    """The connection settings in a pasted ``api { … }`` block (or a whole clearml.conf)."""
    from jupyter_ext.clearml_conf import parse, settings_from_tree

    tree = parse(text)
    if "api" not in tree and ("api_server" in tree or "credentials" in tree):
        tree = {"api": tree}  # only the inside of the block was pasted
    found = settings_from_tree(tree)
    if not found.get("api_host"):
        raise InvalidArgument("the pasted text has no api_server; paste the whole api { … } block")
    return {k: v for k, v in found.items() if k in CONNECTION_KEYS}


def _read_block(first: str) -> str:
    lines = [first]
    depth = first.count("{") - first.count("}")
    while depth > 0:
        line = sys.stdin.readline()
        if not line:
            break
        lines.append(line)
        depth += line.count("{") - line.count("}")
    return "".join(lines)


def gather(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if args.from_file:
        try:
            with open(args.from_file, encoding="utf-8") as fh:
                values.update(parse_pasted(fh.read()))
        except OSError as exc:
            raise InvalidArgument(f"cannot read {args.from_file}: {exc}") from exc
    for key in ("api_host", "access_key", "secret_key"):
        if getattr(args, key):
            values[key] = getattr(args, key)
    if args.verify_certificate is not None:
        values["verify_certificate"] = args.verify_certificate
    interactive = sys.stdin.isatty()
    if not values.get("api_host"):
        if interactive:
            print("Paste the API block (api { … }) from the server's web page, or type the API URL:")
        first = sys.stdin.readline()
        if "{" in first or first.strip().startswith("api"):
            values = {**parse_pasted(_read_block(first)), **values}
        elif first.strip():
            values["api_host"] = first.strip()
        elif not interactive:  # piped input: the whole block may follow
            rest = sys.stdin.read()
            if rest.strip():
                values = {**parse_pasted(rest), **values}
    if not values.get("api_host"):
        raise InvalidArgument("no API URL given: pass --api-host https://server:8008 or paste the api { … } block")
    if not values.get("access_key"):
        if not interactive:
            raise InvalidArgument("no access key given: pass --access-key or include credentials in the block")
        values["access_key"] = input("access_key: ").strip()
    if not values.get("secret_key") and os.environ.get("JUPYTER_TRACK_SECRET_KEY"):
        values["secret_key"] = os.environ["JUPYTER_TRACK_SECRET_KEY"]
    if not values.get("secret_key"):
        if not interactive:
            raise InvalidArgument("no secret key given: set JUPYTER_TRACK_SECRET_KEY, pass --secret-key, or "
                                  "include credentials in the block")
        values["secret_key"] = getpass.getpass("secret_key (not shown): ").strip()
    host = str(values["api_host"]).strip()
    if not host.startswith(("http://", "https://")):
        raise InvalidArgument(f"API URL {host!r} must start with http:// or https://")
    values["api_host"] = host.rstrip("/")
    if "verify_certificate" in values:
        from jupyter_ext.config import _coerce

        values["verify_certificate"] = _coerce("verify_certificate", values["verify_certificate"], "bool | str")
    return values


def check_connection(values: dict[str, Any]) -> dict[str, Any]:
    """Who the server says these keys belong to; a clear error when it cannot be reached, the
    certificate is refused, or the keys are wrong."""
    import dataclasses

    import requests

    from jupyter_ext.client.tls import status_error, translate_request_error
    from jupyter_ext.config import Config

    cfg = dataclasses.replace(Config(home="", store_url="", blob_url=""),
                              **{k: v for k, v in values.items() if k in CONNECTION_KEYS},
                              ca_bundle=os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE") or "")
    base = values["api_host"] + "/" + ("" if values["api_host"].endswith("track/api/v1") else "track/api/v1/")
    url = base.rstrip("/") + "/auth/whoami"
    try:
        response = requests.get(url, auth=(values["access_key"], values["secret_key"]),
                                verify=cfg.requests_verify(), timeout=(max(cfg.connect_timeout, 3.0), 30.0))
    except (requests.exceptions.RequestException, OSError) as exc:
        raise translate_request_error(exc, url, cfg) from exc
    if response.status_code >= 300:
        raise status_error(response.status_code, url, response.text[:200])
    try:
        return dict(response.json())
    except ValueError as exc:
        raise InvalidArgument(f"{url} did not answer like a tracker API (no JSON); is the API URL right?") from exc


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string


def write_settings(path: str, values: dict[str, Any]) -> None:
    """Merge ``values`` into the settings file at ``path``, atomically, readable by the owner only."""
    from jupyter_ext.config import _read_file

    current = _read_file(path)  # sections flattened: [api] host -> api_host
    current.update(values)
    lines = ["# jupyter-track settings (written by `jupyter track init`; holds a secret, keep it private)"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in current.items()]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def cmd_init(args: argparse.Namespace) -> int:
    from jupyter_ext.config import config_file_path

    values = gather(args)
    if not args.no_check:
        try:
            who = check_connection(values)
        except TrackError as exc:
            raise type(exc)(f"{exc.message}\nnothing was written; fix the above, or pass --no-check to save "
                            "the settings anyway") from exc
        print(f"connected to {values['api_host']} as key {who.get('access_key') or values['access_key']}"
              + (f" ({who['key_name']})" if who.get("key_name") else ""))
    path = config_file_path()
    write_settings(path, values)
    print(f"wrote {path}: api_host = {values['api_host']}, access_key = {values['access_key']} "
          "(the secret is stored there, readable only by you)")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("init", help="connect this machine to a tracking server (writes ~/.jupyter/track.toml)")
    p.add_argument("--api-host", dest="api_host", default=None, help="the API URL, e.g. https://server:8008")
    p.add_argument("--access-key", dest="access_key", default=None)
    p.add_argument("--secret-key", dest="secret_key", default=None,
                   help="prefer typing it at the prompt: a flag shows in the shell history")
    p.add_argument("--verify-certificate", dest="verify_certificate", default=None,
                   help="true, false, or the path of a CA bundle (PEM) that signed the server's certificate")
    p.add_argument("--from-file", dest="from_file", default=None,
                   help="read the api { … } block (or a whole clearml.conf) from this file")
    p.add_argument("--no-check", action="store_true", help="save without checking the connection")
    p.set_defaults(func=cmd_init)
