"""Read a ClearML ``clearml.conf`` (HOCON) so ClearML users keep their server and keys.

Only the part of HOCON that ``clearml init`` and people write by hand is understood: nested
``key { … }`` objects, ``key: value`` / ``key = value``, dotted keys, quoted keys and strings,
``[ … ]`` lists, ``#`` and ``//`` comments, and unquoted URLs (``https://host:8008`` is a value,
not a comment). Substitutions (``${…}``) and ``include`` are kept as text and ignored.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from jupyter_ext.errors import InvalidArgument

# our setting -> path in clearml.conf
SETTINGS = {
    "api_host": ("api", "api_server"),
    "web_host": ("api", "web_server"),
    "files_host": ("api", "files_server"),
    "access_key": ("api", "credentials", "access_key"),
    "secret_key": ("api", "credentials", "secret_key"),
    "verify_certificate": ("api", "verify_certificate"),
    "default_output_uri": ("sdk", "development", "default_output_uri"),
}


def default_path(env: Mapping[str, str]) -> str | None:
    """``CLEARML_CONFIG_FILE`` when set (even if missing: then no file is read, as in ClearML),
    else the first of ``~/clearml.conf`` and ``~/trains.conf`` that exists."""
    explicit = env.get("CLEARML_CONFIG_FILE")
    if explicit:
        return os.path.expanduser(explicit)
    for name in ("clearml.conf", "trains.conf"):
        path = os.path.join(os.path.expanduser("~"), name)
        if os.path.exists(path):
            return path
    return None


def read_settings(path: str | None) -> dict[str, Any]:
    """Our settings found in the file at ``path`` (none when there is no file)."""
    if not path or not os.path.isfile(path):
        return {}
    try:
        with open(path, encoding="utf-8") as fh:
            tree = parse(fh.read())
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidArgument(f"cannot read {path}: {exc}") from exc
    except InvalidArgument as exc:
        raise InvalidArgument(f"cannot read {path}: {exc.message}; fix it or set CLEARML_CONFIG_FILE") from exc
    return settings_from_tree(tree)


def settings_from_tree(tree: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, keys in SETTINGS.items():
        node: Any = tree
        for key in keys:
            node = node.get(key) if isinstance(node, Mapping) else None
        if node is not None and node != "":
            found[name] = node
    found.update(_s3_settings(tree))
    return found


def _s3_settings(tree: Mapping[str, Any]) -> dict[str, Any]:
    """``sdk.aws.s3``: the default key/secret/region, and the first ``credentials`` entry that
    names a ``host`` (how ClearML users point at MinIO and other S3-compatible servers)."""
    s3: Any = tree.get("sdk")
    for key in ("aws", "s3"):
        s3 = s3.get(key) if isinstance(s3, Mapping) else None
    if not isinstance(s3, Mapping):
        return {}
    found = {ours: s3[theirs] for ours, theirs in (("s3_access_key", "key"), ("s3_secret_key", "secret"),
                                                  ("s3_region", "region")) if s3.get(theirs)}
    for entry in s3.get("credentials") or ():
        if isinstance(entry, Mapping) and entry.get("host"):
            secure = str(entry.get("secure", "true")).lower() not in ("false", "0", "no")
            found["s3_endpoint"] = ("https://" if secure else "http://") + str(entry["host"])
            if entry.get("key") and entry.get("secret"):
                found.update(s3_access_key=entry["key"], s3_secret_key=entry["secret"])
            if entry.get("region"):
                found["s3_region"] = entry["region"]
            if "verify" in entry and entry["verify"] not in (None, ""):
                found["s3_verify"] = entry["verify"]
            break
    return found


def parse(text: str) -> dict[str, Any]:
    """The tree of a HOCON text (objects are dicts, lists are lists, scalars str/bool/number)."""
    parser = _Parser(text)
    if parser.peek_nonblank() == "{":  # a file may wrap everything in one root object
        parser.pos = parser.text.index("{", parser.pos) + 1
        tree = parser.object_body("}")
    else:
        tree = parser.object_body(None)
    return tree


_STOP = set('{}[],:="\n')


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, what: str) -> InvalidArgument:
        line = self.text.count("\n", 0, self.pos) + 1
        return InvalidArgument(f"line {line}: {what}")

    def _comment_here(self) -> bool:
        t, p = self.text, self.pos
        if t.startswith("#", p):
            return True
        # "//" opens a comment only where a token could start, so "https://x" stays a value
        return t.startswith("//", p) and (p == 0 or t[p - 1] in " \t\n,{[")

    def skip(self, newlines: bool = True) -> None:
        t = self.text
        while self.pos < len(t):
            c = t[self.pos]
            if c in " \t\r" or (newlines and c in "\n,"):
                self.pos += 1
            elif self._comment_here():
                end = t.find("\n", self.pos)
                self.pos = len(t) if end < 0 else end
            else:
                break

    def peek_nonblank(self) -> str:
        save = self.pos
        self.skip()
        c = self.text[self.pos] if self.pos < len(self.text) else ""
        self.pos = save
        return c

    def quoted(self) -> str:
        t = self.text
        if t.startswith('"""', self.pos):
            end = t.find('"""', self.pos + 3)
            if end < 0:
                raise self.error('unterminated """ string')
            value = t[self.pos + 3:end]
            self.pos = end + 3
            return value
        start = self.pos
        self.pos += 1
        while self.pos < len(t) and t[self.pos] != '"':
            if t[self.pos] == "\n":
                raise self.error("unterminated string")
            self.pos += 2 if t[self.pos] == "\\" else 1
        if self.pos >= len(t):
            raise self.error("unterminated string")
        self.pos += 1
        try:
            return str(json.loads(t[start:self.pos]))
        except ValueError as exc:
            raise self.error(f"bad string {t[start:self.pos]}") from exc

    def key(self) -> list[str]:
        if self.text.startswith('"', self.pos):
            return [self.quoted()]
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _STOP | {" ", "\t", "\r", "#"}:
            self.pos += 1
        raw = self.text[start:self.pos]
        if not raw:
            raise self.error(f"expected a key, found {self.text[self.pos:self.pos + 10]!r}")
        parts = [part for part in raw.split(".") if part]
        if not parts:
            raise self.error(f"{raw!r} is not a key")
        return parts

    def object_body(self, close: str | None) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while True:
            self.skip()
            if self.pos >= len(self.text):
                if close is not None:
                    raise self.error(f"missing {close!r}")
                return result
            if close is not None and self.text[self.pos] == close:
                self.pos += 1
                return result
            path = self.key()
            self.skip(newlines=False)
            if path == ["include"] and self.text.startswith('"', self.pos):
                self.quoted()  # includes are not followed
                continue
            if self.pos < len(self.text) and self.text[self.pos] in ":=":
                self.pos += 1
                self.skip(newlines=False)
            elif not self.text.startswith("{", self.pos):
                raise self.error(f"expected ':' or '=' after {'.'.join(path)!r}")
            _set(result, path, self.value())

    def value(self) -> Any:
        t = self.text
        if self.pos >= len(t):
            raise self.error("missing value")
        c = t[self.pos]
        if c == "{":
            self.pos += 1
            return self.object_body("}")
        if c == "[":
            self.pos += 1
            items: list[Any] = []
            while True:
                self.skip()
                if self.pos >= len(t):
                    raise self.error("missing ']'")
                if t[self.pos] == "]":
                    self.pos += 1
                    return items
                items.append(self.value())
        if c == '"':
            return self.quoted()
        start = self.pos
        while self.pos < len(t) and t[self.pos] not in "\n,}]" and not self._comment_here():
            self.pos += 1
        if self.pos == start and c in "}]":
            raise self.error(f"unexpected {c!r}")
        return _scalar(t[start:self.pos].strip())


def _scalar(raw: str) -> Any:
    low = raw.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    if low == "null":
        return None
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def _set(tree: dict[str, Any], path: list[str], value: Any) -> None:
    node = tree
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    last = path[-1]
    if isinstance(value, dict) and isinstance(node.get(last), dict):
        _merge(node[last], value)  # HOCON merges an object given twice
    else:
        node[last] = value


def _merge(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
