"""The demo wallet: signed example credentials showing every feature at once."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest

import resources
from wallet.cli import main
from wallet.clock import fixed_clock
from wallet.credential import Format
from wallet.demo import create_demo_wallet, load_keys
from wallet.stacks.standing import Standing
from wallet.verify.report import Status

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    w = create_demo_wallet(tmp_path_factory.mktemp("demo"), clock=fixed_clock(NOW))
    yield w
    w.close()


def test_the_demo_key_is_labelled_and_matches_its_did():
    text = resources.path("demo", "demo-keys.json").read_text()
    assert "DEMO KEYS, PUBLISHED ON PURPOSE" in text and "anyone can sign" in text.lower()
    from wallet.identity import did_key_of

    for key in load_keys().values():
        assert did_key_of(key.private_key.public_key()) == key.did


def test_every_feature_is_there(demo):
    creds = demo.credentials()
    formats = {c.format for c in creds}
    assert {Format.OB3, Format.CLR2, Format.ENDORSEMENT} <= formats
    statuses = {c.title: demo.report(c.id).status for c in creds}
    assert statuses["Visualisation 3: Maps and Geodata"] is Status.NOT_VERIFIED  # expired
    assert statuses["Elective: Open Data in Practice"] is Status.OFFLINE  # unknown did:web issuer
    ok = {Status.VERIFIED, Status.WARNINGS}
    others = [t for t in statuses if t not in ("Visualisation 3: Maps and Geodata", "Elective: Open Data in Practice")]
    assert all(statuses[t] in ok for t in others), statuses
    transcript = next(c for c in creds if c.format is Format.CLR2)
    assert len(demo.children(transcript)) == 4
    certificate = next(c for c in creds if c.title == "Course certificate: Data Literacy")
    assert certificate.document["credentialSubject"]["achievement"]["endorsement"]


def test_the_stacks_show_progress_and_why_something_does_not_count(demo):
    stored = {s.id.rsplit("/", 1)[-1]: s for s in demo.stacks.stored()}
    ladder = stored["data-skills-certificate"]
    assert ladder.signed and ladder.publisher == "Riverbend Open College (demo issuer)"
    p = demo.stacks.progress(ladder.id)
    assert 0.7 < p.fraction < 1 and not p.met  # nearly complete
    dl = p.root.children[0]
    assert dl.met  # a complete course
    (expired,) = p.not_counted
    assert p.held[expired].standing.reason.startswith("It expired on") or "Expired on" in p.held[expired].standing.reason
    (pending,) = p.pending
    assert p.held[pending].standing.standing is Standing.PENDING
    assert "could not be checked" in p.held[pending].standing.reason.lower()
    # what is missing, in words a learner reads
    assert p.next_steps == ("1 more micro-course from Visualisation",
                            "1 of 2 credits for Electives (1 more held, waiting for a check)")
    electives = p.find("requirement.all[3]")
    assert electives is not None and electives.missing == "1 of 2 credits for Electives"
    passport = demo.stacks.progress(stored["digital-skills-passport"].id)
    assert 0 < passport.fraction < 1
    skills = {f.name: f for f in demo.stacks.skills()}
    rows = {r.code: r.highest_name for r in skills["Riverbend Digital Competence Framework (demo)"].rows}
    assert rows == {"DC-COMM": "Intermediate", "DC-CREATE": "Foundational", "DC-INFO": "Advanced"}
    (clr,) = demo.stacks.inferred()
    assert clr.met and clr.inferred


def test_demo_dates_follow_the_clock(demo):
    cred = next(c for c in demo.credentials() if c.title == "Spreadsheets 3: Automating Routine Work")
    assert cred.summary.issued.date().isoformat() == "2025-12-01"  # 90 days before NOW


def test_cli_demo_flag_uses_a_throwaway_wallet(monkeypatch):
    monkeypatch.delenv("LEARNER_WALLET_PASSPHRASE", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert main(["--demo", "stacks", "--json"], out=out, err=err) == 0, err.getvalue()
    doc = json.loads(out.getvalue())
    names = [s["name"] for s in doc["stacks"]]
    assert "Certificate in Data Skills (demo)" in names and "Digital Skills Passport (demo)" in names
