"""Learner Wallet core: keep, verify, stack and share learning credentials.

No Qt here: the desktop app (``ui``) and the command line sit on top of this package.
"""

from __future__ import annotations

__version__ = "0.1.0"

from wallet.credential import Alignment, Credential, CredentialId, Envelope, Format, Summary
from wallet.errors import WalletError
from wallet.verify.report import Check, CheckName, Outcome, Report, Signer, Status

__all__ = [
    "__version__",
    "Alignment",
    "Check",
    "CheckName",
    "Credential",
    "CredentialId",
    "Envelope",
    "Format",
    "Outcome",
    "Report",
    "Signer",
    "Status",
    "Summary",
    "WalletError",
]
