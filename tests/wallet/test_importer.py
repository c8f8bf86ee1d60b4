"""The import pipeline: per-file results, duplicates, the trash, folders, progress, failures."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from wallet.clock import fixed_clock
from wallet.credential import Format
from wallet.errors import DiskFull, InputTooLarge, NotFound, UnsupportedFormat
from wallet.importer import ImportResult, import_bytes, import_paths, read_bounded

EDTECH = "vectors/1EdTech__digital-credentials-public-validator"


@pytest.fixture
def stack_dir(interop: Path) -> Path:
    return interop / "peer-vcjs/stack"


def test_import_bytes_stores_and_announces(wallet, stack_dir):
    seen = []
    wallet.events.credential_added.connect(seen.append)
    wallet.clock = fixed_clock(datetime(2026, 5, 1, 12, tzinfo=timezone.utc))
    result = wallet.import_bytes((stack_dir / "ou-cs-1.json").read_bytes(), name="pasted", source="clipboard")
    assert isinstance(result, ImportResult) and result.ok
    (cred,) = result.added
    assert seen == [cred]
    assert cred.added_at == datetime(2026, 5, 1, 12, tzinfo=timezone.utc)
    assert cred.source == "clipboard"
    assert [c.id for c in wallet.credentials()] == [cred.id]


def test_same_credential_twice_keeps_one_and_says_so(wallet, stack_dir):
    data = (stack_dir / "ou-cs-1.json").read_bytes()
    first = import_bytes(wallet, data)
    second = import_bytes(wallet, data)
    assert len(first.added) == 1 and second.added == ()
    assert [c.id for c in second.duplicates] == [first.added[0].id]
    assert second.ok
    assert len(wallet.credentials()) == 1


def test_importing_a_trashed_credential_brings_it_back(wallet, stack_dir):
    data = (stack_dir / "ou-cs-2.json").read_bytes()
    (cred,) = import_bytes(wallet, data).added
    wallet.trash(cred.id)
    restored = []
    wallet.events.credential_restored.connect(restored.append)
    again = import_bytes(wallet, data)
    assert [c.id for c in again.restored] == [cred.id] and again.duplicates == ()
    assert restored == [cred.id]
    assert [c.id for c in wallet.credentials()] == [cred.id]


def test_clr_is_stored_with_linked_children(wallet, interop):
    result = import_bytes(wallet, (interop / EDTECH / "clr20/simple.json").read_bytes(), name="simple.json")
    clr, child = result.added
    assert clr.format is Format.CLR2 and child.parent_id == clr.id
    assert [c.id for c in wallet.children(clr)] == [child.id]
    wallet.trash(clr.id)  # the transcript goes to the trash with what it carries
    assert wallet.credentials() == []


def test_refused_input_comes_back_as_a_result(wallet):
    result = import_bytes(wallet, b"%PDF-1.4 ...", name="diploma.pdf")
    assert not result.ok and result.added == ()
    assert isinstance(result.error, UnsupportedFormat)
    assert result.error.message == "This file is a PDF, not a credential."
    assert "diploma.pdf" in result.error.detail
    assert wallet.credentials() == []


def test_folder_import_is_recursive_and_skips_hidden_and_unlikely_files(wallet, stack_dir, interop, tmp_path):
    root = tmp_path / "downloads"
    (root / "2025" / "spring").mkdir(parents=True)
    (root / ".cache").mkdir()
    shutil.copy(stack_dir / "ou-cs-1.json", root / "2025" / "spring" / "cs1.json")
    shutil.copy(stack_dir / "ou-cs-2.json", root / "2025" / "cs2.jsonld")
    shutil.copy(interop / EDTECH / "ob20/simple.jwt", root / "ob2-badge")  # no extension: sniffed
    shutil.copy(stack_dir / "ou-cs-3.json", root / ".cache" / "cs3.json")  # hidden folder
    shutil.copy(stack_dir / "ou-pm-1.json", root / ".hidden.json")  # hidden file
    (root / "notes.docx").write_bytes(b"PK\x03\x04word/")  # not plausible: skipped
    (root / "readme.txt").write_text("my badges")  # plausible, tried, refused
    steps = []
    results = import_paths(wallet, [root], progress=lambda done, total, name: steps.append((done, total, name)))
    names = sorted(r.name for r in results)
    assert names == ["cs1.json", "cs2.jsonld", "ob2-badge", "readme.txt"]
    assert [s[:2] for s in steps] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert [s[2] for s in steps[1:]] == [r.name for r in results]
    failed = [r for r in results if not r.ok]
    assert [r.name for r in failed] == ["readme.txt"]
    assert len(wallet.credentials()) == 3  # one failure lost nothing else


def test_missing_path_and_explicit_non_credential(wallet, tmp_path):
    pdf = tmp_path / "transcript.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    results = import_paths(wallet, [tmp_path / "nope.json", pdf])
    assert isinstance(results[0].error, NotFound)
    assert results[1].error.message == "This file is a PDF, not a credential."


def test_cancel_stops_between_files(wallet, stack_dir):
    files = sorted(stack_dir.glob("ou-*.json"))
    done = []
    results = import_paths(wallet, files, progress=lambda d, t, n: done.append(d) if d else None,
                           cancelled=lambda: len(done) >= 2)
    assert len(results) == 2 and len(wallet.credentials()) == 2


def test_fifty_megabyte_file_is_refused_without_reading_it(wallet, tmp_path):
    big = tmp_path / "huge.json"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: the test does not write 50 MB
    (result,) = import_paths(wallet, [big])
    assert isinstance(result.error, InputTooLarge)
    assert result.error.message.startswith("This file is too large to be a credential (50.0 MB")
    with pytest.raises(InputTooLarge):
        read_bounded(big)


def test_empty_paste_and_empty_file(wallet, tmp_path):
    assert import_bytes(wallet, b"  \n", source="clipboard").error.message == "This file is empty."
    (tmp_path / "empty.json").write_bytes(b"")
    (result,) = import_paths(wallet, [tmp_path / "empty.json"])
    assert result.error.message == "This file is empty." and result.path == tmp_path / "empty.json"


def test_store_failure_keeps_what_was_stored(wallet, interop, monkeypatch):
    """A full disk half-way through a CLR: the transcript is kept, the failure reported."""
    real_add = wallet.store.add
    calls = []

    def add(cred, **kw):
        calls.append(cred.id)
        if len(calls) == 2:
            raise DiskFull("The disk is full, so nothing more could be saved. Everything saved before is safe.")
        return real_add(cred, **kw)

    monkeypatch.setattr(wallet.store, "add", add)
    result = import_bytes(wallet, (interop / EDTECH / "clr20/simple.json").read_bytes())
    assert isinstance(result.error, DiskFull)
    assert len(result.added) == 1 and len(wallet.credentials()) == 1


def test_presentation_import_adds_each_credential_once(wallet, interop):
    vp = interop / "peer-vcjs/presentations/vp-eddsa-rdfc-2022.json"
    first = import_paths(wallet, [vp])[0]
    assert len(first.added) == len(json.loads(vp.read_text())["verifiableCredential"])
    second = import_paths(wallet, [vp])[0]
    assert len(second.duplicates) == len(first.added) and second.added == ()


def test_baked_badge_survives_the_store(wallet, data_key, stack_dir, tmp_path):
    """A baked picture is kept byte for byte, and its credential text comes back after reopening."""
    import io

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    from wallet.credential import Envelope
    from wallet.store import WALLET_FILENAME, Store

    text = (stack_dir / "ou-cs-3.json").read_text()
    info = PngInfo()
    info.add_itxt("openbadges", text)
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 60)).save(out, format="PNG", pnginfo=info)
    picture = tmp_path / "badge.png"
    picture.write_bytes(out.getvalue())
    (result,) = import_paths(wallet, [picture])
    cred_id = result.added[0].id
    reopened = Store.open(wallet.home / WALLET_FILENAME, data_key)
    try:
        held = reopened.get(cred_id)
    finally:
        reopened.close()
    assert held.raw == picture.read_bytes() and held.envelope is Envelope.PNG
    assert held.signed == text.strip()
    assert held.document["name"] == "Cyber Security Essentials 3: Responding to Incidents"
    assert held.source == str(picture)


def test_same_credential_in_other_clothes_is_a_duplicate(wallet, stack_dir, interop):
    """Taken out of a presentation, re-indented, or baked into a picture: still the same credential."""
    import io

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    (held,) = import_paths(wallet, [stack_dir / "ovm-ic-foundational.json"])[0].added
    text = (stack_dir / "ovm-ic-foundational.json").read_text()
    assert [c.id for c in import_bytes(wallet, json.dumps(json.loads(text), indent=4).encode()).duplicates] == \
        [held.id]
    info = PngInfo()
    info.add_itxt("openbadges", text)
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, format="PNG", pnginfo=info)
    assert [c.id for c in import_bytes(wallet, out.getvalue()).duplicates] == [held.id]
    vp = import_paths(wallet, [interop / "peer-vcjs/presentations/vp-eddsa-rdfc-2022.json"])[0]
    assert held.id in {c.id for c in vp.duplicates} and len(vp.added) == 2
    assert len(wallet.credentials()) == 3


def test_a_changed_credential_is_not_a_duplicate(wallet, stack_dir):
    doc = json.loads((stack_dir / "ou-cs-1.json").read_text())
    import_bytes(wallet, json.dumps(doc).encode())
    doc["credentialSubject"]["name"] = "Someone Else"
    assert len(import_bytes(wallet, json.dumps(doc).encode()).added) == 1


def test_a_pipe_is_refused_without_blocking(wallet, tmp_path):
    import os

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    (result,) = import_paths(wallet, [fifo])
    assert "not a file that can be imported" in result.error.message


def test_an_import_that_adds_takes_a_backup_when_one_is_due(wallet, stack_dir):
    from wallet.backup import find_backups

    now = [datetime(2026, 5, 1, 12, tzinfo=timezone.utc)]
    wallet.clock = lambda: now[0]
    wallet.import_paths([stack_dir / "ou-cs-1.json"])
    first = find_backups(wallet.home)
    assert len(first) == 1 and first[0].credentials == 1  # the new credential is in the copy
    wallet.import_paths([stack_dir / "ou-cs-1.json", stack_dir / "no-such-file.json"])  # nothing added
    wallet.import_paths([stack_dir / "ou-cs-2.json"])  # added, but the last backup is minutes old
    assert len(find_backups(wallet.home)) == 1
    now[0] = now[0].replace(hour=14)  # two hours on: the next import that adds is backed up
    wallet.import_paths([stack_dir / "ou-cs-3.json"])
    newest = find_backups(wallet.home)
    assert len(newest) == 2 and newest[0].credentials == 3
