"""Crash windows around the damage checks: a healthy wallet killed at an awkward moment
(or its state file torn by a power cut) must open again, never be set aside as damaged.

Each test kills a forked child at one precise point (a patched step that calls
``os._exit``), then opens the wallet the way the app does (``vault.open_store``), which
sets a damaged wallet aside: the wallet must still be in place with every record.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.wallet.test_crash import make_credential
from wallet import autorestore, backup, storefile, vault
from wallet.keys import FAST_TEST_KDF, Unlocker
from wallet.service import Wallet
from wallet.store import Store, sidecar_path
from wallet.storefile import read_sidecar, record_check

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

SECRET = "correct horse battery staple"


def _new_wallet(home: Path, n: int = 3) -> set[str]:
    created = vault.create_store(home, passphrase=SECRET, kdf=FAST_TEST_KDF)
    for i in range(n):
        created.store.add(make_credential(i))
    created.store.close()
    return {make_credential(i).id for i in range(n)}


def _in_child(body: Callable[[], None]) -> None:
    """Run ``body`` in a forked child that dies (exit without cleanup) wherever it stops."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            body()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def _die(*_args: object, **_kwargs: object) -> None:
    os._exit(0)


def _opens_with(home: Path, ids: set[str]) -> None:
    before = vault.set_aside_files(home)
    store = vault.open_store(home, Unlocker(secret=SECRET))
    try:
        assert {c.id for c in store.credentials()} == ids
        assert store.integrity_check() == "ok"
    finally:
        store.close()
    assert vault.set_aside_files(home) == before, "a healthy wallet was set aside as damaged"
    again = vault.open_store(home, Unlocker(secret=SECRET))  # and after that clean close too
    again.close()


def test_a_kill_during_close_after_the_checkpoint_is_not_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "home"
    ids = _new_wallet(home)

    def writer() -> None:
        store = vault.open_store(home, Unlocker(secret=SECRET))
        store.add(make_credential(50))
        monkeypatch.setattr("wallet.store.write_sidecar", _die)  # checkpointed, hash not yet recorded
        store.close()

    _in_child(writer)
    assert not read_sidecar(vault.wallet_path(home)).get("clean")
    _opens_with(home, ids | {make_credential(50).id})


def test_a_kill_right_after_a_left_over_log_was_folded_in_is_not_damage(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch):
    """The state file still says 'clean' while commits wait in the write-ahead log (the
    step that withdrew it was lost with the power). Reading the wallet's keys folds the
    log into the file; a kill right then must not leave the old hash standing."""
    home = tmp_path / "home"
    ids = _new_wallet(home)
    path = vault.wallet_path(home)
    clean = sidecar_path(path).read_bytes()

    def writer() -> None:
        store = vault.open_store(home, Unlocker(secret=SECRET))
        store.add(make_credential(60))
        sidecar_path(path).write_bytes(clean)  # as if the withdrawal never reached the disk

    _in_child(writer)
    assert (home / "wallet.sqlite3-wal").stat().st_size > 0

    def reader() -> None:
        monkeypatch.setattr(Store, "open", _die)  # after peek_meta folded the log into the file
        vault.open_store(home, Unlocker(secret=SECRET))

    _in_child(reader)
    assert not (home / "wallet.sqlite3-wal").exists(), "the log was folded into the file"
    _opens_with(home, ids | {make_credential(60).id})


def test_a_state_record_torn_by_a_power_cut_is_not_damage(tmp_path: Path):
    """Rewriting a record in place, cut after its first digit, can splice a generation
    the wallet never reached ('{"generation": 2' over '{"generation": 199, ...}' reads
    299). The record's check digest shows it is torn, so it is ignored."""
    home = tmp_path / "home"
    ids = _new_wallet(home)
    path = vault.wallet_path(home)
    sidecar_path(path).write_bytes(_torn(_generation(path)))
    assert read_sidecar(path) is None
    _opens_with(home, ids)


def test_a_kill_during_the_backup_at_close_is_not_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "home"
    ids = _new_wallet(home)

    def closer() -> None:
        store = vault.open_store(home, Unlocker(secret=SECRET))
        store.add(make_credential(70))
        real_backup_to = Store.backup_to

        def half_then_die(self: Store, target: Path) -> None:
            real_backup_to(self, target)
            target.write_bytes(target.read_bytes()[:4096])  # a copy cut short
            os._exit(0)

        monkeypatch.setattr(Store, "backup_to", half_then_die)
        Wallet(home, store).close()  # backs up first, then would close

    _in_child(closer)
    assert list((home / "backups").glob(".*.tmp")), "the child died mid-backup"
    _opens_with(home, ids | {make_credential(70).id})
    assert backup.find_backups(home, include_bad=True) == []  # the cut copy was never taken for a backup


# -- helpers for the torn record


def _generation(path: Path) -> int:
    """The wallet's write generation, read with a plain SQLite connection."""
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT generation FROM state").fetchone()[0])
    finally:
        db.close()


def _torn(generation: int) -> bytes:
    """The record for ``generation`` whose first digit alone landed over an older one
    with more digits (the older record's check digest stays in place)."""
    older = int("1" + "9" * len(str(generation)))  # 19 for 5, 199 for 42
    newer = storefile._mark_record(generation)
    spliced = storefile._mark_record(older)
    head = len(b'{"generation": ')
    torn = newer[: head + 1] + spliced[head + 1 :]
    value = int(torn[head:].split(b",", 1)[0])
    assert value > generation and record_check(value) not in torn.decode()
    return torn


def test_a_kill_while_setting_a_wallet_aside_does_not_spoil_the_restored_one(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch):
    """Setting aside renames the file, then its write-ahead log. Killed in between, the
    log stays under the wallet's name; a backup put in its place must not have that
    stranger's log replayed into it (that would damage the restored wallet)."""
    home = tmp_path / "home"
    ids = _new_wallet(home)
    store = vault.open_store(home, Unlocker(secret=SECRET))
    backup.make_backup(store, home)
    for i in range(200, 400):  # the wallet moves on well past its backup
        store.add(make_credential(i))
    store.close()
    path = vault.wallet_path(home)

    def writer() -> None:  # commits after the backup, then dies with them in the log
        child = vault.open_store(home, Unlocker(secret=SECRET))
        for i in range(100, 140):
            child.add(make_credential(i))

    _in_child(writer)
    assert (home / "wallet.sqlite3-wal").stat().st_size > 0
    renames: list[object] = []
    real_replace = os.replace

    def replace_once(src: object, dst: object) -> None:
        if renames:
            os._exit(0)
        renames.append(src)
        real_replace(src, dst)

    def setter_aside() -> None:
        monkeypatch.setattr("wallet.vault.os.replace", replace_once)
        vault.set_aside(path)

    _in_child(setter_aside)
    assert not path.exists() and (home / "wallet.sqlite3-wal").exists()
    aside = vault.set_aside_files(home)
    wallet = autorestore.restore_newest(home, Unlocker(secret=SECRET)).wallet
    try:
        held = {c.id for c in wallet.credentials()}
        assert wallet.store.integrity_check() == "ok"
    finally:
        wallet.close()
    assert ids <= held  # everything the backup had
    assert vault.set_aside_files(home) == aside, "the restored wallet was set aside"
    strays = [p for p in home.iterdir() if p.name.endswith("-wal") and p.name != "wallet.sqlite3-wal"]
    assert strays, "the stray log is kept (beside the set-aside file), not deleted"
    _opens_with(home, held)
