"""The schedule rule (pure, no database): which minutes a cron-like entry fires in, in a given time zone.

An entry names any of minute, hour, day (of the month), weekdays, month and year; each is a
number, a list of numbers, or a cron field text (``"*"``, ``"*/15"``, ``"1-5"``, ``"0,30"``).
Fields finer than the coarsest one given default to their first value (``hour=2`` fires at
02:00, not every minute of that hour); coarser ones default to every value. Day and weekday
both given: either matches (as cron does).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jupyter_ext.errors import InvalidArgument

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FIELDS = ("minute", "hour", "day", "weekdays", "month", "year")
_RANGES = {"minute": (0, 59), "hour": (0, 23), "day": (1, 31), "weekdays": (0, 6), "month": (1, 12),
           "year": (1970, 2999)}
_SEARCH_MINUTES = 60 * 24 * 366 * 5  # past this, no fire is coming (Feb 30, a year gone by)


def zone(name: str | None) -> ZoneInfo:
    """The time zone ``name`` (UTC when None)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidArgument(f"unknown time zone {name!r}; use an IANA name like 'UTC' or 'Europe/Paris'") from None


def _parse_text(field: str, text: str, low: int, high: int) -> set[int]:
    out: set[int] = set()
    for part in text.replace(" ", "").split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise InvalidArgument(f"{field}={text!r}: the step after '/' must be a positive number")
        if base == "*":
            first, last = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            first, last = _one(field, a, low, high), _one(field, b, low, high)
        else:
            first = _one(field, base, low, high)
            last = high if step else first
        out.update(range(first, last + 1, step or 1))
    return out


def _one(field: str, value: Any, low: int, high: int) -> int:
    if field == "weekdays" and isinstance(value, str) and value.strip().lower() in WEEKDAYS:
        return WEEKDAYS.index(value.strip().lower())
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        hint = f" or a day name ({', '.join(WEEKDAYS)})" if field == "weekdays" else ""
        raise InvalidArgument(f"{field}={value!r} is not a whole number{hint}")
    if not low <= number <= high:
        raise InvalidArgument(f"{field}={value!r} is out of range: use {low}..{high}")
    return number


def parse_field(field: str, value: Any) -> frozenset[int] | None:
    """The values ``field`` matches; None for 'not given'."""
    if value is None:
        return None
    low, high = _RANGES[field]
    if isinstance(value, str) and not (field == "weekdays" and value.strip().lower() in WEEKDAYS):
        found = _parse_text(field, value, low, high)
    elif isinstance(value, (list, tuple, set, frozenset)):
        if not value:
            raise InvalidArgument(f"{field}=[] matches nothing; give at least one value or leave it out")
        found = {_one(field, v, low, high) for v in value}
    else:
        found = {_one(field, value, low, high)}
    return frozenset(found)


@dataclass(frozen=True)
class Cron:
    """When an entry fires: the allowed values of each field, and its time zone."""

    minute: frozenset[int]
    hour: frozenset[int]
    day: frozenset[int] | None
    weekdays: frozenset[int] | None
    month: frozenset[int]
    year: frozenset[int] | None
    tz: ZoneInfo

    @classmethod
    def of(cls, *, minute: Any = None, hour: Any = None, day: Any = None, weekdays: Any = None, month: Any = None,
           year: Any = None, timezone: str | None = None) -> Cron:
        given = {f: parse_field(f, v) for f, v in zip(FIELDS, (minute, hour, day, weekdays, month, year), strict=False)}
        if all(v is None for v in given.values()):
            raise InvalidArgument("a schedule needs at least one of minute, hour, day, weekdays, month or year "
                                  "(minute='*' fires every minute)")
        # Finer fields than the coarsest given one start at their first value.
        order = ("minute", "hour", "day", "month", "year")
        coarsest = max((order.index(f) for f in order if given[f] is not None), default=0)
        if given["weekdays"] is not None:
            coarsest = max(coarsest, 2)
        defaults = {"minute": frozenset({0}), "hour": frozenset({0})}
        picked: dict[str, frozenset[int] | None] = {}
        for f in ("minute", "hour"):
            value = given[f]
            picked[f] = value if value is not None else (defaults[f] if order.index(f) < coarsest else None)
        day = given["day"]
        if day is None and given["weekdays"] is None and coarsest > order.index("day"):
            day = frozenset({1})
        month = given["month"] or (frozenset({1}) if coarsest > order.index("month") else frozenset(range(1, 13)))
        return cls(minute=picked["minute"] or frozenset(range(60)), hour=picked["hour"] or frozenset(range(24)),
                   day=day, weekdays=given["weekdays"], month=month,
                   year=given["year"], tz=zone(timezone))

    def matches(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.tz)
        if local.minute not in self.minute or local.hour not in self.hour or local.month not in self.month:
            return False
        if self.year is not None and local.year not in self.year:
            return False
        by_day = self.day is not None and local.day in self.day
        by_weekday = self.weekdays is not None and local.weekday() in self.weekdays
        if self.day is None and self.weekdays is None:
            return True
        return by_day or by_weekday

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        """The first fire time strictly after ``moment`` (UTC, whole minutes); None if there is none."""
        current = moment.astimezone(dt.timezone.utc).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        for _ in range(_SEARCH_MINUTES):
            if self.matches(current):
                return current
            current = self._skip(current)
        return None

    def _skip(self, moment: dt.datetime) -> dt.datetime:
        """The next minute worth looking at: whole hours or days are skipped when they cannot match."""
        local = moment.astimezone(self.tz)
        day_ok = (self.day is None and self.weekdays is None) or (self.day is not None and local.day in self.day) or \
            (self.weekdays is not None and local.weekday() in self.weekdays)
        if local.month not in self.month or not day_ok or (self.year is not None and local.year not in self.year):
            nxt = (local + dt.timedelta(days=1)).replace(hour=0, minute=0)
            return nxt.astimezone(dt.timezone.utc)
        if local.hour not in self.hour:
            return (local + dt.timedelta(hours=1)).replace(minute=0).astimezone(dt.timezone.utc)
        return moment + dt.timedelta(minutes=1)

    def last_at_or_before(self, moment: dt.datetime, since: dt.datetime) -> dt.datetime | None:
        """The latest fire time in ``(since, moment]``; None if none fell in it."""
        found = None
        current = self.next_after(since)
        while current is not None and current <= moment:
            found = current
            current = self.next_after(current)
        return found

