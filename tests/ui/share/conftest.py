"""Fixtures shared by the sharing tests: credentials held, a received bundle, the checker page."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.share import CheckBundlePage
from wallet import bundle
from wallet.formats import parse

DOMAIN = "https://jobs.example.org"


@pytest.fixture
def held(wallet, interop: Path) -> list[str]:
    ids = []
    for name in ("ou-cs-1.json", "ou-cs-certificate.json", "ovm-al-advanced.json", "ovm-ic-foundational.json"):
        cred = parse((interop / "peer-vcjs" / "stack" / name).read_bytes())[0]
        wallet.store.add(cred)
        ids.append(cred.id)
    return ids


@pytest.fixture
def received(wallet, held, tmp_path) -> Path:
    vp = bundle.create_bundle(wallet, held[:3], challenge="ch-9", domain=DOMAIN)
    path = tmp_path / "received.json"
    bundle.write_file(path, bundle.bundle_bytes(vp))  # as the share page and the CLI save one
    return path


@pytest.fixture
def checker(qtbot, wallet) -> CheckBundlePage:
    page = CheckBundlePage(wallet)
    qtbot.addWidget(page)
    page.resize(1000, 800)
    page.show()
    return page
