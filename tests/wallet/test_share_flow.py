"""The share flow without Qt: choose, warnings, request, sign, ways out."""

from __future__ import annotations

from pathlib import Path

import pytest

from wallet import bundle_check, qr
from wallet.errors import BundleError
from wallet.formats import parse
from wallet.share_flow import ShareFlow

FIXTURES = Path(__file__).parent / "stacks" / "fixtures"


@pytest.fixture
def held(wallet, interop) -> list[str]:
    ids = []
    for path in sorted((interop / "peer-vcjs" / "stack").glob("*.json")):
        cred = parse(path.read_bytes())[0]
        wallet.store.add(cred)
        ids.append(cred.id)
    return ids


def test_choose_sign_and_every_way_out(wallet, held) -> None:
    flow = ShareFlow(wallet)
    assert flow.state == "choosing" and not flow.can_sign
    flow.toggle(held[1], True)
    flow.toggle(held[2], True)
    flow.toggle(held[1], False)
    flow.toggle(held[3], True)
    assert flow.selected == [held[2], held[3]]
    challenge, domain = flow.set_request(qr.encode_request("ch-1", "https://jobs.example.org"))
    assert (flow.challenge, flow.domain) == ("ch-1", "https://jobs.example.org")
    flow.expires_in_days = 3
    shared = flow.sign()
    assert flow.state == "signed"
    assert shared.file_name.endswith("-2.json") and shared.data.startswith(b"{")
    assert shared.payload.kind in ("whole", "parts") and len(shared.matrices) == shared.payload.count
    assert flow.sheet().startswith(b"%PDF")
    report = bundle_check.check(shared.presentation, challenge="ch-1", domain="https://jobs.example.org")
    assert report.ok and len(report.credentials) == 2
    flow.toggle(held[4], True)  # choosing again drops the signed bundle
    assert flow.state == "choosing"


def test_signing_nothing_or_sheet_before_signing(wallet) -> None:
    flow = ShareFlow(wallet)
    with pytest.raises(BundleError, match="at least one credential"):
        flow.sign()
    with pytest.raises(BundleError, match="Sign the bundle first"):
        flow.sheet()


def test_a_bad_request_text_is_refused(wallet) -> None:
    with pytest.raises(BundleError, match="not a request"):
        ShareFlow(wallet).set_request("hello")


def test_warnings_follow_the_selection(wallet, held, interop) -> None:
    bad = parse((interop / "peer-vcjs" / "tampered" / "issuer-changed.json").read_bytes())[0]
    wallet.store.add(bad)
    flow = ShareFlow(wallet)
    flow.set_selected([held[0]])
    assert flow.warnings() == []
    flow.toggle(bad.id, True)
    assert [w.code for w in flow.warnings()] == ["not-verified"]


def test_a_whole_stack_is_selected(wallet, held) -> None:
    stored = wallet.stacks.add_file(FIXTURES / "ovm-programme.json")
    flow = ShareFlow(wallet)
    unchecked = flow.add_stack(stored.id)  # would count once checked: offered, with warnings
    assert unchecked >= 2 and flow.warnings() == []  # checked on the spot: all hold
    for cred_id in held:
        wallet.verify(cred_id)
    flow = ShareFlow(wallet)
    added = flow.add_stack(stored.id)
    assert added >= 2 and flow.warnings() == []
    titles = {wallet.get(i).title for i in flow.selected}
    assert all("Learning" in t or "Intercultural" in t for t in titles), titles
