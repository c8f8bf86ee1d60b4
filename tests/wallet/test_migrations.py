"""A wallet saved by schema version 1 (a fixture whose bytes never change) opens after
every upgrade, with every record intact."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from wallet import store as S
from wallet.errors import StoreError, WalletCorrupt, WrongSecret
from wallet.keys import Unlocker
from wallet.service import open_wallet
from wallet.settings import NETWORK_POLICY, NetworkPolicy

FIXTURES = Path(__file__).parent / "fixtures"
V1 = FIXTURES / "wallet-v1.sqlite3"
SECRETS = json.loads((FIXTURES / "wallet-v1.key.json").read_text())


@pytest.fixture
def v1_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    shutil.copyfile(V1, home / S.WALLET_FILENAME)
    return home


def test_fixture_really_is_version_1():
    db = sqlite3.connect(f"file:{V1}?mode=ro&immutable=1", uri=True)  # no -wal beside the fixture
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        db.close()
    assert "state" not in tables and {"credentials", "meta", "reports", "stacks"} <= tables


@pytest.mark.parametrize("secret", [SECRETS["passphrase"], SECRETS["recovery_key"]])
def test_v1_wallet_opens_after_every_upgrade(v1_home: Path, secret: str):
    wallet = open_wallet(v1_home, Unlocker(secret=secret))
    try:
        store = wallet.store
        assert store.schema_version() == S.SCHEMA_VERSION
        assert store.integrity_check() == "ok"
        held = {c.id: c for c in wallet.credentials()}
        assert set(held) == {"11" * 32, "33" * 32}
        intro = held["11" * 32]
        assert intro.raw == b'{"name": "Intro to Data", "v": 1}'
        assert intro.summary.title == "Intro to Data" and intro.summary.credits == 2.5
        assert intro.summary.alignments[0].code == "C1"
        assert held["33" * 32].parent_id == "11" * 32
        assert [c.summary.title for c in wallet.credentials(trashed=True)] == ["Statistics I"]
        assert store.report("11" * 32) == {"status": "valid"}
        assert store.fetch("stacks", "data-basics")["name"] == "Data basics"
        assert store.fetch("identities", "did:key:zFixture")["label"] == "Fixture identity"
        assert wallet.settings.get(NETWORK_POLICY) is NetworkPolicy.NEVER
        assert store.verify_records() == 8
        # writing after the upgrade works and survives a reopen
        store.trash("11" * 32)
    finally:
        wallet.close()
    again = open_wallet(v1_home, Unlocker(secret=secret))
    try:
        assert again.credentials() == [] and len(again.credentials(trashed=True)) == 3
    finally:
        again.close()


def test_after_the_upgrade_no_natural_key_is_left_in_clear_and_every_column_is_sealed(v1_home: Path):
    path = v1_home / S.WALLET_FILENAME
    assert b"did:key:zFixture" in path.read_bytes()  # version 1 kept holder DIDs and URLs in clear
    open_wallet(v1_home, Unlocker(secret=SECRETS["passphrase"])).close()
    data = path.read_bytes()
    for natural in (b"did:key:zFixture", b"https://example.org/ctx", b"data-basics"):
        assert natural not in data, natural
    db = sqlite3.connect(path)
    try:
        keys = [r[0] for t in ("identities", "stacks", "documents") for r in db.execute(f"SELECT * FROM {t}")]
        assert len(keys) == 3 and all(len(k) == 64 and int(k, 16) >= 0 for k in keys)
        db.execute("UPDATE credentials SET trashed_at=NULL")  # bring the trashed one back by hand
        db.commit()
    finally:
        db.close()
    store = S.Store.open(path, bytes.fromhex(SECRETS["data_key_hex"]), create=False, check_hash=False)
    try:
        with pytest.raises(WalletCorrupt):
            store.verify_records()
    finally:
        store.close()


def test_a_wrong_key_during_an_upgrade_is_a_wrong_key_not_damage(v1_home: Path):
    with pytest.raises(WrongSecret):
        S.Store.open(v1_home / S.WALLET_FILENAME, bytes(32), create=False)
    store = S.Store.open(v1_home / S.WALLET_FILENAME, bytes.fromhex(SECRETS["data_key_hex"]), create=False)
    try:
        assert store.schema_version() == S.SCHEMA_VERSION
    finally:
        store.close()


def test_each_migration_step_is_registered():
    assert sorted(S.MIGRATIONS) == list(range(S.SCHEMA_VERSION))


def test_fixture_bytes_are_unchanged_by_opening_a_copy(v1_home: Path):
    before = hashlib.sha256(V1.read_bytes()).hexdigest()
    open_wallet(v1_home, Unlocker(secret=SECRETS["passphrase"])).close()
    assert hashlib.sha256(V1.read_bytes()).hexdigest() == before


def test_a_newer_schema_is_refused_with_a_clear_message(v1_home: Path):
    path = v1_home / S.WALLET_FILENAME
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={S.SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer version of Learner Wallet"):
        S.Store.open(path, bytes.fromhex(SECRETS["data_key_hex"]), create=False)
    assert path.exists()


# ---------------------------------------------------------------- an exported backup file of format 1

BACKUP_V1 = FIXTURES / "backup-v1.lwbackup"
BACKUP_SECRETS = json.loads((FIXTURES / "backup-v1.key.json").read_text())


def _check_backup_contents(wallet) -> None:
    first, trashed, third = BACKUP_SECRETS["credential_ids"]
    assert sorted(c.id for c in wallet.credentials()) == sorted([first, third])
    assert [c.summary.title for c in wallet.credentials(trashed=True)] == ["Statistics I"]
    assert wallet.get(first).summary.credits == 5.0
    assert wallet.store.report(first) == {"status": "valid"}
    assert wallet.store.fetch("stacks", "ab" * 32)["name"] == "Data basics"
    assert wallet.store.fetch("documents", "trusted-issuer:did:web:example.edu")["name"] == "Example University"
    from wallet.identity import Identities

    identities = Identities(wallet.store)
    assert identities.default().id == BACKUP_SECRETS["identity"]
    identities.signing_key(BACKUP_SECRETS["identity"])  # the private key came back too


def test_an_exported_backup_of_format_1_installs_on_a_fresh_machine(tmp_path: Path):
    from wallet import restore
    from wallet.backup_file import open_backup, read_header

    header, _, _ = read_header(BACKUP_V1)
    assert header["version"] == 1 and header["schema"] == 2
    opened = open_backup(BACKUP_V1, BACKUP_SECRETS["recovery_key"])
    restore.install(tmp_path / "fresh", opened)
    wallet = open_wallet(tmp_path / "fresh", Unlocker(secret=BACKUP_SECRETS["passphrase"]))
    try:
        assert wallet.store.schema_version() == S.SCHEMA_VERSION
        _check_backup_contents(wallet)
    finally:
        wallet.close()
    open_wallet(tmp_path / "fresh", Unlocker(secret=BACKUP_SECRETS["recovery_key"])).close()


def test_an_exported_backup_of_format_1_merges_into_another_wallet(tmp_path: Path):
    from wallet import restore, vault
    from wallet.backup_file import open_backup
    from wallet.keys import FAST_TEST_KDF
    from wallet.service import Wallet

    created = vault.create_store(tmp_path / "other", passphrase="another passphrase", kdf=FAST_TEST_KDF)
    theirs = open_backup(BACKUP_V1, BACKUP_SECRETS["recovery_key"]).open_store()
    try:
        restore.merge(created.store, theirs)
    finally:
        theirs.close()
    wallet = Wallet(tmp_path / "other", created.store)
    try:
        _check_backup_contents(wallet)
    finally:
        wallet.close()
