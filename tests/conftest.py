"""Shared fixtures. Tests never reach the network and never touch the real data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INTEROP = REPO.parent / "shared" / "interop"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own wallet folder; nothing reaches the learner's real one."""
    home = tmp_path_factory.mktemp("wallet-home")
    monkeypatch.setenv("LEARNER_WALLET_HOME", str(home))
    return home


@pytest.fixture
def interop() -> Path:
    """The shared interop corpus; under CI a missing folder fails instead of skipping."""
    if not INTEROP.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"interop corpus missing at {INTEROP}")
        pytest.skip("interop corpus not present")
    return INTEROP


@pytest.fixture
def data_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def wallet(tmp_path: Path, data_key: bytes):
    """An open, empty wallet in a temporary folder, unlocked with a random data key."""
    from wallet.service import Wallet
    from wallet.store import WALLET_FILENAME, Store

    home = tmp_path / "home"
    home.mkdir()
    w = Wallet(home, Store.open(home / WALLET_FILENAME, data_key))
    yield w
    w.close()
