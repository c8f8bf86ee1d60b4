"""Terminal commands for data safety: backups, restore, passphrase, recovery key, settings.

Secrets for backup files come from ``--secret-file``, else ``LEARNER_WALLET_BACKUP_SECRET``,
else a prompt on a terminal; they are never taken on the command line (where other
users could read them in the process list).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from wallet.errors import BackupError, LockedError, WalletError

SECRET_ENV = "LEARNER_WALLET_BACKUP_SECRET"
NEW_PASSPHRASE_ENV = "LEARNER_WALLET_NEW_PASSPHRASE"


def register(sub: Any) -> None:
    backup = sub.add_parser("backup", help="make, list, export and restore backups")
    bsub = backup.add_subparsers(dest="backup_command", metavar="ACTION", required=True)

    p = bsub.add_parser("list", help="list the automatic backups, newest first")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_list)

    p = bsub.add_parser("now", help="make an automatic backup now")
    p.set_defaults(func=cmd_now)

    p = bsub.add_parser("export", help="write the whole wallet to one encrypted file")
    p.add_argument("file", help="where to write the backup")
    p.add_argument("--lock", choices=("recovery", "passphrase"), default="recovery",
                   help="lock it with your recovery key (default) or a passphrase you choose")
    p.add_argument("--secret-file", help="read the recovery key or passphrase from this file")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=cmd_export)

    p = bsub.add_parser("restore", help="restore from an exported backup (merge by default)")
    p.add_argument("file", help="the backup file")
    p.add_argument("--replace", action="store_true",
                   help="make the backup the wallet (the current one is set aside, not deleted)")
    p.add_argument("--dry-run", action="store_true", help="only show what would change")
    p.add_argument("--json", action="store_true", help="print the preview as JSON")
    p.add_argument("--secret-file", help="read the backup's recovery key or passphrase from this file")
    p.set_defaults(func=cmd_restore)

    p = bsub.add_parser("restore-latest", help="bring back the newest good automatic backup")
    p.set_defaults(func=cmd_restore_latest)

    pp = sub.add_parser("passphrase", help="set or remove the wallet passphrase")
    psub = pp.add_subparsers(dest="passphrase_command", metavar="ACTION", required=True)
    p = psub.add_parser("set", help=f"set or change it (reads ${NEW_PASSPHRASE_ENV} or asks)")
    p.add_argument("--new-passphrase-file", help="read the new passphrase from this file")
    p.set_defaults(func=cmd_passphrase_set)
    p = psub.add_parser("remove", help="remove it (the recovery key and keyring still unlock)")
    p.set_defaults(func=cmd_passphrase_remove)

    rk = sub.add_parser("recovery", help="the recovery key")
    rsub = rk.add_subparsers(dest="recovery_command", metavar="ACTION", required=True)
    p = rsub.add_parser("new", help="make a new recovery key and show it once (the old one stops working)")
    p.set_defaults(func=cmd_recovery_new)

    st = sub.add_parser("settings", help="show or change settings")
    st.add_argument("key", nargs="?", help="a setting's name")
    st.add_argument("value", nargs="?", help="a new value for it")
    st.add_argument("--json", action="store_true", help="machine-readable output")
    st.set_defaults(func=cmd_settings)


# ---------------------------------------------------------------- secrets

def _read_secret_file(name: str) -> str:
    try:
        with open(name, "rb") as fh:
            data = fh.read(64 * 1024)
        return data.decode("utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise WalletError("The secret file could not be read.", f"{name}: {exc}") from exc


def _secret(args: argparse.Namespace, what: str, *, confirm: bool = False,
            file_attr: str = "secret_file", env: str = SECRET_ENV) -> str:
    name = getattr(args, file_attr, None)
    if name:
        return _read_secret_file(name)
    if os.environ.get(env):
        return os.environ[env]
    if not sys.stdin.isatty():
        raise LockedError(f"Give the {what} with --secret-file or ${env}.", "no terminal to ask on")
    first = getpass.getpass(f"{what[0].upper()}{what[1:]}: ")
    if confirm and getpass.getpass("Repeat it: ") != first:
        raise LockedError("The two did not match; nothing was changed.", "confirmation differs")
    return first


# ---------------------------------------------------------------- backups

def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    from wallet.backup import find_backups
    from wallet.cli.unlocking import wallet_home

    found = find_backups(wallet_home(args), include_bad=True)
    if args.json:
        ctx.print_json([
            {"file": str(b.path), "created": b.created.isoformat(), "sha256": b.sha256, "size": b.size,
             "credentials": b.credentials, "ok": b.ok, "problem": b.problem, "wallet_id": b.wallet_id}
            for b in found
        ])
        return 0
    if not found:
        ctx.print("There are no automatic backups yet.")
    for b in found:
        state = "good" if b.ok else f"DAMAGED: {b.problem}"
        ctx.print(f"{b.created:%Y-%m-%d %H:%M} UTC  {b.credentials:5d} credentials  {state}  {b.path.name}")
    return 0


def cmd_now(args: argparse.Namespace, ctx: Any) -> int:
    from wallet.backup import make_backup

    wallet = ctx.wallet
    info = make_backup(wallet.store, wallet.home, clock=wallet.clock)
    ctx.print(f"Backed up {info.credentials} credentials to {info.path}")
    return 0


def cmd_export(args: argparse.Namespace, ctx: Any) -> int:
    from wallet.backup_file import export_backup

    target = Path(args.file).expanduser()
    if target.exists() and not args.force:
        raise BackupError(f"{target} already exists; choose another name or add --force.", str(target))
    wallet = ctx.wallet
    what = "recovery key" if args.lock == "recovery" else "passphrase for the backup"
    secret = _secret(args, what, confirm=args.lock == "passphrase")
    header = export_backup(wallet.store, target, data_key=wallet.store.data_key, kind=args.lock,
                           secret=secret, clock=wallet.clock)
    counts = header["counts"]
    ctx.print(f"Exported {counts['credentials']} credentials and {counts['stacks']} stacks to {target}.")
    ctx.print(f"Keep it safe; it opens with your {'recovery key' if args.lock == 'recovery' else 'passphrase'}.")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Any) -> int:
    from wallet import restore, vault
    from wallet.backup_file import open_backup, read_header
    from wallet.cli.unlocking import wallet_home
    from wallet.keys import KeyringSlot

    header, _, _ = read_header(Path(args.file))
    kind = "recovery key" if header.get("lock", {}).get("kind") == "recovery" else "passphrase"
    opened = open_backup(Path(args.file), _secret(args, f"backup's {kind}"))
    home = wallet_home(args)
    exists = vault.exists(home)
    current = ctx.wallet.store if exists else None
    backup_store = opened.open_store()
    try:
        plan = restore.plan_restore(current, backup_store, replace=args.replace)
        if args.json:
            ctx.print_json({**plan.as_json(), "dry_run": args.dry_run})
        else:
            ctx.print(f"Backup of {opened.created:%Y-%m-%d %H:%M} UTC.")
            for line in plan.describe():
                ctx.print(line)
        if args.dry_run:
            return 0
        if plan.mode == "merge":
            added = restore.merge(current, backup_store)
            _say(ctx, args, f"Restored {added} records; nothing in the wallet was changed or removed.")
            return 0
    finally:
        backup_store.close()
    if exists:
        ctx.close()
        ctx._wallet = None
    aside = restore.install(home, opened, keyring=KeyringSlot())
    _say(ctx, args, "The backup is now your wallet." + (f" The previous wallet file was kept as {aside.name}." if aside else ""))
    return 0


def _say(ctx: Any, args: argparse.Namespace, text: str) -> None:
    if args.json:
        print(text, file=ctx.err)
    else:
        ctx.print(text)


def cmd_restore_latest(args: argparse.Namespace, ctx: Any) -> int:
    from wallet.autorestore import restore_newest
    from wallet.cli.unlocking import cli_unlocker, wallet_home

    restored = restore_newest(wallet_home(args), cli_unlocker(args))
    ctx._wallet = restored.wallet
    n = len(restored.wallet.credentials())
    ctx.print(f"Restored the backup of {restored.backup.created:%Y-%m-%d %H:%M} UTC; "
              f"the wallet holds {n} credentials.")
    return 0


# ---------------------------------------------------------------- passphrase and recovery key

def cmd_passphrase_set(args: argparse.Namespace, ctx: Any) -> int:
    from wallet import vault

    wallet = ctx.wallet
    new = _secret(args, "new passphrase", confirm=True, file_attr="new_passphrase_file", env=NEW_PASSPHRASE_ENV)
    vault.set_passphrase(wallet.store, new)
    ctx.print("The passphrase is set. Your recovery key still works too.")
    return 0


def cmd_passphrase_remove(args: argparse.Namespace, ctx: Any) -> int:
    from wallet import vault

    if vault.remove_passphrase(ctx.wallet.store):
        ctx.print("The passphrase was removed; the recovery key and the system keyring still unlock the wallet.")
    else:
        ctx.print("The wallet had no passphrase.")
    return 0


def cmd_recovery_new(args: argparse.Namespace, ctx: Any) -> int:
    from wallet import vault
    from wallet.cli.unlocking import RecoveryKeyDestination

    wallet = ctx.wallet
    destination = RecoveryKeyDestination.open(args, ctx.err)
    try:
        key = vault.replace_recovery_key(wallet.store, clock=wallet.clock)
    except BaseException:
        destination.abandon()
        raise
    destination.deliver(key, "A new recovery key was made: the old one no longer opens this wallet (backups "
                             "made earlier still open with the key they were made with, and a fresh backup "
                             "was just taken).")
    return 0


# ---------------------------------------------------------------- settings

def cmd_settings(args: argparse.Namespace, ctx: Any) -> int:
    from wallet import settings as S

    wallet_settings = ctx.wallet.settings
    if args.key is None:
        values = wallet_settings.as_dict()
        if args.json:
            ctx.print_json(values)
        else:
            for setting in S.ALL:
                ctx.print(f"{setting.key} = {values[setting.key]}    # {setting.doc}")
        return 0
    setting = S.by_key(args.key)
    if args.value is not None:
        value: Any = args.value
        if setting.type is bool:
            value = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}.get(
                args.value.lower(), args.value)
        wallet_settings.set(setting, value)
    current = wallet_settings.as_dict()[setting.key]
    ctx.print_json({setting.key: current}) if args.json else ctx.print(f"{setting.key} = {current}")
    return 0
