"""Small widgets: status badge, error box, clipboard clearing."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtGui import QGuiApplication

from ui.credentials.verification import VerificationSection, signed_by
from ui.widgets.clipboard import ClipboardGuard
from ui.widgets.error_box import ErrorBox, describe_error
from ui.widgets.status_badge import StatusBadge
from wallet.errors import UnsupportedFormat
from wallet.verify.report import Check, CheckName, Outcome, Report, Signer, Status


def test_badge_says_the_status_in_words(qtbot):
    badge = StatusBadge()
    qtbot.addWidget(badge)
    assert badge.text() == "Not checked yet"
    for status in Status:
        badge.set_report(Report(status, (), datetime(2026, 1, 1, tzinfo=timezone.utc)))
        assert badge.text() == status.label
        assert status.label in badge.accessibleName()


def test_error_box_keeps_detail_behind_a_disclosure(qtbot):
    message, detail = describe_error(UnsupportedFormat("This file is a PDF, not a credential.", "magic %PDF"))
    box = ErrorBox(message, detail)
    qtbot.addWidget(box)
    box.show()
    assert box.message_label.text() == "This file is a PDF, not a credential."
    assert not box.details.text.isVisible()
    box.details.toggle.click()
    assert box.details.text.isVisible()
    assert box.details.text.toPlainText() == "magic %PDF"


def test_unexpected_errors_are_told_plainly(qtbot):
    message, detail = describe_error(KeyError("x"))
    assert "Nothing was lost" in message
    assert "KeyError" in detail


def test_sensitive_clipboard_text_is_cleared_if_still_there(qtbot):
    helper = ClipboardGuard(clear_after_ms=50)
    clipboard = QGuiApplication.clipboard()
    helper.copy("ABCDE-FGHIJ", sensitive=True)
    assert clipboard.text() == "ABCDE-FGHIJ"
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=2000)


def test_clipboard_leaves_newer_text_alone(qtbot):
    helper = ClipboardGuard(clear_after_ms=50)
    clipboard = QGuiApplication.clipboard()
    helper.copy("secret", sensitive=True)
    clipboard.setText("the learner's own note")
    qtbot.wait(200)
    assert clipboard.text() == "the learner's own note"
    helper.copy("not secret")
    qtbot.wait(100)
    assert clipboard.text() == "not secret"


def test_verification_section_rows_and_signer(qtbot):
    section = VerificationSection()
    qtbot.addWidget(section)
    report = Report(
        Status.WARNINGS,
        (Check(CheckName.SIGNATURE, Outcome.PASSED, "The signature is valid.", "eddsa-rdfc-2022"),
         Check(CheckName.ISSUER_KEY, Outcome.PASSED, "Signed with the issuer's own key."),
         Check(CheckName.DATES, Outcome.WARNING, "Expires on 1 March 2027.", code="expires-soon")),
        datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc),
        Signer("did:key:z6MkExample", "Example University", "did:key:z6MkExample#z6MkExample"),
        endorsements=(Report(Status.NOT_VERIFIED, (Check(CheckName.SIGNATURE, Outcome.FAILED, "Tampered."),),
                             datetime(2026, 11, 22, tzinfo=timezone.utc), Signer("did:key:z6MkE", "Agency")),),
    )
    section.show_report(report)
    assert section.badge.text() == "Verified, with warnings"
    assert signed_by(report.signer) == "Signed by Example University — did:key:z6MkExample"
    assert section.signer_label.text() == "Signed by Example University"
    assert section.signer_key.full_text() == "did:key:z6MkExample"
    assert [r.message.text() for r in section.rows] == [
        "The signature is valid.", "Signed with the issuer's own key.", "Expires on 1 March 2027.",
        "Endorsement by Agency: Tampered."]
    assert "reason code: expires-soon" in section.rows[2].detail.toPlainText()
    section.show_report(None)
    assert section.rows == [] and section.verify_button.text() == "Verify now"
    bad = Report(Status.NOT_VERIFIED, (Check(CheckName.SIGNATURE, Outcome.FAILED, "Changed."),),
                 datetime(2026, 1, 1, tzinfo=timezone.utc), Signer("did:key:z6MkX", "Someone"))
    section.show_report(bad)
    assert not section.signer_label.isVisibleTo(section)  # no "Signed by" on a credential that fails


def test_no_signed_by_when_nothing_ties_the_key_to_the_issuer(qtbot):
    """A valid signature by a key that is not shown to be the issuer's (a urn:uuid issuer,
    a key carried in the credential) names no one, even when the status is only a warning."""
    section = VerificationSection()
    qtbot.addWidget(section)
    bound = Report(Status.VERIFIED,
                   (Check(CheckName.SIGNATURE, Outcome.PASSED, "The signature is valid."),
                    Check(CheckName.ISSUER_KEY, Outcome.PASSED, "Signed with the issuer's own key.")),
                   datetime(2026, 11, 21, tzinfo=timezone.utc), Signer("did:key:z6MkX", "Andy F. Miller"))
    section.show_report(bound)  # a credential whose key is the issuer's: named
    assert section.signer_label.isVisibleTo(section) and section.signer_label.text() == "Signed by Andy F. Miller"
    unbound = Report(
        Status.WARNINGS,
        (Check(CheckName.SIGNATURE, Outcome.PASSED, "The signature is valid."),
         Check(CheckName.ISSUER_KEY, Outcome.WARNING, "The issuer is not an identifier a key can belong to.",
               code="issuer-unbound")),
        datetime(2026, 11, 22, tzinfo=timezone.utc), Signer("urn:uuid:6f2e33e5", "Andy F. Miller", "did:key:z6MkX"),
    )
    section.show_report(unbound)
    assert section.badge.text() == "Verified, with warnings"
    assert not section.signer_label.isVisibleTo(section) and not section.signer_key.isVisibleTo(section)
    assert "Andy F. Miller" not in section.signer_label.text() + section.signer_label.accessibleName()
    assert "did:key:z6MkX" not in section.signer_key.toolTip()  # the earlier report's signer is not kept


DID = "did:key:z6MkrqtLEHWXRrgixsq4Wf5rQUeGv3Q7PLoxCijZwDe87cDy"


def test_a_long_key_keeps_its_start_and_end_and_is_whole_on_hover_and_copy(qtbot):
    from ui.widgets.elided import ElidedLabel

    label = ElidedLabel(DID)
    qtbot.addWidget(label)
    label.resize(label.fontMetrics().horizontalAdvance(DID) // 2, 20)
    label.show()
    shown = label.text()
    assert label.is_elided() and "…" in shown
    head, tail = shown.split("…")
    assert DID.startswith(head) and DID.endswith(tail) and len(head) > 8 and len(tail) > 8
    assert label.fontMetrics().horizontalAdvance(shown) <= label.width()  # nothing cut at the edge
    assert label.toolTip() == DID and label.accessibleName() == DID
    label.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == DID
    label.resize(label.sizeHint().width() + 10, 20)
    assert label.text() == DID and not label.is_elided()  # room enough: shown whole


def test_a_check_naming_a_long_key_wraps_instead_of_being_cut(qtbot):
    from ui.credentials.verification import CheckRow, breakable

    message = f"Signed with a key of {DID}, not the issuer's."
    row = CheckRow(Check(CheckName.ISSUER_KEY, Outcome.FAILED, message, "", "wrong-key"))
    qtbot.addWidget(row)
    assert row.message.text().replace("\u200b", "") == message
    assert all(len(part) <= 16 for word in row.message.text().split(" ") for part in word.split("\u200b"))
    assert breakable("The signature is valid.") == "The signature is valid."
    row.resize(260, 200)
    row.show()
    assert row.message.sizeHint().width() <= 260
