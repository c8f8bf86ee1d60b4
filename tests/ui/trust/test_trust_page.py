"""The Trust page and the "Check status now" action, over a real wallet."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import pytest

from tests.ui.conftest import settle
from tests.wallet.trust_servers import Issuer, Route, Server, make_tls
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
    assert page.network_box.currentText() == "Only when I ask"
    page.add_registry_file()
    settle(qtbot, lambda: "Added registry" in page.feedback.text())
    page.add_issuer()
    settle(qtbot, lambda: page.feedback.text() == "You now trust Testland College.")
    assert names(page) == ["registry", "Testland College"]
    assert page.issuer_line.text() == ("Issuers are checked against 1 registry and 1 issuer you trust yourself; "
                                       "an issuer in none of them is shown with a warning.")
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


def test_check_status_action_downloads_a_list(qtbot, wallet, tmp_path):
    tls = make_tls(tmp_path)
    with Server(tls) as server:
        issuer, url = Issuer(), server.url("/status/1")
        server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url, {5})).encode())
        cred = issuer.credential(url, 5, signed=True)
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


def test_an_entry_not_used_is_explained_behind_the_details_control(qtbot, wallet, tmp_path):
    from wallet.trust import parse_registry
    from wallet.trustfile import sign_document

    data = wallet.trust_data
    data.trust.keep_registry(parse_registry({"meta": {}, "registry": {ISSUER: {"name": "Open University"}}},
                                            name="Testland schools", fetched_at=NOW))
    body = data.files.build()
    body.pop("proof")
    body["registries"][0].pop("id")
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(sign_document(body, data.files.signing_key(), datetime.now(timezone.utc))))
    page = page_for(qtbot, wallet, Answers(files=[str(path)]))
    page.show()
    page.import_trust_file()
    settle(qtbot, lambda: page.feedback.text() == "Trust file imported: 0 items added or updated, 1 not used.")
    assert page.details.isVisible() and not page.details.text.isVisible()  # closed until asked
    assert page.details.text.toPlainText() == (
        "Not used: Testland schools: This entry is damaged or incomplete, so it was not used.\n  KeyError: 'id'")
    page.details.toggle.click()
    assert page.details.text.isVisible()


@pytest.mark.parametrize("kind", ["Trust"])
def test_the_main_window_hosts_the_page(qtbot, window, kind):
    assert isinstance(window.pages.get(kind), TrustPage)


def test_automatic_setting_checks_new_credentials_on_its_own(qtbot, wallet, tmp_path):
    from ui.bridge import WalletBridge
    from ui.trust import AutoRefresher

    tls = make_tls(tmp_path)
    with Server(tls) as server:
        issuer, url = Issuer(), server.url("/status/1")
        server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url)).encode())
        bridge = WalletBridge(wallet.events)
        auto = AutoRefresher(wallet, bridge)
        done = []
        auto.refreshed.connect(done.append)
        policy = {"value": NetworkPolicy.ASK}
        wallet.trust_data.use_network(NetClient(lambda: policy["value"], ssl_context=tls.client_context(), timeout=2))
        wallet.import_bytes(json.dumps(issuer.credential(url, 1, signed=True)).encode(), name="a.json")
        settle(qtbot)
        assert server.requests == [] and done == []  # "only when I ask": nothing on its own
        policy["value"] = NetworkPolicy.AUTOMATIC
        wallet.import_bytes(json.dumps(issuer.credential(url, 2, signed=True)).encode(), name="b.json")
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


def test_check_status_now_in_a_credentials_detail_pane(qtbot, window, wallet, tmp_path):
    """One credential's "Check status now": off the GUI thread, then its report says revoked."""
    tls = make_tls(tmp_path)
    issuer = Issuer()
    with Server(tls) as server:
        url = server.url("/status/1")
        server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url, {42})).encode())
        wallet.trust_data.use_network(NetClient(NetworkPolicy.ASK, ssl_context=tls.client_context(), timeout=2))
        [held] = wallet.import_bytes(json.dumps(issuer.credential(url, 42, signed=True)).encode(), name="r.json").added
        wallet.verify(held.id)  # checked offline on arrival, as the page does for its own imports
        page = window.credentials
        settle(qtbot, lambda: page.detail.credential is not None and page.detail.credential.id == held.id)
        section = page.detail.verification
        settle(qtbot, lambda: any(r.check.name is CheckName.STATUS for r in section.rows))
        assert "Status never checked" in _status_row(section)
        assert section.status_button.isVisibleTo(page) and section.status_button.text() == "Check status now"
        assert server.requests == []  # "only when I ask": nothing until asked
        section.status_button.click()
        settle(qtbot, lambda: section.status_note.text() == "Checked 1 source; everything is up to date.")
        assert server.requests == ["/status/1"]
        settle(qtbot, lambda: _status_row(section).startswith("Revoked by the issuer (as of "))
        assert section.status_button.isEnabled()

        server.routes["/status/1"] = Route(500, b"down")  # the next try fails: still revoked, and says so
        section.status_button.click()
        settle(qtbot, lambda: "had a problem answering" in section.status_note.text())
        settle(qtbot, lambda: "could not be made" in _status_row(section))
        assert _status_row(section).startswith("Revoked by the issuer")


def _status_row(section) -> str:
    return next((r.check.message for r in section.rows if r.check.name is CheckName.STATUS), "")


