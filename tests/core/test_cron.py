"""The schedule rule (core/cron.py): which minutes an entry fires in, in its time zone."""
from __future__ import annotations

import datetime as dt

import pytest

from jupyter_ext.core.rules.cron import Cron
from jupyter_ext.errors import InvalidArgument

UTC = dt.timezone.utc


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_finer_fields_default_to_their_first_value() -> None:
    daily = Cron.of(hour=2)
    assert daily.next_after(_at("2027-03-01 10:00")) == _at("2027-03-02 02:00")
    hourly = Cron.of(minute=30)
    assert hourly.next_after(_at("2027-03-01 10:30")) == _at("2027-03-01 11:30")
    monday = Cron.of(weekdays=["monday"], hour=2, minute=0)
    assert monday.next_after(_at("2027-03-02 00:00")) == _at("2027-03-08 02:00")  # 2027-03-08 is a Monday
    assert Cron.of(month=6).next_after(_at("2027-03-02 00:00")) == _at("2027-06-01 00:00")
    assert Cron.of(year=2028).next_after(_at("2027-03-02 00:00")) == _at("2028-01-01 00:00")


def test_cron_texts_and_every_minute() -> None:
    every = Cron.of(minute="*")
    assert every.next_after(_at("2027-03-01 10:00:30")) == _at("2027-03-01 10:01")
    quarter = Cron.of(minute="*/15")
    assert quarter.next_after(_at("2027-03-01 10:16")) == _at("2027-03-01 10:30")
    weekdays = Cron.of(weekdays="0-4", hour=9)
    assert weekdays.next_after(_at("2027-03-05 10:00")) == _at("2027-03-08 09:00")  # Friday -> Monday


def test_time_zone_is_honoured() -> None:
    paris = Cron.of(hour=2, minute=0, timezone="Europe/Paris")
    assert paris.next_after(_at("2027-01-10 12:00")) == _at("2027-01-11 01:00")  # CET = UTC+1
    assert paris.next_after(_at("2027-07-10 12:00")) == _at("2027-07-11 00:00")  # CEST = UTC+2


def test_last_fire_in_a_window() -> None:
    every = Cron.of(minute="*/10")
    assert every.last_at_or_before(_at("2027-03-01 10:35"), since=_at("2027-03-01 10:00")) == _at("2027-03-01 10:30")
    assert every.last_at_or_before(_at("2027-03-01 10:05"), since=_at("2027-03-01 10:00")) is None


@pytest.mark.parametrize("kwargs,message", [
    ({"minute": 60}, "minute=60 is out of range: use 0..59"),
    ({"hour": -1}, "hour=-1 is out of range: use 0..23"),
    ({"day": 32}, "day=32 is out of range"),
    ({"month": 0}, "month=0 is out of range"),
    ({"weekdays": ["funday"]}, "not a whole number or a day name"),
    ({"minute": "*/0"}, "positive number"),
    ({"minute": []}, "matches nothing"),
    ({}, "at least one of"),
    ({"hour": 1, "timezone": "Mars/Olympus"}, "unknown time zone"),
])
def test_bad_fields_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message.replace("(", r"\(").replace("*", r"\*")):
        Cron.of(**kwargs)  # type: ignore[arg-type]
