"""Validity dates against the injected clock.

VC 2.0 ``validFrom`` / ``validUntil``, VC 1.1 ``issuanceDate`` / ``expirationDate``
and JWT ``nbf`` / ``exp`` all come down to a window; outside it the credential is
"Expired on <date>" or "Not valid until <date>", outcomes of their own, never confused
with tampering.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from wallet.verify.report import Check, CheckName, Outcome

_DATE_TIME = re.compile(
    r"^(-?\d{4,})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?)?"
    r"([Zz]|[+-]\d{2}:\d{2})?$"
)


def parse_date(value: Any) -> datetime | None:
    """An XSD dateTime (or date) as an aware datetime; naive values are read as UTC."""
    if not isinstance(value, str):
        return None
    m = _DATE_TIME.match(value.strip())
    if not m:
        return None
    year, month, day, hh, mm, ss, frac, tz = m.groups()
    try:
        when = datetime(
            int(year), int(month), int(day), int(hh or 0), int(mm or 0), int(ss or 0),
            int(float(frac) * 1_000_000) if frac else 0,
        )
    except ValueError:
        return None
    if tz and tz not in ("Z", "z"):
        sign = 1 if tz[0] == "+" else -1
        from datetime import timedelta

        offset = timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])) * sign
        return when.replace(tzinfo=timezone(offset)).astimezone(timezone.utc)
    return when.replace(tzinfo=timezone.utc)


def from_epoch(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def parse_stamp(value: Any) -> datetime:
    """A date and time the wallet wrote itself (ISO 8601 with its time zone), in UTC;
    a ValueError when it is not one: unreadable, or without a time zone."""
    match = _DATE_TIME.match(value.strip()) if isinstance(value, str) else None
    when = parse_date(value) if match and match.group(8) else None
    if when is None:
        raise ValueError(f"not a date and time with its time zone: {value!r}")
    return when


def human(when: datetime | None) -> str:
    """A day as a learner reads it, "1 June 2026" (an aware time is read in UTC)."""
    if when is None:
        return "an unknown date"
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return f"{when.day} {when:%B %Y}"


def window_of(document: dict[str, Any]) -> tuple[Any, Any]:
    """The raw (start, end) values a credential gives, whatever its data model."""
    start = document.get("validFrom", document.get("issuanceDate"))
    end = document.get("validUntil", document.get("expirationDate"))
    return start, end


def check_window(
    start: datetime | None, end: datetime | None, now: datetime, *, bad: list[str] | None = None
) -> Check:
    """The DATES check for a validity window."""
    if bad:
        return Check(
            CheckName.DATES, Outcome.FAILED, "A validity date in the credential cannot be read.",
            "unreadable: " + ", ".join(bad), "malformed-date",
        )
    if end is not None and now > end:
        return Check(
            CheckName.DATES, Outcome.FAILED, f"Expired on {human(end)}.",
            f"valid until {end.isoformat()}, checked at {now.isoformat()}", "expired",
        )
    if start is not None and now < start:
        return Check(
            CheckName.DATES, Outcome.FAILED, f"Not valid until {human(start)}.",
            f"valid from {start.isoformat()}, checked at {now.isoformat()}", "not-yet-valid",
        )
    if end is not None:
        return Check(
            CheckName.DATES, Outcome.PASSED, f"Valid until {human(end)}.",
            f"valid {start.isoformat() if start else '(no start)'} .. {end.isoformat()}",
        )
    return Check(
        CheckName.DATES, Outcome.PASSED, "Valid, with no expiry date.",
        f"valid from {start.isoformat()}" if start else "no validity dates",
    )


def check_document_dates(document: dict[str, Any], now: datetime) -> Check:
    raw_start, raw_end = window_of(document)
    start, end = parse_date(raw_start), parse_date(raw_end)
    bad = [repr(v) for v, parsed in ((raw_start, start), (raw_end, end)) if v is not None and parsed is None]
    return check_window(start, end, now, bad=bad)
