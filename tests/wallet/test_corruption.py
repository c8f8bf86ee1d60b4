"""Damaged wallets: 100 damaged copies (flipped bits, truncation, a missing write-ahead
log, altered ciphertext) are all detected, none is opened as valid, each is set aside
rather than replaced, and the newest good backup restores every time."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from wallet import backup, storefile, vault
from wallet.errors import BackupError, WalletCorrupt
from wallet.keys import FAST_TEST_KDF, Unlocker
from wallet.service import open_wallet
from wallet.store import WALLET_FILENAME, Store, sidecar_path
from tests.wallet.sample_records import sample_credential as _cred

PASSPHRASE = "corruption test passphrase"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A wallet of 30 credentials closed cleanly with a good backup; plus a copy taken
    while it was open with recent commits still in its write-ahead log."""
    root = tmp_path_factory.mktemp("corruption")
    home = root / "clean"
    created = vault.create_store(home, passphrase=PASSPHRASE, kdf=FAST_TEST_KDF)
    store = created.store
    for i in range(30):
        store.add(_cred(i))
    store.put("stacks", "data-basics", {"name": "Data basics"})
    backup.make_backup(store, home)
    store.close()
    live = root / "live"
    store = Store.open(vault.wallet_path(home), created.store.data_key, create=False)
    store._db.execute("PRAGMA wal_autocheckpoint=0")
    for i in range(30, 35):
        store.add(_cred(i))
    shutil.copytree(home, live)  # a copy of a wallet in use: the last commits are only in -wal
    store.close()
    expected = {c.id: c.raw for c in map(_cred, range(30))}
    return {"clean": home, "live": live, "expected": expected}


def _flip(path: Path, rng: random.Random) -> str:
    data = bytearray(path.read_bytes())
    pos = rng.randrange(len(data))
    data[pos] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    return f"bit flipped at byte {pos}"


def _truncate(path: Path, rng: random.Random) -> str:
    size = path.stat().st_size
    keep = rng.choice([0, rng.randrange(1, 100), rng.randrange(100, size)])
    with open(path, "r+b") as fh:
        fh.truncate(keep)
    return f"truncated to {keep} of {size} bytes"


def _drop_wal(path: Path, rng: random.Random) -> str:
    path.with_name(path.name + "-wal").unlink()
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    return "write-ahead log missing"


def _alter_ciphertext(path: Path, rng: random.Random, *, keep_sidecar: bool) -> str:
    sidecar = sidecar_path(path).read_bytes()
    db = sqlite3.connect(path)
    table = rng.choice(["credentials", "credentials", "stacks", "meta"])
    col = {"credentials": "id", "stacks": "id", "meta": "key"}[table]
    blobcol = "value" if table == "meta" else "blob"
    where = " WHERE key='key-check'" if table == "meta" else ""
    key, blob = db.execute(f"SELECT {col}, {blobcol} FROM {table}{where} ORDER BY random() LIMIT 1").fetchone()
    blob = bytearray(blob)
    blob[rng.randrange(len(blob))] ^= 1 << rng.randrange(8)
    db.execute(f"UPDATE {table} SET {blobcol}=? WHERE {col}=?", (bytes(blob), key))
    db.commit()
    db.close()
    if keep_sidecar:
        sidecar_path(path).write_bytes(sidecar)
    else:  # only each record's own authentication can tell now
        sidecar_path(path).unlink()
    return f"ciphertext of {table}:{key[:12]} altered ({'with' if keep_sidecar else 'without'} sidecar)"


