"""Reports as JSON, and the wallet's verify / report calls that store them."""

from __future__ import annotations

import json

from wallet.verify import Status, verify_credential
from wallet.verify.report import report_from_json, report_to_json
from tests.wallet.verify.verify_helpers import ed_key, env, signed_ob3
from tests.wallet.verify.test_endorsements import _endorsement, _with


def test_report_json_round_trip_with_endorsements() -> None:
    report = verify_credential(_with(_endorsement("https://example.edu/achievements/data-literacy"), "achievement"), env())
    data = json.loads(json.dumps(report_to_json(report)))
    assert data["status"] == "verified" and data["summary"] == report.summary
    assert report_from_json(data) == report


def test_wallet_verify_stores_and_announces(wallet) -> None:
    doc = signed_ob3(ed_key(8))
    [cred] = wallet.import_bytes(json.dumps(doc).encode(), name="badge.json").added
    seen = []
    wallet.events.verification_finished.connect(lambda cid, rep: seen.append((cid, rep.status)))
    assert wallet.report(cred.id) is None  # nothing stored until it is checked
    report = wallet.verify(cred.id[:10])
    assert report.status is Status.VERIFIED
    assert seen == [(cred.id, Status.VERIFIED)]
    stored = wallet.report(cred.id)
    assert stored == report
    assert wallet.verify_environment().clock is wallet.clock


def test_an_unreadable_stored_report_is_treated_as_missing(wallet) -> None:
    from datetime import datetime, timezone

    [cred] = wallet.import_bytes(json.dumps(signed_ob3(ed_key(9))).encode(), name="b.json").added
    wallet.store.save_report(cred.id, datetime.now(timezone.utc), {"status": "nonsense"})
    assert wallet.report(cred.id) is None
