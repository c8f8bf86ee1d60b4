"""The demo wallet: signed example credentials showing every feature at once."""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime, timezone

import pytest

import resources
from wallet.cli import main
from wallet.clock import fixed_clock
from wallet.credential import Envelope, Format
from wallet.demo import create_demo_wallet, load_keys
from wallet.stacks.standing import Standing
from wallet.status import issuer_of
from wallet.verify.report import CheckName, Outcome, Status

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


EXPIRED, OFFLINE, REVOKED = ("Visualisation 3: Maps and Geodata", "Elective: Open Data in Practice",
                              "Safety online: Foundational")


def _titled(demo, title: str):
    return next(c for c in demo.credentials() if c.title == title)


def test_every_feature_is_there(demo):
    creds = demo.credentials()
    formats = {c.format for c in creds}
    assert {Format.OB3, Format.CLR2, Format.ENDORSEMENT} <= formats
    assert {c.envelope for c in creds} == {Envelope.JSON, Envelope.JWT, Envelope.PNG, Envelope.SVG}
    statuses = {c.title: demo.report(c.id).status for c in creds}
    assert statuses[EXPIRED] is Status.NOT_VERIFIED
    assert statuses[OFFLINE] is Status.OFFLINE  # unknown did:web issuer
    assert statuses[REVOKED] is Status.NOT_VERIFIED
    ok = {Status.VERIFIED, Status.WARNINGS}
    assert all(statuses[t] in ok for t in statuses if t not in (EXPIRED, OFFLINE, REVOKED)), statuses
    transcript = next(c for c in creds if c.format is Format.CLR2)
    assert len(demo.children(transcript)) == 4
    certificate = next(c for c in creds if c.title == "Course certificate: Data Literacy")
    assert certificate.document["credentialSubject"]["achievement"]["endorsement"]


@pytest.mark.parametrize("envelope, title, mime, colour", [
    (Envelope.PNG, "Information and data literacy: Advanced", "image/png", (0x2b, 0x6c, 0xb0)),
    (Envelope.SVG, "Communication and collaboration: Intermediate", "image/svg+xml", (0x2f, 0x85, 0x5a)),
])
def test_baked_badges_carry_a_real_picture(demo, envelope, title, mime, colour):
    from PIL import Image

    cred = _titled(demo, title)
    assert cred.envelope is envelope and cred.format is Format.OB3
    assert demo.report(cred.id).status is Status.VERIFIED  # the proof inside the picture holds
    assert cred.summary.image == f"data:{mime};base64," + base64.b64encode(cred.raw).decode()
    if envelope is Envelope.PNG:
        picture = Image.open(io.BytesIO(cred.raw)).convert("RGB")
        assert picture.size == (256, 256)
        assert picture.getpixel((128, 60)) == colour  # the badge's colour inside the ring, not a blank
        assert len(picture.getcolors(maxcolors=1 << 16)) > 50  # a drawing, with edges smoothed
    else:
        svg = cred.raw.decode()
        assert "<openbadges:credential>" in svg and "#%02x%02x%02x" % colour in svg and "<polygon" in svg


def test_a_credential_that_came_as_a_signed_token(demo):
    cred = _titled(demo, "Elective: Data Ethics")
    assert cred.envelope is Envelope.JWT and cred.signed.count(".") == 2
    header = json.loads(base64.urlsafe_b64decode(cred.signed.split(".")[0] + "=="))
    assert header["typ"] == "vc+jwt" and header["alg"] == "EdDSA"
    signature = demo.report(cred.id).check(CheckName.SIGNATURE)
    assert signature.outcome is Outcome.PASSED and "JWS EdDSA" in signature.detail


def test_revoked_and_not_revoked_from_the_cached_status_list(demo):
    (cached,) = demo.trust_data.status.cache.all()
    assert cached.url == "https://riverbend.example/status/revocation/1" and cached.source == "demo"
    assert issuer_of(cached.document) == load_keys()["issuer"].did
    revoked = demo.report(_titled(demo, REVOKED).id).check(CheckName.STATUS)
    assert revoked.outcome is Outcome.FAILED and revoked.code == "revoked"
    assert revoked.message == "Revoked by the issuer (as of 1 March 2026)."
    fine = demo.report(_titled(demo, "Digital content creation: Foundational").id).check(CheckName.STATUS)
    assert fine.outcome is Outcome.PASSED and fine.message == "Not revoked as of 1 March 2026."
    others = [c for c in demo.credentials() if c.title not in (REVOKED, "Digital content creation: Foundational")]
    assert all(demo.report(c.id).check(CheckName.STATUS) is None for c in others)


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
    (revoked,) = passport.not_counted
    assert demo.get(revoked).title == REVOKED
    assert passport.held[revoked].standing.reason == "Its issuer has revoked it, so it does not count."
    assert passport.next_steps[0] == "Every domain, foundational: 1 more credential for Safety online"
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
