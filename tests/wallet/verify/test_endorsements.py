"""Endorsements embedded in OB 3.0 achievements and profiles: verified, shown with who endorsed."""

from __future__ import annotations

from wallet.verify import Status, verify_credential
from wallet.verify.dids import did_key_from_public_key, verification_method_for
from wallet.verify.report import CheckName, Outcome
from wallet.verify.sign import sign
from tests.wallet.verify.verify_helpers import CREATED, clone, ed_key, env, ob3_credential

ISSUER, ENDORSER = ed_key(1), ed_key(4)


def _endorsement(subject_id: str, comment: str = "Meets our quality framework.") -> dict:
    did = did_key_from_public_key(ENDORSER)
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:5f1d2a4e-7b9c-4d3e-8f6a-0b1c2d3e4f50",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Quality endorsement",
        "issuer": {"id": did, "type": ["Profile"], "name": "Quality Agency"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": subject_id, "type": ["EndorsementSubject"], "endorsementComment": comment},
    }
    return sign(doc, ENDORSER, verification_method_for(ENDORSER), created=CREATED)


def _with(endorsement: dict, where: str) -> dict:
    doc = ob3_credential(did_key_from_public_key(ISSUER))
    if where == "achievement":
        doc["credentialSubject"]["achievement"]["endorsement"] = [endorsement]
    else:
        doc["issuer"]["endorsement"] = [endorsement]
    return sign(doc, ISSUER, verification_method_for(ISSUER), created=CREATED)


ACHIEVEMENT = "https://example.edu/achievements/data-literacy"


def test_endorsement_in_achievement_and_profile_are_verified_and_named() -> None:
    about = {"achievement": ACHIEVEMENT, "issuer": did_key_from_public_key(ISSUER)}
    for where in ("achievement", "issuer"):
        report = verify_credential(_with(_endorsement(about[where]), where), env())
        assert report.status is Status.VERIFIED, report.checks
        line = report.check(CheckName.ENDORSEMENTS)
        assert line.message == "Endorsed by Quality Agency."
        assert len(report.endorsements) == 1
        assert report.endorsements[0].signer.issuer_id == did_key_from_public_key(ENDORSER)


def test_a_broken_endorsement_is_a_warning_on_an_otherwise_good_credential() -> None:
    bad = _endorsement(ACHIEVEMENT)
    bad = clone(bad)
    bad["credentialSubject"]["endorsementComment"] = "Outstanding in every way."
    report = verify_credential(_with(bad, "achievement"), env())
    line = report.check(CheckName.ENDORSEMENTS)
    assert line.outcome is Outcome.WARNING and line.code == "endorsement-failed"
    assert "Quality Agency" in line.message
    assert report.endorsements[0].status is Status.NOT_VERIFIED
    assert report.status is Status.WARNINGS


def test_an_endorsement_of_something_else_is_not_counted() -> None:
    """Reproduction: a genuine endorsement of another achievement (or of the issuer),
    copied into this one, said "Endorsed by ..."."""
    for subject in ("https://example.edu/achievements/another-course", did_key_from_public_key(ISSUER)):
        report = verify_credential(_with(_endorsement(subject), "achievement"), env())
        line = report.check(CheckName.ENDORSEMENTS)
        assert line.outcome is Outcome.WARNING and line.code == "endorsement-unrelated", subject
        assert line.message == (
            "The endorsement by Quality Agency is about something else, not the achievement, so it is not counted.")
        assert "Endorsed by" not in line.message and report.status is Status.WARNINGS
        own = report.endorsements[0]
        assert own.status is Status.NOT_VERIFIED
        assert own.check(CheckName.SIGNATURE).outcome is Outcome.PASSED  # genuine, just not about this
    # on the issuer's profile, an endorsement of the achievement is not about the issuer either
    report = verify_credential(_with(_endorsement(ACHIEVEMENT), "issuer"), env())
    assert report.check(CheckName.ENDORSEMENTS).code == "endorsement-unrelated"


def test_an_unsigned_endorsement_is_shown_as_not_counted() -> None:
    unsigned = {key: value for key, value in _endorsement(ACHIEVEMENT).items() if key != "proof"}
    report = verify_credential(_with(unsigned, "achievement"), env())
    line = report.check(CheckName.ENDORSEMENTS)
    assert line is not None and line.code == "endorsement-unsigned"
    assert line.message == "The endorsement by Quality Agency of the achievement is not signed, so it is not counted."
    assert report.endorsements[0].summary == "This endorsement is not signed, so it is not counted."
    assert report.status is Status.WARNINGS


def test_no_endorsements_no_line() -> None:
    doc = ob3_credential(did_key_from_public_key(ISSUER))
    report = verify_credential(sign(doc, ISSUER, verification_method_for(ISSUER), created=CREATED), env())
    assert report.check(CheckName.ENDORSEMENTS) is None and report.endorsements == ()


def test_endorsement_jwt_in_a_profile_is_verified() -> None:
    from tests.wallet.verify.test_vc_jwt import _signer, _token

    did = did_key_from_public_key(ENDORSER)
    issuer = did_key_from_public_key(ISSUER)
    endorsement = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:8d2e1f3a-4b5c-4d6e-9f7a-1b2c3d4e5f60",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Quality Agency"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": issuer, "type": ["EndorsementSubject"]},
    }
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": verification_method_for(ENDORSER)}
    token = _token(header, endorsement, _signer(ENDORSER, "EdDSA"))
    doc = ob3_credential(issuer)
    doc["issuer"]["endorsementJwt"] = [token]
    signed = sign(doc, ISSUER, verification_method_for(ISSUER), created=CREATED)
    report = verify_credential(signed, env())
    assert report.check(CheckName.ENDORSEMENTS).message == "Endorsed by Quality Agency.", report.checks
    assert report.status is Status.VERIFIED
    # the same endorsement, about another profile
    endorsement["credentialSubject"]["id"] = "https://example.edu"
    doc["issuer"]["endorsementJwt"] = [_token(header, endorsement, _signer(ENDORSER, "EdDSA"))]
    report = verify_credential(sign(doc, ISSUER, verification_method_for(ISSUER), created=CREATED), env())
    assert report.check(CheckName.ENDORSEMENTS).code == "endorsement-unrelated"
