"""Secrets hygiene: canary values planted in every secret the wallet handles must not
appear in any file the core writes (wallet, sidecar, automatic backups, exported backups,
the exported trust file, restored wallets, logs at DEBUG, temporary files) nor in error
messages; files are 0600 and folders 0700."""

from __future__ import annotations

import base64
import io
import json
import logging
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from wallet import autorestore, backup, restore, vault
from wallet.backup_file import export_backup, open_backup
from wallet.cli import main
from wallet.credential import Credential, Envelope, Format, Summary, content_id
from wallet.errors import WalletError
from wallet.identity import Identities
from wallet.keys import FAST_TEST_KDF, KeyringSlot, Unlocker, parse_recovery_key
from wallet.service import Wallet, open_wallet

PASSPHRASE = "CANARY-PASSPHRASE-q7Zr91xk"
EXPORT_PASSPHRASE = "CANARY-EXPORT-PASS-m3Vw"
CONTENT = "CANARY-CREDENTIAL-Chiara-Costa-5f1e"


def _forms(secret: bytes) -> list[bytes]:
    """The ways a secret could end up in a file: raw, hex, base64, base32."""
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret).rstrip(b"="),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
        base64.b32encode(secret).rstrip(b"="),
    ]


def _canary_credential(i: int) -> Credential:
    text = '{"credentialSubject": {"name": "%s", "n": %d}}' % (CONTENT, i)
    raw = text.encode()
    return Credential(id=content_id(raw), raw=raw, envelope=Envelope.JSON, format=Format.VC2, signed=text,
                      summary=Summary(title=f"{CONTENT} title {i}", issuer_name=f"{CONTENT} issuer"))


def _all_files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files of this test land here, so they can be searched."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setenv("SQLITE_TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@contextmanager
def _debug_log(log_file: Path):
    """Everything logged at DEBUG and up goes to ``log_file`` meanwhile."""
    handler = logging.FileHandler(log_file)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    assert log_file.stat().st_size > 0, "nothing was logged: logging was not captured"


