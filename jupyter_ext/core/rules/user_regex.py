"""Regular expressions a user types (task and model name filters), run in linear time.

Python's ``re`` backtracks: ``(a+)+$`` against ``'a'*25 + '!'`` takes seconds, doubling with
each character, so a single request could pin a server worker. RE2 guarantees time linear in
the text; it lacks backreferences and lookarounds, which a name filter does not need.
"""
from __future__ import annotations

from typing import Protocol

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

from jupyter_ext.core.rules.limits import REGEX
from jupyter_ext.errors import InvalidArgument

MAX_PATTERN = REGEX


class NamePattern(Protocol):
    def search(self, text: str) -> object: ...


def compile_user_regex(pattern: str, what: str) -> NamePattern:
    """``pattern`` compiled by RE2, or :class:`InvalidArgument` saying what to write instead."""
    if len(pattern) > MAX_PATTERN:
        raise InvalidArgument(f"{what} is {len(pattern):,} characters long; a pattern may have {MAX_PATTERN:,}")
    try:
        compiled: NamePattern = re2.compile(pattern)
    except re2.error as exc:
        raise InvalidArgument(f"{what} {pattern!r} is not a regular expression this server runs ({exc}): "
                              "backreferences and lookarounds are not supported; use re.escape(name) for a "
                              "literal name, or '^name$' for an exact match") from exc
    return compiled
