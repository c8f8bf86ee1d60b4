"""The main window with real credentials from the interop corpus: import, list, detail."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import settle
from ui.credentials.importing import ImportResultsDialog
from ui.credentials.model import Column
from ui.main_window import PAGES, MainWindow, PageSpec
from wallet.verify.report import Status


def _drop(window, mime: QMimeData) -> QDropEvent:
    pos = QPointF(window.width() / 2, window.height() / 2)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    try:
        enter = QDragEnterEvent(pos, *args)  # Qt >= 6.12 takes a QPointF
    except TypeError:
        enter = QDragEnterEvent(pos.toPoint(), *args)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    return event


def _drop_files(window, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return _drop(window, mime)


def _wait_verified(qtbot, page, n: int) -> None:
    # the import done (its rows come earlier, by events), then every check done
    settle(qtbot, lambda: page.model.rowCount() == n and not page.importer.running and not page._verifying)


def test_first_run_shows_how_to_add_credentials(window):
    page = window.credentials
    assert page.stack.currentWidget() is page.empty_state
    labels = [b.text() for b in page.empty_state.buttons]
    assert labels == ["Add files…", "Add a folder…", "Paste credential"]
    assert not page.search.isEnabled()


def test_drag_and_drop_files_imports_and_verifies(qtbot, window, stack_dir):
    files = sorted(stack_dir.glob("ou-cs-*.json"))
    event = _drop_files(window, files)
    assert event.isAccepted()
    page = window.credentials
    _wait_verified(qtbot, page, len(files))
    assert page.stack.currentIndex() == 1
    assert page.heading.text() == f"Your credentials ({len(files)})"
    titles = page.visible_titles()
    assert "Cyber Security Essentials 1: Threats and Risks" in titles
    statuses = {page.proxy.index(r, Column.STATUS).data() for r in range(page.proxy.rowCount())}
    assert statuses == {Status.VERIFIED.label}


def test_dropping_a_folder_imports_everything_in_it(qtbot, window, stack_dir):
    nested = stack_dir / "more" / "deeper"
    nested.mkdir(parents=True)
    (stack_dir / "ou-pm-1.json").rename(nested / "ou-pm-1.json")
    _drop_files(window, [stack_dir])
    _wait_verified(qtbot, window.credentials, 14)
    assert "Agile Project Management 1" in " ".join(window.credentials.visible_titles())


def test_dropping_the_same_file_twice_says_already_there(qtbot, window, stack_dir):
    one = stack_dir / "ou-cs-1.json"
    _drop_files(window, [one])
    _wait_verified(qtbot, window.credentials, 1)
    _drop_files(window, [one])
    settle(qtbot, lambda: window.credentials.importer.last_dialog is not None)
    dialog = window.credentials.importer.last_dialog
    assert dialog.summary.text() == "1 already in your wallet."
    assert window.credentials.model.rowCount() == 1


def test_bad_file_shows_a_plain_sentence_with_details(qtbot, window, tmp_path, stack_dir):
    pdf = tmp_path / "transcript.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    _drop_files(window, [pdf, empty, stack_dir / "ou-cs-1.json"])
    settle(qtbot, lambda: window.credentials.importer.last_dialog is not None)
    dialog: ImportResultsDialog = window.credentials.importer.last_dialog
    assert dialog.summary.text() == "1 credential added, 2 files could not be added."
    rejected = [r for r in dialog.rows if r.details is not None]
    assert len(rejected) == 2
    pdf_row = next(r for r in dialog.rows if "transcript.pdf" in r.accessibleName())
    assert "PDF" in pdf_row.sentence.text()
    assert not pdf_row.details.text.isVisible()
    pdf_row.details.toggle.click()
    assert pdf_row.details.text.isVisible() and pdf_row.details.text.toPlainText()
    assert window.credentials.model.rowCount() == 1  # one bad file never loses the others


def test_paste_from_clipboard(qtbot, window, stack_dir):
    QGuiApplication.clipboard().setText((stack_dir / "ou-pm-2.json").read_text())
    window.credentials.paste_action.trigger()
    _wait_verified(qtbot, window.credentials, 1)
    assert window.credentials.current().title.startswith("Agile Project Management")


def test_paste_of_plain_words_is_refused_clearly(qtbot, window):
    QGuiApplication.clipboard().setText("hello there")
    window.credentials.paste_action.trigger()
    settle(qtbot, lambda: window.credentials.importer.last_dialog is not None)
    row = window.credentials.importer.last_dialog.rows[0]
    assert row.sentence.text() and "Traceback" not in row.sentence.text()
    assert window.credentials.model.rowCount() == 0


@pytest.fixture
def full_window(qtbot, window, stack_dir):
    window.credentials.importer.show_results = False
    window.credentials.import_paths([stack_dir])
    _wait_verified(qtbot, window.credentials, 14)
    return window


def test_search_narrows_the_list_and_says_when_nothing_matches(qtbot, full_window):
    page = full_window.credentials
    qtbot.keyClicks(page.search, "cyber")
    assert len(page.visible_titles()) == 5  # three micro-courses, the certificate, its endorsement
    assert all("Cyber" in t for t in page.visible_titles())
    page.search.clear()
    qtbot.keyClicks(page.search, "Virtual Mobility")  # issuer
    assert len(page.visible_titles()) == 7
    page.search.clear()
    qtbot.keyClicks(page.search, "zzz-no-such-thing")
    assert page.visible_titles() == []
    assert page.list_stack.currentWidget() is page.no_match
    assert "zzz-no-such-thing" in page.no_match.text()


def test_sorting_by_issuer_date_and_type(full_window):
    page = full_window.credentials
    page.sort_by("Issuer (A–Z)")
    issuers = [page.proxy.index(r, Column.ISSUER).data() for r in range(page.proxy.rowCount())]
    assert issuers == sorted(issuers, key=str.casefold)
    page.sort_by("Oldest first")
    dates = [page.proxy.index(r, Column.DATE).data(Qt.ItemDataRole.UserRole + 2) for r in range(14)]
    assert dates == sorted(dates)
    page.sort_by("Newest first")
    assert [page.proxy.index(r, Column.DATE).data(Qt.ItemDataRole.UserRole + 2) for r in range(14)] == sorted(
        dates, reverse=True)
    page.sort_by("Type (A–Z)")
    types = [page.proxy.index(r, Column.TYPE).data() for r in range(14)]
    assert types == sorted(types, key=str.casefold)


def test_detail_pane_shows_what_a_learner_cares_about(qtbot, full_window):
    page = full_window.credentials
    qtbot.keyClicks(page.search, "Threats and Risks")
    page.view.setCurrentIndex(page.proxy.index(0, 0))
    detail = page.detail
    assert detail.title_label.text() == "Cyber Security Essentials 1: Threats and Risks"
    assert detail.issuer_label.text() == "Issued by Open University of Testland (test issuer)"
    for section in ("Verification", "About this achievement", "Dates", "Skills and alignments", "Issuer"):
        assert section in detail.section_titles
    about = next(s for s in detail.details.sections if s.title == "About this achievement")
    values = {f.label: f.value for f in about.fields}
    assert values["How it was earned"].startswith("Complete the online units")
    assert values["Credits"] == "1 credit"
    skills = next(s for s in detail.details.sections if s.title == "Skills and alignments")
    assert skills.fields[0].value.startswith("Cyber Security Essentials (3-credit course)")


def test_verification_section_says_who_signed_and_lists_checks(qtbot, full_window):
    page = full_window.credentials
    page.view.setCurrentIndex(page.proxy.index(0, 0))
    section = page.detail.verification
    assert section.badge.text() == "Verified"
    assert section.signer_label.text().startswith("Signed by ")
    assert section.signer_key.text().startswith("did:key:z6Mk")
    assert section.rows and all(r.message.text() for r in section.rows)
    row = section.rows[0]
    assert not row.detail.isVisibleTo(section)
    row.toggle.click()
    assert row.detail.isVisibleTo(section)
    before = page.model.report_for(page.current().id).checked_at
    section.verify_button.click()
    settle(qtbot, lambda: not page._verifying)
    assert page.model.report_for(page.current().id).checked_at >= before
    assert section.badge.text() == "Verified"


def test_trash_restore_and_empty(qtbot, full_window, monkeypatch):
    page = full_window.credentials
    page.view.setCurrentIndex(page.proxy.index(0, 0))
    victim = page.current()
    page.remove_action.trigger()
    settle(qtbot, lambda: page.model.rowCount() == 13)
    assert victim.title not in page.visible_titles()
    dialog = page.show_trash()
    settle(qtbot, lambda: dialog.model.rowCount() == 1)
    assert dialog.model.credential_at(0).id == victim.id
    dialog.view.selectRow(0) if hasattr(dialog.view, "selectRow") else dialog.view.setCurrentIndex(
        dialog.model.index(0, 0))
    dialog.restore_button.click()
    settle(qtbot, lambda: page.model.rowCount() == 14)
    assert page.current().id == victim.id
    # now trash two and empty the trash for good
    page.remove_action.trigger()
    settle(qtbot, lambda: page.model.rowCount() == 13)
    dialog.reload()
    settle(qtbot, lambda: dialog.model.rowCount() == 1)
    dialog.empty_now()
    settle(qtbot, lambda: dialog.model.rowCount() == 0)
    assert full_window.wallet.credentials(trashed=True) == []
    assert dialog.empty_label.isVisibleTo(dialog)


def test_reopening_shows_the_same_list_and_stored_reports(qtbot, full_window, wallet):
    second = MainWindow(wallet)
    qtbot.addWidget(second)
    settle(qtbot, lambda: second.credentials.loaded)
    page = second.credentials
    assert page.model.rowCount() == 14
    assert not page._verifying  # fresh reports were kept: nothing to re-check
    assert page.proxy.index(0, Column.STATUS).data() == "Verified"


def test_missing_pages_are_skipped_and_broken_ones_are_contained(qtbot, wallet):
    specs = PAGES[:1] + (PageSpec("Nowhere", "stacks", "ui.no_such_module", "Page"),
                         PageSpec("Broken", "trust", "ui.bridge", "WalletBridge"))
    win = MainWindow(wallet, pages=specs)
    qtbot.addWidget(win)
    settle(qtbot, lambda: win.credentials.loaded)
    assert "Nowhere" not in win.pages
    assert "Broken" in win.pages  # a class that is not a page gets a notice, not a crash
    assert [win.sidebar.item(n).text() for n in range(win.sidebar.count())] == ["Credentials", "Broken"]


def test_keyboard_shortcuts(window):
    c = window.credentials
    assert c.add_files_action.shortcut().toString() == "Ctrl+O"
    assert c.add_folder_action.shortcut().toString() == "Ctrl+Shift+O"
    assert c.paste_action.shortcut().toString() == "Ctrl+V"


def test_keyboard_moves_through_the_list_and_the_detail_follows(qtbot, full_window):
    page = full_window.credentials
    page.view.setFocus()
    page.view.setCurrentIndex(page.proxy.index(0, 0))
    first = page.detail.title_label.text()
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    assert page.view.currentIndex().row() == 1
    assert page.detail.title_label.text() != first
    assert page.detail.title_label.text() == page.current().title


def test_controls_have_accessible_names_and_tips(full_window):
    page = full_window.credentials
    for widget in (page.search, page.sort_box, page.view, page.detail, full_window.sidebar,
                   page.detail.verification.verify_button):
        assert widget.accessibleName(), widget
    for action in full_window.toolbar.actions():
        if not action.isSeparator():
            assert action.toolTip() and action.statusTip(), action.text()
    status = page.proxy.index(0, Column.STATUS)
    assert status.data()  # status in words, never colour alone
    assert "Verified" in page.proxy.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)


def test_a_credential_in_a_transcript_links_to_it(qtbot, window, interop):
    clr = interop / "vectors" / "1EdTech__digital-credentials-public-validator" / "clr20" / "simple.json"
    window.credentials.importer.show_results = False
    window.credentials.import_paths([clr])
    settle(qtbot, lambda: window.credentials.model.rowCount() >= 1 and not window.credentials.importer.running
           and not window.credentials._verifying)
    page = window.credentials
    transcript = next(c for c in page.model.credentials() if c.parent_id is None)
    page.select(transcript.id)
    assert page.model.rowCount() == 2  # the transcript and the achievement inside it
    assert "Credentials in this record" in page.detail.section_titles
    child = next(c for c in page.model.credentials() if c.parent_id == transcript.id)
    page.select(child.id)
    assert "Part of" in page.detail.section_titles
    assert page.detail.title_label.text() == "Teamwork"


def test_a_tampered_credential_is_shown_as_not_verified_with_the_reason(qtbot, window, interop):
    tampered = interop / "peer-vcjs" / "tampered" / "subject-name-changed.json"
    window.credentials.importer.show_results = False
    window.credentials.import_paths([tampered])
    _wait_verified(qtbot, window.credentials, 1)
    page = window.credentials
    assert page.proxy.index(0, Column.STATUS).data() == "Not verified"
    section = page.detail.verification
    assert section.badge.text() == "Not verified"
    assert not section.signer_label.isVisibleTo(section)  # never "Signed by" on a failed check
    failed = [r for r in section.rows if r.check.outcome.value == "failed"]
    assert failed and failed[0].message.text()


def test_old_reports_are_checked_again_on_opening(qtbot, full_window, wallet):
    from datetime import timedelta

    from wallet.clock import fixed_clock

    later = wallet.clock() + timedelta(days=400)
    wallet.clock = fixed_clock(later)
    second = MainWindow(wallet)
    qtbot.addWidget(second)
    settle(qtbot, lambda: second.credentials.loaded and not second.credentials._verifying)
    reports = [second.credentials.model.report_for(c.id) for c in second.credentials.model.credentials()]
    assert all(r is not None and r.checked_at == later for r in reports)


def test_verify_all_checks_every_credential(qtbot, full_window):
    page = full_window.credentials
    before = {c.id: page.model.report_for(c.id).checked_at for c in page.model.credentials()}
    page.verify_all_action.trigger()
    assert len(page._verifying) == 14
    settle(qtbot, lambda: not page._verifying)
    after = {c.id: page.model.report_for(c.id).checked_at for c in page.model.credentials()}
    assert all(after[i] >= before[i] for i in before)


def test_an_import_that_fails_as_a_whole_is_told_plainly(qtbot, window, stack_dir, monkeypatch):
    from wallet.errors import DiskFull

    def full(*_a, **_k):
        raise DiskFull("The disk is full, so nothing more could be saved. Everything saved before is safe.",
                       "sqlite: database or disk is full")

    monkeypatch.setattr(window.wallet, "import_paths", full)
    _drop_files(window, [stack_dir / "ou-cs-1.json"])
    settle(qtbot, lambda: window.credentials.importer.last_dialog is not None)
    row = window.credentials.importer.last_dialog.rows[0]
    assert row.sentence.text().startswith("The disk is full")
    assert row.details.text.toPlainText() == "sqlite: database or disk is full"


def test_pasting_copied_files_imports_them(qtbot, window, stack_dir):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(stack_dir / "ou-cs-2.json"))])
    QGuiApplication.clipboard().setMimeData(mime)
    window.credentials.paste_action.trigger()
    _wait_verified(qtbot, window.credentials, 1)


def test_a_drag_without_files_or_text_is_refused(window):
    mime = QMimeData()
    mime.setData("application/octet-stream", b"\x00\x01")
    pos = QPointF(10, 10)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    try:
        enter = QDragEnterEvent(pos, *args)
    except TypeError:
        enter = QDragEnterEvent(pos.toPoint(), *args)
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_folder_import_reports_progress_and_can_be_stopped(qtbot, window, interop, tmp_path):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(interop / "peer-vcjs", corpus)
    importer = window.credentials.importer
    importer.show_results = False
    steps: list[tuple[int, int]] = []
    outcomes: list = []
    importer.finished.connect(outcomes.append)
    op = importer.import_paths([corpus])
    op.on_progress(lambda done, total, _name: steps.append((done, total)))
    op.on_progress(lambda done, _total, _name: op.cancel() if done >= 5 else None)
    settle(qtbot, lambda: outcomes)
    total = steps[0][1]
    assert total > 20
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    assert 5 <= len(outcomes[0]) < total  # stopped early; what was done is kept and reported
    assert window.credentials.model.rowCount() >= 1


def test_closing_the_window_stops_a_long_check(qtbot, full_window, monkeypatch):
    import threading
    import time

    page = full_window.credentials
    calls = []
    real_verify = full_window.wallet.verify
    gate = threading.Event()

    def slow_verify(cred_id):
        calls.append(cred_id)
        gate.wait(5)
        return real_verify(cred_id)

    monkeypatch.setattr(full_window.wallet, "verify", slow_verify)
    page.verify_all_action.trigger()
    while not calls:
        time.sleep(0.01)
    full_window.close()
    gate.set()
    settle(qtbot)
    assert len(calls) == 1  # stopped after the credential in hand, not after all 14


def test_pasting_on_another_page_shows_the_credentials(qtbot, window, stack_dir):
    if window.sidebar.count() < 2:
        pytest.skip("only the Credentials page in this build")
    window.sidebar.setCurrentRow(1)
    QGuiApplication.clipboard().setText((stack_dir / "ou-cs-3.json").read_text())
    window.credentials.paste_action.trigger()
    assert window.stack.currentWidget() is window.credentials
    _wait_verified(qtbot, window.credentials, 1)


def test_results_of_a_big_import_stay_readable():
    from ui.credentials.importing import FileOutcome, rows_to_show, summary_sentence

    outcomes = [FileOutcome(f"f{n}.json", "added", "Added to your wallet.", added=(object(),)) for n in range(500)]
    outcomes += [FileOutcome("broken.json", "rejected", "This file is not a credential.", "detail")]
    rows = rows_to_show(outcomes)
    assert [r.kind for r in rows] == ["rejected", "added"]
    assert rows[1].sentence == "500 credentials added to your wallet."
    assert summary_sentence(outcomes) == "500 credentials added, 1 file could not be added."
    many_bad = [FileOutcome(f"b{n}", "rejected", "No.") for n in range(1000)]
    assert len(rows_to_show(many_bad)) == 200


def test_a_credential_back_from_the_trash_is_not_counted_as_added():
    from types import SimpleNamespace

    from ui.credentials.importing import outcome_of, summary_sentence
    from wallet.importer import ImportResult

    teamwork, leading = SimpleNamespace(title="Teamwork"), SimpleNamespace(title="Leading")
    back = outcome_of(ImportResult(name="a.json", restored=(teamwork,)))
    assert back.sentence == "It was in the trash; it is back in your wallet now."
    assert summary_sentence([back]) == "1 restored from the trash."
    both = outcome_of(ImportResult(name="b.json", added=(leading,), restored=(teamwork,)))
    assert summary_sentence([back, both]) == "1 credential added, 2 restored from the trash."


def test_credential_actions_only_act_while_the_page_is_in_front(qtbot, full_window):
    if full_window.sidebar.count() < 2:
        pytest.skip("only the Credentials page in this build")
    page = full_window.credentials
    assert page.remove_action.isEnabled()
    full_window.sidebar.setCurrentRow(1)
    assert not page.remove_action.isEnabled() and not page.verify_action.isEnabled()
    page.remove_action.trigger()  # a stray Delete on another page
    settle(qtbot)
    assert page.model.rowCount() == 14
    full_window.sidebar.setCurrentRow(0)
    assert page.remove_action.isEnabled()
