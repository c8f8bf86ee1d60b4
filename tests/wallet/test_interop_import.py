"""Every credential of the interop corpus imports and is listed, read from the manifests.

A file counts as a credential when its manifest ``kind`` says so, or when its
``expect`` is anything but ``n/a``. Tampered files are credentials too: they must be
taken in (verification flags them later), never refused at the door.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wallet.credential import Envelope, Format
from wallet.formats import parse
from wallet.importer import import_paths

CREDENTIAL_KINDS = {"credential", "signed-credential", "vc-jwt", "ob2-signed-assertion", "presentation",
                    "status-list-credential"}
EDTECH = "vectors/1EdTech__digital-credentials-public-validator"


def _manifest_entries(root: Path) -> list[tuple[Path, dict]]:
    entries = []
    for manifest in sorted(root.glob("**/manifest.json")):
        for entry in json.loads(manifest.read_text())["files"]:
            if entry.get("kind") in CREDENTIAL_KINDS or entry.get("expect", "n/a") != "n/a":
                entries.append((manifest.parent / entry["file"], entry))
    return entries


def test_corpus_has_what_this_test_expects(interop):
    entries = _manifest_entries(interop)
    kinds = {e["kind"] for _, e in entries}
    assert len(entries) > 150
    assert {"credential", "vc-jwt", "ob2-signed-assertion", "presentation", "signed-credential"} <= kinds


def test_every_corpus_credential_imports_and_is_listed(wallet, interop):
    entries = _manifest_entries(interop)
    results = import_paths(wallet, [path for path, _ in entries])
    failures = [(r.name, r.error.message, r.error.detail) for r in results if not r.ok]
    assert failures == []
    listed = {c.id for c in wallet.credentials()}
    for (path, entry), result in zip(entries, results):
        held = result.added + result.duplicates + result.restored
        assert held, f"{path} yielded no credential"
        assert {c.id for c in held} <= listed
        if entry["kind"] == "presentation":
            vp = json.loads(path.read_text())
            assert len(held) == len(vp["verifiableCredential"])
        elif result.added:
            assert held[0].raw == path.read_bytes()  # the file itself, verbatim
        else:  # the same credential in other clothes (keys reordered, compact) was held already
            assert held[0].document == parse(path.read_bytes())[0].document


def test_reordered_copies_are_the_same_credential(wallet, interop):
    original = interop / "peer-vcjs/suites/ob3-eddsa-jcs-2022.json"
    reordered = interop / "peer-vcjs/edge/jcs-keys-reordered-compact.json"
    a, b = import_paths(wallet, [original, reordered])
    assert b.added == () and [c.id for c in b.duplicates] == [a.added[0].id]


def test_tampered_copies_are_kept_as_distinct_credentials(wallet, interop):
    original = interop / "peer-vcjs/suites/ob3-eddsa-rdfc-2022.json"
    tampered = interop / "peer-vcjs/tampered/per-suite/eddsa-rdfc-2022-name-changed.json"
    a, b = import_paths(wallet, [original, tampered])
    assert a.added[0].id != b.added[0].id
    assert len(wallet.credentials()) == 2


@pytest.mark.parametrize("name", ["simple.json", "simple.jwt"])
def test_clr_shows_the_transcript_and_its_children(wallet, interop, name):
    (result,) = import_paths(wallet, [interop / EDTECH / "clr20" / name])
    clr, *children = result.added
    assert clr.format is Format.CLR2 and clr.title == "Sample Transcript"
    assert children and all(c.parent_id == clr.id for c in children)
    assert [c.id for c in wallet.children(clr)] == [c.id for c in children]
    expected = Envelope.JSON if name.endswith(".json") else Envelope.JWT
    assert {c.envelope for c in result.added} == {expected}
    assert {c.id for c in wallet.credentials()} == {c.id for c in result.added}


def test_every_corpus_credential_has_a_readable_summary(interop):
    for path, entry in _manifest_entries(interop):
        for cred in parse(path.read_bytes()):
            s = cred.summary
            assert s.title.strip(), path
            if entry["expect"] == "valid" and cred.format is not Format.OB2:  # OB 2.0: issuer is online
                assert s.issuer_id or s.issuer_name, path
            assert s.types, path
            for when in (s.issued, s.valid_from, s.valid_until):
                assert when is None or when.utcoffset() is not None, path
            assert isinstance(cred.document, dict)
