"""Damaged wallets: 100 damaged copies (flipped bits, truncation, a missing write-ahead
log, altered ciphertext) are all detected, none is opened as valid, each is set aside
rather than replaced, and the newest good backup restores every time.

Without the state file of a clean close (a wallet copied by hand, or after a crash) the
file hash cannot be compared, so a flipped bit in unused space goes unnoticed and
harms nothing; 100 more copies without it must each be either detected as damage
(and restored) or open with every record and key wrapping exactly as before: never
opened different, never an exception other than the plain "damaged" one.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from wallet import autorestore, backup, storefile, vault
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
    store.put("identities", "did:key:zHolder", {"label": "Me"})
    store.put("documents", "trusted-issuer:did:web:example.edu", {"name": "Example University"}, kind="trusted-issuer")
    store.save_report(_cred(0).id, datetime(2026, 1, 2, tzinfo=timezone.utc), {"status": "valid"})
    store.add(_cred(40))
    store.trash(_cred(40).id)
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
    check = root / "check"
    shutil.copytree(home, check)
    wallet = open_wallet(check, Unlocker(secret=PASSPHRASE))
    snapshot = _snapshot(wallet)
    wallet.close()
    return {"clean": home, "live": live, "expected": expected, "snapshot": snapshot}


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


def _without_state(damage):
    def damage_and_forget(path: Path, rng: random.Random) -> str:
        how = damage(path, rng)
        sidecar_path(path).unlink()
        return how + " (without sidecar)"

    return damage_and_forget


CASES = (
    [("clean", _flip)] * 40
    + [("clean", _truncate)] * 20
    + [("live", _drop_wal)] * 15
    + [("clean", lambda p, r: _alter_ciphertext(p, r, keep_sidecar=True))] * 10
    + [("clean", lambda p, r: _alter_ciphertext(p, r, keep_sidecar=False))] * 15
)
UNPROVEN = [("clean", _without_state(_flip))] * 80 + [("clean", _without_state(_truncate))] * 20


def _snapshot(wallet) -> tuple[dict, dict]:
    store = wallet.store
    return {t: sorted(store.rows(t)) for t in store.TABLES}, store.all_meta()


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
    layer = {"write-ahead": "generation", "ciphertext": "AES-GCM|key-check|checksum"}.get(how.split()[0], "SHA-256")
    if "with sidecar" in how:
        layer = "SHA-256"
    assert any(word in caught.value.detail for word in layer.split("|")), (how, caught.value.detail)
    assert aside_then_restored(home, base, caught.value, original, how)


@pytest.mark.parametrize("case", range(len(UNPROVEN)))
def test_damage_without_the_state_file_is_detected_or_harmless(case: int, base, tmp_path: Path):
    source, damage = UNPROVEN[case]
    home = tmp_path / "home"
    shutil.copytree(base[source], home)
    path = home / WALLET_FILENAME
    original = path.read_bytes()
    how = damage(path, random.Random(1000 + case))
    try:
        wallet = open_wallet(home, Unlocker(secret=PASSPHRASE))
    except WalletCorrupt as exc:
        assert aside_then_restored(home, base, exc, original, how)
        return
    try:
        assert _snapshot(wallet) == base["snapshot"], f"{how}: opened, but not as it was"
        assert wallet.store.integrity_check() == "ok", how
    finally:
        wallet.close()


def aside_then_restored(home: Path, base, exc: WalletCorrupt, original: bytes, how: str) -> bool:
    """The damaged file was set aside (kept), and the newest backup brings everything back."""
    path = home / WALLET_FILENAME
    assert "set aside" in exc.message, how
    assert not path.exists(), "the damaged file must be moved, not left to be overwritten"
    [aside] = vault.damaged_files(home)
    assert aside.read_bytes() != original or how == "write-ahead log missing"
    wallet = autorestore.restore_newest(home, Unlocker(secret=PASSPHRASE)).wallet
    try:
        held = {c.id: c.raw for c in wallet.credentials()}
        assert wallet.store.integrity_check() == "ok"
        assert all(held.get(cid) == raw for cid, raw in base["expected"].items()), how
        assert wallet.store.fetch("stacks", "data-basics") == {"name": "Data basics"}
    finally:
        wallet.close()
    assert aside.exists(), "the damaged file is kept"
    return True


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
        autorestore.restore_newest(home, Unlocker(secret=PASSPHRASE))
    assert vault.earlier_wallet(home) == "set-aside"
    # the CLI refuses to start a new wallet over the damaged one, and sends nobody to a backup there is not
    import io

    from wallet.cli import main

    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", PASSPHRASE)
    err = io.StringIO()
    assert main(["--home", str(home), "settings"], out=io.StringIO(), err=err) == 1
    assert "set aside in this folder and there is no backup to restore it from" in err.getvalue()
    assert "restore-latest" not in err.getvalue()
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
    wallet = autorestore.restore_newest(home, Unlocker(secret=PASSPHRASE)).wallet
    try:
        assert sorted(c.summary.title for c in wallet.credentials()) == ["Course 0", "Course 1"]
    finally:
        wallet.close()
    assert newest.exists(), "a backup that does not open is never removed or set aside"
    assert len(vault.set_aside_files(home)) == 1  # the file that was in the wallet's place is kept


# ---------------------------------------------------------------- clear columns are authenticated too

ONE = "(SELECT min(rowid) FROM {table})"
TAMPERS = {
    "trash marks": "UPDATE credentials SET trashed_at='2026-01-01T00:00:00+00:00' WHERE trashed_at IS NULL",
    "an added date": "UPDATE credentials SET added_at='2020-01-01T00:00:00+00:00' WHERE rowid=" + ONE.format(table="credentials"),
    "a bad character in a date": "UPDATE credentials SET added_at='2026-01-0x' || substr(added_at, 11) "
                                 "WHERE rowid=" + ONE.format(table="credentials"),
    "a parent link": "UPDATE credentials SET parent_id=(SELECT max(id) FROM credentials) "
                     "WHERE rowid=" + ONE.format(table="credentials"),
    "a restored trash mark": "UPDATE credentials SET trashed_at=NULL",
    "a check date": "UPDATE reports SET checked_at='2020-01-01T00:00:00+00:00'",
    "a document kind": "UPDATE documents SET kind='registry'",
    "a fetch date": "UPDATE documents SET fetched_at='2020-01-01T00:00:00+00:00'",
    "an identity date": "UPDATE identities SET created_at='2020-01-01T00:00:00+00:00'",
    "a stack date": "UPDATE stacks SET added_at='not a date'",
    "two row keys swapped": "UPDATE identities SET id=(SELECT key FROM documents)",
}


def _tamper(home: Path, sql: str) -> None:
    db = sqlite3.connect(home / WALLET_FILENAME)
    changed = db.execute(sql).rowcount
    db.commit()
    db.close()
    assert changed, sql


@pytest.mark.parametrize("what", sorted(TAMPERS))
def test_a_changed_clear_column_is_damage_not_a_different_wallet(what: str, base, tmp_path: Path):
    home = tmp_path / "home"
    shutil.copytree(base["clean"], home)
    original = (home / WALLET_FILENAME).read_bytes()
    _tamper(home, TAMPERS[what])
    sidecar_path(home / WALLET_FILENAME).unlink()  # only the records' own authentication can tell
    with pytest.raises(WalletCorrupt) as caught:
        open_wallet(home, Unlocker(secret=PASSPHRASE))
    assert any(word in caught.value.detail for word in ("AES-GCM", "timestamp", "integrity")), caught.value.detail
    assert aside_then_restored(home, base, caught.value, original, what)


@pytest.mark.parametrize(("what", "read", "words"), [
    ("a bad character in a date", lambda store: store.credentials(), "a date in it cannot be read"),
    ("trash marks", lambda store: store.credentials(trashed=True), "changed or damaged"),
    ("a document kind", lambda store: store.items("documents", kind="registry"), "changed or damaged"),
])
def test_a_changed_clear_column_read_later_is_damage_not_a_traceback(what, read, words, base, tmp_path: Path):
    """Even when the opening checks are skipped (a forged state file), reading the row
    says "damaged" instead of raising ValueError or quietly hiding credentials."""
    home = tmp_path / "home"
    shutil.copytree(base["clean"], home)
    store = vault.open_store(home, Unlocker(secret=PASSPHRASE))
    data_key = store.data_key
    store.close()
    _tamper(home, TAMPERS[what])
    store = Store.open(home / WALLET_FILENAME, data_key, create=False, check_hash=False)
    try:
        with pytest.raises(WalletCorrupt, match=words):
            read(store)
    finally:
        store.close()


def test_the_command_line_says_damaged_for_a_bad_date(cli):
    wallet = cli.open()
    wallet.store.add(_cred(1))
    wallet.close()
    _tamper(cli.home, TAMPERS["a bad character in a date"])
    sidecar_path(cli.home / WALLET_FILENAME).unlink()
    code, out, err = cli("list")
    assert code == 1 and "set aside" in err and "Traceback" not in err + out
    code, out, err = cli("backup", "restore-latest")
    assert code == 0, err
    assert "holds 1 credentials" in out