CASES = (
    [("clean", _flip)] * 40
    + [("clean", _truncate)] * 20
    + [("live", _drop_wal)] * 15
    + [("clean", lambda p, r: _alter_ciphertext(p, r, keep_sidecar=True))] * 10
    + [("clean", lambda p, r: _alter_ciphertext(p, r, keep_sidecar=False))] * 15
)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_damaged_copy_is_detected_set_aside_and_restored(case: int, base, tmp_path: Path):
    assert len(CASES) == 100
    source, damage = CASES[case]
    home = tmp_path / "home"
    shutil.copytree(base[source], home)
    path = home / WALLET_FILENAME
    original = path.read_bytes()
    how = damage(path, random.Random(case))
    unlocker = Unlocker(secret=PASSPHRASE)

    with pytest.raises(WalletCorrupt) as caught:
        open_wallet(home, unlocker).close()
    assert "set aside" in caught.value.message, how
    layer = {"write-ahead": "generation", "ciphertext": "AES-GCM|key-check"}.get(how.split()[0], "SHA-256")
    if "with sidecar" in how:
        layer = "SHA-256"
    assert any(word in caught.value.detail for word in layer.split("|")), (how, caught.value.detail)
    assert not path.exists(), "the damaged file must be moved, not left to be overwritten"
    [aside] = vault.damaged_files(home)
    assert aside.read_bytes() != original or how == "write-ahead log missing"

    wallet = backup.restore_latest(home, unlocker)
    try:
        held = {c.id: c.raw for c in wallet.credentials()}
        assert wallet.store.integrity_check() == "ok"
        assert all(held.get(cid) == raw for cid, raw in base["expected"].items()), how
        assert wallet.store.fetch("stacks", "data-basics") == {"name": "Data basics"}
    finally:
        wallet.close()
    assert aside.exists(), "the damaged file is kept"


def test_damaged_wallet_without_backups_is_never_replaced_by_an_empty_one(tmp_path: Path, monkeypatch):
    home = tmp_path / "home"
    created = vault.create_store(home, passphrase=PASSPHRASE, kdf=FAST_TEST_KDF)
    created.store.add(_cred(1))
    created.store.close()
    path = home / WALLET_FILENAME
    with open(path, "r+b") as fh:
        fh.truncate(1000)
    with pytest.raises(WalletCorrupt):
        open_wallet(home, Unlocker(secret=PASSPHRASE))
    with pytest.raises(BackupError, match="no good backup"):
        backup.restore_latest(home, Unlocker(secret=PASSPHRASE))
    # the CLI refuses to start a new wallet over the damaged one
    import io

    from wallet.cli import main

    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", PASSPHRASE)
    err = io.StringIO()
    assert main(["--home", str(home), "settings"], out=io.StringIO(), err=err) == 1
    assert "restore" in err.getvalue()
    assert not path.exists() and len(vault.damaged_files(home)) == 1


def test_a_busy_wallet_is_not_mistaken_for_a_damaged_one(tmp_path: Path, monkeypatch):
    from wallet import storefile
    from wallet.errors import StoreError

    home = tmp_path / "home"
    vault.create_store(home, passphrase=PASSPHRASE, kdf=FAST_TEST_KDF).store.close()
    real_connect = sqlite3.connect

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(storefile.sqlite3, "connect", locked)
    with pytest.raises(StoreError, match="busy") as caught:
        open_wallet(home, Unlocker(secret=PASSPHRASE))
    assert not isinstance(caught.value, WalletCorrupt)
    monkeypatch.setattr(storefile.sqlite3, "connect", real_connect)
    assert (home / WALLET_FILENAME).exists() and not vault.damaged_files(home)
    open_wallet(home, Unlocker(secret=PASSPHRASE)).close()


def test_a_backup_that_fails_to_open_makes_way_for_the_next(tmp_path: Path):
    from datetime import datetime, timedelta, timezone

    from wallet.clock import fixed_clock

    home = tmp_path / "home"
    created = vault.create_store(home, passphrase=PASSPHRASE, kdf=FAST_TEST_KDF)
    store = created.store
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for day in range(3):
        store.add(_cred(day))
        backup.make_backup(store, home, clock=fixed_clock(t0 + timedelta(days=day)))
    store.close()
    newest = backup.find_backups(home)[0].path
    # the newest backup is damaged inside a record, yet its file hash is the recorded one
    db = sqlite3.connect(newest)
    db.execute("UPDATE credentials SET blob = zeroblob(60) WHERE rowid = 1")
    db.commit()
    db.close()
    manifest = json.loads((home / "backups" / "manifest.json").read_text())
    for entry in manifest["backups"]:
        if entry["file"] == newest.name:
            entry["sha256"], entry["size"] = storefile.file_digest(newest), newest.stat().st_size
    (home / "backups" / "manifest.json").write_text(json.dumps(manifest))
    (home / WALLET_FILENAME).write_bytes(b"not a database any more")
    wallet = backup.restore_latest(home, Unlocker(secret=PASSPHRASE))
    try:
        assert sorted(c.summary.title for c in wallet.credentials()) == ["Course 0", "Course 1"]
    finally:
        wallet.close()
    assert newest.exists() and len(vault.damaged_files(home)) == 1
