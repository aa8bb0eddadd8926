"""Times on the wire: the fast ISO formatter writes exactly what datetime writes."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from jupyter_ext.wire.codec import epoch, iso


def _datetime_text(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).isoformat()


@pytest.mark.parametrize("t", [0.0, 1.0, 0.5e-6, 1.5e-6, 2.5e-6, 0.9999995, 0.9999994999, 1e9 + 0.9999995,
                               1764200000.0000005, 1764200000.9999996, 59.9999999, 86399.9999995,
                               946684799.9999995, 253402300799.0, -1.5, -0.0000005])
def test_edge_times_match_datetime(t: float) -> None:
    assert iso(t) == _datetime_text(t)


def test_many_times_match_datetime_and_read_back() -> None:
    rng = random.Random(7)
    times = [rng.uniform(0, 4e9) for _ in range(20_000)] + [round(rng.uniform(1.6e9, 1.9e9), 6) for _ in range(20_000)]
    times += [rng.randint(0, 2**32) + k / 1e6 + 0.5e-6 for k in range(0, 1_000_000, 97)]
    for t in times:
        text = iso(t)
        assert text == _datetime_text(t)
        assert abs((epoch(text) or 0.0) - t) <= 1e-6
    assert iso(None) is None
