"""The Trust page and the "Check status now" action, over a real wallet."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import pytest

from tests.ui.conftest import settle
from tests.wallet.trust_servers import Route, Server, make_tls
from ui.trust import CheckStatusAction, TrustPage
from ui.trust.model import Column, ItemRole, TrustModel
from ui.trust.page import Dialogs
from wallet.net import NetClient, NetworkPolicy
from wallet.trustdata import TrustItem
from wallet.verify.report import CheckName

ISSUER = "did:key:z6MkrqtLEHWXRrgixsq4Wf5rQUeGv3Q7PLoxCijZwDe87cDy"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


class Answers:
    """Scripted replies to the page's questions."""

    def __init__(self, *, files=(), texts=(), confirm=True, save=None) -> None:
        self.files = list(files)
        self.texts = list(texts)
        self.confirm_answer = confirm
        self.save = save
        self.asked: list[str] = []

    def dialogs(self) -> Dialogs:
        return Dialogs(
            open_file=lambda caption: self.files.pop(0) if self.files else None,
            save_file=lambda caption, suggested: self.save,
            ask_text=lambda title, label: self.texts.pop(0) if self.texts else None,
            confirm=self._confirm,
        )

    def _confirm(self, title: str, text: str) -> bool:
        self.asked.append(text)
        return self.confirm_answer


def page_for(qtbot, wallet, answers: Answers) -> TrustPage:
    page = TrustPage(wallet, dialogs=answers.dialogs())
    qtbot.addWidget(page)
    return page


def names(page: TrustPage) -> list[str]:
    return [page.model.index(r, Column.NAME).data() for r in range(page.model.rowCount())]


def test_model_passes_the_model_tester(qtmodeltester):
    model = TrustModel(lambda: NOW)
    model.set_items([
        TrustItem("registry", "file:r", "Testland register", "3 issuers", NOW, "file"),
        TrustItem("status-list", "https://x.example/s/1", "x.example …/1", "https://x.example/s/1", None, "network"),
    ])
    qtmodeltester.check(model)
    assert model.index(0, Column.AGE).data() == "today"
    assert model.index(0, Column.WHAT).data() == "Issuer registry"
    assert model.index(1, Column.NAME).data(ItemRole).kind == "status-list"
    model.set_items([])
    qtmodeltester.check(model)


def test_add_registry_and_issuer_then_remove(qtbot, wallet, tmp_path):
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"meta": {}, "registry": {ISSUER: {"name": "Open University"}}}))
    answers = Answers(files=[str(path)], texts=["did:web:college.example", "Testland College"])
    page = page_for(qtbot, wallet, answers)
    assert page.model.rowCount() == 0
    assert "Going online: only when I ask" in page.intro.text()
    page.add_registry_file()
    settle(qtbot, lambda: "Added registry" in page.feedback.text())
    page.add_issuer()
    settle(qtbot, lambda: page.feedback.text() == "You now trust Testland College.")
    assert names(page) == ["registry", "Testland College"]
    assert wallet.trust_data.trust.check(ISSUER).message.startswith(
        "Issuer listed in registry as Open University (registry copy of ")
    page.view.selectRow(1)
    assert page.remove_button.isEnabled()
    assert page.remove_selected()
    assert names(page) == ["registry"] and "Testland College" in answers.asked[0]


def test_bad_registry_file_shows_a_sentence_and_details(qtbot, wallet, tmp_path):
    path = tmp_path / "notes.json"
    path.write_text("[1, 2, 3]")
    page = page_for(qtbot, wallet, Answers(files=[str(path)]))
    page.add_registry_file()
    settle(qtbot, lambda: page.feedback.text() == "This file is not an issuer registry.")
    assert page.model.rowCount() == 0


def test_check_status_now_with_the_network_off(qtbot, wallet):
    wallet.trust_data.use_network(NetClient(NetworkPolicy.NEVER))
    page = page_for(qtbot, wallet, Answers())
    page.check_button.click()
    settle(qtbot, lambda: "turned off" in page.feedback.text())
    assert page.check_button.isEnabled()


def test_check_status_action_downloads_a_list(qtbot, wallet, tmp_path, interop):
    tls = make_tls(tmp_path)
    with Server(tls) as server:
        listed = json.loads((interop / "peer-vcjs/status/ou-revocation-list-1.json").read_text())
        server.routes["/status/1"] = Route(body=json.dumps(listed).encode())
        cred = json.loads((interop / "peer-vcjs/status/revoked.json").read_text())
        # point the credential's entry at the local copy (its signature no longer matters here)
        url = server.url("/status/1")
        cred["credentialStatus"]["statusListCredential"] = url
        wallet.trust_data.use_network(NetClient(NetworkPolicy.ASK, ssl_context=tls.client_context(), timeout=2))
        reports = []
        action = CheckStatusAction(wallet, None, ids=lambda: None)
        action.finished.connect(reports.append)
        wallet.import_bytes(json.dumps(cred).encode(), name="r.json")
        action.trigger()
        settle(qtbot, lambda: bool(reports))
    assert reports[0].ok, reports[0].message
    assert [c.url for c in wallet.trust_data.status.cache.all()] == [url]
    page = page_for(qtbot, wallet, Answers())
    assert page.model.index(0, Column.WHAT).data() == "Status list"
    assert page.model.index(0, Column.AGE).data() == "today"


