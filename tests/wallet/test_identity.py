"""Holder identities: made at first use, several per wallet, key sealed in the store."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wallet.clock import fixed_clock
from wallet.errors import NotFound, WalletError
from wallet.identity import Identities, did_key_of
from wallet.store import WALLET_FILENAME, Store

SEED = bytes(range(32))


def test_did_key_of_a_known_key() -> None:
    # RFC 8032 test 1 secret key; its did:key is fixed by the did:key method
    secret = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = Ed25519PrivateKey.from_private_bytes(secret).public_key()
    did = did_key_of(public)
    assert did.startswith("did:key:z6Mk")
    from wallet.verify.dids import resolve_did_key

    resolved = resolve_did_key(did + "#" + did[8:])
    assert resolved.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw) == \
        public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_first_use_makes_one_default_identity(wallet) -> None:
    ids = Identities(wallet.store)
    assert ids.list() == []
    first = ids.default()
    assert first.is_default and first.did.startswith("did:key:z6Mk")
    assert first.verification_method == f"{first.did}#{first.did[8:]}"
    assert ids.default() == first  # not made twice
    assert len(ids.list()) == 1


def test_several_identities_rename_and_default(wallet) -> None:
    when = datetime(2026, 5, 1, tzinfo=timezone.utc)
    ids = Identities(wallet.store, clock=fixed_clock(when))
    a = ids.default()
    b = ids.create("For employers")
    assert not b.is_default and b.did != a.did and b.created_at == when
    ids.rename(b.did, "  Job   applications ")
    assert ids.get(b.did).label == "Job applications"
    ids.set_default(b.did)
    assert ids.default().did == b.did
    assert {i.did: i.is_default for i in ids.list()} == {a.did: False, b.did: True}
    assert ids.get("Job applications").did == b.did


def test_delete_moves_the_default_and_keeps_the_last(wallet) -> None:
    ids = Identities(wallet.store)
    a = ids.default()
    b = ids.create("Second")
    ids.delete(a.did)
    assert ids.default().did == b.did
    with pytest.raises(WalletError, match="only identity"):
        ids.delete(b.did)


def test_unknown_identity_and_empty_name(wallet) -> None:
    ids = Identities(wallet.store)
    ids.default()
    with pytest.raises(NotFound, match="no identity called"):
        ids.get("did:key:z6MkNobody")
    with pytest.raises(WalletError, match="needs a name"):
        ids.create("   ")


def test_private_key_is_sealed_in_the_store_and_signs(tmp_path, data_key) -> None:
    store = Store.open(tmp_path / WALLET_FILENAME, data_key)
    ids = Identities(store, key_source=lambda: Ed25519PrivateKey.from_private_bytes(SEED))
    me = ids.default()
    key = ids.signing_key(me.did)
    assert key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw) == \
        Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert SEED not in raw  # never in clear on disk
    import base64

    assert base64.b64encode(SEED) not in raw
    reopened = Store.open(tmp_path / WALLET_FILENAME, data_key)
    assert Identities(reopened).default().did == me.did  # survives reopening
    reopened.close()


def test_a_new_wallet_has_its_identity_from_the_start(tmp_path) -> None:
    from wallet.keys import FAST_TEST_KDF
    from wallet.service import create_wallet

    wallet, _ = create_wallet(tmp_path / "home", passphrase="a long enough passphrase", kdf=FAST_TEST_KDF)
    try:
        [only] = Identities(wallet.store).list()
        assert only.is_default and only.did.startswith("did:key:z6Mk")
    finally:
        wallet.close()
