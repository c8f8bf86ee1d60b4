"""The import pipeline: files and bytes in, credentials stored, one result per file.

Each credential is stored in its own transaction (``Store.add``), so an import of many
files can fail on one and keep all the others; a file that holds several credentials (a
presentation, a CLR) reports them together. A credential already held is kept once and
reported as a duplicate; one that sits in the trash is brought back. "The same" means
the same bytes (the content id), or the same credential in other clothes: a JSON
credential whose JSON data is equal (keys reordered, re-indented, or taken out of a
presentation or a baked picture), or a JWT with the same compact JWS.

Folders are walked recursively without following links; hidden files and folders are
skipped, and only files that look like credentials (by extension, or by their first
bytes) are tried. Files named one by one are always tried, so the learner hears why a
PDF was refused.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from wallet.credential import Credential
from wallet.errors import InputError, InputTooLarge, NotFound, WalletError
from wallet.formats import MAX_FILE_BYTES, parse

if TYPE_CHECKING:
    from wallet.service import Wallet

log = logging.getLogger(__name__)

CREDENTIAL_EXTENSIONS = frozenset({".json", ".jsonld", ".jwt", ".txt", ".png", ".svg"})
_SNIFF_PREFIXES = (b"\x89PNG\r\n\x1a\n", b"{", b"eyJ", b"<svg", b"<?xml")

Progress = Callable[[int, int, str], None]  # (files done, files in all, name of the file just done)
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class ImportResult:
    """What became of one file (or one paste): what was added, what was already held, or why not."""

    name: str
    path: Path | None = None
    added: tuple[Credential, ...] = ()
    duplicates: tuple[Credential, ...] = ()  # "already in your wallet"
    restored: tuple[Credential, ...] = ()  # were in the trash; back in the wallet now
    error: WalletError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def credentials(self) -> tuple[Credential, ...]:
        return self.added + self.restored + self.duplicates


class _Held:
    """The credentials already held (trash included), indexed to find "the same" one fast.

    Built once per import batch; the candidates for a match are those with the same
    title, issuer, subject and date, so only a handful of documents are ever compared.
    """

    def __init__(self, wallet: "Wallet") -> None:
        self._wallet = wallet
        self._index: dict[tuple[str, ...], list[Credential]] | None = None

    @staticmethod
    def _key(cred: Credential) -> tuple[str, ...]:
        s = cred.summary
        return (s.title, s.issuer_id, s.subject_id, s.subject_name, s.issued.isoformat() if s.issued else "")

    def _built(self) -> dict[tuple[str, ...], list[Credential]]:
        if self._index is None:
            self._index = {}
            store = self._wallet.store
            for cred in store.credentials() + store.credentials(trashed=True):
                self._index.setdefault(self._key(cred), []).append(cred)
        return self._index

    def same_as(self, cred: Credential) -> Credential | None:
        """The held credential that is ``cred`` (same bytes, or same credential), if any."""
        if self._wallet.store.contains(cred.id):
            return self._wallet.store.get(cred.id)
        for held in self._built().get(self._key(cred), []):
            if _same_credential(held, cred):
                return self._wallet.store.get(held.id)
        return None

    def remember(self, cred: Credential) -> None:
        if self._index is not None:
            self._index.setdefault(self._key(cred), []).append(cred)


def _same_credential(a: Credential, b: Credential) -> bool:
    a_json, b_json = a.signed.lstrip().startswith("{"), b.signed.lstrip().startswith("{")
    if a_json != b_json:
        return False
    if not a_json:
        return a.signed.strip() == b.signed.strip()  # a JWS: its signature is part of it
    try:
        return a.document == b.document  # equal JSON data, whatever the key order or spacing
    except WalletError:
        return False


def import_bytes(wallet: "Wallet", data: bytes, *, name: str = "", source: str = "",
                 path: Path | None = None, held: _Held | None = None) -> ImportResult:
    """Parse ``data`` and store every credential in it; errors come back in the result."""
    label = name or (path.name if path else "") or source or "credential"
    try:
        creds = parse(data, name=label, source=source)
    except InputError as exc:
        log.info("an import was refused: %s", type(exc).__name__)  # no file name or content in logs
        return ImportResult(name=label, path=path, error=exc)
    return _store_all(wallet, creds, label, path, held or _Held(wallet))


def _store_all(wallet: "Wallet", creds: list[Credential], label: str, path: Path | None,
               known: _Held) -> ImportResult:
    added: list[Credential] = []
    duplicates: list[Credential] = []
    restored: list[Credential] = []
    error: WalletError | None = None
    for cred in creds:
        try:
            held = known.same_as(cred)
            if held is None and wallet.store.add(cred, added_at=wallet.clock()):
                stored = wallet.store.get(cred.id)
                known.remember(stored)
                added.append(stored)
                wallet.events.credential_added.emit(stored)
                continue
            held = held or wallet.store.get(cred.id)
            if held.trashed_at is not None and (cred.parent_id is None or cred.parent_id == held.parent_id):
                wallet.store.restore(held.id)
                restored.append(wallet.store.get(held.id))
                wallet.events.credential_restored.emit(held.id)
            else:
                duplicates.append(held)
        except WalletError as exc:  # the disk is full, the wallet file is damaged, ...
            log.warning("storing an imported credential failed: %s", exc.detail or exc.message)
            error = exc
            break
    return ImportResult(name=label, path=path, added=tuple(added), duplicates=tuple(duplicates),
                        restored=tuple(restored), error=error)


def import_paths(wallet: "Wallet", paths: Iterable[str | os.PathLike[str]], *,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> list[ImportResult]:
    """Import files and folders (folders recursively), reporting each file."""
    files = list(expand(paths))
    results: list[ImportResult] = []
    total = len(files)
    held = _Held(wallet)
    if progress is not None:
        progress(0, total, "")
    for done, (path, problem) in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            log.info("import cancelled after %d of %d files", done - 1, total)
            break
        results.append(ImportResult(name=path.name, path=path, error=problem) if problem
                       else import_file(wallet, path, held=held))
        if progress is not None:
            progress(done, total, path.name)
    return results


def import_file(wallet: "Wallet", path: Path, *, held: _Held | None = None) -> ImportResult:
    try:
        data = read_bounded(path)
    except WalletError as exc:
        return ImportResult(name=path.name, path=path, error=exc)
    return import_bytes(wallet, data, name=path.name, source=str(path), path=path, held=held)


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, refusing a file over ``limit`` before reading it."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError("This is not a file that can be imported (it is a device, a pipe or a socket).",
                             f"{path}: mode {oct(info.st_mode)}")
        size = info.st_size
        if size > limit:
            raise _too_large(size, limit)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError("This file could not be read.", f"{path}: {exc.strerror or exc}") from exc
    if len(data) > limit:  # it grew while we looked, or stat lied (a pipe, /proc)
        raise _too_large(len(data), limit)
    return data


def read_stream(stream: BinaryIO, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most ``limit`` bytes from a pipe or standard input; more is refused, not truncated."""
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError("The input could not be read.", str(exc)) from exc
    if len(data) > limit:
        raise _too_large(len(data), limit)
    return data


def _too_large(size: int, limit: int) -> InputTooLarge:
    return InputTooLarge(
        f"This file is too large to be a credential ({size / 1048576:.1f} MB; "
        f"the limit is {limit / 1048576:.0f} MB).",
        f"{size} bytes > {limit}",
    )


def expand(paths: Iterable[str | os.PathLike[str]]) -> Iterable[tuple[Path, WalletError | None]]:
    """Each file to try, with the reason it cannot be, if known already."""
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            yield from ((p, None) for p in _walk(path))
        elif path.exists():
            yield path, None
        else:
            yield path, NotFound("There is no file or folder with this name.", str(path))


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(root) / name
            if not name.startswith(".") and path.is_file() and _plausible(path):
                found.append(path)
    return found


def _plausible(path: Path) -> bool:
    if path.suffix.lower() in CREDENTIAL_EXTENSIONS:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(16).lstrip()
    except OSError:
        return False
    return head.startswith(_SNIFF_PREFIXES)
