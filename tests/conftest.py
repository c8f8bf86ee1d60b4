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


@pytest.fixture(autouse=True)
def _recovery_key_file(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CLI run that creates a wallet writes its recovery key here (no test has a
    terminal, and the key is never printed to an output that may be logged)."""
    target = tmp_path_factory.mktemp("recovery-key") / "recovery-key.txt"
    monkeypatch.setenv("LEARNER_WALLET_RECOVERY_KEY_FILE", str(target))
    return target


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


@pytest.fixture(autouse=True)
def _no_desktop_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the machine's real keyring: keyring's own "fail"
    backend is selected, and no passphrase leaks in from the environment."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("LEARNER_WALLET_PASSPHRASE", raising=False)


class CliRunner:
    """Runs ``learner-wallet`` in-process against the test's own wallet folder.

    ``cli("list", "--json")`` returns ``(exit_code, stdout, stderr)``. The wallet
    (in ``cli.home``, i.e. $LEARNER_WALLET_HOME) is created on first call with the
    passphrase ``cli.passphrase``, whose KDF uses fast test parameters that were
    injected explicitly here (the production default is untouched; the parameters
    are stored in the wallet, so the normal open path reads them).
    ``LEARNER_WALLET_PASSPHRASE`` is set so commands unlock unattended;
    ``cli.recovery_key`` is the wallet's recovery key. Use ``cli.open()`` for a
    Wallet on the same folder (close it before the next ``cli(...)`` call).
    """

    passphrase = "correct horse battery staple (test)"

    def __init__(self, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.home = home
        self.recovery_key = ""
        monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", self.passphrase)

    def _ensure_wallet(self) -> None:
        from wallet import vault
        from wallet.keys import FAST_TEST_KDF

        if self.recovery_key or vault.exists(self.home):
            return
        created = vault.create_store(self.home, passphrase=self.passphrase, kdf=FAST_TEST_KDF)
        created.store.close()
        self.recovery_key = created.recovery_key

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        import io

        from wallet.cli import main

        self._ensure_wallet()
        out, err = io.StringIO(), io.StringIO()
        code = main([str(a) for a in argv], out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    def open(self):
        from wallet.keys import Unlocker
        from wallet.service import open_wallet

        self._ensure_wallet()
        return open_wallet(self.home, Unlocker(secret=self.passphrase))


@pytest.fixture
def cli(_isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Run the CLI end to end: ``code, out, err = cli("import", path)``. See CliRunner."""
    return CliRunner(_isolated_home, monkeypatch)


class MemoryKeyring:
    """An in-memory keyring backend (the interface of ``keyring``'s backends), so
    tests exercise the keyring path without a desktop keyring. ``entries`` is open
    for tests to inspect or wipe."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    """A fresh in-memory keyring; wrap it with ``wallet.keys.KeyringSlot(memory_keyring)``."""
    return MemoryKeyring()
