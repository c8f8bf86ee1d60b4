"""Why a held credential counts or not, read from its verification report."""

from __future__ import annotations

from datetime import datetime, timezone

from wallet.credential import Summary
from wallet.stacks.standing import Standing, standing_now, standing_of
from wallet.verify.report import Check, CheckName, Outcome, Report, Status

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _report(status: Status, *checks: Check) -> Report:
    return Report(status, checks, NOW)


def test_verified_counts_and_warnings_count():
    assert standing_of(_report(Status.VERIFIED)).counts
    assert standing_of(_report(Status.WARNINGS)).counts


def test_a_signature_not_shown_to_be_the_issuers_never_counts():
    unbound = standing_of(_report(Status.WARNINGS, Check(
        CheckName.ISSUER_KEY, Outcome.WARNING, "No key can belong to this issuer, so who issued it is not shown.",
        code="issuer-unbound")))
    assert unbound.standing is Standing.NOT_COUNTED and unbound.code == "issuer-unbound"
    assert unbound.reason.startswith("Who issued it is not confirmed (no key can belong to this issuer")
    assert standing_of(_report(Status.VERIFIED, Check(
        CheckName.ISSUER_KEY, Outcome.PASSED, "Signed with the issuer's own key."))).counts


def test_revoked_and_suspended_never_count_and_say_so():
    revoked = standing_of(_report(Status.NOT_VERIFIED, Check(
        CheckName.STATUS, Outcome.FAILED, "The issuer has revoked this credential.", code="revoked")))
    assert revoked.standing is Standing.NOT_COUNTED and revoked.code == "revoked"
    assert revoked.reason == "Its issuer has revoked it, so it does not count."
    suspended = standing_of(_report(Status.NOT_VERIFIED, Check(
        CheckName.STATUS, Outcome.FAILED, "The issuer has suspended this credential.", code="suspended")))
    assert suspended.standing is Standing.NOT_COUNTED and "suspended" in suspended.reason


def test_a_failed_signature_says_why():
    failed = standing_of(_report(Status.NOT_VERIFIED, Check(
        CheckName.SIGNATURE, Outcome.FAILED, "The credential was changed after it was signed.", code="tampered")))
    assert failed.standing is Standing.NOT_COUNTED and failed.code == "tampered"
    assert failed.reason == ("It did not pass verification (the credential was changed after it was signed), "
                             "so it does not count.")


def test_offline_and_unchecked_are_pending():
    offline = standing_of(_report(Status.OFFLINE, Check(
        CheckName.ISSUER_KEY, Outcome.UNKNOWN, "The issuer's key is not available offline.", code="offline")))
    assert offline.standing is Standing.PENDING and "it will count once it can be" in offline.reason
    assert standing_of(None).standing is Standing.PENDING


def test_expired_since_its_last_check_stops_counting():
    summary = Summary(title="t", valid_until=datetime(2026, 2, 1, tzinfo=timezone.utc))
    now = standing_now(summary, _report(Status.VERIFIED), NOW)
    assert now.standing is Standing.NOT_COUNTED and now.reason == "It expired on 1 February 2026, so it does not count."
