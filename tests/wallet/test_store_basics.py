from __future__ import annotations

import sqlite3

import pytest

from wallet.credential import Credential, Envelope, Format, Summary, content_id
from wallet.errors import WalletCorrupt, WrongSecret
from wallet.store import Store, sidecar_path


def _cred(text: str) -> Credential:
    raw = text.encode()
    return Credential(
        id=content_id(raw), raw=raw, envelope=Envelope.JSON, format=Format.VC2, signed=text,
        summary=Summary(title="Intro to Data", issuer_name="Example University", tags=("data",)),
    )


def test_add_is_idempotent_and_survives_reopen(tmp_path, data_key):
    path = tmp_path / "w.sqlite3"
    store = Store.open(path, data_key)
    cred = _cred('{"a": 1}')
    assert store.add(cred) is True
    assert store.add(cred) is False
    store.close()
    again = Store.open(path, data_key)
    [back] = again.credentials()
    assert back.raw == cred.raw and back.summary.title == "Intro to Data" and back.summary.tags == ("data",)


def test_wrong_key_is_refused(tmp_path, data_key):
    path = tmp_path / "w.sqlite3"
    Store.open(path, data_key).close()
    with pytest.raises(WrongSecret):
        Store.open(path, bytes(32))


def test_personal_content_is_not_in_clear(tmp_path, data_key):
    path = tmp_path / "w.sqlite3"
    store = Store.open(path, data_key)
    store.add(_cred('{"name": "CANARY-Chiara-Costa"}'))
    store.close()
    for f in tmp_path.iterdir():
        assert b"CANARY-Chiara-Costa" not in f.read_bytes()
        assert b"Example University" not in f.read_bytes()


def test_trash_and_restore(tmp_path, data_key):
    store = Store.open(tmp_path / "w.sqlite3", data_key)
    cred = _cred('{"b": 2}')
    store.add(cred)
    store.trash(cred.id)
    assert store.credentials() == [] and [c.id for c in store.credentials(trashed=True)] == [cred.id]
    store.restore(cred.id)
    assert [c.id for c in store.credentials()] == [cred.id]
    store.trash(cred.id)
    assert store.empty_trash() == 1
    assert store.credentials(trashed=True) == []


def test_moved_record_is_detected(tmp_path, data_key):
    path = tmp_path / "w.sqlite3"
    store = Store.open(path, data_key)
    a, b = _cred('{"a": 1}'), _cred('{"b": 1}')
    store.add(a)
    store.add(b)
    store.close()
    db = sqlite3.connect(path)
    blob_a = db.execute("SELECT blob FROM credentials WHERE id=?", (a.id,)).fetchone()[0]
    db.execute("UPDATE credentials SET blob=? WHERE id=?", (blob_a, b.id))
    db.commit()
    db.close()
    with pytest.raises(WalletCorrupt, match="damaged since it was last closed"):
        Store.open(path, data_key)  # the clean-close hash notices first
    sidecar_path(path).unlink()  # without it, each record's own authentication still does
    store = Store.open(path, data_key)
    with pytest.raises(WalletCorrupt, match="decrypted"):
        store.get(b.id)
