"""Restoring an exported backup: preview, merge, or replace.

*Merge* adds every record of the backup that the wallet lacks (credentials, their
verification results, stacks, identities, settings, cached documents) and changes
nothing already there. *Replace* makes the backup the wallet: the current file is
set aside (renamed, never deleted) and the backup's file takes its place, with its
own keys. On a machine with no wallet yet, restoring simply installs the backup.
:func:`plan_restore` shows what either would change before anything is written.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wallet import vault
from wallet.backup import write_private_file
from wallet.backup_file import OpenedBackup
from wallet.clock import Clock, system_clock
from wallet.keys import KeyringSlot, KeyringUnavailable
from wallet.store import WALLET_FILENAME, Store

log = logging.getLogger(__name__)

_NOUNS = {
    "credentials": ("credential", "credentials"),
    "stacks": ("stack", "stacks"),
    "identities": ("identity", "identities"),
    "settings": ("setting", "settings"),
    "reports": ("verification result", "verification results"),
    "documents": ("cached document", "cached documents"),
}
_NAMED = ("credentials", "stacks", "identities")  # listed one by one in a preview


@dataclass(frozen=True)
class Change:
    table: str
    key: str
    label: str


@dataclass(frozen=True)
class RestorePlan:
    """What a restore would do, for the learner to confirm."""

    mode: str  # "merge", "replace" or "install"
    add: tuple[Change, ...]
    remove: tuple[Change, ...]
    unchanged: int

    def counts(self, changes: tuple[Change, ...]) -> dict[str, int]:
        out: dict[str, int] = {}
        for change in changes:
            out[change.table] = out.get(change.table, 0) + 1
        return out

    def describe(self) -> list[str]:
        """The preview in plain sentences, one per line."""
        verb = {"merge": "add", "replace": "bring back", "install": "bring back"}[self.mode]
        lines = [self._line(verb, self.add)]
        if self.mode == "replace":
            lines.append(self._line("set aside (kept in the old wallet file)", self.remove))
        lines.append(f"{self.unchanged} records are already in the wallet and stay as they are."
                     if self.mode == "merge" else f"{self.unchanged} records are the same in both.")
        return [line for line in lines if line]

    def _line(self, verb: str, changes: tuple[Change, ...]) -> str:
        counts = self.counts(changes)
        if not counts:
            return f"Nothing to {verb.split(' (')[0]}."
        parts = [_count(table, n) for table, n in counts.items()]
        named = [f"  - {c.label}" for c in changes if c.table in _NAMED][:50]
        return f"Will {verb}: " + ", ".join(parts) + "." + ("\n" + "\n".join(named) if named else "")

    def as_json(self) -> dict[str, Any]:
        def rows(changes: tuple[Change, ...]) -> list[dict[str, str]]:
            return [{"table": c.table, "key": c.key, "label": c.label} for c in changes]

        return {"mode": self.mode, "add": rows(self.add), "remove": rows(self.remove), "unchanged": self.unchanged}


def _count(table: str, n: int) -> str:
    one, many = _NOUNS[table]
    return f"{n} {one if n == 1 else many}"


def _label(table: str, key: str, plain: bytes) -> str:
    try:
        value = json.loads(plain)
    except ValueError:
        return key
    if table == "credentials":
        title = value.get("summary", {}).get("title") or "Untitled credential"
        issuer = value.get("summary", {}).get("issuer_name")
        return f"{title} — {issuer} ({key[:8]})" if issuer else f"{title} ({key[:8]})"
    if isinstance(value, dict):
        for name in ("label", "name", "title"):
            if isinstance(value.get(name), str) and value[name]:
                return f"{value[name]} ({key[:24]})"
    return key


def _changes(store: Store, table: str, keys: set[str]) -> list[Change]:
    if table not in _NAMED:
        return [Change(table, k, k) for k in sorted(keys)]
    return [Change(table, clear[0], _label(table, clear[0], plain)) for clear, plain in store.rows(table, keys)]


def plan_restore(current: Store | None, backup: Store, *, replace: bool) -> RestorePlan:
    """What restoring ``backup`` would change in ``current`` (None: no wallet yet)."""
    add: list[Change] = []
    remove: list[Change] = []
    same = 0
    for table in Store.TABLES:
        theirs = backup.row_keys(table)
        ours = current.row_keys(table) if current is not None else {}
        add += _changes(backup, table, set(theirs) - set(ours))
        if replace and current is not None:
            remove += _changes(current, table, set(ours) - set(theirs))
        same += len(set(theirs) & set(ours))
    mode = "install" if current is None else ("replace" if replace else "merge")
    return RestorePlan(mode, tuple(add), tuple(remove), same)


def merge(current: Store, backup: Store) -> int:
    """Add to ``current`` every record of ``backup`` it lacks; returns how many."""
    added = 0
    for table in Store.TABLES:
        ours = current.row_keys(table)
        missing = set(backup.row_keys(table)) - set(ours)
        if not missing:
            continue
        rows = backup.rows(table, missing)
        if table == "identities" and ours:
            rows = [(clear, _not_default(plain)) for clear, plain in rows]
        added += current.write_rows(table, rows)
    log.info("merged %d records from a backup", added)
    return added


def _not_default(plain: bytes) -> bytes:
    """An identity brought in by a merge never takes over as the default one."""
    try:
        value = json.loads(plain)
    except ValueError:
        return plain
    if isinstance(value, dict) and value.get("default"):
        value["default"] = False
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return plain


def install(home: Path, opened: OpenedBackup, *, keyring: KeyringSlot | None = None,
            clock: Clock = system_clock) -> Path | None:
    """Make the backup the wallet in ``home`` (which must not be open).

    The current wallet, if any, is set aside and its path returned. The backup's
    data key goes into the keyring when one works; otherwise the wallet opens with
    the recovery key or passphrase it had when it was backed up.
    """
    opened.open_store().close()  # refuse a backup whose records do not all decrypt
    aside = place_image(vault.ensure_home(home), opened.image, clock)
    if keyring is not None and opened.wallet_id:
        try:
            keyring.save(opened.wallet_id, opened.data_key)
        except KeyringUnavailable as exc:
            log.info("restored wallet key not stored in the keyring: %s", exc.detail)
    log.info("backup installed as the wallet")
    return aside


def place_image(home: Path, image: bytes, clock: Clock = system_clock) -> Path | None:
    """Put a wallet image (already checked with its key) in the wallet's place in
    ``home``. A wallet file there is set aside first (its new name returned), and
    left-over companions are moved beside the file they belong to."""
    path = vault.wallet_path(home)
    tmp = home / f".{WALLET_FILENAME}.restoring"
    write_private_file(tmp, image)  # first, so only two renames remain to be done
    aside = vault.make_room(path, clock, mark=vault.REPLACED_MARK)
    os.replace(tmp, path)
    return aside
