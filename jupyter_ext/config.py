"""Settings: ``~/.jupyter/track.toml``, overridden by ``JUPYTER_TRACK_*`` environment variables.

``CLEARML_*`` variables are read as a fallback so ClearML users keep their settings, and an
existing ``clearml.conf`` (``CLEARML_CONFIG_FILE``, else ``~/clearml.conf``) sits below the
settings file. Highest first: ``JUPYTER_TRACK_*``, ``CLEARML_*``, ``track.toml``, ``clearml.conf``.
Loading is cheap (no TOML parser is imported unless the file exists) because scripts read it on
their first ``Task.init``.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from typing import Any

from jupyter_ext.errors import InvalidArgument

ENV_PREFIX = "JUPYTER_TRACK_"

# What an agent (or a pipeline running a step here) tells the child process that runs a task.
TASK_ID_VARS = ("JUPYTER_TRACK_TASK_ID", "CLEARML_TASK_ID")
# ``<pid>:<task id>`` of a running task, passed down to subprocesses so their Task.init reports to it.
PROC_MASTER_VARS = ("JUPYTER_TRACK_PROC_MASTER_ID", "CLEARML_PROC_MASTER_ID")
"""The task the child's ``Task.init`` attaches to; the first is the one set, both are read."""
AGENT_CONSOLE_VAR = "JUPYTER_TRACK_AGENT_CONSOLE"
"""Set to ``1`` by the agent, which records the child's console itself: the SDK must not too."""
WORKER_ID_VAR = "JUPYTER_TRACK_WORKER_ID"
"""The worker that runs the task, when an agent daemon does."""


@dataclasses.dataclass(frozen=True)
class Config:
    home: str
    store_url: str
    blob_url: str
    api_host: str = ""
    web_host: str = ""
    access_key: str = ""
    secret_key: str = ""
    verify_certificate: bool | str = True
    files_host: str = ""
    ca_bundle: str = ""
    connect_timeout: float = 3.0
    spool_max_mb: float = 1024.0
    default_output_uri: str = ""
    flush_period: float = 1.0
    exit_timeout: float = 5.0
    # Seconds without a heartbeat after which an in_progress run of another machine is stopped
    # as orphaned (a run on this machine whose process is gone is stopped at once).
    task_timeout: float = 600.0
    # The exit code of a script that ended well but whose results were not all stored (0: keep its own).
    exit_code_on_loss: int = 3
    log_environment: tuple[str, ...] = ()
    task_no_reuse: bool = False
    capture_console: bool = True
    capture_environment: bool = True
    block_unsafe_artifacts: bool = False
    # An S3-compatible object store (MinIO, SeaweedFS, Ceph…) for s3:// destinations; empty: AWS
    # itself, with botocore's own variables and files (AWS_ACCESS_KEY_ID, ~/.aws/credentials…).
    s3_endpoint: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_region: str = ""
    s3_verify: bool | str = True  # the S3 server's certificate: False, or a CA bundle path
    # Under JupyterHub: the token the Hub gave this user's server, which a team server that trusts
    # the Hub (`jupyter track server --jupyterhub`) accepts in place of an API key.
    hub_api_token: str = ""

    @property
    def remote(self) -> bool:
        return bool(self.api_host)

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks; the secret never does.
        shown = ", ".join(
            f"{f.name}={repr('***') if f.name in _SECRETS and getattr(self, f.name) else repr(getattr(self, f.name))}"
            for f in dataclasses.fields(self)
        )
        return f"Config({shown})"

    def requests_verify(self) -> bool | str:
        """What every HTTPS call (API requests and file transfers alike) passes as ``verify``:
        ``False`` when ``verify_certificate`` is off, else a CA bundle path (``verify_certificate``
        itself, or ``ca_bundle`` / ``REQUESTS_CA_BUNDLE``), else ``True``."""
        if self.verify_certificate is False:
            return False
        if isinstance(self.verify_certificate, str):
            return os.path.expanduser(self.verify_certificate)
        return os.path.expanduser(self.ca_bundle) if self.ca_bundle else True

    def storage_options(self, url: str) -> dict[str, Any]:
        """fsspec options for file transfers at ``url``: the certificate settings (``https://``
        through aiohttp, ``s3://`` through botocore) and the S3 endpoint and keys; ``{}`` when
        nothing is set."""
        verify = self.requests_verify()
        scheme = url.split("://", 1)[0].lower() if "://" in url else "file"
        if scheme in ("s3", "s3a"):
            if self.s3_verify is not True:
                verify = os.path.expanduser(self.s3_verify) if isinstance(self.s3_verify, str) else False
            return self._s3_options(verify)
        if verify is True:
            return {}
        if scheme in ("http", "https"):
            if verify is False:
                return {"ssl": False}
            import ssl

            return {"ssl": ssl.create_default_context(cafile=verify)}
        return {}

    def _s3_options(self, verify: bool | str) -> dict[str, Any]:
        options: dict[str, Any] = {}
        client: dict[str, Any] = {}
        if verify is not True:
            client["verify"] = verify
        if self.s3_endpoint:
            endpoint = self.s3_endpoint if "://" in self.s3_endpoint else "https://" + self.s3_endpoint
            client["endpoint_url"] = endpoint.rstrip("/")
        if self.s3_region:
            client["region_name"] = self.s3_region
        if self.s3_access_key or self.s3_secret_key:
            if not (self.s3_access_key and self.s3_secret_key):
                raise InvalidArgument("s3_access_key and s3_secret_key must be set together "
                                      "(or neither, to use botocore's own credentials)")
            options.update(key=self.s3_access_key, secret=self.s3_secret_key)
        if client:
            options["client_kwargs"] = client
        return options


