"""The Trust page with the DCC's list of registries: a federation asked about the
issuers held, its answers listed with their dates, and one line saying how issuers are
checked that agrees with each credential's trust line."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.ui.conftest import settle
from tests.ui.trust.test_trust_page import Answers, names, page_for
from tests.wallet.federation import Anchor
from tests.wallet.test_registries import DCC_FIXTURES, OIDF_ISSUER, known_list, serve_all
from tests.wallet.trust_servers import Server, make_tls
from ui.credentials.verification import CheckRow
from wallet.clock import fixed_clock
from wallet.net import NetClient, NetworkPolicy
from wallet.verify.report import CheckName

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def test_without_a_registry_the_page_and_the_credential_say_the_same(qtbot, wallet, interop):
    [held] = wallet.import_bytes((interop / DCC_FIXTURES / "oidf-noStatus-noExpiry.json").read_bytes(), name="o.json").added
    page = page_for(qtbot, wallet, Answers())
    assert page.issuer_line.text() == "Issuers are not checked against any registry: you have not added one yet."
    row = CheckRow(wallet.verify(held.id).check(CheckName.TRUST))
    qtbot.addWidget(row)
    assert row.accessibleName() == ("Not checked: Issuer not checked against any registry: "
                                    "you have not added one yet (see Trust).")


def test_adding_the_list_asks_the_federation_about_the_issuers_held(qtbot, wallet, interop, tmp_path):
    wallet.clock = fixed_clock(NOW)  # before the wallet's trust data is first used
    [held] = wallet.import_bytes((interop / DCC_FIXTURES / "oidf-noStatus-noExpiry.json").read_bytes(), name="o.json").added
    tls = make_tls(tmp_path)
    with Server(tls) as server:
        anchor = Anchor(server)
        serve_all(server, anchor)
        anchor.answer(OIDF_ISSUER, anchor.statement(OIDF_ISSUER, "DCC Test Issuer", NOW))
        wallet.trust_data.use_network(NetClient(NetworkPolicy.ASK, ssl_context=tls.client_context(), timeout=2))
        page = page_for(qtbot, wallet, Answers(texts=[server.url("/known.json")]))
        page.add_registry_url()
        settle(qtbot, lambda: page.feedback.text() == "Added 2 registries."
               and page.recheck_op is not None and not page.recheck_op.running)
        assert names(page) == ["Testland Federation", "Testland Sandbox", "DCC Test Issuer"]  # registries, then answers
        assert page.issuer_line.text() == ("Issuers are checked against 2 registries; "
                                           "an issuer in none of them is shown with a warning.")
        assert wallet.report(held.id).check(CheckName.TRUST).message == (
            "Issuer listed in Testland Federation as DCC Test Issuer (as of 1 June 2026).")
        assert len(known_list(anchor, server)) == 3  # the third (vc-recognition) is not read

        served = len(server.requests)
        page.update_registries()
        settle(qtbot, lambda: page.feedback.text().startswith("Registries updated"))
        assert len(server.requests) == served + 3  # the federation, its answer, the legacy list
