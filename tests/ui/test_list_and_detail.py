"""What a learner sees in the list header and the detail pane, on real corpus credentials.

The sort box and the Date column's arrow must say the same thing; long keys and paths
must show their start and end instead of running off the pane; the 1EdTech sample and
the CLR transcript must show criteria, evidence, results, credits, skills and
endorsements as readable text.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.conftest import settle
from ui.credentials.model import Column
from ui.credentials.page import SORTS
from ui.theme import apply_theme
from ui.widgets.elided import ElidedLabel

EDTECH = "vectors/1EdTech__digital-credentials-public-validator"


@pytest.fixture
def page(qtbot, window, interop, stack_dir):
    page = window.credentials
    page.importer.show_results = False
    page.import_paths([stack_dir, interop / EDTECH / "ob30" / "complete.json", interop / EDTECH / "clr20" / "simple.json"])
    settle(qtbot, lambda: page.model.rowCount() == 17 and not page.importer.running and not page._verifying)
    window.resize(1280, 800)
    return page


def _click_header(qtbot, page, column: Column) -> None:
    header = page.view.header()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def _shown_sort(page) -> tuple[int, Qt.SortOrder]:
    header = page.view.header()
    return header.sortIndicatorSection(), header.sortIndicatorOrder()


def test_the_sort_box_and_the_column_arrows_always_agree(qtbot, page):
    for n, (label, column, order) in enumerate(SORTS):
        page.sort_by(label)
        assert _shown_sort(page) == (column, order), label
    # clicking headers moves the box with them, whatever order a click gives
    clicks = [(Column.DATE, "Newest first"), (Column.DATE, "Oldest first"), (Column.TITLE, "Title (A–Z)"),
              (Column.TITLE, "Title (Z–A)"), (Column.STATUS, "Problems first"), (Column.STATUS, "Verified first"),
              (Column.DATE, "Newest first")]
    for column, label in clicks:
        _click_header(qtbot, page, column)
        assert page.sort_box.currentText() == label
        assert _shown_sort(page) == next((c, o) for lab, c, o in SORTS if lab == label)
    dates = [page.proxy.index(r, Column.DATE).data(Qt.ItemDataRole.UserRole + 2) for r in range(page.proxy.rowCount())]
    assert dates == sorted(dates, reverse=True)


def _sort_keys(page, column: Column) -> list[str]:
    return [page.proxy.index(r, column).data(Qt.ItemDataRole.UserRole + 2) for r in range(page.proxy.rowCount())]


def _issuers(page) -> list[str]:
    return [page.proxy.index(r, Column.ISSUER).data().casefold() for r in range(page.proxy.rowCount())]


@pytest.mark.parametrize("hidden", ["Issuer (A–Z)", "Type (A–Z)"])
def test_header_clicks_after_a_sort_on_a_hidden_column(qtbot, page, hidden):
    """Issuer and type sort from the box only (their columns are the title's second line);
    a header click afterwards takes over, in that column's natural first order."""
    page.sort_by(hidden)
    column = Column.ISSUER if hidden.startswith("Issuer") else Column.TYPE
    assert _sort_keys(page, column) == sorted(_sort_keys(page, column))
    if column is Column.ISSUER:
        assert _issuers(page) == sorted(_issuers(page)) and len(set(_issuers(page))) > 1
    for clicked, label, reverse in ((Column.TITLE, "Title (A–Z)", False), (Column.DATE, "Newest first", True),
                                    (Column.STATUS, "Problems first", False)):
        page.sort_by(hidden)
        _click_header(qtbot, page, clicked)
        assert page.sort_box.currentText() == label
        assert _shown_sort(page) == next((c, o) for lab, c, o in SORTS if lab == label)
        keys = _sort_keys(page, clicked)
        assert keys == sorted(keys, reverse=reverse), label
    titles = page.visible_titles()
    page.sort_by("Title (A–Z)")
    assert page.visible_titles() == sorted(titles, key=str.casefold)


def _arrow_rows(page) -> list[int]:
    """Dark pixels per row in the right part of the Date header: the arrow's shape."""
    header = page.view.header()
    image = header.grab().toImage()
    left = header.sectionViewportPosition(Column.DATE) + header.sectionSize(Column.DATE) * 2 // 3
    right = header.sectionViewportPosition(Column.DATE) + header.sectionSize(Column.DATE)
    rows = []
    for y in range(image.height()):
        dark = sum(1 for x in range(left, right) if image.pixelColor(x, y).lightness() < 160)
        if dark:
            rows.append(dark)
    return rows


def test_newest_first_points_the_date_arrow_down(qtbot, page):
    apply_theme(QApplication.instance())  # the app's own style, as learner-wallet starts it
    page.sort_by("Newest first")
    QApplication.processEvents()
    rows = _arrow_rows(page)
    assert len(rows) >= 3 and rows[0] > rows[-1]  # wide at the top, a point at the bottom: ▼
    page.sort_by("Oldest first")
    QApplication.processEvents()
    rows = _arrow_rows(page)
    assert len(rows) >= 3 and rows[0] < rows[-1]  # ▲


def _select(qtbot, page, title: str) -> None:
    row = next(r for r in range(page.model.rowCount()) if page.model.credential_at(r).title == title)
    assert page.select(page.model.credential_at(row).id)
    QApplication.processEvents()


def _assert_nothing_runs_off_the_pane(page) -> None:
    detail = page.detail
    body = detail.widget()
    assert body.width() <= detail.viewport().width()
    for label in body.findChildren(ElidedLabel):
        if label.isVisible():
            assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width(), label.full_text()
            assert label.mapTo(body, QPoint(label.width(), 0)).x() <= body.width()


def test_signed_by_shows_the_whole_key_or_its_ends_never_cut(qtbot, page):
    _select(qtbot, page, "Certificate in Cyber Security Essentials")
    section = page.detail.verification
    assert section.signer_label.text() == "Signed by Open University of Testland (test issuer)"
    key = section.signer_key
    assert key.full_text().startswith("did:key:z6Mk") and key.isVisible()
    if key.is_elided():
        head, tail = key.text().split("…")
        assert key.full_text().startswith(head) and key.full_text().endswith(tail)
    _assert_nothing_runs_off_the_pane(page)
    page.detail.resize(300, page.detail.height())  # a narrow pane: the key is elided, not clipped
    QApplication.processEvents()
    assert key.is_elided()
    _assert_nothing_runs_off_the_pane(page)


def _fields(page, title: str) -> dict[str, object]:
    section = next(s for s in page.detail.details.sections if s.title == title)
    return {f.label: f for f in section.fields}


def _rich_texts(page) -> list[str]:
    return [label.text() for label in page.detail.widget().findChildren(QLabel) if label.isVisible()]


def test_the_1edtech_sample_shows_criteria_evidence_results_credits_skills_endorsements(qtbot, page):
    _select(qtbot, page, "1EdTech University Degree")
    titles = page.detail.section_titles
    for title in ("About this achievement", "Skills and alignments", "Results", "Evidence", "Endorsements"):
        assert title in titles
    about = _fields(page, "About this achievement")
    criteria = about["How it was earned"]
    assert criteria.value == "Degree Requirements\nStudents must complete..."  # Markdown read as text
    assert criteria.link == "https://1edtech.edu/achievements/degree"
    assert about["Credits"].value == "42 credits"
    skills = list(_fields(page, "Skills and alignments").values())
    assert skills[0].value == "1EdTech University Degree (degree)\nin 1EdTech University Program and Course Catalog"
    assert len(_fields(page, "Results")) >= 1
    evidence = _fields(page, "Evidence")
    assert evidence["Final Project Report"].link == "https://1edtech.edu/credentials/3732/evidence/1"
    assert len(page.detail.details.endorsements) == 3
    texts = _rich_texts(page)
    assert any('href="https://1edtech.edu/achievements/degree">Degree Requirements</a><br>Students must' in t
               for t in texts)  # the narrative is readable, not a link cut at 60 characters
    assert any("is in good standing" in t for t in texts)
    assert not any(t.startswith("# ") or ">#" in t for t in texts)
    _assert_nothing_runs_off_the_pane(page)


def test_the_clr_transcript_lists_its_credentials_and_each_links_back(qtbot, page):
    _select(qtbot, page, "Sample Transcript")
    assert "Credentials in this record" in page.detail.section_titles
    _assert_nothing_runs_off_the_pane(page)
    _select(qtbot, page, "Teamwork")
    assert "Part of" in page.detail.section_titles
    assert page.detail.title_label.text() == "Teamwork"


def test_every_micro_credential_of_the_stack_shows_its_achievement(qtbot, page):
    for row in range(page.proxy.rowCount()):
        page.view.setCurrentIndex(page.proxy.index(row, 0))
        QApplication.processEvents()
        details = page.detail.details
        assert details is not None and details.title
        assert "Issuer" in page.detail.section_titles
        if "Endorsement" not in details.title and details.kind.endswith("Open Badge 3.0"):
            assert "About this achievement" in page.detail.section_titles, details.title
        _assert_nothing_runs_off_the_pane(page)


def test_the_trash_says_when_it_is_empty_and_offers_nothing_to_do(qtbot, page):
    dialog = page.show_trash()  # the page's child, deleted on close: not handed to qtbot, which
    settle(qtbot)                 # would close it again after Qt deleted it
    assert dialog.stack.currentWidget() is dialog.empty_label and dialog.empty_label.text() == "The trash is empty."
    assert not dialog.restore_button.isEnabled() and not dialog.empty_button.isEnabled()
    dialog.close()
    _select(qtbot, page, "Teamwork")
    page.trash_current()
    settle(qtbot, lambda: page.model.row_of(next(c.id for c in page.model.credentials()
                                                   if c.title == "Sample Transcript")) is not None)
    dialog = page.show_trash()
    qtbot.addWidget(dialog)
    settle(qtbot, lambda: dialog.model.rowCount() == 1)
    assert dialog.stack.currentWidget() is dialog.view
    assert dialog.model.index(0, Column.TITLE).data() == "Teamwork"
    assert dialog.restore_button.isEnabled() and dialog.empty_button.isEnabled()


def test_the_import_results_name_what_was_added_by_title(qtbot, page):
    from ui.credentials.importing import outcome_of
    from wallet.importer import ImportResult

    creds = page.model.credentials()
    one = outcome_of(ImportResult("a.json", added=(creds[0],)))
    assert one.sentence == f"Added “{creds[0].title}” to your wallet."
    many = outcome_of(ImportResult("folder", added=tuple(creds[:5])))
    assert many.sentence.startswith("Added 5 credentials to your wallet: “") and many.sentence.endswith("and 2 more.")


@pytest.mark.parametrize("width", [860, 1000, 1280])
def test_at_every_window_width_titles_stay_readable_and_the_pane_fits(qtbot, page, width):
    window = page.window()
    window.resize(width, 600)
    _select(qtbot, page, "1EdTech University Degree")
    for _ in range(3):
        QApplication.processEvents()
    # the status column gives way first (860 is the window's smallest width)
    assert page.view.header().sectionSize(Column.TITLE) >= (140 if width < 900 else 200)
    _assert_nothing_runs_off_the_pane(page)
    section = page.detail.verification
    right = section.verify_button.mapTo(page.detail.widget(), QPoint(section.verify_button.width(), 0)).x()
    assert right <= page.detail.viewport().width()  # "Verify again" is never past the edge
