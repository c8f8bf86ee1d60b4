"""The credential commands: import, list, show, remove, restore, empty-trash, info.

Handlers are tested directly around the ``wallet`` fixture (fast), and end to end through
``learner-wallet`` itself with the ``cli`` fixture (unlocking included).
"""

from __future__ import annotations

import io
import json

import pytest

from tests.wallet.cli_context import HandlerContext, run_handler
from wallet.cli import credentials as commands

EDTECH = "vectors/1EdTech__digital-credentials-public-validator"
RECORD_KEYS = {"id", "title", "format", "format_label", "envelope", "types", "issuer", "subject", "description",
               "issued", "valid_from", "valid_until", "achievement", "credits", "credits_unit", "tags",
               "alignments", "image", "parent_id", "source", "added_at", "trashed_at"}


Ctx = HandlerContext
run = run_handler


@pytest.fixture
def ctx(wallet) -> Ctx:
    return Ctx(wallet)


def test_import_prints_a_line_per_credential_and_fails_on_any_bad_file(ctx, interop, tmp_path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.5")
    code = run(commands.cmd_import, ctx, paths=[interop / "peer-vcjs/stack/ou-cs-1.json", pdf], json=False)
    out = ctx.take()
    assert code == 1
    assert 'ou-cs-1.json: added "Cyber Security Essentials 1: Threats and Risks"' in out
    assert "Added 1 credential from 2 files. 1 file could not be imported." in out
    assert ctx.err.getvalue().strip() == "scan.pdf: This file is a PDF, not a credential."
    code = run(commands.cmd_import, ctx, paths=[interop / "peer-vcjs/stack/ou-cs-1.json"], json=False)
    out = ctx.take()
    assert code == 0 and "is already in your wallet" in out
    assert out.splitlines()[-1] == "1 was already in your wallet."  # nothing was added: no "Added 0"


def test_import_of_a_trashed_credential_says_it_was_restored(ctx, interop):
    paths = [interop / "peer-vcjs/stack/ou-cs-1.json", interop / "peer-vcjs/stack/ou-cs-2.json"]
    run(commands.cmd_import, ctx, paths=paths, json=False)
    first = ctx.wallet.credentials()[0]
    ctx.wallet.trash(first.id)
    ctx.take()
    run(commands.cmd_import, ctx, paths=paths + [interop / "peer-vcjs/stack/ou-cs-3.json"], json=False)
    last = ctx.take().splitlines()[-1]
    assert last == "Added 1 credential from 3 files. Restored 1 from the trash. 1 was already in your wallet."


def test_list_names_an_issuer_known_only_by_its_id(ctx):
    did = "did:key:z6MkvfeG7gb34X2y3fG7RG5pYxWUWc7UmVg9v8n3HCiJ15bg"
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
           "name": "Library volunteer", "issuer": did, "credentialSubject": {"id": "did:example:me"}}
    assert ctx.wallet.import_bytes(json.dumps(doc).encode()).ok
    run(commands.cmd_list, ctx, trash=False, json=False)
    line = ctx.take().splitlines()[0]
    assert line.endswith("Library volunteer — did:key:z6MkvfeG7gb34X2y3fG7RG5…HCiJ15bg")


def test_import_json(ctx, interop):
    clr = interop / EDTECH / "clr20/simple.json"
    run(commands.cmd_import, ctx, paths=[clr, clr.parent / "missing.json"], json=True)
    doc = json.loads(ctx.take())
    assert doc["schema"] == 1 and (doc["added"], doc["failed"]) == (2, 1)
    first, second = doc["files"]
    assert first["ok"] and [a["format"] for a in first["added"]] == ["clr2", "ob3"]
    assert first["added"][1]["parent_id"] == first["added"][0]["id"]
    assert second["error"]["kind"] == "NotFound" and second["error"]["message"]


def test_list_shows_children_under_their_transcript(ctx, interop):
    ctx.wallet.import_paths([interop / EDTECH / "clr20/simple.json", interop / "peer-vcjs/stack/ou-pm-1.json"])
    assert run(commands.cmd_list, ctx, trash=False, json=False) == 0
    lines = ctx.take().splitlines()
    transcript = next(i for i, line in enumerate(lines) if "Sample Transcript" in line)
    assert "└ Teamwork" in lines[transcript + 1]
    assert lines[-1] == "3 credentials."


