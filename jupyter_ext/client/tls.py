"""HTTP(S) plumbing shared by API calls and file transfers, so both honour one certificate
setting (``Config.requests_verify``) and a TLS failure says which setting fixes it.

ClearML's ``verify_certificate`` covered API calls only, so a self-signed server still broke
uploads and downloads; here every HTTPS byte goes through :func:`open_url` or the API client,
both fed by the same helper, and every ``requests`` failure passes :func:`translate_request_error`.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from jupyter_ext.errors import Forbidden, InvalidArgument, NotFound, TrackError, Unauthenticated, Unavailable

if TYPE_CHECKING:
    from jupyter_ext.config import Config

_FIX_CA = ("set verify_certificate = \"/path/to/ca.crt\" in {settings} (or the environment variable "
           "JUPYTER_TRACK_VERIFY_CERTIFICATE=/path/to/ca.crt, or REQUESTS_CA_BUNDLE=/path/to/ca.crt) to trust the "
           "server's certificate authority; it covers API calls and file transfers alike")
_FIX_OFF = ("only on a network you trust: verify_certificate = false (JUPYTER_TRACK_VERIFY_CERTIFICATE=false, "
            "or verify_certificate: false in clearml.conf's api section)")


def _settings_path() -> str:
    from jupyter_ext.config import config_file_path

    return config_file_path()


def _current(config: Config | None) -> str:
    if config is None:
        return "certificates are checked against the system's CA list"
    verify = config.requests_verify()
    if verify is False:
        return "certificate checks are off"
    if isinstance(config.verify_certificate, str):
        return f"certificates are checked against verify_certificate = {verify!r}"
    if config.ca_bundle:
        return f"certificates are checked against the CA bundle {verify!r} (ca_bundle / REQUESTS_CA_BUNDLE)"
    return "certificates are checked against the system's CA list"


def is_tls_error(exc: BaseException) -> bool:
    import ssl

    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError) or type(cur).__name__ == "SSLError":
            return True
        cur = cur.__cause__ or cur.__context__ or (cur.args[0] if cur.args and isinstance(cur.args[0],
                                                                                           BaseException) else None)
    return False


def tls_error_message(exc: BaseException, url: str, config: Config | None = None) -> str:
    """Why ``url`` failed its TLS handshake, and exactly which setting fixes it."""
    text = str(exc)
    where = url.split("?", 1)[0]
    settings = _settings_path()
    now = _current(config)
    if "WRONG_VERSION_NUMBER" in text or "record layer failure" in text or "unknown protocol" in text:
        return (f"TLS handshake with {where} failed: the server speaks plain HTTP there. "
                f"Use an http:// address (api_host in {settings}, or JUPYTER_TRACK_API_HOST / CLEARML_API_HOST).")
    if "match" in text and "hostname" in text.lower():
        return (f"the TLS certificate of {where} is for another host name ({_reason(text)}). Use the host name the "
                f"certificate names in api_host ({settings}), or {_FIX_OFF}. Now {now}.")
    if "CA certificate bundle" in text or "invalid path" in text:
        return (f"the CA bundle for {where} cannot be read ({_reason(text)}); point verify_certificate "
                f"(in {settings} or JUPYTER_TRACK_VERIFY_CERTIFICATE) or REQUESTS_CA_BUNDLE at an existing "
                f"PEM file. Now {now}.")
    return (f"the TLS certificate of {where} could not be verified ({_reason(text)}). To fix it, "
            + _FIX_CA.format(settings=settings) + f"; or, {_FIX_OFF}. Now {now}.")


def _reason(text: str) -> str:
    for marker in ("certificate verify failed: ", "CERTIFICATE_VERIFY_FAILED] "):
        if marker in text:
            tail = text.split(marker, 1)[1]
            return tail.split(" (_ssl.c", 1)[0].split("'", 1)[0].strip() or "certificate verify failed"
    return text[:200]


def translate_request_error(exc: BaseException, url: str, config: Config | None = None) -> TrackError:
    """The tracker error for a failed ``requests`` call to ``url`` (raise it ``from exc``):
    a TLS failure names the setting that fixes it; an unreachable server is :class:`Unavailable`."""
    import requests

    if isinstance(exc, TrackError):
        return exc
    if is_tls_error(exc) or (isinstance(exc, OSError) and "CA certificate bundle" in str(exc)):
        return Unavailable(tls_error_message(exc, url, config))
    if isinstance(exc, requests.exceptions.Timeout | requests.exceptions.ConnectionError):
        kind = "did not answer in time" if isinstance(exc, requests.exceptions.Timeout) else "cannot be reached"
        api = config is not None and bool(config.api_host) and url.startswith(config.api_host.rstrip("/"))
        hint = ("check that the server runs and that api_host is right (`jupyter track where` shows the "
                "settings in force)" if api else "check the address and this machine's network access")
        return Unavailable(f"{url.split('?', 1)[0]} {kind} ({_short(exc)}); {hint}")
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema
                  | requests.exceptions.InvalidSchema):
        return InvalidArgument(f"{url!r} is not a valid http(s) address: {exc}")
    return Unavailable(f"request to {url.split('?', 1)[0]} failed: {_short(exc)}")


def _short(exc: BaseException) -> str:
    text = str(exc)
    # urllib3 wraps the one useful reason in a long repr; keep the tail that names it
    if "Caused by " in text:
        text = text.split("Caused by ", 1)[1]
    return text[:300]


def status_error(status: int, url: str, body: str = "") -> TrackError:
    where = url.split("?", 1)[0]
    if status == 401:
        return Unauthenticated(f"{where} refused the credentials (HTTP 401): check access_key and secret_key")
    if status == 403:
        return Forbidden(f"{where} refused access (HTTP 403)")
    if status == 404:
        return NotFound(f"nothing at {where} (HTTP 404)")
    if status >= 500:
        return Unavailable(f"{where} failed (HTTP {status}): {body[:200]}")
    return InvalidArgument(f"{where} answered HTTP {status}: {body[:200]}")


@contextlib.contextmanager
def open_url(url: str, config: Config | None = None, *, timeout: float | None = None) -> Iterator[IO[bytes]]:
    """A readable binary stream of ``url``: http(s) through ``requests`` with the configured
    certificate settings, every other scheme through fsspec with :meth:`Config.storage_options`."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "file"
    if scheme in ("http", "https"):
        import requests

        verify: bool | str = True if config is None else config.requests_verify()
        connect = 10.0 if config is None else max(config.connect_timeout, 1.0)
        try:
            response = requests.get(url, stream=True, verify=verify, timeout=(connect, timeout or 300.0))
        except (requests.exceptions.RequestException, OSError) as exc:
            raise translate_request_error(exc, url, config) from exc
        with response:
            if response.status_code >= 400:
                raise status_error(response.status_code, url, response.text if response.status_code >= 500 else "")
            response.raw.decode_content = True
            import urllib3

            try:
                yield response.raw
            except urllib3.exceptions.HTTPError as exc:  # the connection broke mid-download
                raise Unavailable(f"download of {url.split('?', 1)[0]} broke off: {exc}") from exc
        return
    import fsspec

    options: dict[str, Any] = {} if config is None else config.storage_options(url)
    with fsspec.open(url, "rb", **options) as fh:
        yield fh
