"""What verification may consult, passed in rather than reached for.

Verification is offline: it reads only what the environment hands it. The clock is a
seam for tests; ``documents`` answers for keys that live behind did:web or https (filled
by the status-and-trust work when the learner allows the network); ``status`` and
``trust`` add the revocation and issuer-registry lines to a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from wallet.clock import Clock, system_clock
from wallet.verify.report import Check


@dataclass(frozen=True)
class CachedDocument:
    """A document fetched earlier (a DID document, a key document, an OB 2.0 key)."""

    url: str  # the DID or URL it was fetched as
    document: dict[str, Any]
    fetched_at: datetime


class DocumentSource(Protocol):
    def lookup(self, url: str) -> CachedDocument | None:
        """The cached document for a DID (``did:web:...``) or an https URL, if any."""


class StatusChecker(Protocol):
    def check(self, credential: dict[str, Any], issuer_id: str) -> list[Check]:
        """One STATUS check per credentialStatus entry (none when there are none)."""


class TrustChecker(Protocol):
    def check(self, issuer_id: str) -> Check:
        """The TRUST check: which registry lists the issuer, or that none does."""


@dataclass(frozen=True)
class VerifyEnvironment:
    clock: Clock = system_clock
    documents: DocumentSource | None = None
    status: StatusChecker | None = None
    trust: TrustChecker | None = None