def test_list_json_is_the_documented_record(ctx, interop):
    ctx.wallet.import_paths([interop / "peer-vcjs/stack/ou-cs-1.json"])
    run(commands.cmd_list, ctx, trash=False, json=True)
    doc = json.loads(ctx.take())
    assert (doc["schema"], doc["count"], doc["trash"]) == (1, 1, False)
    (record,) = doc["credentials"]
    assert set(record) == RECORD_KEYS | {"status"}
    assert record["status"] is None  # never checked
    assert record["credits"] == 1.0 and record["issued"] == "2025-03-10T09:00:00+00:00"
    assert record["alignments"][0]["code"] == "CS"
    assert record["issuer"]["name"] == "Open University of Testland (test issuer)"


def test_empty_wallet_says_how_to_add(ctx):
    run(commands.cmd_list, ctx, trash=False, json=False)
    assert "learner-wallet import" in ctx.take()


def test_show_by_prefix_with_the_details_a_learner_wants(ctx, interop):
    (result,) = ctx.wallet.import_paths([interop / EDTECH / "ob30/complete.json"])
    cred = result.added[0]
    run(commands.cmd_show, ctx, id=cred.id[:8], json=False)
    text = ctx.take()
    for expected in ("1EdTech University Degree", "Issuer:", "1EdTech University", "Credits:", "42",
                     "Criteria:", "Degree Requirements", "Skills and alignments:", "Evidence:",
                     "Final Project Report", "Results:", "Final Project Grade: A", "Endorsements:", "Valid until:"):
        assert expected in text, expected
    run(commands.cmd_show, ctx, id=cred.id, json=True)
    doc = json.loads(ctx.take())
    assert RECORD_KEYS <= set(doc)
    assert doc["document"]["id"] == cred.document["id"]
    assert doc["endorsements"] == 3 and doc["results"][0] == {"name": "Final Project Grade", "value": "A",
                                                               "status": ""}
    assert doc["criteria"]["url"] == "https://1edtech.edu/achievements/degree"


def test_show_links_parent_and_children(ctx, interop):
    (result,) = ctx.wallet.import_paths([interop / EDTECH / "clr20/simple.json"])
    clr, child = result.added
    run(commands.cmd_show, ctx, id=child.id, json=True)
    assert json.loads(ctx.take())["parent"] == {"id": clr.id, "title": "Sample Transcript"}
    run(commands.cmd_show, ctx, id=clr.id, json=False)
    text = ctx.take()
    assert "Credentials inside:" in text and "Teamwork" in text
    assert "Achievements in this record:" in text


def test_remove_restore_and_empty_trash(ctx, interop):
    (result,) = ctx.wallet.import_paths([interop / EDTECH / "clr20/simple.json"])
    clr = result.added[0]
    run(commands.cmd_remove, ctx, id=clr.id[:10])
    assert "with the credential inside it to the trash" in ctx.take()
    run(commands.cmd_list, ctx, trash=True, json=False)
    assert "2 credentials in the trash." in ctx.take()
    run(commands.cmd_restore, ctx, id=clr.id[:10])
    assert 'Restored "Sample Transcript"' in ctx.take()
    assert len(ctx.wallet.credentials()) == 2
    run(commands.cmd_remove, ctx, id=clr.id)
    ctx.take()
    run(commands.cmd_empty_trash, ctx)
    assert "2 credentials deleted for good" in ctx.take()
    run(commands.cmd_empty_trash, ctx)
    assert "already empty" in ctx.take()


def test_info(ctx, interop):
    ctx.wallet.import_paths([interop / "peer-vcjs/stack/ou-cs-1.json"])
    run(commands.cmd_info, ctx, json=True)
    doc = json.loads(ctx.take())
    assert doc["counts"]["credentials"] == 1 and doc["data_folder"] == str(ctx.wallet.home)
    assert doc["version"] and doc["wallet_file"].endswith("wallet.sqlite3")


# ---------------------------------------------------------------- end to end

