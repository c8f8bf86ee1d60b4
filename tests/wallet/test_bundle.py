"""Bundles end to end: sign, send as a file or QR pictures, check, and every way to fail."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wallet import bundle, bundle_check, qr
from wallet.clock import fixed_clock
from wallet.credential import Envelope
from wallet.errors import BundleError, StoreError
from wallet.formats import parse
from wallet.identity import Identities
from wallet.verify import multibase as mb
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.report import Outcome, Status

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=timezone.utc)
CHALLENGE = "5d1c7a0e-2b7f-4f0e-9c55-2f0d5a8c1e11"
DOMAIN = "https://jobs.example.org"


def env_at(when: datetime = NOW) -> VerifyEnvironment:
    return VerifyEnvironment(clock=fixed_clock(when))


def holder_key(interop: Path) -> Ed25519PrivateKey:
    """The corpus holder's key, so that the credentials' subject is the bundle's holder."""
    keys = json.loads((interop / "peer-vcjs" / "keys" / "test-keys.json").read_text())
    _, body = mb.multicodec_unwrap(mb.multibase_decode(keys["keys"]["holder"]["secretKeyMultibase"]))
    return Ed25519PrivateKey.from_private_bytes(body[:32])


def add_files(wallet, paths: list[Path]) -> list[str]:
    ids = []
    for path in paths:
        cred = parse(path.read_bytes(), source=str(path))[0]
        wallet.store.add(cred)
        ids.append(cred.id)
    return ids


@pytest.fixture
def stack_ids(wallet, interop: Path) -> list[str]:
    return add_files(wallet, sorted((interop / "peer-vcjs" / "stack").glob("*.json")))


@pytest.fixture
def chiara(wallet, interop: Path) -> Identities:
    ids = Identities(wallet.store, clock=fixed_clock(NOW), key_source=lambda: holder_key(interop))
    ids.default()
    return ids


def make(wallet, ids: list[str], identities: Identities | None = None, **kw) -> dict:
    kw.setdefault("challenge", CHALLENGE)
    kw.setdefault("domain", DOMAIN)
    return bundle.create_bundle(wallet, ids, clock=fixed_clock(NOW), identities=identities, **kw)


# ---------------------------------------------------------------- the presentation


