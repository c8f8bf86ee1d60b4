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
from wallet.errors import StoreError
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
    db = sqlite3.connect(f"file:{V1}?mode=ro", uri=True)
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


def test_each_migration_step_is_registered():
    assert sorted(S._MIGRATIONS) == list(range(S.SCHEMA_VERSION))


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
