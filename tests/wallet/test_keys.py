"""The data key and its wrappings: recovery key, passphrase, OS keyring (matrix of
backends), the unlock order, and what the CLI does on first use and when locked."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
from pathlib import Path

import keyring.backends.fail
import keyring.backends.null
import pytest

from wallet import vault
from wallet.cli import main
from wallet.errors import LockedError, WalletCorrupt, WrongSecret
from wallet.keys import (
    FAST_TEST_KDF,
    META_PASSPHRASE,
    PASSPHRASE_KDF,
    KeyringSlot,
    KeyringUnavailable,
    Prompt,
    Unlocker,
    new_recovery_key,
    parse_recovery_key,
)
from wallet.service import create_wallet, open_wallet
from wallet.store import WALLET_FILENAME, sidecar_path
from tests.wallet.sample_records import sample_credential as _cred

PASS = "a long enough test passphrase"


def _create(home: Path, *, keyring=None, passphrase: str | None = PASS):
    created = vault.create_store(home, keyring=keyring, passphrase=passphrase, kdf=FAST_TEST_KDF)
    for i in range(5):
        created.store.add(_cred(i))
    created.store.put("identities", "did:key:zHolder", {"label": "Me", "private": "PRIVATE"})
    created.store.close()
    return created


def _snapshot(home: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(home.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- recovery keys

def test_recovery_key_is_typable_and_checked():
    key = new_recovery_key()
    groups = key.split("-")
    assert len(groups) == 8 and all(len(g) == 5 and g.isalnum() and g.isupper() for g in groups)
    body = parse_recovery_key(key)
    assert body is not None and len(body) == 23
    # case, spaces and missing dashes do not matter; 0/1/8 read as O/I/B
    assert parse_recovery_key(key.lower().replace("-", " ")) == body
    assert parse_recovery_key(key.replace("O", "0").replace("I", "1").replace("B", "8")) == body
    typo = ("A" if key[0] != "A" else "B") + key[1:]
    with pytest.raises(WrongSecret, match="typing mistake"):
        parse_recovery_key(typo)
    assert parse_recovery_key("my passphrase") is None
    assert new_recovery_key() != key


def test_production_passphrase_kdf_is_strong():
    assert PASSPHRASE_KDF.n >= 2**17 and PASSPHRASE_KDF.r >= 8
    assert FAST_TEST_KDF.n < PASSPHRASE_KDF.n  # only ever passed in explicitly by tests


def test_default_wallet_uses_production_kdf(tmp_path: Path):
    wallet, recovery = create_wallet(tmp_path / "home", passphrase=PASS)
    try:
        wrap = json.loads(wallet.store.get_meta(META_PASSPHRASE))
        assert wrap["kdf"]["name"] == "scrypt" and wrap["kdf"]["n"] >= 2**17 and len(wrap["kdf"]["salt"]) >= 20
    finally:
        wallet.close()
    assert parse_recovery_key(recovery) is not None


# ---------------------------------------------------------------- unlocking

def test_passphrase_and_recovery_key_each_unlock(tmp_path: Path):
    home = tmp_path / "home"
    created = _create(home)
    for secret in (PASS, created.recovery_key, created.recovery_key.lower().replace("-", "")):
        wallet = open_wallet(home, Unlocker(secret=secret))
        assert len(wallet.credentials()) == 5
        wallet.close()


@pytest.mark.parametrize("wrong", ["not the passphrase", None])
def test_wrong_secret_is_refused_and_changes_nothing(tmp_path: Path, wrong):
    home = tmp_path / "home"
    _create(home)
    wrong = wrong or new_recovery_key()  # a well-formed recovery key of another wallet
    before = _snapshot(home)
    with pytest.raises(WrongSecret, match="does not open this wallet. Nothing was changed"):
        open_wallet(home, Unlocker(secret=wrong))
    assert _snapshot(home) == before and not vault.damaged_files(home)


def test_prompt_is_asked_until_right_or_cancelled(tmp_path: Path):
    home = tmp_path / "home"
    _create(home)
    answers = iter(["nope", "still wrong", PASS])
    prompts: list[Prompt] = []

    def ask(prompt: Prompt) -> str | None:
        prompts.append(prompt)
        return next(answers)

    wallet = open_wallet(home, Unlocker(ask=ask))
    wallet.close()
    assert [p.attempt for p in prompts] == [1, 2, 3] and prompts[0].has_passphrase
    with pytest.raises(LockedError, match="stays locked"):
        open_wallet(home, Unlocker(ask=lambda p: None))
    with pytest.raises(WrongSecret):
        open_wallet(home, Unlocker(ask=lambda p: "wrong every time"))
    with pytest.raises(LockedError, match="locked"):
        open_wallet(home, Unlocker())


# ---------------------------------------------------------------- keyring matrix

def test_working_keyring_unlocks_without_asking(tmp_path: Path, memory_keyring):
    home = tmp_path / "home"
    slot = KeyringSlot(memory_keyring)
    created = _create(home, keyring=slot, passphrase=None)
    assert created.keyring_ok and len(memory_keyring.entries) == 1
    [stored] = memory_keyring.entries.values()
    assert stored != created.recovery_key
    wallet = open_wallet(home, Unlocker(keyring=slot, ask=lambda p: pytest.fail("asked")))
    assert len(wallet.credentials()) == 5
    wallet.close()


def test_fail_backend_falls_back_to_the_passphrase(tmp_path: Path):
    home = tmp_path / "home"
    slot = KeyringSlot(keyring.backends.fail.Keyring())
    created = _create(home, keyring=slot)
    assert not created.keyring_ok
    with pytest.raises(LockedError):
        open_wallet(home, Unlocker(keyring=slot))
    wallet = open_wallet(home, Unlocker(keyring=slot, ask=lambda p: PASS))
    assert len(wallet.credentials()) == 5
    wallet.close()


def test_null_backend_failed_read_back_is_detected(tmp_path: Path):
    slot = KeyringSlot(keyring.backends.null.Keyring())
    with pytest.raises(KeyringUnavailable, match="did not keep"):
        slot.save("some-wallet", bytes(32))
    assert not vault.keyring_works(slot)
    home = tmp_path / "home"
    created = _create(home, keyring=slot)
    assert not created.keyring_ok
    wallet = open_wallet(home, Unlocker(keyring=slot, secret=PASS))
    wallet.close()


def test_wiped_keyring_recovery_key_restores_access_with_nothing_lost(tmp_path: Path, memory_keyring):
    home = tmp_path / "home"
    slot = KeyringSlot(memory_keyring)
    created = _create(home, keyring=slot, passphrase=None)
    before = open_wallet(home, Unlocker(keyring=slot))
    originals = {c.id: c.raw for c in before.credentials()}
    before.close()
    memory_keyring.entries.clear()  # the keyring is wiped (new OS install, reset login keyring)
    with pytest.raises(LockedError):
        open_wallet(home, Unlocker(keyring=slot))
    wallet = open_wallet(home, Unlocker(keyring=slot, secret=created.recovery_key))
    assert {c.id: c.raw for c in wallet.credentials()} == originals
    assert wallet.store.fetch("identities", "did:key:zHolder")["private"] == "PRIVATE"
    wallet.close()
    assert memory_keyring.entries, "the key is put back in the keyring"
    open_wallet(home, Unlocker(keyring=slot)).close()


def test_stale_keyring_entry_falls_back_to_the_secret(tmp_path: Path, memory_keyring):
    home = tmp_path / "home"
    slot = KeyringSlot(memory_keyring)
    _create(home, keyring=slot)
    for k in memory_keyring.entries:
        memory_keyring.entries[k] = "A" * 44  # a key of the right size that is not this wallet's
    wallet = open_wallet(home, Unlocker(keyring=slot, secret=PASS))
    wallet.close()


def test_hanging_keyring_is_bounded_in_time(tmp_path: Path):
    release = threading.Event()

    class Hanging:
        def get_password(self, service, username):
            release.wait(10)
            return None

        set_password = delete_password = get_password

    slot = KeyringSlot(Hanging(), timeout=0.2)
    home = tmp_path / "home"
    _create(home)
    started = time.monotonic()
    try:
        wallet = open_wallet(home, Unlocker(keyring=slot, secret=PASS))
        wallet.close()
    finally:
        release.set()
    assert time.monotonic() - started < 3


def test_damaged_key_check_is_not_called_a_wrong_passphrase(tmp_path: Path):
    import sqlite3

    home = tmp_path / "home"
    _create(home)
    path = home / WALLET_FILENAME
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = zeroblob(40) WHERE key='key-check'")
    db.commit()
    db.close()
    sidecar_path(path).unlink()
    with pytest.raises(WalletCorrupt, match="set aside"):
        open_wallet(home, Unlocker(secret=PASS))


# ---------------------------------------------------------------- the CLI

def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_first_run_without_keyring_or_passphrase_creates_nothing(_isolated_home: Path):
    code, _, err = _cli("settings")
    assert code == 1 and "LEARNER_WALLET_PASSPHRASE" in err
    assert not (_isolated_home / WALLET_FILENAME).exists()


def test_cli_first_run_unattended_writes_the_recovery_key_only_where_asked(_isolated_home: Path, monkeypatch,
                                                                          tmp_path):
    import stat

    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", PASS)
    monkeypatch.delenv("LEARNER_WALLET_RECOVERY_KEY_FILE")
    code, out, err = _cli("settings")  # no terminal, no file: the key must not go to a log
    assert code == 1 and "--recovery-key-file" in err and "not a terminal" in err
    assert not (_isolated_home / WALLET_FILENAME).exists(), "nothing is created when the key has nowhere to go"
    key_file = tmp_path / "recovery-key.txt"
    code, out, err = _cli("--recovery-key-file", str(key_file), "settings")
    assert code == 0, err
    recovery = key_file.read_text().strip()
    assert parse_recovery_key_safe(recovery) and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert recovery not in err + out and str(key_file) in err
    code, _, err2 = _cli("settings")
    assert code == 0 and "recovery key" not in err2
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", "wrong passphrase")
    code, _, err3 = _cli("settings")
    assert code == 1 and "does not open this wallet" in err3
    secret_file = tmp_path / "secret"
    secret_file.write_text(recovery + "\n")
    code, _, err4 = _cli("--passphrase-file", str(secret_file), "settings")
    assert code == 0, err4
    code, _, err5 = _cli("--passphrase-file", str(secret_file), "--recovery-key-file", str(key_file),
                         "recovery", "new")  # never overwrites a file
    assert code == 1 and "already exists" in err5 and key_file.read_text().strip() == recovery


def test_cli_first_run_on_a_terminal_shows_the_recovery_key_once(_isolated_home: Path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", PASS)
    monkeypatch.delenv("LEARNER_WALLET_RECOVERY_KEY_FILE")
    err = Terminal()
    assert main(["settings"], out=io.StringIO(), err=err) == 0
    assert "shown only this" in err.getvalue()
    assert [line for line in err.getvalue().splitlines() if parse_recovery_key_safe(line.strip())]


def parse_recovery_key_safe(text: str) -> bool:
    try:
        return parse_recovery_key(text) is not None
    except WrongSecret:
        return False


def test_cli_passphrase_and_recovery_commands(cli, monkeypatch):
    monkeypatch.setenv("LEARNER_WALLET_NEW_PASSPHRASE", "my new passphrase")
    code, out, err = cli("passphrase", "set")
    assert code == 0, err
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", "my new passphrase")
    monkeypatch.delenv("LEARNER_WALLET_RECOVERY_KEY_FILE")
    assert cli("recovery", "new")[0] == 1  # not printed to what may be a log
    key_file = cli.home.parent / "new-recovery-key.txt"
    code, out, err = cli("--recovery-key-file", key_file, "recovery", "new")
    assert code == 0, err
    new_key = key_file.read_text().strip()
    assert new_key != cli.recovery_key and new_key not in err
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", cli.recovery_key)
    assert cli("settings")[0] == 1  # the old recovery key stopped working
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", new_key)
    code, out, err = cli("passphrase", "remove")
    assert code == 0 and "removed" in out
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", "my new passphrase")
    assert cli("settings")[0] == 1


def test_cli_settings_are_typed(cli):
    assert cli("settings", "network.policy", "never")[0] == 0
    code, out, _ = cli("settings", "--json")
    assert json.loads(out)["network.policy"] == "never"
    code, _, err = cli("settings", "network.policy", "sometimes")
    assert code == 1 and "must be one of" in err
    code, _, err = cli("settings", "no.such.setting")
    assert code == 1 and "no setting called" in err


def test_a_slow_keyring_lookup_is_bounded_in_time_too(tmp_path: Path, memory_keyring):
    release = threading.Event()

    def slow_lookup():
        release.wait(3)  # a keyring daemon that takes seconds to answer D-Bus
        return memory_keyring

    home = tmp_path / "home"
    _create(home)
    slot = KeyringSlot(lookup=slow_lookup, timeout=0.2)
    started = time.monotonic()
    try:
        wallet = open_wallet(home, Unlocker(keyring=slot, secret=PASS))
        wallet.close()
        assert not vault.keyring_works(slot)
    finally:
        release.set()
    assert time.monotonic() - started < 1.5


def test_an_unknown_keyring_backend_falls_back_to_the_passphrase(cli, monkeypatch, tmp_path: Path):
    secret_file = tmp_path / "passphrase"
    secret_file.write_text(cli.passphrase + "\n")
    monkeypatch.delenv("LEARNER_WALLET_PASSPHRASE")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.nonexistent.Keyring")
    code, out, err = cli("--passphrase-file", secret_file, "settings")
    assert code == 0, err
    assert "Traceback" not in err and "network.policy" in out
    home = tmp_path / "new-home"
    code, _, err = cli("--home", home, "--passphrase-file", secret_file, "settings")
    assert "Traceback" not in err and "ModuleNotFoundError" not in err
