"""The credential list model and its search/sort proxy."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt

from ui.credentials.model import (
    Column,
    CredentialFilterProxy,
    CredentialListModel,
    CredentialRole,
    ReportRole,
)
from wallet.verify.report import Check, CheckName, Outcome, Report, Signer, Status


def _model(records):
    model = CredentialListModel()
    model.set_credentials(records)
    proxy = CredentialFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def _titles(proxy):
    return [proxy.index(r, Column.TITLE).data() for r in range(proxy.rowCount())]


def _report(status: Status) -> Report:
    outcome = {Status.VERIFIED: Outcome.PASSED, Status.NOT_VERIFIED: Outcome.FAILED}[status]
    return Report(status, (Check(CheckName.SIGNATURE, outcome, "The signature is valid."),),
                  datetime(2026, 1, 1, tzinfo=timezone.utc), Signer("did:key:z6Mk", "Beta College"))


def test_models_pass_the_model_tester(qtmodeltester, records):
    model, proxy = _model(records)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    proxy.set_query("college")
    proxy.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)


def test_model_tester_follows_changes(qtmodeltester, records):
    model = CredentialListModel()
    qtmodeltester.check(model)  # empty
    for cred in records:
        model.add(cred)
    model.set_report(records[0].id, _report(Status.VERIFIED))
    model.remove(records[1].id)
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_columns_read_as_a_learner_expects(records):
    model, _ = _model(records)
    row = model.row_of(records[0].id)
    assert model.index(row, Column.TITLE).data() == "Data Analysis"
    assert model.index(row, Column.ISSUER).data() == "Beta College"
    assert model.index(row, Column.DATE).data() == "1 May 2024"
    assert model.index(row, Column.TYPE).data() == "Certificate"
    assert model.index(row, Column.STATUS).data() == "Not checked yet"
    assert model.index(row, 0).data(CredentialRole) is records[0]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Credential", "Issuer", "Type", "Date", "Status"]


def test_status_column_follows_reports(records):
    model, _ = _model(records)
    cid = records[0].id
    row = model.row_of(cid)
    model.set_checking(cid)
    assert model.index(row, Column.STATUS).data() == "Checking…"
    model.set_report(cid, _report(Status.NOT_VERIFIED))
    assert model.index(row, Column.STATUS).data() == "Not verified"
    assert model.index(row, Column.STATUS).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(row, 0).data(ReportRole).status is Status.NOT_VERIFIED
    assert "Not verified" in model.index(row, 0).data(Qt.ItemDataRole.AccessibleTextRole)


def test_status_column_names_a_single_plain_reason(records):
    model, _ = _model(records)
    cid = records[0].id
    row = model.row_of(cid)
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    signature = Check(CheckName.SIGNATURE, Outcome.PASSED, "The signature is valid.")
    revoked = Check(CheckName.STATUS, Outcome.FAILED, "Revoked by the issuer (as of 1 January 2026).", "", "revoked")
    expired = Check(CheckName.DATES, Outcome.FAILED, "Expired on 1 June 2025.", "", "expired")
    tampered = Check(CheckName.SIGNATURE, Outcome.FAILED, "It was changed after it was signed.", "", "tampered")
    model.set_report(cid, Report(Status.NOT_VERIFIED, (signature, revoked), when))
    assert model.index(row, Column.STATUS).data() == "Revoked"
    model.set_report(cid, Report(Status.NOT_VERIFIED, (signature, expired), when))
    assert model.index(row, Column.STATUS).data() == "Expired"
    model.set_report(cid, Report(Status.NOT_VERIFIED, (tampered, expired), when))  # two reasons: no single word
    assert model.index(row, Column.STATUS).data() == "Not verified"


def test_search_matches_title_issuer_and_skills(records):
    _, proxy = _model(records)
    proxy.set_query("welding")
    assert _titles(proxy) == ["Welding Level 2"]
    proxy.set_query("GAMMA")  # issuer, any case
    assert _titles(proxy) == ["First Aid"]
    proxy.set_query("statistics")  # a skill (alignment)
    assert _titles(proxy) == ["Data Analysis"]
    proxy.set_query("college spreadsheets")  # every word must match, in any order
    assert _titles(proxy) == ["Data Analysis"]
    proxy.set_query("college metalwork")
    assert _titles(proxy) == []
    proxy.set_query("  ")
    assert len(_titles(proxy)) == 3


def test_sorting_by_date_issuer_and_type(records):
    _, proxy = _model(records)
    proxy.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    assert _titles(proxy) == ["Welding Level 2", "Data Analysis", "First Aid"]
    proxy.sort(Column.DATE, Qt.SortOrder.AscendingOrder)
    assert _titles(proxy) == ["First Aid", "Data Analysis", "Welding Level 2"]
    proxy.sort(Column.ISSUER, Qt.SortOrder.AscendingOrder)
    assert _titles(proxy) == ["Welding Level 2", "Data Analysis", "First Aid"]
    proxy.sort(Column.TYPE, Qt.SortOrder.AscendingOrder)  # Badge, Certificate, Micro-credential
    assert _titles(proxy) == ["First Aid", "Data Analysis", "Welding Level 2"]


def test_new_rows_land_in_sorted_place(records):
    model, proxy = _model(records[:2])
    proxy.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    model.add(records[2])  # the oldest
    assert _titles(proxy)[-1] == "First Aid"
