"""The one place dates are read and said: credentials, status lists, the wallet's own records."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from wallet.verify.dates import human, parse_stamp

JUNE_1 = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["2026-06-01T12:00:00Z", "2026-06-01T12:00:00+00:00", "2026-06-01T14:00:00+02:00",
                                  "2026-06-01T12:00:00.000000+00:00"])
def test_a_stamp_the_wallet_wrote_is_read_in_utc(text):
    assert parse_stamp(text) == JUNE_1 and parse_stamp(text).utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", ["2026-06-01T12:00:00", "2026-06-01", "yesterday", "2026-13-01T00:00:00Z", None, 1780315200])
def test_a_stamp_without_a_time_zone_or_unreadable_is_refused(value):
    """A record whose date lacks its time zone is damaged: reading it as UTC could move it by hours."""
    with pytest.raises(ValueError):
        parse_stamp(value)


def test_a_day_is_said_in_utc_and_an_unknown_one_says_so():
    assert human(JUNE_1) == "1 June 2026"
    assert human(datetime(2026, 6, 2, 1, 0, tzinfo=timezone(timedelta(hours=3)))) == "1 June 2026"  # 22:00 UTC
    assert human(None) == "an unknown date"
