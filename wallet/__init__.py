"""Learner Wallet core: keep, verify, stack and share learning credentials.

No Qt here: the desktop app (``ui``) and the command line sit on top of this package.
"""

from __future__ import annotations

__version__ = "0.1.0"

from wallet.credential import Alignment, Credential, CredentialId, Envelope, Format, Summary
from wallet.errors import WalletError
from wallet.formats import parse
from wallet.service import Wallet, create_wallet, open_wallet
from wallet.verify import (
    Check,
    CheckName,
    Outcome,
    PresentationReport,
    Report,
    Signer,
    Status,
    VerifyEnvironment,
    verify_credential,
    verify_presentation,
)

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
    "PresentationReport",
    "Report",
    "Signer",
    "Status",
    "Summary",
    "VerifyEnvironment",
    "Wallet",
    "WalletError",
    "create_wallet",
    "open_wallet",
    "parse",
    "verify_credential",
    "verify_presentation",
]
