"""Keys from verification methods: did:key and did:jwk locally, did:web only from the cache."""

from __future__ import annotations

import json

import pytest

from wallet.verify import keys as k
from wallet.verify import multibase as mb
from wallet.verify.dids import (
    KeyInvalid,
    KeyUnavailable,
    did_key_from_public_key,
    public_key_for,
    resolve_did_key,
    verification_method_for,
)
from tests.wallet.verify.verify_helpers import ec_key, ed_key, env

OU = "did:key:z6MkrqtLEHWXRrgixsq4Wf5rQUeGv3Q7PLoxCijZwDe87cDy"


def test_did_key_prefixes_match_the_multicodec_table() -> None:
    assert did_key_from_public_key(ed_key()).startswith("did:key:z6Mk")
    assert did_key_from_public_key(ec_key("P-256")).startswith("did:key:zDn")
    assert did_key_from_public_key(ec_key("P-384")).startswith("did:key:z82")


@pytest.mark.parametrize("make", [ed_key, lambda: ec_key("P-256"), lambda: ec_key("P-384")])
def test_did_key_round_trips_with_and_without_fragment(make) -> None:
    key = make()
    did = did_key_from_public_key(key)
    for ref in (did, verification_method_for(key)):
        resolved = resolve_did_key(ref)
        assert resolved.published_by == did
        assert k.raw_public_bytes(resolved.public_key) == k.raw_public_bytes(key.public_key())


def test_a_known_did_key_decodes_to_ed25519() -> None:
    assert public_key_for(OU).key_type == k.ED25519


def test_fragment_must_repeat_the_key() -> None:
    other = did_key_from_public_key(ed_key(2)).split(":")[-1]
    with pytest.raises(KeyInvalid, match="does not match"):
        public_key_for(f"{OU}#{other}")


def test_did_jwk_resolves_locally() -> None:
    jwk = k.key_to_jwk(ec_key("P-256").public_key())
    did = "did:jwk:" + mb.b64url_encode(json.dumps(jwk).encode())
    resolved = public_key_for(did + "#0")
    assert resolved.published_by == did and resolved.key_type == k.P256


def test_did_web_without_cache_is_unavailable_not_invalid() -> None:
    with pytest.raises(KeyUnavailable, match="not available offline"):
        public_key_for("did:web:example.edu#key-1", env())
    with pytest.raises(KeyUnavailable):
        public_key_for("https://example.edu/issuers/1#key-1", env())


def test_did_web_from_the_cache() -> None:
    key = ed_key(3)
    doc = {
        "id": "did:web:example.edu",
        "verificationMethod": [{
            "id": "did:web:example.edu#key-1", "type": "Multikey", "controller": "did:web:example.edu",
            "publicKeyMultibase": k.multikey_encode(key.public_key()),
        }],
        "assertionMethod": ["#key-1"],
    }
    resolved = public_key_for("did:web:example.edu#key-1", env(documents={"did:web:example.edu": doc}))
    assert resolved.published_by == "did:web:example.edu"
    assert resolved.allows("assertionMethod") and not resolved.allows("authentication")
    # listed under no purpose at all: it signs nothing
    unlisted = {key_: value for key_, value in doc.items() if key_ != "assertionMethod"}
    resolved = public_key_for("did:web:example.edu#key-1", env(documents={"did:web:example.edu": unlisted}))
    assert not resolved.allows("assertionMethod") and not resolved.allows("authentication")


def test_a_document_kept_for_another_identity_gives_no_key() -> None:
    key = ed_key(3)
    doc = {
        "id": "did:web:attacker.example",
        "verificationMethod": [{"id": "did:web:example.edu#key-1", "type": "Multikey",
                                "publicKeyMultibase": k.multikey_encode(key.public_key())}],
        "assertionMethod": ["did:web:example.edu#key-1"],
    }
    with pytest.raises(KeyInvalid, match="different identity"):
        public_key_for("did:web:example.edu#key-1", env(documents={"did:web:example.edu": doc}))


def test_did_jwk_for_encryption_only_signs_nothing() -> None:
    jwk = dict(k.key_to_jwk(ec_key("P-256").public_key()), use="enc")
    resolved = public_key_for("did:jwk:" + mb.b64url_encode(json.dumps(jwk).encode()) + "#0")
    assert not resolved.allows("assertionMethod")
    assert resolve_did_key(verification_method_for(ed_key())).allows("assertionMethod")


@pytest.mark.parametrize(
    ("vm", "words"),
    [("z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", "not a valid address"),
     ("xxx:z6Mk", "does not support"), ("did:example:123", "does not support"), ("", "does not say")],
)
def test_unusable_methods_are_invalid_with_a_sentence(vm: str, words: str) -> None:
    with pytest.raises(KeyInvalid, match=words):
        public_key_for(vm)
