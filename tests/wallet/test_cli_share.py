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
    from tests.wallet.test_sheet import text_of

    summary = text_of(pdf.read_bytes())[0]  # signed by a fresh identity, not the credentials' subject:
    assert f"Shared by did:key:{vp['holder'][8:16]}…" in summary  # the signer by its DID,
    assert summary.count("Issued to: Chiara Costa") == 3  # the name per credential

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


# ---------------------------------------------------------------- hostile codes, names, days


def test_a_code_nesting_json_deeply_is_one_sentence_as_picture_and_as_text(cli, tmp_path) -> None:
    import zlib

    nested = "LW1:" + qr.b45encode(zlib.compress(b"[" * 60_000, 9))
    picture, pasted = tmp_path / "code.png", tmp_path / "codes.txt"
    picture.write_bytes(qr.png_bytes(qr.matrix(nested)))
    pasted.write_text(nested + "\n")
    for given in (picture, pasted):
        code, out, err = cli("check-bundle", given)
        assert code == 1 and out == ""
        assert err.startswith("learner-wallet: The QR codes hold something that is not a bundle.")
        assert "Traceback" not in err and "RecursionError" not in err


def test_the_default_name_never_replaces_a_file(cli, held, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    names = []
    for _ in range(3):
        code, out, err = cli("share", held[0], "--json")
        assert code == 0, err
        written = json.loads(out)
        assert written["replaced"] is False
        names.append(Path(written["bundle"]).name)
    stem = names[0].removesuffix(".json")
    assert names[0].startswith("credentials-") and stem.endswith("-1")
    assert names[1:] == [f"{stem}-2.json", f"{stem}-3.json"]
    assert len({json.loads((tmp_path / n).read_text())["id"] for n in names}) == 3  # three bundles kept


def test_the_default_name_keeps_clear_of_existing_qr_pictures(cli, held, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    codes = tmp_path / "codes"
    code, out, err = cli("share", held[0], "--json", "--qr", codes)
    first = Path(json.loads(out)["bundle"])
    first.unlink()  # the file went elsewhere; its pictures are still here
    before = {p: p.read_bytes() for p in codes.iterdir()}
    code, out, err = cli("share", held[0], "--json", "--qr", codes)
    assert code == 0 and Path(json.loads(out)["bundle"]).name == f"{first.stem}-2.json"
    assert all(p.read_bytes() == data for p, data in before.items())


def test_out_naming_an_existing_file_replaces_it_and_says_so(cli, held, tmp_path) -> None:
    target = tmp_path / "for-acme.json"
    code, out, _ = cli("share", held[0], "--out", target)
    assert code == 0 and "replaced" not in out
    code, out, _ = cli("share", held[1], "--out", target)
    assert code == 0 and out.startswith(f"Signed a bundle of 1 credential: {target} (replaced the file that was there)")


@pytest.mark.parametrize("days", ["0.5", "-2", "3651", "soon"])
def test_expires_takes_whole_days_only(cli, held, tmp_path, days) -> None:
    code, _, err = cli("share", held[0], "--out", tmp_path / "b.json", "--expires", days)
    assert code == 1 and "whole number of days, from 1 to 3650, or 0 for no expiry date" in err
    assert not (tmp_path / "b.json").exists()


def test_expires_zero_means_no_expiry_date(cli, held, tmp_path) -> None:
    assert cli("share", held[0], "--out", tmp_path / "b.json", "--expires", "0")[0] == 0
    assert "expires" not in json.loads((tmp_path / "b.json").read_text())["proof"]


# ---------------------------------------------------------------- what the receiver is told


def test_checking_without_the_request_says_what_was_not_compared(cli, held, tmp_path) -> None:
    out_file = tmp_path / "b.json"
    cli("share", held[0], "--challenge", "abc", "--domain", DOMAIN, "--out", out_file)
    code, out, _ = cli("check-bundle", out_file)
    assert code == 0  # by design: the bundle itself holds
    assert "[warn] Request: Made for the request “abc”; not compared with yours: no challenge was given." in out
    assert f"[warn] Receiver: Made for {DOMAIN}; not compared with yours: no domain was given." in out
    assert (f"did not confirm the bundle was made for you (it carries challenge abc and domain {DOMAIN}): "
            "give your request with --challenge C --domain D.") in out
    code, out, _ = cli("check-bundle", out_file, "--challenge", "abc", "--domain", DOMAIN)
    assert code == 0 and "not compared" not in out and "did not confirm" not in out


def test_a_tiff_scan_of_the_codes_is_read(cli, held, tmp_path) -> None:
    from PIL import Image

    codes = tmp_path / "codes"
    assert cli("share", *held[:2], "--out", tmp_path / "b.json", "--qr", codes)[0] == 0
    pages = [Image.open(p).convert("L") for p in sorted(codes.glob("*.png"))]
    scan = tmp_path / "scan.tif"
    pages[0].save(scan, format="TIFF", save_all=True, append_images=pages[1:])
    code, out, err = cli("check-bundle", scan)
    assert code == 0, out + err
    assert "Read from  1 picture of QR codes" in out


def test_sharing_a_jwt_credential_warns_that_some_receivers_cannot_read_it(cli, tmp_path) -> None:
    from tests.wallet.verify.test_vc_jwt import vc11
    from tests.wallet.verify.verify_helpers import ed_key

    token = tmp_path / "degree.jwt"
    token.write_text(vc11(ed_key(3)))
    code, out, err = cli("import", token)
    short = out.split("(")[-1].split(")")[0]
    code, out, err = cli("share", short, "--out", tmp_path / "b.json")
    assert code == 0
    assert ("warning: “Data Literacy Foundations” is a JWT credential. Some receivers' apps cannot read JWT "
            "credentials inside a bundle yet; Learner Wallet can.") in err


# ---------------------------------------------------------------- the receiver's own wallet


STATUS_URL = "https://ou.example.org/status/revocation/1"


@pytest.fixture
def revoked_bundle(cli, interop, tmp_path) -> Path:
    """A bundle holding a revoked credential, from a wallet that keeps the issuer's status list."""
    status = interop / "peer-vcjs" / "status"
    code, out, err = cli("import", status / "not-revoked.json", status / "revoked.json")
    assert code == 0, err
    wallet = cli.open()
    try:
        wallet.trust_data.status.load_file(STATUS_URL, status / "ou-revocation-list-1.json")
        ids = [c.id for c in wallet.credentials()]
    finally:
        wallet.close()
    out_file = tmp_path / "revoked.json"
    assert cli("share", *ids, "--out", out_file)[0] == 0
    return out_file


def test_check_bundle_uses_the_status_lists_of_the_receivers_wallet(cli, revoked_bundle) -> None:
    code, out, _ = cli("check-bundle", revoked_bundle)
    assert code == 1 and "Revoked by the issuer" in out


def test_check_bundle_without_a_wallet_or_with_a_locked_one_still_checks(cli, revoked_bundle, tmp_path,
                                                                           monkeypatch) -> None:
    monkeypatch.delenv("LEARNER_WALLET_PASSPHRASE")  # the wallet stays locked
    code, out, err = cli("check-bundle", revoked_bundle)
    assert code == 0 and "Holder's signature: The holder's signature on the bundle is valid." in out
    assert err.startswith("note: The wallet is locked") and "goes on without the status lists" in err
    monkeypatch.setenv("LEARNER_WALLET_HOME", str(tmp_path / "nobody"))
    code, out, err = cli("check-bundle", revoked_bundle)
    assert code == 0 and err == "" and "Revoked" not in out