def test_check_status_now_is_offered_only_where_it_can_help(qtbot, window, wallet, interop):
    plain = json.loads((interop / "peer-vcjs/status/revoked.json").read_text())
    del plain["credentialStatus"]
    [held] = wallet.import_bytes(json.dumps(plain).encode(), name="p.json").added
    page = window.credentials
    settle(qtbot, lambda: page.detail.credential is not None and page.detail.credential.id == held.id)
    assert not page.detail.verification.status_button.isVisibleTo(page)


def test_network_setting_is_shown_and_changed_on_the_page(qtbot, wallet):
    from wallet.settings import NETWORK_POLICY

    page = page_for(qtbot, wallet, Answers())
    box = page.network_box
    assert [box.itemText(i) for i in range(box.count())] == ["Check automatically", "Only when I ask", "Never"]
    assert box.currentText() == "Only when I ask"  # the default
    box.setCurrentIndex(box.findData("never"))
    box.activated.emit(box.currentIndex())
    assert wallet.settings.get(NETWORK_POLICY) is NetworkPolicy.NEVER
    assert wallet.trust_data.policy is NetworkPolicy.NEVER  # the client follows the setting at once
    assert "will not go online" in page.feedback.text()
    page.check_button.click()
    settle(qtbot, lambda: "turned off" in page.feedback.text())
    fresh = page_for(qtbot, wallet, Answers())
    assert fresh.network_box.currentText() == "Never"


def test_automatic_checks_are_bounded_to_once_a_day(qtbot, wallet, tmp_path):
    """"Check automatically": on opening and hourly, but a list younger than a day is not fetched again."""
    from datetime import timedelta

    from ui.bridge import WalletBridge
    from ui.trust import AutoRefresher

    now = {"t": datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)}
    wallet.clock = lambda: now["t"]
    wallet.trust_data.clock = wallet.clock
    wallet.trust_data.status._clock = wallet.clock
    tls = make_tls(tmp_path)
    issuer = Issuer()
    with Server(tls) as server:
        url = server.url("/status/1")
        server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url)).encode())
        wallet.import_bytes(json.dumps(issuer.credential(url, 3, signed=True)).encode(), name="a.json")
        wallet.trust_data.use_network(NetClient(NetworkPolicy.AUTOMATIC, ssl_context=tls.client_context(), timeout=2))
        bridge = WalletBridge(wallet.events)
        auto = AutoRefresher(wallet, bridge)
        assert auto.timer.isActive() and auto.timer.interval() == 60 * 60 * 1000
        done = []
        auto.refreshed.connect(done.append)

        def run_and_wait() -> None:
            count = len(done)
            assert auto.run() is not None
            settle(qtbot, lambda: len(done) > count)

        run_and_wait()  # on opening: never fetched, so fetched
        assert server.requests == ["/status/1"]
        now["t"] += timedelta(hours=23)
        run_and_wait()  # an hour's tick, 23 hours later: still fresh, nothing connects
        assert server.requests == ["/status/1"] and done[-1].results == ()
        now["t"] += timedelta(hours=1)
        server.routes["/status/1"] = Route(503, b"busy")
        run_and_wait()  # a day old: fetched again (and it fails)
        assert server.requests == ["/status/1"] * 2 and not done[-1].ok
        now["t"] += timedelta(minutes=30)
        run_and_wait()  # a failing address is left alone for an hour
        assert len(server.requests) == 2
        now["t"] += timedelta(minutes=31)
        run_and_wait()
        assert len(server.requests) == 3
        # one at a time: a run asked for meanwhile (a credential added) follows the current one
        count = len(done)
        assert auto.run() is not None and auto.run() is None
        settle(qtbot, lambda: len(done) == count + 2)
        bridge.detach()


def test_empty_page_says_what_to_do_and_its_buttons_work(qtbot, wallet, tmp_path):
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"meta": {}, "registry": {ISSUER: {"name": "Open University"}}}))
    page = page_for(qtbot, wallet, Answers(files=[str(path)]))
    page.show()
    assert page.content.currentWidget() is page.empty
    assert "Nothing saved for offline checks yet" in page.empty.heading.text()
    assert [b.text() for b in page.empty.buttons] == [
        "Import a trust file\u2026", "Add registry from a file\u2026", "Trust an issuer\u2026"]
    page.empty.buttons[1].click()  # the same action as the toolbar button
    settle(qtbot, lambda: "Added registry" in page.feedback.text())
    assert page.content.currentWidget() is page.view
    assert names(page) == ["registry"]


def test_a_page_that_follows_the_wallets_events_reloads_once_per_change(qtbot, wallet, tmp_path, monkeypatch):
    from ui.bridge import WalletBridge

    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"meta": {}, "registry": {ISSUER: {"name": "Open University"}}}))
    reloads = []
    real_reload = TrustPage.reload
    monkeypatch.setattr(TrustPage, "reload", lambda self: (reloads.append(1), real_reload(self)))
    bridge = WalletBridge(wallet.events)
    page = TrustPage(wallet, dialogs=Answers(files=[str(path)]).dialogs(), bridge=bridge)
    qtbot.addWidget(page)
    reloads.clear()  # the first showing
    page.add_registry_file()
    settle(qtbot, lambda: "Added registry" in page.feedback.text())
    settle(qtbot)
    assert reloads == [1]  # the change was announced once, and that reloaded the page
    assert names(page) == ["registry"] and page.model.index(0, Column.DETAIL).data() == "1 issuer"  # shown
    bridge.detach()
