"""The open wallet: one object the UI and the CLI talk to.

``Wallet`` ties the store, the events and the feature modules together. Each method is
one job a learner asks for; the work itself lives in the feature modules (importer,
verify, stacks, bundle, status, trust), so this module stays a thin hub.
"""

from __future__ import annotations

import logging
from pathlib import Path

from wallet.clock import Clock, system_clock
from wallet.credential import Credential
from wallet.events import WalletEvents
from wallet.store import Store

log = logging.getLogger(__name__)


class Wallet:
    """An unlocked wallet. Create it with :func:`wallet.keys` / ``open_wallet``."""

    def __init__(self, home: Path, store: Store, *, clock: Clock = system_clock) -> None:
        self.home = Path(home)
        self.store = store
        self.clock = clock
        self.events = WalletEvents()

    def close(self) -> None:
        self.store.close()

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
