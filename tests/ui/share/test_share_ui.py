"""The Share and Check a bundle pages, driven as a learner and a receiver would."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import settle
from tests.ui.share.conftest import DOMAIN
from ui.share import SharePage
from ui.share.camera import picture_of
from ui.share.model import CredentialChoiceModel
from ui.share.qr_view import QrSequence, QrWidget
from wallet import bundle_check, qr
from wallet.formats import parse


def decode_widget(widget) -> list[str]:
    """What a phone would read off the screen: grab the widget and decode it."""
    return qr.texts_in_picture(picture_of(widget.grab().toImage()))


# ---------------------------------------------------------------- pieces


def test_choice_model_passes_the_model_tester(qtmodeltester, records) -> None:
    model = CredentialChoiceModel()
    model.set_credentials(records)
    qtmodeltester.check(model)
    model.setData(model.index(2), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.chosen() == [records[2].id, records[0].id]  # ticking order
    assert model.data(model.index(0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    qtmodeltester.check(model)


def test_painted_code_scans(qtbot) -> None:
    widget = QrWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    widget.set_matrix(qr.matrix("LW1:HELLO WORLD"))
    widget.show()
    assert decode_widget(widget) == ["LW1:HELLO WORLD"]


def test_sequence_steps_through_parts(qtbot) -> None:
    seq = QrSequence()
    qtbot.addWidget(seq)
    seq.set_codes([qr.matrix(f"LW1P:{i}:3:0123456789ABCDEF:AAA") for i in (1, 2, 3)])
    assert seq.caption.text().startswith("Part 1 of 3") and seq.timer.isActive()
    seq.next_button.click()
    seq.next_button.click()
    seq.next_button.click()
    assert seq.index() == 0  # wraps round
    seq.play_button.click()
    assert not seq.timer.isActive()
    with qtbot.waitSignal(seq.index_changed, timeout=5000):
        seq.play_button.click()  # plays again: the timer moves on by itself


# ---------------------------------------------------------------- the share flow


@pytest.fixture
def page(qtbot, wallet, held) -> SharePage:
    page = SharePage(wallet)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    settle(qtbot, lambda: page.model.rowCount() == 4)
    return page


def tick(page: SharePage, *rows: int) -> None:
    for row in rows:
        page.model.setData(page.model.index(row), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)


def test_select_sign_and_see_the_codes_on_screen(qtbot, page, tmp_path) -> None:
    assert not page.sign_button.isEnabled()
    tick(page, 0, 2)
    assert page.sign_button.isEnabled() and page.chosen_label.text() == "2 credentials chosen."
    page.request_text.setText(qr.encode_request("ch-7", DOMAIN))
    page.way_buttons["qr"].setChecked(True)
    with qtbot.waitSignal(page.signed, timeout=20_000):
        page.sign_button.click()
    assert page.result_label.text().startswith(f"Signed a bundle of 2 credentials for {DOMAIN}, valid until ")
    assert page.challenge_edit.text() == "ch-7" and page.domain_edit.text() == DOMAIN
    # what the screen shows, read back as a phone would, in the order shown
    texts = []
    for _ in range(page.codes.count()):
        texts += decode_widget(page.codes.code)
        page.codes.next_button.click()
    decoded = qr.decode_texts(texts)
    report = bundle_check.check(decoded.document, challenge="ch-7", domain=DOMAIN)
    assert report.ok and [c.title for c in report.credentials] == [
        page.model.data(page.model.index(r)).split("\n")[0] for r in (0, 2)]
    # and save it as a file too
    target = tmp_path / "out.json"
    page.ask_save_path = lambda caption, name, pattern: str(target)
    with qtbot.waitSignal(page.saved):
        page.save_file_button.click()
    assert json.loads(target.read_text())["holder"] == decoded.document["holder"]


def test_file_way_out_saves_with_a_clear_default_name(qtbot, page, tmp_path) -> None:
    asked = []

    def answer(caption, name, pattern):
        asked.append(name)
        return str(tmp_path / name)

    page.ask_save_path = answer
    tick(page, 1)
    page.way_buttons["file"].setChecked(True)
    page.days_spin.setValue(5)
    with qtbot.waitSignal(page.saved, timeout=20_000):
        page.sign_button.click()
    assert asked and asked[0].startswith("credentials-") and asked[0].endswith("-1.json")
    vp = json.loads((tmp_path / asked[0]).read_text())
    assert "expires" in vp["proof"]


def test_sheet_way_out_writes_a_pdf(qtbot, page, tmp_path) -> None:
    target = tmp_path / "sheet.pdf"
    page.ask_save_path = lambda caption, name, pattern: str(target)
    tick(page, 0, 1, 2)
    page.way_buttons["sheet"].setChecked(True)
    with qtbot.waitSignal(page.saved, timeout=30_000):
        page.sign_button.click()
    assert target.read_bytes().startswith(b"%PDF")


def test_warnings_appear_before_sharing_a_failing_credential(qtbot, wallet, interop) -> None:
    bad = parse((interop / "peer-vcjs" / "tampered" / "issuer-changed.json").read_bytes())[0]
    wallet.store.add(bad)
    page = SharePage(wallet)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, lambda: page.model.rowCount() == 1)
    tick(page, 0)
    settle(qtbot, lambda: page.warnings.isVisible())
    assert "did not pass verification" in page.warnings.text()
    assert page.sign_button.isEnabled()  # the learner may still share it


def test_choosing_a_jwt_credential_says_some_receivers_cannot_read_it(qtbot, wallet, interop) -> None:
    from tests.wallet.verify.test_vc_jwt import vc11
    from tests.wallet.verify.verify_helpers import ed_key

    wallet.store.add(parse(vc11(ed_key(5)).encode())[0])
    page = SharePage(wallet)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, lambda: page.model.rowCount() == 1)
    assert not page.warnings.isVisible()
    tick(page, 0)
    settle(qtbot, lambda: page.warnings.isVisible())
    assert ("“Data Literacy Foundations” is a JWT credential. Some receivers' apps cannot read JWT credentials "
            "inside a bundle yet; Learner Wallet can.") in page.warnings.text()
    assert page.sign_button.isEnabled()


def test_the_stacks_to_add_from_are_listed_and_follow_changes(qtbot, wallet, held, interop) -> None:
    from tests.wallet.stacks.conftest import FIXTURES
    from ui.bridge import WalletBridge

    clr = interop / "vectors/1EdTech__digital-credentials-public-validator/clr20/simple.json"
    added = wallet.import_bytes(clr.read_bytes(), name=clr.name).added  # the transcript and a credential in it
    ou = wallet.stacks.add_file(FIXTURES / "ou-programme.json")
    bridge = WalletBridge(wallet.events)
    page = SharePage(wallet, bridge=bridge)
    qtbot.addWidget(page)
    settle(qtbot, lambda: page.model.rowCount() == len(held) + len(added))
    listed = [page.stack_box.itemText(i) for i in range(page.stack_box.count())]
    assert listed == [ou.definition.name, "Sample Transcript (from its associations)"]
    ovm = wallet.stacks.add_file(FIXTURES / "ovm-programme.json")  # announced: the list follows
    settle(qtbot, lambda: page.stack_box.count() == 3)
    assert page.stack_box.itemText(1) == ovm.definition.name
    page.stack_box.setCurrentIndex(0)
    page.add_stack_button.click()
    members = wallet.stacks.progress(ou.id)
    assert set(page.model.chosen()) == {*members.counting, *members.pending} and page.model.chosen()


def test_changing_the_choice_after_signing_takes_the_old_codes_away(qtbot, page) -> None:
    tick(page, 0)
    with qtbot.waitSignal(page.signed, timeout=20_000):
        page.sign_button.click()
    assert page.steps.currentIndex() == 1 and page.codes.count() >= 1
    with qtbot.waitSignal(page.status_message) as blocker:
        tick(page, 1)
    assert blocker.args[0] == "The choice changed; sign again to share it."
    assert page.steps.currentIndex() == 0 and page.codes.count() == 0 and page.flow.shared is None
    assert page.flow.selected == page.model.chosen() and len(page.flow.selected) == 2


def test_back_to_choosing(qtbot, page) -> None:
    tick(page, 0)
    with qtbot.waitSignal(page.signed, timeout=20_000):
        page.sign_button.click()
    page.back_button.click()
    assert page.steps.currentIndex() == 0 and page.flow.state == "choosing"


# ---------------------------------------------------------------- checking a bundle


def test_check_a_file_shows_holder_lines_and_each_credential(qtbot, checker, received) -> None:
    checker.challenge_edit.setText("ch-9")
    checker.domain_edit.setText(DOMAIN)
    checker.ask_open_paths = lambda caption, pattern: [str(received)]
    with qtbot.waitSignal(checker.checked, timeout=20_000):
        checker.open_file_button.click()
    assert checker.result.isVisible() and checker.badge.text() == "Verified, with warnings"
    top = checker.tree.topLevelItem(0)
    labels = [top.child(i).text(0) for i in range(top.childCount())]
    assert labels == ["Holder's signature", "Holder", "Request", "Receiver", "Expiry"]
    assert top.child(2).text(1) == "Made for your request (the challenge matches)."
    assert checker.tree.topLevelItemCount() == 1 + 3
    assert "Shared by did:key:" in checker.holder_label.text()


def test_check_qr_pictures_and_wrong_challenge(qtbot, checker, received, tmp_path) -> None:
    vp = json.loads(received.read_text())
    pictures = []
    for i, text in enumerate(qr.encode_presentation(vp).texts):
        pictures.append(tmp_path / f"p{i}.png")
        pictures[-1].write_bytes(qr.png_bytes(qr.matrix(text)))
    checker.challenge_edit.setText("something-else")
    checker.ask_open_paths = lambda caption, pattern: [str(p) for p in reversed(pictures)]
    with qtbot.waitSignal(checker.checked, timeout=20_000):
        checker.open_images_button.click()
    assert checker.badge.text() == "Not verified"
    assert "challenge does not match" in checker.summary_label.text()
    checker.challenge_edit.setText("ch-9")
    with qtbot.waitSignal(checker.checked, timeout=20_000):
        checker.recheck_button.click()
    assert checker.badge.text() != "Not verified"


def test_a_broken_input_is_one_sentence(qtbot, checker, tmp_path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2, 3]")
    checker.ask_open_paths = lambda caption, pattern: [str(junk)]
    with qtbot.waitSignal(checker.failed, timeout=20_000):
        checker.open_file_button.click()
    assert checker.error_label.text().startswith("junk.json is not a bundle")
    assert not checker.result.isVisible()


def test_add_to_my_wallet_only_on_request(qtbot, wallet, checker, received) -> None:
    for cred in wallet.credentials():  # the receiver starts with an empty wallet
        wallet.store.trash(cred.id)
    wallet.store.empty_trash()
    checker.ask_open_paths = lambda caption, pattern: [str(received)]
    with qtbot.waitSignal(checker.checked, timeout=20_000):
        checker.open_file_button.click()
    assert wallet.credentials() == []
    assert not checker.add_button.isEnabled()
    checker.tree.setCurrentItem(checker.tree.topLevelItem(2))
    assert checker.add_button.isEnabled()
    with qtbot.waitSignal(checker.status_message, timeout=20_000) as blocker:
        checker.add_button.click()
    assert blocker.args[0].startswith("Added “")
    assert len(wallet.credentials()) == 1


def test_receiver_makes_a_request(qtbot, checker) -> None:
    checker.domain_edit.setText(DOMAIN)
    checker.new_request_button.click()
    text = checker.request_text.text()
    assert qr.decode_request(text) == (checker.challenge_edit.text(), DOMAIN)
    assert decode_widget(checker.request_code) == [text]


def test_request_read_from_a_picture(qtbot, page, tmp_path) -> None:
    picture = tmp_path / "request.png"
    picture.write_bytes(qr.png_bytes(qr.matrix(qr.encode_request("ch-pic", DOMAIN))))
    page.ask_open_paths = lambda caption, pattern: [str(picture)]
    page.request_picture_button.click()
    settle(qtbot, lambda: page.challenge_edit.text() == "ch-pic")
    assert page.domain_edit.text() == DOMAIN


def test_a_pasted_request_fills_the_fields_at_once(qtbot, page) -> None:
    page.request_text.setText(qr.encode_request("ch-paste", DOMAIN)[:-3])  # not all there yet
    assert page.challenge_edit.text() == ""
    page.request_text.setText(qr.encode_request("ch-paste", DOMAIN))
    assert (page.challenge_edit.text(), page.domain_edit.text()) == ("ch-paste", DOMAIN)


def test_sign_with_a_new_identity(qtbot, page, wallet) -> None:
    from wallet.identity import Identities

    page.ask_text = lambda title, label: "Job applications"
    page.new_identity_button.click()
    made = Identities(wallet.store).get("Job applications")
    assert page.identity_box.currentData() == made.did
    tick(page, 0)
    with qtbot.waitSignal(page.signed, timeout=20_000) as blocker:
        page.sign_button.click()
    assert blocker.args[0].presentation["holder"] == made.did