def test_no_secret_reaches_any_file_or_message(tmp_path: Path, private_tmp: Path, memory_keyring,
                                               monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "home"
    log_file = tmp_path / "debug.log"
    messages: list[str] = []
    with _debug_log(log_file):
        secrets = _exercise(home, tmp_path, memory_keyring, messages, monkeypatch)
    needles = [CONTENT.encode(), PASSPHRASE.encode(), EXPORT_PASSPHRASE.encode()]
    for secret in secrets["bytes"]:
        needles += _forms(secret)
    needles += [k.encode() for k in secrets["recovery"]]
    needles += [k.replace("-", "").encode() for k in secrets["recovery"]]
    files = _all_files(home, private_tmp, tmp_path / "exports", tmp_path / "fresh") + [log_file]
    assert len(files) >= 8
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"a secret ({needle[:12]!r}...) was written to {path.name}"
    for text in messages:
        for needle in needles:
            assert needle.decode("latin-1") not in text, f"a secret appeared in a message: {text[:80]}"


def _exercise(home: Path, tmp_path: Path, keyring_backend, messages: list[str], monkeypatch) -> dict:
    slot = KeyringSlot(keyring_backend)
    created = vault.create_store(home, keyring=slot, passphrase=PASSPHRASE, kdf=FAST_TEST_KDF)
    store = created.store
    data_key = store.data_key
    wallet = Wallet(home, store)
    for i in range(5):
        store.add(_canary_credential(i))
    identities = Identities(store)
    me = identities.create("Canary identity", default=True)
    private = identities.signing_key(me.id).private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    wallet.close()

    wallet = open_wallet(home, Unlocker(keyring=slot))
    exports = tmp_path / "exports"
    exports.mkdir()
    export_backup(wallet.store, exports / "a.lwbackup", data_key=data_key, kind="recovery",
                  secret=created.recovery_key)
    export_backup(wallet.store, exports / "b.lwbackup", data_key=data_key, kind="passphrase",
                  secret=EXPORT_PASSPHRASE, kdf=FAST_TEST_KDF)
    backup.make_backup(wallet.store, home)
    trust_files = wallet.trust_data.files  # the exported trust file is signed with a key the wallet keeps
    trust_seed = trust_files.signing_key().private_bytes_raw()
    trust_files.export(exports / "trust.json", label="Canary trust file")
    new_recovery = vault.replace_recovery_key(wallet.store)
    wallet.close()

    for attempt in (Unlocker(secret="CANARY-wrong-" + PASSPHRASE), Unlocker(secret=created.recovery_key)):
        try:
            open_wallet(home, attempt)
        except WalletError as exc:
            messages += [exc.message, exc.detail, str(exc), repr(exc)]
    try:
        open_backup(exports / "b.lwbackup", "wrong " + EXPORT_PASSPHRASE)
    except WalletError as exc:
        messages += [exc.message, exc.detail]
    opened = open_backup(exports / "b.lwbackup", EXPORT_PASSPHRASE)
    restore.install(tmp_path / "fresh", opened)

    # damage and restore, with the CLI at --verbose reporting the failure
    path = vault.wallet_path(home)
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x40
    path.write_bytes(bytes(data))
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", PASSPHRASE)
    out, err = io.StringIO(), io.StringIO()
    main(["--home", str(home), "--verbose", "settings"], out=out, err=err)
    messages += [out.getvalue(), err.getvalue()]
    autorestore.restore_newest(home, Unlocker(secret=PASSPHRASE)).wallet.close()
    out, err = io.StringIO(), io.StringIO()
    main(["--home", str(home), "--verbose", "backup", "list"], out=out, err=err)
    messages += [out.getvalue(), err.getvalue()]
    assert parse_recovery_key(new_recovery) is not None
    for path in _all_files(exports, tmp_path / "fresh", home):  # exports and restores are private too
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    return {"bytes": [data_key, private, trust_seed], "recovery": [created.recovery_key, new_recovery]}


def test_files_are_0600_and_folders_0700_even_while_open(cli):
    wallet = cli.open()
    from tests.wallet.sample_records import sample_credential as _cred

    wallet.store.add(_cred(1))
    backup.make_backup(wallet.store, cli.home)
    open_files = _all_files(cli.home)
    assert any(p.name.endswith("-wal") for p in open_files) and any(p.name.endswith("-shm") for p in open_files)
    wallet.close()
    for path in open_files + _all_files(cli.home):
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    for folder in [cli.home] + [p for p in cli.home.rglob("*") if p.is_dir()]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder.name


def test_row_keys_in_the_file_name_no_issuer_holder_or_address(tmp_path: Path):
    """Holder DIDs, trusted issuers' DIDs, status list and did:web addresses and stack
    ids are used as row keys by their modules; on disk the keys are opaque, while the
    modules keep using the natural ones."""
    issuer = "did:web:canary-college.example"
    status_url = "https://canary-college.example/status/3"
    home = tmp_path / "home"
    created = vault.create_store(home, passphrase=PASSPHRASE, kdf=FAST_TEST_KDF)
    store = created.store
    wallet = Wallet(home, store)
    holder = Identities(store).create("Me", default=True).id
    store.put("documents", "trusted-issuer:" + issuer, {"id": issuer}, kind="trusted-issuer")  # as wallet.trust does
    store.put("documents", status_url, {"url": status_url}, kind="status-list")
    store.put("stacks", "https://canary-college.example/programme", {"name": "Programme"})
    store.add(_canary_credential(1))
    backup.make_backup(store, home)
    wallet.close()
    for path in _all_files(home):
        data = path.read_bytes()
        for natural in (holder, issuer, status_url, "canary-college"):
            assert natural.encode() not in data, f"{natural} is in clear in {path.name}"

    wallet = open_wallet(home, Unlocker(secret=PASSPHRASE))
    try:
        store = wallet.store
        assert Identities(store).default().id == holder
        assert [k for k, _ts, _v in store.items("documents", kind="trusted-issuer")] == ["trusted-issuer:" + issuer]
        assert [k for k, _ts, _v in store.items("documents", kind="status-list")] == [status_url]
        assert store.fetch("stacks", "https://canary-college.example/programme") == {"name": "Programme"}
        assert store.delete("documents", status_url) and store.fetch("documents", status_url) is None
        other = vault.create_store(tmp_path / "other", passphrase=PASSPHRASE, kdf=FAST_TEST_KDF).store
        other.put("identities", holder, {"label": "Same DID elsewhere"})
        assert set(other.row_keys("identities")) == {holder}
        stored_here = {r[0] for r in store._read("SELECT id FROM identities")}
        stored_there = {r[0] for r in other._read("SELECT id FROM identities")}
        assert stored_here.isdisjoint(stored_there), "the row key is keyed by the wallet, not a plain hash"
        other.close()
    finally:
        wallet.close()


FILE_CANARY = "CANARY-FILE-Chiara-Costa-transcripts"


def _canary_vc(title: str) -> bytes:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
           "issuer": {"id": "did:web:canary-issuer.example", "name": f"{CONTENT} issuer"},
           "validFrom": "2025-01-01T00:00:00Z", "name": title,
           "credentialSubject": {"id": "did:example:learner", "name": f"{CONTENT} subject"}}
    return json.dumps(doc).encode()


def test_no_personal_data_reaches_a_log_or_file_from_imports_and_sharing(tmp_path: Path, private_tmp: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    """Titles, issuers and subjects of credentials, the names of imported files and the
    holder's DID stay out of every file written and out of the log, even at DEBUG."""
    from wallet import bundle

    home = tmp_path / "home"
    folder = tmp_path / FILE_CANARY
    folder.mkdir()
    (folder / f"{FILE_CANARY}-1.json").write_bytes(_canary_vc(f"{CONTENT} title 1"))
    (folder / f"{FILE_CANARY}-2.json").write_bytes(_canary_vc(f"{CONTENT} title 2"))
    (folder / f"{FILE_CANARY}-notes.txt").write_text("not a credential")
    log_file = tmp_path / "debug.log"
    with _debug_log(log_file):
        created = vault.create_store(home, passphrase=PASSPHRASE, kdf=FAST_TEST_KDF)
        wallet = Wallet(home, created.store)
        results = wallet.import_paths([folder])
        assert sum(len(r.added) for r in results) == 2 and any(r.error for r in results)
        holder = Identities(wallet.store).create("Me", default=True)
        bundle.create_bundle(wallet, [c.id for c in wallet.credentials()])
        wallet.close()
        monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", PASSPHRASE)
        out, err = io.StringIO(), io.StringIO()
        main(["--home", str(home), "--verbose", "import", str(folder / f"{FILE_CANARY}-notes.txt")], out=out, err=err)
    needles = [CONTENT.encode(), FILE_CANARY.encode(), holder.id.encode(), b"canary-issuer"]
    written = _all_files(home, private_tmp) + [log_file]
    assert any(p.parent.name == "backups" for p in written), "the import made no backup to search"
    for path in written:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"{needle[:24]!r} was written to {path.name}"
