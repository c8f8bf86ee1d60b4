"""The share flow as a Qt-free state machine: choose, hear the warnings, sign, send.

The Share page drives it; the tests drive it without Qt. States::

    choosing --(sign)--> signed --(choose again)--> choosing

While choosing, the learner picks credentials (one by one, or a whole stack), may paste
a receiver's request (challenge and domain), sets how long the bundle stays valid and
which identity signs. ``warnings()`` says what the receiver will see wrong before
anything leaves the wallet. ``sign()`` makes the bundle and everything a way out needs:
the file's bytes, its default name, the QR payload; ``sheet()`` renders the PDF.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from wallet import bundle, qr
from wallet.credential import Credential, CredentialId
from wallet.errors import BundleError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shared:
    """A signed bundle and its ways out."""

    presentation: dict[str, Any] = field(repr=False)
    data: bytes = field(repr=False)  # the .json file's exact bytes
    file_name: str
    payload: qr.Payload
    credentials: tuple[Credential, ...] = field(repr=False)

    @cached_property
    def matrices(self) -> tuple[qr.QrMatrix, ...]:
        """The QR symbols, built once (a frozen dataclass may still cache in its __dict__)."""
        return tuple(qr.matrix(text) for text in self.payload.texts)


class ShareFlow:
    def __init__(self, wallet: Any) -> None:
        self.wallet = wallet
        self.selected: list[CredentialId] = []
        self.challenge: str | None = None
        self.domain: str | None = None
        self.expires_in_days: int | None = bundle.DEFAULT_EXPIRY_DAYS
        self.identity: str | None = None  # a did; None for the default identity
        self.shared: Shared | None = None

    # -- choosing

    @property
    def state(self) -> str:
        return "signed" if self.shared else "choosing"

    def set_selected(self, ids: list[str]) -> None:
        self.selected = list(dict.fromkeys(CredentialId(i) for i in ids))
        self.shared = None

    def toggle(self, cred_id: str, on: bool) -> None:
        ids = [i for i in self.selected if i != cred_id]
        self.set_selected(ids + [cred_id] if on else ids)

    def add_stack(self, stack_id: str) -> int:
        """Select every credential that makes up a stack; how many were added."""
        before = len(self.selected)
        self.set_selected(self.selected + bundle.stack_members(self.wallet, stack_id))
        return len(self.selected) - before

    def set_request(self, text: str) -> tuple[str, str]:
        """Take a receiver's request (``LW1R:...``) as scanned or pasted."""
        self.challenge, self.domain = qr.decode_request(text)
        self.shared = None
        return self.challenge, self.domain

    def set_request_fields(self, challenge: str, domain: str) -> None:
        self.challenge = challenge.strip() or None
        self.domain = domain.strip() or None
        self.shared = None

    def warnings(self) -> list[bundle.PreflightWarning]:
        if not self.selected:
            return []
        return bundle.preflight(self.wallet, self.selected)

    @property
    def can_sign(self) -> bool:
        return bool(self.selected)

    # -- signing and the ways out

    def sign(self) -> Shared:
        if not self.selected:
            raise BundleError("Choose at least one credential to share.", "empty selection")
        creds = bundle.resolve(self.wallet, self.selected)
        vp = bundle.create_bundle(self.wallet, creds, self.identity, challenge=self.challenge,
                                  domain=self.domain, expires_in_days=self.expires_in_days)
        data = bundle.bundle_bytes(vp)
        name = bundle.default_file_name(vp, self.wallet.clock())
        self.shared = Shared(vp, data, name, qr.encode_presentation(vp, file_bytes=data), tuple(creds))
        return self.shared

    def sheet(self) -> bytes:
        """The printable sheet of the signed bundle."""
        from wallet.sheet import sheet_for

        shared = self._signed()
        return sheet_for(self.wallet, shared.presentation, shared.credentials, shared.payload, shared.file_name)

    def _signed(self) -> Shared:
        if self.shared is None:
            raise BundleError("Sign the bundle first.", "flow not signed")
        return self.shared

    def reset(self) -> None:
        self.shared = None
