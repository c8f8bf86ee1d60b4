"""The clock seam: code that needs "now" takes a Clock; tests pass a fixed one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def fixed_clock(when: datetime) -> Clock:
    """A clock that always says ``when`` (made timezone-aware as UTC if naive)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return lambda: when