def test_bundle_is_a_vc2_presentation_signed_by_the_holder(wallet, stack_ids) -> None:
    vp = make(wallet, stack_ids[:2])
    me = Identities(wallet.store).default()
    assert vp["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert vp["type"] == ["VerifiablePresentation"] and vp["id"].startswith("urn:uuid:")
    assert vp["holder"] == me.did
    proof = vp["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "authentication"
    assert proof["verificationMethod"] == me.verification_method
    assert (proof["challenge"], proof["domain"]) == (CHALLENGE, DOMAIN)
    assert proof["created"] == "2026-06-01T09:30:00Z" and proof["expires"] == "2026-07-01T09:30:00Z"
    originals = [json.loads(wallet.get(i).signed) for i in stack_ids[:2]]
    assert vp["verifiableCredential"] == originals  # unchanged, proofs and all


def test_expiry_can_be_set_or_left_out(wallet, stack_ids) -> None:
    assert make(wallet, stack_ids[:1], expires_in_days=7)["proof"]["expires"] == "2026-06-08T09:30:00Z"
    assert "expires" not in make(wallet, stack_ids[:1], expires_in_days=None)["proof"]
    for days in (-3, 0, 0.5, 3651, True):
        with pytest.raises(BundleError, match="whole number of days, from 1 to 3650"):
            make(wallet, stack_ids[:1], expires_in_days=days)


@pytest.mark.parametrize("text, days", [("7", 7), (" 30 ", 30), ("0", None), ("3650", 3650)])
def test_expiry_days_as_typed(text: str, days: int | None) -> None:
    assert bundle.expiry_days(text) == days


@pytest.mark.parametrize("text", ["0.5", "1.0", "-1", "3651", "a week", ""])
def test_expiry_days_are_whole_and_in_range(text: str) -> None:
    with pytest.raises(BundleError, match="whole number of days"):
        bundle.expiry_days(text)


def test_without_request_there_is_no_challenge_or_domain(wallet, stack_ids) -> None:
    proof = make(wallet, stack_ids[:1], challenge=None, domain=None)["proof"]
    assert "challenge" not in proof and "domain" not in proof


def test_nothing_chosen_is_refused(wallet) -> None:
    with pytest.raises(BundleError, match="at least one credential"):
        bundle.create_bundle(wallet, [])


def test_a_second_identity_signs_when_chosen(wallet, stack_ids) -> None:
    ids = Identities(wallet.store)
    ids.default()
    other = ids.create("Applications")
    vp = make(wallet, stack_ids[:1], identity=other.did)
    assert vp["holder"] == other.did
    assert bundle_check.check(vp, env_at(), challenge=CHALLENGE, domain=DOMAIN).ok


def test_jwt_credential_goes_in_enveloped_and_comes_back_verbatim(wallet, interop) -> None:
    path = interop / "vectors" / "1EdTech__digital-credentials-public-validator" / "ob30" / "simple.jwt"
    [jwt_id] = add_files(wallet, [path])
    cred = wallet.get(jwt_id)
    assert cred.envelope is Envelope.JWT
    vp = make(wallet, [jwt_id])
    entry = vp["verifiableCredential"][0]
    assert entry["type"] == "EnvelopedVerifiableCredential"
    assert entry["id"] == "data:application/vc+jwt," + cred.signed.strip()
    report = bundle_check.check(vp, env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.lines[0].check.outcome is Outcome.PASSED
    assert report.credentials[0].credential.signed.strip() == cred.signed.strip()


def _jwt_credential(wallet, interop: Path) -> str:
    """A JWT credential (VC 1.1, EdDSA by a did:key issuer) issued to the corpus holder."""
    from tests.wallet.verify.test_vc_jwt import vc11
    from tests.wallet.verify.verify_helpers import ed_key

    cred = parse(vc11(ed_key(7)).encode(), source="test")[0]
    assert cred.envelope is Envelope.JWT
    wallet.store.add(cred)
    return cred.id


def test_a_jwt_credential_in_a_bundle_is_checked_fully(wallet, interop, stack_ids, chiara, tmp_path) -> None:
    jwt_id = _jwt_credential(wallet, interop)
    vp = make(wallet, [stack_ids[2], jwt_id], chiara)
    pictures = []
    for i, text in enumerate(qr.encode_presentation(vp).texts):
        pictures.append(tmp_path / f"part-{i}.png")
        pictures[-1].write_bytes(qr.png_bytes(qr.matrix(text)))
    report = bundle_check.check_inputs(pictures, env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.status is Status.VERIFIED, report.summary
    jwt = report.credentials[1]
    assert jwt.title == "Data Literacy Foundations" and jwt.credential.envelope is Envelope.JWT
    assert "subject-is-holder" in {c.code for c in jwt.checks}  # read from inside the JWT
    # the holder's signature covers the envelope: a JWT changed inside the bundle is caught
    changed = copy.deepcopy(vp)
    head, body, sig = changed["verifiableCredential"][1]["id"].split(".")
    changed["verifiableCredential"][1]["id"] = ".".join((head, body[:-4] + "AAAA", sig))
    caught = bundle_check.check(changed, env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert caught.lines[0].check.outcome is Outcome.FAILED and not caught.ok


def test_sharing_a_jwt_credential_says_some_receivers_cannot_read_it(wallet, interop, stack_ids) -> None:
    jwt_id = _jwt_credential(wallet, interop)
    warnings = bundle.preflight(wallet, [stack_ids[2], jwt_id], clock=fixed_clock(NOW))
    [said] = [w for w in warnings if w.code == "jwt-in-bundle"]
    assert said.credential_id == jwt_id
    assert said.message == ("“Data Literacy Foundations” is a JWT credential. Some receivers' apps cannot read "
                            "JWT credentials inside a bundle yet; Learner Wallet can.")


def _unconfirmed_issuer_credential(wallet) -> str:
    """Signed by a did:key for an issuer (a urn:uuid) that no key can belong to: anyone
    could have made it."""
    from tests.wallet.verify.verify_helpers import ed_key, ob3_credential
    from wallet.verify.dids import did_key_from_public_key, verification_method_for
    from wallet.verify.sign import sign

    key = ed_key(9)
    doc = ob3_credential("urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164")
    doc["credentialSubject"]["id"] = did_key_from_public_key(ed_key(8))
    signed = sign(doc, key, verification_method_for(key), created=NOW - timedelta(days=3))
    cred = parse(json.dumps(signed).encode(), source="unconfirmed.json")[0]
    wallet.store.add(cred)
    return cred.id


def test_a_credential_not_shown_to_come_from_its_issuer_is_warned_about_and_fails_the_check(
        wallet, stack_ids, chiara) -> None:
    odd = _unconfirmed_issuer_credential(wallet)
    warnings = bundle.preflight(wallet, [stack_ids[2], odd], clock=fixed_clock(NOW))
    [said] = [w for w in warnings if w.code == "issuer-not-confirmed"]
    assert said.credential_id == odd and "not shown to come from its issuer" in said.message
    report = bundle_check.check(make(wallet, [stack_ids[2], odd], chiara), env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.status is Status.WARNINGS  # every signature holds ...
    assert not report.ok  # ... but one credential's issuer is not confirmed: exit status 1, as verify says


# ---------------------------------------------------------------- files


def test_a_free_name_is_found_beside_existing_files(tmp_path) -> None:
    assert bundle.free_path(tmp_path, "credentials-2026-06-01-3.json") == tmp_path / "credentials-2026-06-01-3.json"
    (tmp_path / "credentials-2026-06-01-3.json").write_text("mine")
    (tmp_path / "credentials-2026-06-01-3-2.json").write_text("mine too")
    assert bundle.free_path(tmp_path, "credentials-2026-06-01-3.json").name == "credentials-2026-06-01-3-3.json"


def test_a_new_file_never_replaces_one_that_is_there(tmp_path) -> None:
    path = tmp_path / "b.json"
    bundle.write_file(path, b"first", replace=False)
    with pytest.raises(StoreError, match="b.json already exists, so it was left as it was"):
        bundle.write_file(path, b"second", replace=False)
    assert path.read_bytes() == b"first" and [p.name for p in tmp_path.iterdir()] == ["b.json"]
    bundle.write_file(path, b"third")  # the learner named it: replaced
    assert path.read_bytes() == b"third"


# ---------------------------------------------------------------- round trips through QR pictures


@pytest.mark.parametrize("n", [1, 3, 10])
def test_round_trip_through_png_codes(wallet, stack_ids, chiara, tmp_path, n) -> None:
    vp = make(wallet, stack_ids[:n], chiara)
    data = bundle.bundle_bytes(vp)
    payload = qr.encode_presentation(vp, file_bytes=data)
    pictures = []
    for i, text in enumerate(payload.texts):
        pictures.append(tmp_path / f"part-{i}.png")
        pictures[-1].write_bytes(qr.png_bytes(qr.matrix(text)))
    report = bundle_check.check_inputs(list(reversed(pictures)), env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.status is Status.VERIFIED, report.summary
    assert len(report.credentials) == n and report.holder == vp["holder"]
    assert [c.title for c in report.credentials] == [wallet.get(i).title for i in stack_ids[:n]]
    assert "picture" in report.source


def test_round_trip_through_a_file(wallet, stack_ids, chiara, tmp_path) -> None:
    vp = make(wallet, stack_ids[:3], chiara)
    path = tmp_path / bundle.default_file_name(vp, NOW)
    assert path.name == "credentials-2026-06-01-3.json"
    bundle.write_file(path, bundle.bundle_bytes(vp))  # as the share page and the CLI save one
    assert path.stat().st_mode & 0o777 == 0o600
    report = bundle_check.check_inputs([path], env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.ok and report.status is Status.VERIFIED
    assert report.expires == NOW + timedelta(days=30)


def test_file_reference_code_is_matched_against_its_file(wallet, stack_ids, chiara, tmp_path) -> None:
    vp = make(wallet, stack_ids, chiara)
    path = tmp_path / "bundle.json"
    data = bundle.bundle_bytes(vp)
    bundle.write_file(path, data)
    payload = qr.encode_presentation(vp, file_bytes=data, max_parts=2)
    assert payload.kind == "hash"
    code = tmp_path / "code.png"
    code.write_bytes(qr.png_bytes(qr.matrix(payload.texts[0])))
    report = bundle_check.check_inputs([code, path], env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.ok and "matched by its QR code" in report.source
    with pytest.raises(BundleError, match="travels separately"):
        bundle_check.check_inputs([code], env_at())
    other = tmp_path / "other.json"
    bundle.write_file(other, bundle.bundle_bytes(make(wallet, stack_ids[:2], chiara)))
    with pytest.raises(BundleError, match="not the one the QR code stands for"):
        bundle_check.check_inputs([code, other], env_at())


# ---------------------------------------------------------------- each failure, with its reason


@pytest.fixture
def three(wallet, stack_ids, chiara) -> dict:
    return make(wallet, stack_ids[:3], chiara)


def test_tampered_part_is_rejected(three) -> None:
    texts = list(qr.encode_presentation(three).texts)
    body = texts[0]
    texts[0] = body[:-6] + ("000" if body[-6:-3] != "000" else "111") + body[-3:]
    with pytest.raises(BundleError, match="changed or damaged"):
        qr.decode_texts(texts)


def test_wrong_challenge_is_named(three) -> None:
    report = bundle_check.check(three, env_at(), challenge="another-request", domain=DOMAIN)
    assert not report.ok and "wrong-challenge" in report.codes
    assert "challenge does not match" in report.summary


def test_wrong_domain_is_named(three) -> None:
    report = bundle_check.check(three, env_at(), challenge=CHALLENGE, domain="https://elsewhere.example")
    assert not report.ok and "wrong-domain" in report.codes
    assert "different receiver" in report.summary


def test_missing_challenge_when_one_was_asked_for(wallet, stack_ids, chiara) -> None:
    vp = make(wallet, stack_ids[:1], chiara, challenge=None)
    report = bundle_check.check(vp, env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert "missing-challenge" in report.codes and not report.ok


def test_expired_bundle_is_named(three) -> None:
    report = bundle_check.check(three, env_at(NOW + timedelta(days=31)), challenge=CHALLENGE, domain=DOMAIN)
    assert not report.ok and "bundle-expired" in report.codes
    assert report.summary.startswith("The bundle expired on 1 July 2026")
    assert report.lines[0].check.outcome is Outcome.PASSED  # the signature itself still holds


def test_credential_swapped_inside_is_caught(three, interop) -> None:
    swapped = copy.deepcopy(three)
    other = json.loads((interop / "peer-vcjs" / "stack" / "ovm-nl-intermediate.json").read_text())
    swapped["verifiableCredential"][1] = other
    report = bundle_check.check(swapped, env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert not report.ok
    assert report.lines[0].label == "Holder's signature"
    assert report.lines[0].check.outcome is Outcome.FAILED
    assert "changed after signing" in report.summary


def test_a_changed_holder_is_caught(three) -> None:
    changed = dict(three, holder="did:key:z6MkefjwF2wDFRu9G5ikhB4nwNfEtktvysqDX6tn6NXUYxHT")
    report = bundle_check.check(changed, env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert not report.ok


def test_unsigned_presentation_is_refused(three) -> None:
    unsigned = {k: v for k, v in three.items() if k != "proof"}
    report = bundle_check.check(unsigned, env_at())
    assert "unsigned-bundle" in report.codes and not report.ok


def test_a_single_credential_is_not_a_bundle(interop) -> None:
    cred = json.loads((interop / "peer-vcjs" / "stack" / "ou-pm-1.json").read_text())
    with pytest.raises(BundleError, match="single credential, not a bundle"):
        bundle_check.check(cred, env_at())


def test_a_tampered_credential_inside_fails_that_credential(wallet, interop, chiara) -> None:
    [bad] = add_files(wallet, [interop / "peer-vcjs" / "tampered" / "subject-name-changed.json"])
    report = bundle_check.check(make(wallet, [bad], chiara), env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.lines[0].check.outcome is Outcome.PASSED
    assert report.credentials[0].status is Status.NOT_VERIFIED and not report.ok


def test_credential_issued_to_someone_else_is_flagged(wallet, stack_ids) -> None:
    vp = make(wallet, stack_ids[1:2])  # signed by a fresh identity, not the subject's DID
    report = bundle_check.check(vp, env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.status is Status.WARNINGS and report.ok
    assert "subject-not-holder" in report.codes
    assert report.credentials[0].summary == ("Issued to Chiara Costa, under another identifier than the one "
                                             "that signed the bundle.")
    assert report.holder_name == "" and report.shared_by == vp["holder"]  # the name is not the signer's


def test_the_holder_is_named_when_every_credential_was_issued_to_them(three) -> None:
    report = bundle_check.check(three, env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.holder_name == "Chiara Costa"
    assert report.shared_by == f"Chiara Costa ({three['holder']})"
    assert report.to_json()["holderName"] == "Chiara Costa"
    said = {c.message for r in report.credentials for c in r.checks if c.code == "subject-is-holder"}
    assert said == {"Issued to Chiara Costa, the person who shared it."}


def test_not_json_file_is_named(tmp_path) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(b"%PDF-1.7 hello")
    with pytest.raises(Exception, match="cv.pdf is not a bundle"):
        bundle_check.check_inputs([path], env_at())


# ---------------------------------------------------------------- presentations made elsewhere


def test_independent_presentations_verify_as_their_manifest_says(interop) -> None:
    root = interop / "peer-vcjs"
    manifest = json.loads((root / "manifest.json").read_text())
    seen = 0
    for entry in manifest["files"]:
        if entry["kind"] != "presentation":
            continue
        vp = json.loads((root / entry["file"]).read_text())
        report = bundle_check.check(vp, env_at(), challenge=entry["challenge"], domain=entry["domain"])
        assert report.ok is (entry["expect"] == "valid"), (entry["file"], report.summary)
        seen += 1
    assert seen == 5


def test_wrong_challenge_and_domain_files_name_their_reason(interop) -> None:
    root = interop / "peer-vcjs" / "presentations"
    expect = json.loads((interop / "peer-vcjs" / "manifest.json").read_text())["presentationRequest"]
    for name, code in (("vp-wrong-challenge.json", "wrong-challenge"), ("vp-wrong-domain.json", "wrong-domain")):
        vp = json.loads((root / name).read_text())
        assert code in bundle_check.check(vp, env_at(), **expect).codes


# ---------------------------------------------------------------- before sharing, and keeping


def test_preflight_warns_about_failed_and_expired_credentials(wallet, interop, stack_ids) -> None:
    [tampered] = add_files(wallet, [interop / "peer-vcjs" / "tampered" / "subject-name-changed.json"])
    [expired] = add_files(wallet, [interop / "peer-vcjs" / "validity" / "expired.json"])
    warnings = bundle.preflight(wallet, [stack_ids[1], tampered, expired], clock=fixed_clock(NOW))
    codes = {(w.credential_id, w.code) for w in warnings}
    assert (tampered, "not-verified") in codes
    assert [w.code for w in warnings if w.credential_id == expired] == ["expired"]  # said once, not twice
    assert not any(w.credential_id == stack_ids[1] for w in warnings)
    # the learner may still share them
    vp = make(wallet, [tampered, expired])
    assert len(vp["verifiableCredential"]) == 2


def test_checking_adds_nothing_until_asked(wallet, three) -> None:
    before = len(wallet.credentials())
    receiver_store_ids = {c.id for c in wallet.credentials()}
    report = bundle_check.check(three, env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert len(wallet.credentials()) == before
    # a fresh wallet (the receiver's) gets a credential only on request
    for cred_id in receiver_store_ids:
        wallet.store.trash(cred_id)
    wallet.store.empty_trash()
    assert wallet.credentials() == []
    assert bundle_check.add_to_wallet(wallet, report.credentials[0]) is True
    assert [c.title for c in wallet.credentials()] == [report.credentials[0].title]
    assert bundle_check.add_to_wallet(wallet, report.credentials[0]) is False


def test_request_text_carries_challenge_and_domain() -> None:
    challenge = bundle.new_challenge()
    assert qr.decode_request(qr.encode_request(challenge, DOMAIN)) == (challenge, DOMAIN)
    assert challenge != bundle.new_challenge()


# ---------------------------------------------------------------- JWT presentations from other wallets


def _jwt_vp(key: Ed25519PrivateKey, credentials: list[dict], *, nonce: str, aud: str, exp: datetime) -> str:
    import base64

    from wallet.identity import did_key_of

    def b64(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    did = did_key_of(key.public_key())
    header = {"alg": "EdDSA", "typ": "JWT", "kid": f"{did}#{did[8:]}"}
    payload = {"iss": did, "nonce": nonce, "aud": aud, "iat": int(NOW.timestamp()) - 60, "exp": int(exp.timestamp()),
               "vp": {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiablePresentation"],
                      "verifiableCredential": credentials}}
    signing_input = f"{b64(header)}.{b64(payload)}"
    signature = base64.urlsafe_b64encode(key.sign(signing_input.encode())).rstrip(b"=").decode()
    return f"{signing_input}.{signature}"


def test_a_jwt_presentation_from_another_wallet_is_checked(interop, tmp_path) -> None:
    cred = json.loads((interop / "peer-vcjs" / "stack" / "ou-pm-1.json").read_text())
    token = _jwt_vp(holder_key(interop), [cred], nonce=CHALLENGE, aud=DOMAIN, exp=NOW + timedelta(days=2))
    path = tmp_path / "presentation.jwt"
    path.write_text(token)
    report = bundle_check.check_inputs([path], env_at(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.ok, report.summary
    assert [line.label for line in report.lines][:2] == ["Holder's signature", "Holder"]
    assert report.credentials[0].title == "Agile Project Management 1: Agile Principles"
    assert report.challenge == CHALLENGE and report.domain == DOMAIN
    wrong = bundle_check.check(token, env_at(), challenge="other", domain=DOMAIN)
    assert not wrong.ok and "wrong-challenge" in wrong.codes
    late = bundle_check.check(token, env_at(NOW + timedelta(days=3)), challenge=CHALLENGE, domain=DOMAIN)
    assert not late.ok


def test_a_jwt_credential_is_not_taken_for_a_bundle(interop, tmp_path) -> None:
    path = interop / "vectors" / "1EdTech__digital-credentials-public-validator" / "ob30" / "simple.jwt"
    with pytest.raises(BundleError, match="single credential, not a bundle"):
        bundle_check.check_inputs([path], env_at())
