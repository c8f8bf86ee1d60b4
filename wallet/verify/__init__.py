"""Offline verification: a credential or a presentation in, a structured report out.

``verify_credential`` takes a stored :class:`~wallet.credential.Credential`, a JSON-LD
credential or a compact JWT; ``verify_presentation`` a holder-signed presentation.
Nothing here opens a network connection: keys that live online come only from the
environment's cache, and without them the answer is "cannot be checked offline".
"""

from __future__ import annotations

from wallet.verify.credential import verify_credential
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.presentation import PresentationReport, verify_presentation
from wallet.verify.report import Check, CheckName, Outcome, Report, Signer, Status, overall_status

__all__ = [
    "Check",
    "CheckName",
    "Outcome",
    "PresentationReport",
    "Report",
    "Signer",
    "Status",
    "VerifyEnvironment",
    "overall_status",
    "verify_credential",
    "verify_presentation",
]
