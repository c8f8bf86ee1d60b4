"""share, check-bundle, request and identities, end to end through ``learner-wallet``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from wallet import qr

DOMAIN = "https://jobs.example.org"


@pytest.fixture
def held(cli, interop: Path) -> list[str]:
    """Four credentials of the corpus in the test wallet; their short ids."""
    stack = interop / "peer-vcjs" / "stack"
    names = ["ou-cs-1.json", "ou-cs-certificate.json", "ovm-al-advanced.json", "ovm-nl-foundational.json"]
    code, out, err = cli("import", "--json", *[stack / n for n in names])
    assert code == 0, err
    data = json.loads(out)
    rows = data if isinstance(data, list) else data.get("results", data.get("files", []))
    ids = [c["id"] for row in rows for c in row.get("added", row.get("credentials", []))]
    assert len(ids) == 4
    return ids


def test_share_writes_file_codes_and_sheet_then_check_passes(cli, held, tmp_path) -> None:
    code, out, err = cli("request", "--domain", DOMAIN, "--challenge", "ch-42", "--qr", tmp_path / "req.png")
    assert code == 0 and out.startswith("LW1R:")
    request = out.splitlines()[0]
    assert qr.decode_request(qr.read_images([tmp_path / "req.png"])[0]) == ("ch-42", DOMAIN)

    out_file, codes, pdf = tmp_path / "bundle.json", tmp_path / "codes", tmp_path / "sheet.pdf"
    code, out, err = cli("share", *held[:3], "--request", request, "--out", out_file, "--qr", codes,
                         "--pdf", pdf, "--expires", "10")
    assert code == 0, err
    assert "Signed a bundle of 3 credentials" in out and "scan all of them" in out
    vp = json.loads(out_file.read_text())
    assert vp["proof"]["challenge"] == "ch-42" and vp["proof"]["domain"] == DOMAIN
    pictures = sorted(codes.glob("*.png"))
    assert len(pictures) >= 2 and pdf.read_bytes().startswith(b"%PDF")

    code, out, err = cli("check-bundle", *reversed(pictures), "--challenge", "ch-42", "--domain", DOMAIN)
    assert code == 0, out + err
    assert "[ok  ] Holder's signature: The holder's signature" in out
    assert "Certificate in Cyber Security Essentials" in out

    code, out, _ = cli("check-bundle", out_file, "--challenge", "ch-42", "--domain", DOMAIN, "--json")
    report = json.loads(out)
    assert code == 0 and len(report["credentials"]) == 3 and report["domain"] == DOMAIN


def test_check_bundle_fails_with_the_reason(cli, held, tmp_path) -> None:
    out_file = tmp_path / "b.json"
    assert cli("share", held[0], "--challenge", "abc", "--domain", DOMAIN, "--out", out_file)[0] == 0
    code, out, _ = cli("check-bundle", out_file, "--challenge", "xyz", "--domain", DOMAIN)
    assert code == 1 and out.startswith("Not verified: The bundle was made for a different request")
    code, out, _ = cli("check-bundle", out_file, "--challenge", "abc", "--domain", "https://other.example")
    assert code == 1 and "different receiver" in out


def test_check_bundle_adds_nothing_to_the_wallet(cli, held, tmp_path) -> None:
    out_file = tmp_path / "b.json"
    cli("share", *held[:2], "--out", out_file)
    before = json.loads(cli("list", "--json")[1])
    assert cli("check-bundle", out_file)[0] == 0
    assert json.loads(cli("list", "--json")[1]) == before


def test_a_receiver_without_a_wallet_can_check(cli, held, tmp_path, monkeypatch) -> None:
    from wallet.cli import main

    out_file = tmp_path / "b.json"
    cli("share", held[0], "--out", out_file)
    empty = tmp_path / "receiver-home"
    empty.mkdir()
    monkeypatch.setenv("LEARNER_WALLET_HOME", str(empty))
    out, err = io.StringIO(), io.StringIO()
    assert main(["check-bundle", str(out_file)], out=out, err=err) == 0, err.getvalue()
    assert list(empty.iterdir()) == []  # no wallet was made for them


def test_share_warns_before_a_failing_credential(cli, interop, tmp_path) -> None:
    code, out, _ = cli("import", interop / "peer-vcjs" / "tampered" / "subject-name-changed.json")
    short = out.split("(")[-1].split(")")[0]
    code, out, err = cli("share", short, "--out", tmp_path / "b.json")
    assert code == 0 and "warning:" in err and "did not pass verification" in err


def test_share_with_nothing_or_unknown_ids(cli, held) -> None:
    code, _, err = cli("share")
    assert code == 1 and "Name at least one credential" in err
    code, _, err = cli("share", "ffffffffffff")
    assert code == 1 and "no credential with the id" in err


def test_bad_inputs_get_one_sentence(cli, tmp_path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    code, _, err = cli("check-bundle", notes)
    assert code == 1 and "notes.txt is not a bundle" in err and "Traceback" not in err
    code, _, err = cli("check-bundle", tmp_path / "missing.json")
    assert code == 1 and "cannot be opened" in err


def test_identities_list_add_and_default(cli, held) -> None:
    code, out, _ = cli("identities")
    assert code == 0 and out.startswith("* My identity: did:key:z6Mk")
    code, out, _ = cli("identities", "add", "For", "employers")
    assert "  For employers: did:key:" in out
    did = next(line.split(": ")[1] for line in out.splitlines() if "For employers" in line)
    code, out, _ = cli("identities", "default", did)
    assert f"* For employers: {did}" in out


def test_share_reads_the_request_from_a_picture(cli, held, tmp_path) -> None:
    picture = tmp_path / "req.png"
    assert cli("request", "--domain", DOMAIN, "--challenge", "pic-1", "--qr", picture)[0] == 0
    out_file = tmp_path / "b.json"
    code, _, err = cli("share", held[0], "--request", f"@{picture}", "--out", out_file)
    assert code == 0, err
    proof = json.loads(out_file.read_text())["proof"]
    assert (proof["challenge"], proof["domain"]) == ("pic-1", DOMAIN)


def test_a_bundle_too_large_for_codes_travels_as_a_file_with_its_fingerprint(cli, interop, tmp_path) -> None:
    import base64
    import os

    doc = json.loads((interop / "peer-vcjs" / "stack" / "ovm-ic-foundational.json").read_text())
    noise = base64.b64encode(os.urandom(48_000)).decode()  # a large picture does not compress
    doc["credentialSubject"]["achievement"]["image"]["id"] = "data:image/png;base64," + noise
    big = tmp_path / "big-picture.json"
    big.write_text(json.dumps(doc))
    code, out, err = cli("import", big)
    short = out.split("(")[-1].split(")")[0]
    out_file, codes = tmp_path / "bundle.json", tmp_path / "codes"
    code, out, err = cli("share", short, "--out", out_file, "--qr", codes, "--pdf", tmp_path / "s.pdf")
    assert code == 0, err
    assert "too large for QR codes" in out
    [picture] = list(codes.glob("*.png"))
    code, out, _ = cli("check-bundle", picture, out_file, "--json")
    report = json.loads(out)
    assert "matched by its QR code" in report["source"]
    assert report["checks"][0]["outcome"] == "passed"  # the holder's signature holds
    assert report["credentials"][0]["status"] == "not-verified"  # the picture was changed after issuing
    assert code == 1
    other = tmp_path / "other.json"
    other.write_bytes(out_file.read_bytes().replace(b'"holder"', b'"holder" ', 1))
    code, _, err = cli("check-bundle", picture, other)
    assert code == 1 and "not the one the QR code stands for" in err
