"""The one adapter between the core's plain-Python events and Qt signals.

The core (:mod:`wallet.events`) announces what happened from whatever thread did the
work: an import on a pool thread, a verification on another. Widgets must only be
touched on the GUI thread, so every event is re-emitted here as a Qt signal; because
the bridge lives on the GUI thread, Qt queues each emission to it. Widgets connect to
the bridge, never to the core's events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from wallet.events import Event, WalletEvents

log = logging.getLogger(__name__)


class WalletBridge(QObject):
    """Qt signals mirroring :class:`~wallet.events.WalletEvents`, one for one."""

    credential_added = Signal(object)  # Credential
    credential_trashed = Signal(str)  # CredentialId
    credential_restored = Signal(str)  # CredentialId
    trash_emptied = Signal()
    verification_finished = Signal(str, object)  # CredentialId, Report
    stacks_changed = Signal()
    trust_changed = Signal()
    # Any core event without a signal of its own above: (event name, its arguments).
    event_emitted = Signal(str, object)

    def __init__(self, events: WalletEvents, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events = events
        self._links: list[tuple[Event, Callable[..., None]]] = []
        for name, event in vars(events).items():
            if isinstance(event, Event):
                self._link(name, event)

    def _link(self, name: str, event: Event) -> None:
        signal = getattr(self, name, None)
        if signal is not None and hasattr(signal, "emit"):
            handler = self._forwarder(signal)
        else:
            handler = self._generic_forwarder(name)
        event.connect(handler)
        self._links.append((event, handler))

    def _forwarder(self, signal: Any) -> Callable[..., None]:
        def forward(*args: Any) -> None:
            try:
                signal.emit(*args)
            except RuntimeError:  # the bridge was destroyed: the window is gone
                log.debug("event after the window closed")

        return forward

    def _generic_forwarder(self, name: str) -> Callable[..., None]:
        def forward(*args: Any) -> None:
            try:
                self.event_emitted.emit(name, args)
            except RuntimeError:
                log.debug("event after the window closed")

        return forward

    def detach(self) -> None:
        """Stop listening to the core (when the window closes or the wallet is locked)."""
        for event, handler in self._links:
            try:
                event.disconnect(handler)
            except ValueError:
                pass
        self._links.clear()
