"""Fixtures for stacks: the peer corpus's two programmes, imported and verified."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
STACK = "peer-vcjs/stack"


@pytest.fixture
def corpus_wallet(wallet, interop):
    """The wallet fixture holding every credential of the peer stack, each verified."""
    for path in sorted((interop / STACK).glob("*.json")):
        result = wallet.import_bytes(path.read_bytes(), name=path.name)
        assert result.ok, result.error
        for cred in result.added:
            wallet.verify(cred.id)
    return wallet


def by_file(wallet, interop, name: str) -> str:
    """The id of the credential imported from ``stack/<name>``."""
    from wallet.credential import content_id

    return content_id((interop / STACK / name).read_bytes())
