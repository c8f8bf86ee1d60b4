"""Automatic backups (rotation, manifest, checks) and exported backups (export, preview,
merge, replace, restore onto a fresh machine)."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wallet import autorestore, backup, restore, vault
from wallet.backup_file import export_backup, open_backup, read_header
from wallet.clock import fixed_clock
from wallet.errors import BackupError, StoreError, WrongSecret
from wallet.identity import Identities
from wallet.keys import FAST_TEST_KDF, KeyringSlot, Unlocker, new_recovery_key
from wallet.service import Wallet, open_wallet
from wallet.settings import AUTO_BACKUP, BACKUPS_KEPT, NETWORK_POLICY, NetworkPolicy, Settings
from wallet.store import Store
from tests.wallet.sample_records import sample_credential as _cred

PASS = "backup test passphrase"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def _wallet(home: Path, n: int = 5, *, start: int = 0, clock=fixed_clock(T0)) -> tuple[Wallet, str]:
    created = vault.create_store(home, passphrase=PASS, kdf=FAST_TEST_KDF)
    for i in range(start, start + n):
        created.store.add(_cred(i))
    return Wallet(home, created.store, clock=clock), created.recovery_key


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- automatic backups

def test_backup_is_a_checked_private_copy_listed_in_the_manifest(tmp_path: Path):
    home = tmp_path / "home"
    wallet, _ = _wallet(home)
    info = backup.make_backup(wallet.store, home, clock=fixed_clock(T0))
    wallet.store.close()
    assert _mode(info.path) == 0o600 and _mode(info.path.parent) == 0o700
    manifest = json.loads((home / "backups" / "manifest.json").read_text())
    [entry] = manifest["backups"]
    assert entry["file"] == info.path.name and entry["credentials"] == 5
    import hashlib

    assert entry["sha256"] == hashlib.sha256(info.path.read_bytes()).hexdigest()
    [found] = backup.find_backups(home)
    assert found.ok and found.path == info.path
    copy = Store.from_bytes(info.path.read_bytes(), wallet.store.data_key)
    assert len(copy.credentials()) == 5 and copy.integrity_check() == "ok"
    copy.close()
    assert backup.find_backups(home)[0].ok  # reading it changed nothing


def _daily_backups(wallet: Wallet, home: Path, days: int, *, first: int, **keep) -> None:
    """One new credential and one backup a day, from day ``first`` after T0."""
    for day in range(first, first + days):
        wallet.store.add(_cred(100 + day))
        backup.make_backup(wallet.store, home, clock=fixed_clock(T0 + timedelta(days=day)), **keep)


def test_seven_backups_are_kept_in_rotation(tmp_path: Path):
    home = tmp_path / "home"
    wallet, _ = _wallet(home, 1)
    _daily_backups(wallet, home, 10, first=0)
    found = backup.find_backups(home)
    assert len(found) == 7 == Settings(wallet.store).get(BACKUPS_KEPT)
    assert [b.created.day for b in found] == [10, 9, 8, 7, 6, 5, 4]
    assert len(list((home / "backups").glob("wallet-*.sqlite3"))) == 7
    wallet.store.close()


def test_automatic_backup_runs_after_changes_at_most_hourly(tmp_path: Path):
    home = tmp_path / "home"
    now = [T0]
    wallet, _ = _wallet(home, 0, clock=lambda: now[0])
    assert backup.backup_if_due(wallet.store, home, clock=wallet.clock) is None  # empty: nothing to keep
    wallet.store.add(_cred(1))
    assert backup.backup_if_due(wallet.store, home, clock=wallet.clock, max_age=backup.AT_CLOSE) is not None
    wallet.store.add(_cred(2))
    now[0] = T0 + timedelta(minutes=20)
    assert backup.backup_if_due(wallet.store, home, clock=wallet.clock, max_age=backup.AT_CLOSE) is None
    now[0] = T0 + timedelta(hours=2)
    wallet.close()  # closing after changes backs up
    assert len(backup.find_backups(home)) == 2
    again = open_wallet(home, Unlocker(secret=PASS), clock=lambda: now[0] + timedelta(days=3))
    again.close()  # unchanged since the newest backup: no new copy
    assert len(backup.find_backups(home)) == 2


def test_imports_are_backed_up_within_minutes_not_hours(tmp_path: Path):
    home = tmp_path / "home"
    now = [T0]
    wallet, _ = _wallet(home, 0, clock=lambda: now[0])
    made = []
    for minutes, n in ((0, 1), (3, 2), (6, 3), (8, 4)):
        now[0] = T0 + timedelta(minutes=minutes)
        wallet.store.add(_cred(n))
        made.append(backup.backup_after_import(wallet.store, home, clock=wallet.clock) is not None)
    assert made == [True, False, True, False]  # the first import at once, then every five minutes at most
    assert backup.find_backups(home)[0].credentials == 3
    wallet.store.close()


def test_a_tampered_backup_is_not_offered(tmp_path: Path):
    home = tmp_path / "home"
    wallet, _ = _wallet(home)
    first = backup.make_backup(wallet.store, home, clock=fixed_clock(T0))
    wallet.store.add(_cred(50))
    second = backup.make_backup(wallet.store, home, clock=fixed_clock(T0 + timedelta(days=1)))
    wallet.store.close()
    data = bytearray(second.path.read_bytes())
    data[len(data) // 2] ^= 0x10
    second.path.write_bytes(bytes(data))
    assert [b.path for b in backup.find_backups(home)] == [first.path]
    bad = [b for b in backup.find_backups(home, include_bad=True) if not b.ok]
    assert bad[0].path == second.path and "SHA-256" in bad[0].problem


# ---------------------------------------------------------------- exported backups

def _rich_wallet(home: Path) -> tuple[Wallet, str]:
    wallet, recovery = _wallet(home, 6)
    wallet.store.trash(_cred(5).id)
    Identities(wallet.store).create("Job applications", default=True)
    wallet.store.put("stacks", "data-basics", {"name": "Data basics", "requires": ["Course 1"]})
    wallet.store.save_report(_cred(0).id, T0, {"status": "valid"})
    wallet.settings.set(NETWORK_POLICY, "never")
    return wallet, recovery


def test_restore_onto_a_fresh_machine_brings_everything_back(tmp_path: Path, memory_keyring):
    wallet, recovery = _rich_wallet(tmp_path / "laptop")
    target = tmp_path / "usb" / "wallet.lwbackup"
    target.parent.mkdir()
    export_backup(wallet.store, target, data_key=wallet.store.data_key, kind="recovery", secret=recovery)
    before = {t: sorted(wallet.store.row_keys(t)) for t in Store.TABLES}
    raws = {c.id: c.raw for c in wallet.credentials() + wallet.credentials(trashed=True)}
    identity = Identities(wallet.store).default()
    wallet.close()
    assert _mode(target) == 0o600
    assert b"Course" not in target.read_bytes() and b"Example University" not in target.read_bytes()

    fresh = tmp_path / "new-machine"
    opened = open_backup(target, recovery)
    theirs = opened.open_store()
    plan = restore.plan_restore(None, theirs, replace=False)
    theirs.close()
    assert plan.mode == "install" and plan.counts(plan.add)["credentials"] == 6
    restore.install(fresh, opened, keyring=KeyringSlot(memory_keyring))
    back = open_wallet(fresh, Unlocker(keyring=KeyringSlot(memory_keyring)))
    try:
        assert {t: sorted(back.store.row_keys(t)) for t in Store.TABLES} == before
        assert {c.id: c.raw for c in back.credentials() + back.credentials(trashed=True)} == raws
        assert Identities(back.store).default() == identity
        Identities(back.store).signing_key(identity.id)  # the private key came back too
        assert back.store.fetch("stacks", "data-basics")["name"] == "Data basics"
        assert back.settings.network_policy is NetworkPolicy.NEVER
        assert back.store.report(_cred(0).id) == {"status": "valid"}
    finally:
        back.close()
    open_wallet(fresh, Unlocker(secret=recovery)).close()  # the same recovery key still opens it


def test_merge_preview_then_merge_adds_only_what_is_missing(tmp_path: Path):
    a, _ = _wallet(tmp_path / "a", 5, start=0)
    Identities(a.store).create("From a", default=True)
    target = tmp_path / "a.lwbackup"
    export_backup(a.store, target, data_key=a.store.data_key, kind="passphrase", secret="export passphrase",
                  kdf=FAST_TEST_KDF)
    a.close()
    b, _ = _wallet(tmp_path / "b", 5, start=3)  # another wallet, another data key
    mine = Identities(b.store).create("Mine", default=True)
    opened = open_backup(target, "export passphrase")
    theirs = opened.open_store()
    plan = restore.plan_restore(b.store, theirs, replace=False)
    titles = sorted(c.label.split(" —")[0] for c in plan.add if c.table == "credentials")
    assert titles == ["Course 0", "Course 1", "Course 2"] and plan.mode == "merge"
    assert "Will add: 3 credentials" in "\n".join(plan.describe())
    assert len(b.credentials()) == 5  # a preview changes nothing
    restore.merge(b.store, theirs)
    theirs.close()
    assert Identities(b.store).default() == mine  # the merged identity did not take over
    assert sorted(i.label for i in Identities(b.store).list()) == ["From a", "Mine"]
    b.close()
    again = open_wallet(tmp_path / "b", Unlocker(secret=PASS))  # re-sealed under b's own key
    assert sorted(c.summary.title for c in again.credentials()) == [f"Course {i}" for i in range(8)]
    assert again.store.verify_records() == 8 + 2  # eight credentials, two identities
    again.close()


def test_replace_sets_the_current_wallet_aside(tmp_path: Path):
    a, recovery = _wallet(tmp_path / "a", 2, start=0)
    target = tmp_path / "a.lwbackup"
    export_backup(a.store, target, data_key=a.store.data_key, kind="recovery", secret=recovery)
    a.close()
    b, _ = _wallet(tmp_path / "b", 2, start=10)
    opened = open_backup(target, recovery)
    theirs = opened.open_store()
    plan = restore.plan_restore(b.store, theirs, replace=True)
    theirs.close()
    assert plan.mode == "replace" and plan.counts(plan.remove)["credentials"] == 2
    assert plan.counts(plan.add)["credentials"] == 2
    assert any("set aside" in line for line in plan.describe())
    b.close()
    aside = restore.install(tmp_path / "b", opened)
    assert aside is not None and aside.exists()
    now = open_wallet(tmp_path / "b", Unlocker(secret=recovery))
    assert sorted(c.summary.title for c in now.credentials()) == ["Course 0", "Course 1"]
    now.close()


def test_wrong_or_foreign_input_is_refused_clearly(tmp_path: Path):
    wallet, recovery = _wallet(tmp_path / "home", 2)
    target = tmp_path / "w.lwbackup"
    with pytest.raises(WrongSecret, match="not this wallet's recovery key"):
        export_backup(wallet.store, target, data_key=wallet.store.data_key, kind="recovery", secret=new_recovery_key())
    assert not target.exists()
    export_backup(wallet.store, target, data_key=wallet.store.data_key, kind="recovery", secret=recovery)
    wallet.close()
    with pytest.raises(WrongSecret, match="does not open this backup"):
        open_backup(target, new_recovery_key())
    with pytest.raises(WrongSecret, match="locked with a recovery key"):
        open_backup(target, "some passphrase")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.7\n...")
    with pytest.raises(BackupError, match="not a Learner Wallet backup"):
        open_backup(pdf, recovery)
    data = target.read_bytes()
    cut = tmp_path / "cut.lwbackup"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises((WrongSecret, BackupError)):
        open_backup(cut, recovery)
    header, _, _ = read_header(target)
    assert header["format"] == "learner-wallet-backup" and header["version"] == 1
    assert header["lock"]["kind"] == "recovery"


# ---------------------------------------------------------------- the CLI

def test_cli_export_list_and_restore(cli, tmp_path: Path, monkeypatch):
    wallet = cli.open()
    for i in range(3):
        wallet.store.add(_cred(i))
    wallet.close()
    target = tmp_path / "out.lwbackup"
    monkeypatch.setenv("LEARNER_WALLET_BACKUP_SECRET", cli.recovery_key)
    code, out, err = cli("backup", "export", target)
    assert code == 0, err
    assert "Exported 3 credentials" in out
    code, out, err = cli("backup", "export", target)
    assert code == 1 and "already exists" in err
    code, out, err = cli("backup", "list", "--json")
    assert code == 0 and json.loads(out)[0]["ok"] is True  # closing after the import backed up

    wallet = cli.open()
    wallet.trash(_cred(0).id)
    wallet.empty_trash()
    wallet.close()
    code, out, err = cli("backup", "restore", target, "--dry-run", "--json")
    assert code == 0, err
    preview = json.loads(out)
    assert preview["mode"] == "merge" and [c["label"][:8] for c in preview["add"]] == ["Course 0"]
    wallet = cli.open()
    assert len(wallet.credentials()) == 2
    wallet.close()
    code, out, err = cli("backup", "restore", target)
    assert code == 0 and "Restored 1 records" in out, err
    wallet = cli.open()
    assert len(wallet.credentials()) == 3
    wallet.close()


def test_cli_restore_onto_an_empty_folder(cli, tmp_path: Path, monkeypatch):
    wallet = cli.open()
    wallet.store.add(_cred(7))
    wallet.close()
    target = tmp_path / "out.lwbackup"
    monkeypatch.setenv("LEARNER_WALLET_BACKUP_SECRET", cli.recovery_key)
    assert cli("backup", "export", target)[0] == 0
    fresh = tmp_path / "fresh"
    code, out, err = cli("--home", fresh, "backup", "restore", target)
    assert code == 0, err
    assert "now your wallet" in out
    code, out, err = cli("--home", fresh, "settings")
    assert code == 0, err  # opens with the same passphrase as before
    assert (fresh / "wallet.sqlite3").exists() and stat.S_IMODE(os.stat(fresh).st_mode) == 0o700


def test_cli_restore_latest_after_damage(cli):
    wallet = cli.open()
    wallet.store.add(_cred(3))
    wallet.close()
    path = cli.home / "wallet.sqlite3"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    code, _, err = cli("settings")
    assert code == 1 and "set aside" in err
    code, _, err = cli("settings")
    assert code == 1 and "restore-latest" in err
    code, out, err = cli("backup", "restore-latest")
    assert code == 0 and "holds 1 credentials" in out, err


# ---------------------------------------------------------------- several wallets, one folder

def test_rotation_keeps_seven_per_wallet_and_never_another_wallets(tmp_path: Path):
    home = tmp_path / "home"
    old, _ = _wallet(home, 2)
    _daily_backups(old, home, 7, first=0)
    old_id = old.store.get_meta("wallet-id").decode()
    old.store.close()
    old_files = {b.path for b in backup.find_backups(home)}
    assert len(old_files) == 7 and {b.wallet_id for b in backup.find_backups(home)} == {old_id}
    new, _ = _wallet(tmp_path / "elsewhere", 1)  # another wallet backing up into the same folder
    _daily_backups(new, home, 10, first=20)
    new.store.close()
    found = backup.find_backups(home)
    assert old_files <= {b.path for b in found}, "a newer wallet's backups rotated out an older wallet's"
    assert len(found) == 14 and sum(b.wallet_id == old_id for b in found) == 7


def test_backups_listed_before_they_named_their_wallet_are_told_apart_by_their_contents(tmp_path: Path):
    home = tmp_path / "home"
    old, _ = _wallet(home, 1)
    _daily_backups(old, home, 3, first=0)
    old.store.close()
    manifest_path = home / "backups" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["backups"]:
        del entry["wallet_id"]  # as an earlier version wrote them
    manifest_path.write_text(json.dumps(manifest))
    new, _ = _wallet(tmp_path / "elsewhere", 1)
    _daily_backups(new, home, 9, first=10, keep=2)
    new.store.close()
    assert len(backup.find_backups(home)) == 3 + 2


def test_no_new_wallet_is_started_over_the_backups_of_one(tmp_path: Path):
    home = tmp_path / "home"
    wallet, _ = _wallet(home, 2)
    backup.make_backup(wallet.store, home, clock=fixed_clock(T0))
    wallet.store.close()
    vault.remove_with_companions(vault.wallet_path(home))  # the wallet file is lost
    assert vault.earlier_wallet(home) == "backups" and vault.earlier_wallet(tmp_path / "new") == ""
    with pytest.raises(StoreError, match="there are backups of one"):
        vault.create_store(home, passphrase=PASS, kdf=FAST_TEST_KDF)
    assert not vault.exists(home)
    restored = autorestore.restore_newest(home, Unlocker(secret=PASS)).wallet
    assert len(restored.credentials()) == 2
    restored.close()


# ---------------------------------------------------------------- changed secrets and older backups

def _snapshot(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def _damage(home: Path, *, keep_meta: bool = True) -> None:
    path = vault.wallet_path(home)
    if keep_meta:  # a record is lost; the key wrappings still read
        import sqlite3

        db = sqlite3.connect(path)
        db.execute("UPDATE credentials SET blob = zeroblob(60) WHERE rowid = (SELECT min(rowid) FROM credentials)")
        db.commit()
        db.close()
    else:
        path.write_bytes(b"\0" * 8192)
    with pytest.raises(vault.DamagedWallet):
        open_wallet(home, Unlocker(secret=PASS))


@pytest.mark.parametrize("change", ["passphrase", "recovery key", "removed passphrase"])
def test_after_a_change_of_secret_the_newest_backup_opens_with_the_new_one(tmp_path: Path, change: str):
    home = tmp_path / "home"
    wallet, recovery = _wallet(home, 3)
    backup.make_backup(wallet.store, home, clock=fixed_clock(T0))
    if change == "passphrase":
        vault.set_passphrase(wallet.store, "the new passphrase", kdf=FAST_TEST_KDF, clock=fixed_clock(T0 + timedelta(hours=1)))
        secret = "the new passphrase"
    elif change == "recovery key":
        secret = vault.replace_recovery_key(wallet.store, clock=fixed_clock(T0 + timedelta(hours=1)))
    else:
        vault.remove_passphrase(wallet.store, clock=fixed_clock(T0 + timedelta(hours=1)))
        secret = recovery
    newest = backup.find_backups(home)[0]
    assert newest.created == T0 + timedelta(hours=1), "no backup was taken right after the change"
    wallet.store.close()
    _damage(home)
    again = autorestore.restore_newest(home, Unlocker(secret=secret)).wallet
    assert len(again.credentials()) == 3
    again.close()


def test_an_older_backup_says_which_secret_opens_it_and_nothing_changes_meanwhile(tmp_path: Path):
    home = tmp_path / "home"
    wallet, recovery = _wallet(home, 3)
    backup.make_backup(wallet.store, home, clock=fixed_clock(T0))
    wallet.settings.set(AUTO_BACKUP, False)  # so no backup follows the change
    vault.set_passphrase(wallet.store, "the new passphrase", kdf=FAST_TEST_KDF)
    wallet.store.close()
    _damage(home)
    before = _snapshot(home)
    for _attempt in range(2):  # a second try finds everything as the first left it
        with pytest.raises(WrongSecret) as caught:
            autorestore.restore_newest(home, Unlocker(secret="the new passphrase"))
        assert caught.value.message == (
            "This backup was made before you changed your passphrase; enter the passphrase you had then, "
            "or your recovery key. Nothing was changed.")
        assert _snapshot(home) == before
    prompts: list[str] = []

    def ask(prompt):
        prompts.append(prompt.message)
        return PASS if len(prompts) > 1 else "the new passphrase"

    restored = autorestore.restore_newest(home, Unlocker(ask=ask)).wallet
    assert prompts[0].startswith("This backup was made before you changed your passphrase")
    assert len(restored.credentials()) == 3 and len(vault.damaged_files(home)) == 1
    restored.close()
    assert all(b.ok for b in backup.find_backups(home, include_bad=True)), "a good backup was spoiled"


def test_when_the_wallet_is_beyond_reading_the_message_still_points_at_older_secrets(tmp_path: Path):
    home = tmp_path / "home"
    wallet, recovery = _wallet(home, 3)
    backup.make_backup(wallet.store, home, clock=fixed_clock(T0))
    wallet.settings.set(AUTO_BACKUP, False)
    vault.replace_recovery_key(wallet.store)
    wallet.store.close()
    _damage(home, keep_meta=False)
    with pytest.raises(WrongSecret, match="if you changed either since, enter the one you had then"):
        autorestore.restore_newest(home, Unlocker(secret=new_recovery_key()))
    autorestore.restore_newest(home, Unlocker(secret=recovery)).wallet.close()
