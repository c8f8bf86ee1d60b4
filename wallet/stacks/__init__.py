"""Stacks: how smaller credentials add up to bigger ones.

- :mod:`~wallet.stacks.definition` loads and checks stack definition files;
- :mod:`~wallet.stacks.progress` computes progress (with :mod:`~wallet.stacks.engine`,
  the assignment search);
- :mod:`~wallet.stacks.derived` groups what the wallet holds without any file;
- :mod:`~wallet.stacks.service` keeps definitions in the wallet.
"""

from __future__ import annotations

from wallet.stacks.definition import StackDefinition, StackId, load_definition, load_definition_bytes
from wallet.stacks.progress import HeldCredential, ProgressTracker, RuleProgress, StackProgress, evaluate
from wallet.stacks.standing import CredentialStanding, Standing, standing_of

__all__ = [
    "CredentialStanding",
    "HeldCredential",
    "ProgressTracker",
    "RuleProgress",
    "StackDefinition",
    "StackId",
    "StackProgress",
    "Standing",
    "evaluate",
    "load_definition",
    "load_definition_bytes",
    "standing_of",
]
