"""The one home of the secret rule: what counts as a secret, and how it is masked.

Everything the tracker captures on its own (environment variables, argv, git remotes, console
text) passes through here before it is stored, so that a task never leaks a credential the user
did not choose to log. Keep the rule in this file only: two copies of it drift apart.

A *name* is secret when one of its words is a secret word (``KEY``, ``TOKEN``, ``PASSWORD``, ...).
Words are split on punctuation and camelCase, so ``KEYBOARD_LAYOUT`` and ``TOKENIZERS_PARALLELISM``
are not secret but ``AWS_SECRET_ACCESS_KEY``, ``api_key``, ``apiKey``, ``GITHUB_TOKEN`` and
``DB_PASSWORD`` are. When in doubt the rule over-redacts: a masked harmless value costs little, a
leaked token costs a lot.
"""
from __future__ import annotations

import re

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would cost more than this module
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "REDACTED",
    "is_secret_name",
    "redact_argv",
    "redact_code",
    "redact_mapping",
    "redact_text",
    "redact_url",
    "redact_value",
]

REDACTED = "********"
"""The fixed marker that replaces a secret value: fixed, so it reveals nothing, not even length."""

# A word equal to one of these (or its plural) makes the name secret.
_WORDS = frozenset(
    {
        "KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "PWD", "PASS", "PASSPHRASE",
        "CREDENTIAL", "AUTH", "PRIVATE", "SESSION", "COOKIE",
    }
)
# Glued compounds (``ACCESSTOKEN``, ``DBPASSWORD``, ``OAUTH``): a word ending in one of these.
# TOKEN is an ending only: ``TOKENIZER`` is everywhere in ML and is no secret.
_ENDINGS = (
    "SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS",
    "SESSION", "COOKIE", "AUTH", "APIKEY", "ACCESSKEY", "SECRETKEY", "PRIVATEKEY", "AUTHKEY",
    "SSHKEY", "MASTERKEY", "SIGNINGKEY", "LICENSEKEY", "DBPWD", "DBPASS",
)
# Glued the other way round (``SECRETKEY``, ``PASSWORDHASH``, ``AUTHORIZATION``, ``SESSIONID``).
# KEY, AUTH and PWD are deliberately absent: ``KEYBOARD``, ``AUTHOR``.
_STARTS = (
    "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "PRIVATE", "SESSION", "COOKIE",
    "AUTHORIZ", "AUTHTOKEN", "AUTHKEY", "APIKEY",
)
# The shell's working directory, not a password: ``PWD`` alone is only secret as part of a name.
_NOT_SECRET = frozenset({"PWD", "OLDPWD"})

# camelCase and ALLCAPS runs, digits apart: "apiKey" -> api, Key; "APIKey" -> API, Key.
_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _is_secret_word(word: str) -> bool:
    for suffix in ("", "S", "ID", "IDS"):  # TOKEN, TOKENS, SESSIONID, KEYIDS
        if word.endswith(suffix) and word[: len(word) - len(suffix)] in _WORDS:
            return True
    return word.endswith(_ENDINGS) or word.startswith(_STARTS)


def is_secret_name(name: str) -> bool:
    """True when a variable, parameter or header called ``name`` probably holds a credential."""
    if name.upper() in _NOT_SECRET:
        return False
    return any(_is_secret_word(word.upper()) for word in _WORD_RE.findall(name))


def redact_value(value: str) -> str:
    """The stored stand-in for a secret ``value``; the same marker whatever the value is."""
    del value  # deliberately unused: the marker must not depend on the secret
    return REDACTED


def redact_mapping(d: Mapping[str, str]) -> dict[str, str]:
    """Copy ``d`` with secret-named values masked and credentials stripped from URL values.

    ``DATABASE_URL=postgres://me:pw@db/x`` has a harmless name but a password inside, hence the
    URL pass on the values that survive the name rule.
    """
    out: dict[str, str] = {}
    for name, value in d.items():
        if is_secret_name(name):
            out[name] = REDACTED
        elif "://" in value:
            out[name] = redact_text(value)
        else:
            out[name] = value
    return out


