"""The open wallet: one object the UI and the CLI talk to.

``Wallet`` ties the store, the events and the feature modules together. Each method is
one job a learner asks for; the work itself lives in the feature modules (importer,
verify, stacks, bundle, status, trust), so this module stays a thin hub.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from wallet.clock import Clock, system_clock
from wallet.credential import Credential
from wallet.events import WalletEvents
from wallet.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import timedelta
    from os import PathLike

    from wallet.importer import Cancelled, ImportResult, Progress
    from wallet.keys import KdfParams, KeyringSlot, Unlocker
    from wallet.settings import Settings
    from wallet.stacks.service import Stacks
    from wallet.trustdata import RefreshReport, TrustData
    from wallet.verify.environment import VerifyEnvironment
    from wallet.verify.report import Report

log = logging.getLogger(__name__)


class Wallet:
    """An unlocked wallet. Create it with :func:`wallet.keys` / ``open_wallet``."""

    def __init__(self, home: Path, store: Store, *, clock: Clock = system_clock) -> None:
        self.home = Path(home)
        self.store = store
        self.clock = clock
        self.events = WalletEvents()

    def close(self) -> None:
        """Close the wallet, first backing it up if it changed (at most hourly)."""
        from wallet.backup import AT_CLOSE, backup_if_due

        backup_if_due(self.store, self.home, clock=self.clock, max_age=AT_CLOSE)
        self.store.close()

    @property
    def settings(self) -> "Settings":
        """The typed settings of this wallet (wallet.settings)."""
        from wallet.settings import Settings

        return Settings(self.store)

    # -- credentials

    def credentials(self, *, trashed: bool = False) -> list[Credential]:
        return self.store.credentials(trashed=trashed)

    def get(self, id_or_prefix: str) -> Credential:
        """A credential by its id or a unique prefix of it (as the CLI shows them)."""
        if len(id_or_prefix) == 64:
            return self.store.get(id_or_prefix)
        return self.store.find(id_or_prefix)

    def children(self, cred: Credential) -> list[Credential]:
        return self.store.children(cred.id)

    def import_bytes(self, data: bytes, *, name: str = "", source: str = "") -> "ImportResult":
        """Store the credentials in ``data`` (a paste, a dropped buffer); see wallet.importer.
        A backup follows as after import_paths."""
        from wallet import importer
        from wallet.backup import backup_after_import

        result = importer.import_bytes(self, data, name=name, source=source)
        if result.added or result.restored:
            backup_after_import(self.store, self.home, clock=self.clock)
        return result

    def import_paths(self, paths: "Iterable[str | PathLike[str]]", *, progress: "Progress | None" = None,
                     cancelled: "Cancelled | None" = None) -> "list[ImportResult]":
        """Import files and folders, one result per file; see wallet.importer.

        An import is the moment a wallet gains the most, so when it added anything a
        backup follows (wallet.backup.backup_after_import; never raises).
        """
        from wallet import importer
        from wallet.backup import backup_after_import

        results = importer.import_paths(self, paths, progress=progress, cancelled=cancelled)
        if any(r.added or r.restored for r in results):
            backup_after_import(self.store, self.home, clock=self.clock)
        return results

    @property
    def stacks(self) -> "Stacks":
        """Stack definitions and progress (wallet.stacks.service)."""
        if getattr(self, "_stacks", None) is None:
            from wallet.stacks.service import Stacks

            self._stacks = Stacks(self)
        return self._stacks

    def trash(self, id_or_prefix: str) -> Credential:
        cred = self.get(id_or_prefix)
        self.store.trash(cred.id, when=self.clock())
        self.events.credential_trashed.emit(cred.id)
        return cred

    def restore(self, id_or_prefix: str) -> Credential:
        cred = self.get(id_or_prefix)
        self.store.restore(cred.id)
        self.events.credential_restored.emit(cred.id)
        return cred

    def empty_trash(self) -> int:
        n = self.store.empty_trash()
        self.events.trash_emptied.emit()
        return n

    # -- verification (wallet.verify)

    def verify_environment(self) -> "VerifyEnvironment":
        """What verification may consult: this wallet's clock, its cached key documents,
        status lists and issuer registries (all offline; see wallet.trustdata)."""
        from wallet.verify.environment import VerifyEnvironment

        data = self.trust_data
        return VerifyEnvironment(clock=self.clock, documents=data.documents, status=data.status, trust=data.trust)

    def verify(self, id_or_prefix: str) -> "Report":
        """Verify one credential offline, store the report with its time, announce it."""
        return self._verify(self.get(id_or_prefix))

    def _verify(self, cred: Credential) -> "Report":
        from wallet.verify import verify_credential
        from wallet.verify.report import report_to_json

        report = verify_credential(cred, self.verify_environment())
        self.store.save_report(cred.id, report.checked_at, report_to_json(report))
        self.events.verification_finished.emit(cred.id, report)
        return report

    def report(self, id_or_prefix: str) -> "Report | None":
        """The last stored verification report of a credential, if any."""
        from wallet.verify.report import report_from_json

        cred = self.get(id_or_prefix)
        data = self.store.report(cred.id)
        if data is None:
            return None
        try:
            return report_from_json(data)
        except ValueError:
            log.warning("stored report of %s is unreadable; it will be made again", cred.id[:12])
            return None

    # -- status, trust and the portable trust file (wallet.trustdata)

    @property
    def trust_data(self) -> "TrustData":
        """Status lists, key documents, registries, the trust file and the network client."""
        if getattr(self, "_trust_data", None) is None:
            from wallet.trustdata import TrustData

            self._trust_data = TrustData(self.store, clock=self.clock, events=self.events)
        return self._trust_data

    def refresh_status(self, ids: list[str] | None = None, *, user_initiated: bool = True,
                       fresh_within: "timedelta | None" = None) -> "RefreshReport":
        """Download the status lists and online keys of these credentials (all when None);
        ``fresh_within``: skip what was downloaded more recently (the automatic checks).
        The credentials concerned are checked again."""
        return self._refresh(ids, user_initiated, fresh_within, registries=False)

    def reverify_after_trust_change(self) -> int:
        """Verify every held credential again (a registry, issuer or trust file changed
        what their trust and status lines say); the number checked."""
        creds = self.credentials()
        for cred in creds:
            self._verify(cred)
        return len(creds)

    def update_registries(self, ids: list[str] | None = None, *, user_initiated: bool = True,
                          fresh_within: "timedelta | None" = None) -> "RefreshReport":
        """Download the registries added from the web and ask OpenID Federation registries
        about the issuers of these credentials (all when None); see wallet.registries.
        The caller checks the credentials again (reverify_after_trust_change)."""
        return self.trust_data.refresh(self._held(ids), user_initiated=user_initiated, fresh_within=fresh_within,
                                       status=False)

    def refresh_trust(self, ids: list[str] | None = None, *, user_initiated: bool = True,
                      fresh_within: "timedelta | None" = None) -> "RefreshReport":
        """Everything the wallet checks online, in one call (the automatic checks use it):
        status lists and issuer keys, then registries and what federations say about
        these credentials' issuers; the credentials concerned are checked again, once."""
        return self._refresh(ids, user_initiated, fresh_within, registries=True)

    def _refresh(self, ids: list[str] | None, user_initiated: bool, fresh_within: "timedelta | None", *,
                 registries: bool) -> "RefreshReport":
        """One pass of TrustData.refresh over the credentials, read once, then each
        credential whose report may change checked again, once: all of them when a
        registry was tried (any trust line may change), else those that use the network."""
        creds = self._held(ids)
        report = self.trust_data.refresh(creds, user_initiated=user_initiated, fresh_within=fresh_within,
                                         registries=registries)
        if report.attempted:  # new lists, keys or answers, or a failed try the report should mention
            for cred in creds:
                if report.registries_attempted or self.trust_data.needs_network(cred):
                    self._verify(cred)
        return report

    def _held(self, ids: list[str] | None) -> list[Credential]:
        return self.credentials() if ids is None else [self.get(i) for i in ids]