_SECRETS = frozenset({"secret_key", "s3_secret_key", "hub_api_token"})

# field -> (CLEARML_* fallback variables)
_CLEARML_FALLBACK = {
    "api_host": ("CLEARML_API_HOST",),
    "web_host": ("CLEARML_WEB_HOST",),
    "files_host": ("CLEARML_FILES_HOST",),
    "ca_bundle": ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"),
    "access_key": ("CLEARML_API_ACCESS_KEY",),
    "secret_key": ("CLEARML_API_SECRET_KEY",),
    "verify_certificate": ("CLEARML_API_HOST_VERIFY_CERT",),
    "default_output_uri": ("CLEARML_DEFAULT_OUTPUT_URI",),
    "log_environment": ("CLEARML_LOG_ENVIRONMENT",),
    "task_no_reuse": ("CLEARML_TASK_NO_REUSE",),
    "block_unsafe_artifacts": ("CLEARML_BLOCK_PICKLED_ARTIFACTS",),
    "hub_api_token": ("JUPYTERHUB_API_TOKEN",),
}


def default_home() -> str:
    data_dir = os.environ.get("JUPYTER_DATA_DIR")
    if not data_dir:
        from jupyter_core.paths import jupyter_data_dir

        data_dir = jupyter_data_dir()
    return os.path.join(data_dir, "track")


def config_file_path(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    explicit = env.get(ENV_PREFIX + "CONFIG_FILE")
    if explicit:
        return explicit
    config_dir = env.get("JUPYTER_CONFIG_DIR") or os.path.join(os.path.expanduser("~"), ".jupyter")
    return os.path.join(config_dir, "track.toml")


def _read_file(path: str) -> dict[str, Any]:
    if not os.path.exists(path):
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, ValueError) as exc:
        raise InvalidArgument(f"cannot read the settings file {path}: {exc}; fix or remove it") from exc
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):  # sections are only for readability: [api] host = … -> api_host
            for sub, v in value.items():
                flat[f"{key}_{sub}"] = v
        else:
            flat[key] = value
    return flat


def _coerce(name: str, value: Any, kind: Any) -> Any:
    if kind in (bool, "bool"):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise InvalidArgument(f"setting {name} must be true or false, got {value!r}")
    if kind in (int, "int"):
        try:
            return int(str(value).strip())
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(f"setting {name} must be a whole number, got {value!r}") from exc
    if kind in (float, "float"):
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(f"setting {name} must be a number, got {value!r}") from exc
    if kind in ("tuple[str, ...]",):
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return tuple(str(v) for v in value)
    if kind in ("bool | str",):
        text = str(value).strip()
        if text.lower() in ("0", "false", "no", "off"):
            return False
        if text.lower() in ("1", "true", "yes", "on", ""):
            return True
        return text  # a CA bundle path
    return str(value)


def load(env: Mapping[str, str] | None = None) -> Config:
    """The settings in force now (file, then environment)."""
    env = os.environ if env is None else env
    from jupyter_ext import clearml_conf

    # clearml.conf first, so that the settings file and the environment override it
    values = clearml_conf.read_settings(clearml_conf.default_path(env))
    values.update(_read_file(config_file_path(env)))
    known = {f.name: f.type for f in dataclasses.fields(Config)}
    unknown = set(values) - set(known)
    if unknown:
        raise InvalidArgument(
            f"unknown settings in {config_file_path(env)}: {', '.join(sorted(unknown))}; "
            f"known settings: {', '.join(sorted(known))}"
        )
    for name in known:
        for var in (ENV_PREFIX + name.upper(), *_CLEARML_FALLBACK.get(name, ())):
            if var in env:
                values[name] = env[var]
                break
    home = os.path.abspath(os.path.expanduser(str(values.get("home") or default_home())))
    values["home"] = home
    values.setdefault("store_url", "sqlite:///" + os.path.join(home, "track.db"))
    values.setdefault("blob_url", os.path.join(home, "blobs"))
    coerced = {name: _coerce(name, v, known[name]) for name, v in values.items()}
    if "task_timeout" in coerced and not coerced["task_timeout"] > 0:
        raise InvalidArgument(f"setting task_timeout must be seconds above 0, got {values['task_timeout']!r}")
    return Config(**coerced)