_SSH_SCHEMES = frozenset({"ssh", "git+ssh", "ssh+git", "sftp"})
_URL_RE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<netloc>[^/?#]*)(?P<rest>.*)$", re.DOTALL)


def _redact_params(params: str) -> str:
    """Mask the values of secret-named ``name=value`` pairs in a query string or fragment."""
    from urllib.parse import unquote_plus

    parts = []
    for pair in params.split("&"):
        name, eq, _value = pair.partition("=")
        if eq and is_secret_name(unquote_plus(name)):
            pair = f"{name}={REDACTED}"
        parts.append(pair)
    return "&".join(parts)


def redact_url(url: str) -> str:
    """Strip credentials from ``url``: user:password, and secret query or fragment parameters.

    ``https://user:pass@github.com/x.git`` becomes ``https://github.com/x.git``; a token sent as
    the user name (``https://ghp_xxx@github.com/...``) goes too. For ssh URLs the user name is
    kept (``ssh://git@host/...`` needs it) and only a password is dropped. Text that is not a
    ``scheme://`` URL (such as ``git@github.com:org/repo.git``, which cannot carry a password) is
    returned unchanged.
    """
    match = _URL_RE.match(url)
    if match is None:
        return url
    scheme, netloc, rest = match.group("scheme", "netloc", "rest")
    userinfo, at, host = netloc.rpartition("@")
    if at:
        if scheme.lower() in _SSH_SCHEMES:
            user = userinfo.partition(":")[0]
            netloc = f"{user}@{host}" if user else host
        else:
            netloc = host
    path, hash_, fragment = rest.partition("#")
    path, qmark, query = path.partition("?")
    if query:
        query = _redact_params(query)
    if "=" in fragment:  # OAuth implicit flow puts access_token in the fragment
        fragment = _redact_params(fragment)
    return f"{scheme}://{netloc}{path}{qmark}{query}{hash_}{fragment}"


# URLs inside free text; stops at whitespace, quotes and brackets that usually end a URL in prose.
_TEXT_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>`]+")
# name=value, name: value, "name": "value", --name=value; values may be quoted or bearer tokens.
_ASSIGN_RE = re.compile(
    r"""(?P<q>["']?)(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)(?P=q)(?P<sep>\s*[=:]\s*)"""
    r"""(?P<value>"[^"\n]*"|'[^'\n]*'|(?:(?i:bearer|basic|token)\s+)?[^\s,;&"']+)"""
)


def _mask_assignment(match: re.Match[str]) -> str:
    if not is_secret_name(match.group("name")):
        return match.group(0)
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    head = match.group(0)[: match.start("value") - match.start(0)]
    return f"{head}{quote}{REDACTED}{quote}"


def redact_text(text: str) -> str:
    """Mask secrets in free text: ``KEY=value``, ``"key": "value"``, ``token: abc``, URLs.

    Used for argv and, when asked, console output. It catches the assignment shapes people
    actually paste (shell exports, JSON, YAML, ``--api-key=...``, ``Authorization: Bearer ...``)
    and credentials inside URLs; a secret in plain prose (``my password is hunter2``) cannot be
    recognised and is left alone.
    """
    if "://" in text:
        text = _TEXT_URL_RE.sub(lambda m: redact_url(m.group(0)), text)
    if "=" in text or ":" in text:
        text = _ASSIGN_RE.sub(_mask_assignment, text)
    return text


def redact_argv(argv: Iterable[str]) -> list[str]:
    """Redact a command line: each item through :func:`redact_text`, and the value after a
    secret-named flag given as a separate item (``--token abc``)."""
    out: list[str] = []
    mask_next = False
    for item in argv:
        if mask_next and not item.startswith("-"):
            out.append(REDACTED)
            mask_next = False
            continue
        mask_next = item.startswith("-") and "=" not in item and is_secret_name(item.lstrip("-"))
        out.append(redact_text(item))
    return out


# Token shapes that are secret whatever they are called: printed in an output, pasted in a cell.
_KNOWN_TOKEN_RE = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}"
    r"|hf_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}"
    r"|glpat-[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
)
# ``%env NAME value`` / ``%set_env NAME value`` (the ``NAME=value`` form is an assignment already).
_ENV_MAGIC_RE = re.compile(
    r"(?m)^(?P<head>\s*%(?:env|set_env)\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+)(?P<value>\S.*)$"
)
# ``os.environ["NAME"] = "value"``, ``os.environ.setdefault("NAME", "value")``, ``os.putenv(...)``.
_ENVIRON_RE = re.compile(
    r"""(?P<head>(?:environ\[|environ\.setdefault\(|putenv\()\s*(?P<q>["'])(?P<name>[^"']+)(?P=q)\s*"""
    r"""(?:\]\s*=|,)\s*)(?P<value>"[^"\n]*"|'[^'\n]*')"""
)


def _mask_named(match: re.Match[str]) -> str:
    if not is_secret_name(match.group("name")):
        return match.group(0)
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group('head')}{quote}{REDACTED}{quote}"


def redact_code(text: str) -> str:
    """Mask secrets in notebook text (cell sources and outputs): everything :func:`redact_text`
    masks, plus ``%env NAME value``, ``os.environ["NAME"] = "..."`` and token shapes that are
    secret whatever they are called (GitHub, OpenAI, Hugging Face, Slack, AWS key ids, JWTs)."""
    if "%" in text:
        text = _ENV_MAGIC_RE.sub(_mask_named, text)
    if "environ" in text or "putenv" in text:
        text = _ENVIRON_RE.sub(_mask_named, text)
    text = _KNOWN_TOKEN_RE.sub(REDACTED, text)
    return redact_text(text)