def test_end_to_end_import_list_show_remove(cli, interop, tmp_path):
    folder = tmp_path / "badges"
    folder.mkdir()
    for name in ("ou-cs-1.json", "ou-cs-2.json"):
        (folder / name).write_bytes((interop / "peer-vcjs/stack" / name).read_bytes())
    code, out, err = cli("import", folder)
    assert code == 0, err
    assert out.count(": added ") == 2
    code, out, _ = cli("list", "--json")
    records = json.loads(out)["credentials"]
    assert code == 0 and len(records) == 2
    short = records[0]["id"][:12]
    code, out, _ = cli("show", short)
    assert code == 0 and records[0]["title"] in out
    assert cli("remove", short)[0] == 0
    assert json.loads(cli("list", "--json")[1])["count"] == 1
    assert cli("restore", short)[0] == 0
    code, out, _ = cli("info")
    assert code == 0 and "Credentials:  2" in out


def test_end_to_end_errors_are_plain_sentences(cli, tmp_path):
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    code, out, err = cli("import", bad)
    assert code == 1
    assert "photo.jpg: This file is a JPEG picture, not a credential" in err
    code, _, err = cli("show", "ffffffffffff")
    assert code == 1 and "There is no credential with the id" in err


def test_import_from_standard_input(ctx, interop, monkeypatch):
    data = (interop / EDTECH / "ob20/simple.jwt").read_bytes()
    monkeypatch.setattr("sys.stdin", type("Stdin", (), {"buffer": io.BytesIO(data)})())
    assert run(commands.cmd_import, ctx, paths=["-"], json=False) == 0
    assert 'standard input: added "Open Badge from example.org"' in ctx.take()
    assert ctx.wallet.credentials()[0].source == "standard input"


def test_import_of_an_empty_folder_says_so(ctx, tmp_path):
    (tmp_path / "empty").mkdir()
    assert run(commands.cmd_import, ctx, paths=[str(tmp_path / "empty")], json=False) == 1
    assert ctx.err.getvalue().strip() == "empty: This folder holds no credential files."


def test_stored_verification_shows_in_list_and_show(ctx, interop):
    from datetime import datetime, timezone

    from wallet.verify.report import (
        Check,
        CheckName,
        Outcome,
        Report,
        Status,
        report_to_json,
    )

    (result,) = ctx.wallet.import_paths([interop / "peer-vcjs/stack/ou-cs-1.json"])
    cred = result.added[0]
    when = datetime(2026, 6, 1, 8, 30, tzinfo=timezone.utc)
    report = Report(Status.NOT_VERIFIED, (Check(CheckName.SIGNATURE, Outcome.FAILED, "The signature does not match."),),
                    when)
    ctx.wallet.store.save_report(cred.id, when, report_to_json(report))
    run(commands.cmd_list, ctx, trash=False, json=True)
    assert json.loads(ctx.take())["credentials"][0]["status"] == "not-verified"
    run(commands.cmd_show, ctx, id=cred.id[:6], json=True)
    doc = json.loads(ctx.take())
    assert doc["verification"] == {"status": "not-verified", "label": "Not verified",
                                   "summary": "The signature does not match.",
                                   "checked_at": "2026-06-01T08:30:00+00:00"}
    run(commands.cmd_show, ctx, id=cred.id[:6], json=False)
    assert "Checked:" in ctx.take()


def test_import_checks_what_it_added_and_says_why_one_fails(cli, interop):
    code, out, err = cli(
        "import",
        interop / "peer-vcjs/stack/ou-cs-1.json",
        interop / "peer-vcjs/validity/expired.json",
        interop / "peer-vcjs/tampered/issuer-changed.json",
    )
    assert code == 0, err  # every file was taken; verification is reported, not an import failure
    lines = out.splitlines()
    assert lines[0].endswith("— verified")
    assert "— not verified: Expired on" in lines[1]
    assert "— not verified: The credential was changed after it was signed" in lines[2]
    records = {r["title"]: r["status"] for r in json.loads(cli("list", "--json")[1])["credentials"]}
    assert records["Cyber Security Essentials 1: Threats and Risks"] == "verified"
    assert records["Library Induction 2023"] == "not-verified"


def test_import_no_verify_stores_without_checking(cli, interop):
    code, out, _ = cli("import", "--json", "--no-verify", interop / "peer-vcjs/stack/ou-cs-1.json")
    assert code == 0
    assert json.loads(out)["files"][0]["added"][0]["status"] is None
    assert json.loads(cli("list", "--json")[1])["credentials"][0]["status"] is None
