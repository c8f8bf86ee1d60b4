"""The Stacks page over the demo wallet: cards, the requirement tree, skills, sharing."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QModelIndex, Qt

from tests.ui.conftest import settle
from ui.bridge import WalletBridge
from ui.stacks import StacksPage
from ui.stacks.models import (
    CredentialIdRole,
    FractionRole,
    KindRole,
    MetRole,
    RequirementTreeModel,
    SkillsModel,
    StackListModel,
)
from ui.stacks.page import take_snapshot
from wallet.clock import fixed_clock
from wallet.demo import create_demo_wallet

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    w = create_demo_wallet(tmp_path_factory.mktemp("demo"), clock=fixed_clock(NOW))
    yield w
    w.close()


@pytest.fixture
def page(qtbot, demo):
    bridge = WalletBridge(demo.events)
    p = StacksPage(demo, bridge=bridge)
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    settle(qtbot, lambda: p.cards.rowCount() == 3)
    return p


def _walk(model, parent=QModelIndex()):
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from _walk(model, index)


def test_models_pass_the_model_tester(qtmodeltester, demo):
    for empty in (StackListModel(), RequirementTreeModel(), SkillsModel()):
        qtmodeltester.check(empty)
    snapshot = take_snapshot(demo)
    cards = StackListModel()
    cards.set_cards(snapshot.cards)
    qtmodeltester.check(cards)
    tree = RequirementTreeModel()
    for card in snapshot.cards:
        tree.set_progress(card.progress)
        qtmodeltester.check(tree)
    skills = SkillsModel()
    for framework in snapshot.skills:
        skills.set_framework(framework)
        qtmodeltester.check(skills)


def test_each_stack_is_a_card_with_its_fraction(page):
    names = [page.cards.index(r, 0).data() for r in range(page.cards.rowCount())]
    assert names[:2] == ["Certificate in Data Skills (demo)", "Digital Skills Passport (demo)"]
    assert names[2].startswith("Riverbend Open College transcript (demo)")
    first = page.cards.index(0, 0)
    assert 0.7 < first.data(FractionRole) < 1 and first.data(MetRole) is False
    assert page.cards.index(2, 0).data(MetRole) is True
    assert "79%" in first.data(Qt.ItemDataRole.ToolTipRole)
    assert page.card_view.visualRect(first).height() > 60  # drawn as a card


def test_opening_a_stack_shows_the_tree_marks_and_next_steps(page, qtbot):
    page.card_view.setCurrentIndex(page.cards.index(0, 0))
    assert page.title.text() == "Certificate in Data Skills (demo)"
    assert "Signed by Riverbend Open College (demo issuer)" in page.subtitle.text()
    assert page.bar.value() == int(page.current_progress().fraction * 1000)
    rows = {i.data(): i for i in _walk(page.tree_model)}
    dl = rows["Data Literacy"]
    assert dl.siblingAtColumn(2).data() == "Met"
    assert rows["Visualisation"].siblingAtColumn(2).data() == "Not yet"
    expired = rows["Visualisation 3: Maps and Geodata"]
    assert expired.data(KindRole) == "not-counted"
    assert expired.siblingAtColumn(2).data() == "Does not count"
    assert expired.data(Qt.ItemDataRole.ToolTipRole).startswith("It expired on")
    assert expired.siblingAtColumn(1).data().startswith("Expired on")
    assert "Held but not counted" in page.next_steps.text() and "Waiting for a check" in page.next_steps.text()
    assert page.tree.isExpanded(rows["Visualisation"]) and not page.tree.isExpanded(dl)  # the way to what is missing
    pending = rows["Elective: Open Data in Practice"]
    assert pending.data(KindRole) == "pending"
    assert "Next steps" in page.next_steps.text() and "1 of 2 credits for Electives" in page.next_steps.text()


def test_clicking_a_credential_asks_to_open_it(page, qtbot):
    page.card_view.setCurrentIndex(page.cards.index(0, 0))
    counting = next(i for i in _walk(page.tree_model) if i.data(KindRole) == "counts")
    with qtbot.waitSignal(page.credential_activated) as blocker:
        page.tree.doubleClicked.emit(counting)
    assert blocker.args == [counting.data(CredentialIdRole)]
    assert page.wallet.get(blocker.args[0]).title == counting.data()


def test_share_button_hands_over_the_stack_credentials(page, qtbot):
    page.card_view.setCurrentIndex(page.cards.index(1, 0))
    with qtbot.waitSignal(page.share_requested) as blocker:
        qtbot.mouseClick(page.share_button, Qt.MouseButton.LeftButton)
    (ids,) = blocker.args
    progress = page.current_progress()
    assert ids == list(progress.counting) and len(set(ids)) == len(ids)
    for rule in progress.root.walk():  # every credential that counts anywhere is shared
        assert set(rule.counting) <= set(ids)


def test_skills_grid_by_level(page):
    page.tabs.setCurrentIndex(1)
    names = [page.framework_box.itemText(i) for i in range(page.framework_box.count())]
    page.framework_box.setCurrentIndex(names.index("Riverbend Digital Competence Framework (demo)"))
    model = page.skills_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Competency", "Foundational", "Intermediate", "Advanced", "Highest"]
    grid = {model.index(r, 0).data(): [model.index(r, c).data() for c in range(1, 5)] for r in range(model.rowCount())}
    assert grid["Information and data literacy"] == ["\u2713", "\u2713", "\u2713", "Advanced"]
    assert grid["Digital content creation"] == ["\u2713", "", "", "Foundational"]
    assert "Riverbend Open College (demo issuer)</b>: 9 credits" in page.credits_label.text()
    # nothing from this issuer counts yet: what waits is said, not "0 credits"
    assert "Unknown Academy (issuer not known to this wallet)</b>: 1 credit pending a check" in page.credits_label.text()
    page.framework_box.setCurrentIndex(names.index("Riverbend course catalogue (demo)"))
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Competency", "Held"]  # no level columns when no alignment names a level
    held = model.index(0, 1)
    assert held.data() == "Held" and page.wallet.get(held.data(CredentialIdRole)) is not None


def test_adding_a_bad_and_a_good_definition(page, qtbot, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"type": "StackDefinition", "id": "urn:x", "name": "X",
                               "requirement": {"all": [{"atLeast": 2, "of": [{"match": {"tag": "a"}}]}]}}))
    page.add_definition(bad)
    settle(qtbot, lambda: page.add_button.isEnabled())
    assert page.message.text() == "requirement.all[0].atLeast: 2 is more than its 1 child."
    assert page.cards.rowCount() == 3
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"type": "StackDefinition", "id": "urn:x:electives", "name": "Two electives",
                                "requirement": {"match": {"tag": "elective"}, "count": 2}}))
    page.add_definition(good)
    settle(qtbot, lambda: page.cards.rowCount() == 4)
    assert page.message.text() == "Added \u201cTwo electives\u201d."
    assert page.title.text() == "Two electives"
    assert page.bar.value() == 500  # one elective counts, the other is pending
    page.remove_current()
    settle(qtbot, lambda: page.cards.rowCount() == 3)
    assert "Your credentials are unchanged." in page.message.text()


def test_main_window_opens_credentials_and_shares_stacks(qtbot, demo):
    from ui.main_window import MainWindow

    window = MainWindow(demo)
    qtbot.addWidget(window)
    page = window.pages["Stacks"]
    assert isinstance(page, StacksPage)
    settle(qtbot, lambda: page.cards.rowCount() == 3 and window.credentials.model.rowCount() > 0)
    window.resize(1280, 800)
    window.show()
    window.show_page("Stacks")
    progress = page.current_progress()
    counting = next(i for i in _walk(page.tree_model) if i.data(KindRole) == "counts")
    target = counting.data(CredentialIdRole)
    page.tree.scrollTo(counting)
    where = page.tree.visualRect(counting).center()
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a real double-click
    assert window.stack.currentWidget() is window.credentials
    assert window.credentials.current().id == target
    share = window.pages.get("Share")
    if share is None or not hasattr(share, "model"):
        pytest.skip("sharing is not part of this build")
    settle(qtbot, lambda: share.model.rowCount() > 0)
    window.show_page("Stacks")
    qtbot.mouseClick(page.share_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is share
    assert set(share.model.chosen()) == set(progress.counting) and progress.counting


def test_an_empty_wallet_says_what_goes_here(qtbot, wallet):
    page = StacksPage(wallet)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, lambda: page.snapshot is not None)
    settle(qtbot)
    assert page.cards.rowCount() == 0
    assert page.empty.isVisible() and "No stacks yet" in page.empty.text()
    assert not page.share_button.isEnabled() and not page.remove_button.isEnabled()
    assert page.skills_model.rowCount() == 0 and page.credits_label.text() == ""


def test_reasons_and_status_read_in_full(page):
    page.card_view.setCurrentIndex(page.cards.index(0, 0))
    rows = {i.data(): i for i in _walk(page.tree_model)}
    metrics = page.tree.fontMetrics()
    for title, reason in (("Visualisation 3: Maps and Geodata", "Expired on"),
                          ("Elective: Open Data in Practice", "Could not be checked offline")):
        index = rows[title]
        assert index.siblingAtColumn(1).data().startswith(reason)
        for column in (1, 2):
            text = index.siblingAtColumn(column).data()
            assert metrics.horizontalAdvance(text) < page.tree.columnWidth(column), (title, text)
    assert rows["Elective: Open Data in Practice"].siblingAtColumn(1).data() == "Could not be checked offline"


def test_card_names_wrap_before_they_are_cut():
    from PySide6.QtGui import QFont, QFontMetrics

    from ui.stacks.cards import name_lines

    metrics = QFontMetrics(QFont())
    width = metrics.horizontalAdvance("Certificate in Data Skills")
    lines = name_lines(metrics, "Certificate in Data Skills (demo)", width)
    assert lines == ["Certificate in Data Skills", "(demo)"]
    long = name_lines(metrics, "Riverbend Open College transcript (demo) (from its associations)", width)
    assert len(long) == 2 and long[1].endswith("\u2026")
    assert all(metrics.horizontalAdvance(line) <= width for line in long)
    assert name_lines(metrics, "Short", width) == ["Short"]


def test_a_credits_rule_reads_in_its_own_unit():
    from wallet.credential import CredentialId, Summary
    from wallet.stacks.definition import load_definition
    from wallet.stacks.progress import HeldCredential, evaluate
    from wallet.stacks.standing import EARNED

    d = load_definition({"type": "StackDefinition", "id": "urn:t", "name": "T", "requirement": {"all": [
        {"label": "Electives", "credits": 6, "unit": "ECTS", "from": {"tag": "e"}},
        {"label": "Project", "credits": 2, "unit": "credit", "from": {"tag": "p"}}]}})
    held = [HeldCredential(CredentialId("a"), Summary(title="a", tags=("e",), credits=3.0), EARNED)]
    model = RequirementTreeModel()
    model.set_progress(evaluate(d, held))
    root = model.index(0, 0)
    texts = [model.index(row, 1, root).data() for row in range(2)]
    assert texts == ["3 of 6 ECTS", "0 of 2 credits"]
