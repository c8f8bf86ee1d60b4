"""Plain-Python events from the core, named in the past tense.

The core announces what happened (``credential_added``, ``verification_finished``);
``ui/`` re-emits them as Qt signals on the GUI thread. Handlers run on the thread that
emitted; an exception in one handler is logged and does not stop the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[..., None]


class Event:
    """One kind of event with any number of subscribers."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Handler] = []
        self._lock = threading.Lock()

    def connect(self, handler: Handler) -> None:
        with self._lock:
            self._handlers.append(handler)

    def disconnect(self, handler: Handler) -> None:
        with self._lock:
            self._handlers.remove(handler)

    def emit(self, *args: Any) -> None:
        with self._lock:
            handlers = list(self._handlers)
        for handler in handlers:
            try:
                handler(*args)
            except Exception:  # a broken listener must not break the core
                log.exception("handler for %s failed", self.name)


class WalletEvents:
    """The events a wallet emits; one instance per open wallet."""

    def __init__(self) -> None:
        self.credential_added = Event("credential_added")  # (Credential)
        self.credential_trashed = Event("credential_trashed")  # (CredentialId)
        self.credential_restored = Event("credential_restored")  # (CredentialId)
        self.trash_emptied = Event("trash_emptied")  # ()
        self.verification_finished = Event("verification_finished")  # (CredentialId, Report)
        self.stacks_changed = Event("stacks_changed")  # ()
        self.trust_changed = Event("trust_changed")  # ()