# -- opening and creating (data safety: wallet.keys, wallet.vault, wallet.backup)


def open_wallet(home: Path, unlocker: "Unlocker", *, clock: Clock = system_clock) -> Wallet:
    """Unlock and open the wallet in ``home``.

    Blocks on the keyring and on scrypt: call it from a worker thread in the UI.
    Raises NotFound (no wallet yet), LockedError / WrongSecret (nothing changed) or
    wallet.vault.DamagedWallet (the file was set aside; offer
    wallet.autorestore.restore_newest).
    """
    from wallet import backup, vault

    store = vault.open_store(home, unlocker, clock=clock)
    wallet = Wallet(home, store, clock=clock)
    backup.backup_if_due(wallet.store, wallet.home, clock=clock)
    return wallet


def create_wallet(
    home: Path,
    *,
    keyring: "KeyringSlot | None" = None,
    passphrase: str | None = None,
    kdf: "KdfParams | None" = None,
    clock: Clock = system_clock,
) -> tuple[Wallet, str]:
    """Make a new wallet in ``home``; returns it and the recovery key to show once."""
    from wallet import vault
    from wallet.keys import PASSPHRASE_KDF

    created = vault.create_store(home, keyring=keyring, passphrase=passphrase, kdf=kdf or PASSPHRASE_KDF)
    from wallet.identity import Identities

    Identities(created.store, clock=clock).default()  # the learner's holder key, made at first run
    return Wallet(home, created.store, clock=clock), created.recovery_key


def open_for_cli(args: Any, err: TextIO) -> Wallet:
    """The wallet for a CLI command: see wallet.cli.unlocking."""
    from wallet.cli.unlocking import open_for_cli as _open

    return _open(args, err)