def test_export_and_import_with_the_signer_question(qtbot, wallet, tmp_path, interop):
    from wallet.service import Wallet
    from wallet.store import WALLET_FILENAME, Store

    listed = json.loads((interop / "peer-vcjs/status/ou-revocation-list-1.json").read_text())
    wallet.trust_data.status.accept("https://ou.example.org/status/revocation/1", listed, fetched_at=NOW, source="network")
    out = tmp_path / "usb" / "trust.json"
    page = page_for(qtbot, wallet, Answers(save=str(out)))
    page.export_trust_file()
    settle(qtbot, lambda: page.feedback.text().startswith("Saved trust.json: 0 issuer documents, 1 status lists"))

    home = tmp_path / "offline"
    home.mkdir()
    other = Wallet(home, Store.open(home / WALLET_FILENAME, os.urandom(32)))
    try:
        no = Answers(files=[str(out)], confirm=False)
        other_page = page_for(qtbot, other, no)
        other_page.import_trust_file()
        settle(qtbot, lambda: other_page.feedback.text() == "The trust file was not imported.")
        assert wallet.trust_data.files.signer_did() in no.asked[0]
        assert other_page.model.rowCount() == 0
        yes = Answers(files=[str(out)], confirm=True)
        other_page.dialogs = yes.dialogs()
        other_page.import_trust_file()
        settle(qtbot, lambda: other_page.feedback.text() == "Trust file imported: 1 item added or updated.")
        assert names(other_page) == ["ou.example.org …/1", wallet.trust_data.files.signer_did()]
        other_page.view.selectRow(1)
        assert other_page.remove_selected()  # forget the signer: the next file asks again
        assert other.trust_data.files.accepted_signers() == []
    finally:
        other.close()


@pytest.mark.parametrize("kind", ["Trust"])
def test_the_main_window_hosts_the_page(qtbot, window, kind):
    assert isinstance(window.pages.get(kind), TrustPage)


def test_automatic_setting_checks_new_credentials_on_its_own(qtbot, wallet, tmp_path, interop):
    from ui.bridge import WalletBridge
    from ui.trust import AutoRefresher

    tls = make_tls(tmp_path)
    with Server(tls) as server:
        listed = json.loads((interop / "peer-vcjs/status/ou-revocation-list-1.json").read_text())
        server.routes["/status/1"] = Route(body=json.dumps(listed).encode())
        cred = json.loads((interop / "peer-vcjs/status/not-revoked.json").read_text())
        cred["credentialStatus"]["statusListCredential"] = server.url("/status/1")
        bridge = WalletBridge(wallet.events)
        auto = AutoRefresher(wallet, bridge)
        done = []
        auto.refreshed.connect(done.append)
        policy = {"value": NetworkPolicy.ASK}
        wallet.trust_data.use_network(NetClient(lambda: policy["value"], ssl_context=tls.client_context(), timeout=2))
        wallet.import_bytes(json.dumps(cred).encode(), name="a.json")
        settle(qtbot)
        assert server.requests == [] and done == []  # "only when I ask": nothing on its own
        policy["value"] = NetworkPolicy.AUTOMATIC
        cred["id"] = "urn:uuid:another"
        wallet.import_bytes(json.dumps(cred).encode(), name="b.json")
        settle(qtbot, lambda: bool(done))
        assert server.requests == ["/status/1"] and done[0].ok
        bridge.detach()


def test_adding_a_registry_rechecks_held_credentials(qtbot, wallet, tmp_path, interop):
    [held] = wallet.import_bytes((interop / "peer-vcjs/status/not-revoked.json").read_bytes(), name="n.json").added
    assert wallet.verify(held.id).check(CheckName.TRUST).code == "no-registries"
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"meta": {}, "registry": {ISSUER: {"name": "Open University"}}}))
    page = page_for(qtbot, wallet, Answers(files=[str(path)]))
    page.add_registry_file()
    settle(qtbot, lambda: page.recheck_op is not None and not page.recheck_op.running
           and wallet.report(held.id).check(CheckName.TRUST).code == "issuer-listed")
