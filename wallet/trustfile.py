"""The portable trust file: cached trust data carried on a USB stick to an offline machine.

One JSON file holds cached DID and key documents, status lists and issuer registries,
each with the date it was fetched, and is signed with a Data Integrity proof
(``eddsa-jcs-2022``) by a key of its own that each wallet keeps for this purpose (sealed
in the store, like every secret). Why its own key and not the learner's holder
identity: a school hands the same file to many learners, and the learner's holder DID
should not travel on a stick with it. The file format is described in
docs/trust-file.md.

On import the signature is checked first; nothing is merged from a file that fails.
A file signed by a key this wallet has not accepted before is refused until the learner
says they trust whoever made it (the CLI's ``--trust-signer``, a confirmation in the
app), because a forged did:web document could otherwise make a forged credential look
genuine. Then every entry is checked as if it had just been downloaded (a DID document's
id must be its DID; a status list's own signature must hold) and merged: for each
entry, the newer copy wins.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wallet.clock import Clock, system_clock
from wallet.errors import WalletError
from wallet.formats.detect import read_json_file
from wallet.listings import listing_from_json, listing_to_json
from wallet.registries import recheck_listing
from wallet.status import CLOCK_SKEW, StatusService
from wallet.trust import (
    KIND_DID,
    KIND_KEY,
    DocumentRecord,
    TrustService,
    check_document,
    registry_from_json,
    registry_to_json,
)
from wallet.verify import jcs
from wallet.verify import keys as k
from wallet.verify import multibase as mb
from wallet.verify.dates import parse_stamp
from wallet.verify.dids import KeyProblem, did_key_from_public_key, resolve_did_key

log = logging.getLogger(__name__)

FILE_TYPE = "LearnerWalletTrustFile"
VERSION = 1
CRYPTOSUITE = "eddsa-jcs-2022"
MAX_FILE_BYTES = 64 * 1024 * 1024
# Objects and arrays in one trust file: room for about twenty registries of the most
# issuers the wallet reads (one array each), beside the documents and status lists.
MAX_FILE_CONTAINERS = 2_000_000
_KEY_ROW = "trust-file-signing-key"
KIND_SIGNING_KEY = "signing-key"
KIND_SIGNER = "trust-file-signer"
_SIGNER_PREFIX = "trust-file-signer:"


class TrustFileError(WalletError):
    """A trust file that cannot be used: unreadable, unsigned, forged, or from an unaccepted signer."""


class UntrustedSigner(TrustFileError):
    """A correctly signed trust file from a key this wallet has not accepted yet."""

    def __init__(self, message: str, detail: str, signer: str) -> None:
        super().__init__(message, detail)
        self.signer = signer


@dataclass(frozen=True)
class TrustFile:
    """A trust file whose signature has been checked."""

    signer: str  # did:key of the key that signed it
    created: datetime
    label: str
    documents: tuple[dict[str, Any], ...]
    status_lists: tuple[dict[str, Any], ...]
    registries: tuple[dict[str, Any], ...]
    listings: tuple[dict[str, Any], ...] = ()  # what federation registries said about issuers


@dataclass(frozen=True)
class Rejection:
    """An entry of a trust file that was not used: which, why in a sentence, and the technical detail."""

    what: str
    message: str
    detail: str = ""


@dataclass
class ImportSummary:
    signer: str
    added: int = 0
    kept_newer: int = 0  # entries skipped because this wallet already had a newer copy
    rejected: list[Rejection] = field(default_factory=list)

    def reject(self, what: str, exc: Exception) -> None:
        """Note an entry not used: a WalletError says why itself; anything else means the
        entry lacks a field or holds the wrong kind of value."""
        if isinstance(exc, WalletError):
            self.rejected.append(Rejection(what, exc.message, exc.detail))
        else:
            self.rejected.append(Rejection(what, "This entry is damaged or incomplete, so it was not used.",
                                           f"{type(exc).__name__}: {exc}"))

    @property
    def message(self) -> str:
        parts = [f"{self.added} item{'s' if self.added != 1 else ''} added or updated"]
        if self.kept_newer:
            parts.append(f"{self.kept_newer} already newer here")
        if self.rejected:
            parts.append(f"{len(self.rejected)} not used")
        return "Trust file imported: " + ", ".join(parts) + "."


# ---------------------------------------------------------------- signing

def _hash_data(document: dict[str, Any], config: dict[str, Any]) -> bytes:
    return hashlib.sha256(jcs.canonicalize(config)).digest() + hashlib.sha256(jcs.canonicalize(document)).digest()


def sign_document(document: dict[str, Any], key: Ed25519PrivateKey, created: datetime) -> dict[str, Any]:
    """``document`` with an eddsa-jcs-2022 proof by ``key`` (a did:key verification method)."""
    did = did_key_from_public_key(key)
    config = {
        "type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": f"{did}#{did[len('did:key:'):]}", "proofPurpose": "assertionMethod",
    }
    unsigned = {key_: value for key_, value in document.items() if key_ != "proof"}
    signature = key.sign(_hash_data(unsigned, config))
    return {**unsigned, "proof": {**config, "proofValue": mb.multibase_encode(signature)}}


def verify_document(document: dict[str, Any]) -> str:
    """The did:key that signed ``document``; a TrustFileError if the proof does not hold."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise TrustFileError("This trust file is not signed, so it was not used.", "no proof object")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise TrustFileError("This trust file is signed in a way the wallet does not accept.", f"proof {proof.get('type')}/{proof.get('cryptosuite')}")
    vm = str(proof.get("verificationMethod") or "")
    if not vm.startswith("did:key:") or proof.get("proofPurpose") != "assertionMethod":
        raise TrustFileError("This trust file's signature does not name a usable key.", f"verificationMethod {vm!r}")
    try:
        resolved = resolve_did_key(vm)
        signature = mb.multibase_decode(str(proof.get("proofValue") or ""))
    except (KeyProblem, mb.EncodingError) as exc:
        raise TrustFileError("This trust file's signature is damaged.", str(exc)) from None
    config = {key_: value for key_, value in proof.items() if key_ != "proofValue"}
    unsigned = {key_: value for key_, value in document.items() if key_ != "proof"}
    try:
        data = _hash_data(unsigned, config)
    except (ValueError, TypeError, RecursionError) as exc:
        raise TrustFileError("This trust file cannot be read.", f"JCS: {exc}") from None
    if not k.verify_raw(resolved.public_key, signature, data):
        raise TrustFileError(
            "This trust file was changed after it was signed, or the signature is not genuine, so nothing was imported.",
            f"{CRYPTOSUITE} signature does not verify with {vm}",
        )
    return resolved.published_by


# ---------------------------------------------------------------- the service

class TrustFiles:
    """Export and import of the portable trust file for one wallet."""

    def __init__(self, store: Any, trust: TrustService, status: StatusService, *, clock: Clock = system_clock) -> None:
        self._store = store
        self._trust = trust
        self._status = status
        self._clock = clock

    # -- this wallet's own signing key

    def signing_key(self) -> Ed25519PrivateKey:
        value = self._store.fetch("documents", _KEY_ROW)
        if isinstance(value, dict) and value.get("kind") == KIND_SIGNING_KEY:
            return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(value["seed"]))
        key = Ed25519PrivateKey.generate()
        seed = key.private_bytes_raw().hex()
        self._store.put("documents", _KEY_ROW, {"kind": KIND_SIGNING_KEY, "seed": seed}, stamp=self._clock(), kind=KIND_SIGNING_KEY)
        return key

    def signer_did(self) -> str:
        return did_key_from_public_key(self.signing_key())

    def accepted_signers(self) -> list[tuple[str, str]]:
        """(did, label) of trust-file signers the learner has accepted."""
        return [(v["did"], v.get("label", "")) for _k, _ts, v in self._store.items("documents", kind=KIND_SIGNER) if isinstance(v, dict)]

    def accept_signer(self, did: str, label: str = "") -> None:
        value = {"kind": KIND_SIGNER, "did": did, "label": label}
        self._store.put("documents", _SIGNER_PREFIX + did, value, stamp=self._clock(), kind=KIND_SIGNER)

    def forget_signer(self, did: str) -> bool:
        return self._store.delete("documents", _SIGNER_PREFIX + did)

    def _is_accepted(self, did: str) -> bool:
        return did == self.signer_did() or self._store.fetch("documents", _SIGNER_PREFIX + did) is not None

    # -- export

    def build(self, label: str = "") -> dict[str, Any]:
        """The signed trust file document holding everything this wallet has cached."""
        documents = [
            {"url": r.url, "kind": r.kind, "fetchedAt": r.fetched_at.isoformat(), "document": r.document}
            for r in self._trust.documents.all()
        ]
        lists = [
            {"url": c.url, "format": c.format, "fetchedAt": c.fetched_at.isoformat(), "document": c.document}
            for c in self._status.cache.all()
        ]
        registries = []
        for reg in self._trust.registries():
            row = registry_to_json(reg)
            row.pop("kind", None)
            registries.append(row)
        listings = [{k: v for k, v in listing_to_json(a).items() if k not in ("kind", "source")}
                    for a in self._trust.listings.all()]
        now = self._clock()
        body = {
            "type": FILE_TYPE, "version": VERSION, "created": now.isoformat(), "label": label,
            "documents": documents, "statusLists": lists, "registries": registries, "registryListings": listings,
        }
        return sign_document(body, self.signing_key(), now)

    def export(self, path: Path, label: str = "") -> dict[str, int]:
        """Write the signed trust file to ``path`` (atomically); counts of what it holds."""
        document = self.build(label)
        data = json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")
        _write_atomic(Path(path), data)
        return {"documents": len(document["documents"]), "statusLists": len(document["statusLists"]),
                "registries": len(document["registries"]), "registryListings": len(document["registryListings"])}

    # -- import

    def read(self, path: Path) -> TrustFile:
        """Read and check a trust file's signature; nothing is merged yet."""
        return parse(read_json_file(path, what="This trust file", kind="Learner Wallet trust file", max_bytes=MAX_FILE_BYTES,
                                    max_containers=MAX_FILE_CONTAINERS, error=TrustFileError))

    def import_file(self, path: Path, *, trust_signer: bool = False) -> ImportSummary:
        """Check, then merge a trust file; newer entries win."""
        tf = self.read(path)
        if not self._is_accepted(tf.signer):
            if not trust_signer:
                raise UntrustedSigner(
                    "This trust file was made by someone this wallet has not trusted before; "
                    "import it only if you trust whoever gave it to you.",
                    f"signer {tf.signer} ({tf.label or 'no label'})", tf.signer,
                )
            self.accept_signer(tf.signer, tf.label)
        return self.merge(tf)

    def merge(self, tf: TrustFile) -> ImportSummary:
        summary = ImportSummary(tf.signer)
        origin = f"trust file {tf.label or tf.signer} of {tf.created.date().isoformat()}"
        for row in tf.documents:  # documents first: status lists may be signed with did:web keys
            self._merge_document(row, tf, origin, summary)
        for row in tf.registries:
            self._merge_registry(row, tf, origin, summary)
        for row in tf.listings:
            self._merge_listing(row, tf, origin, summary)
        for row in tf.status_lists:
            self._merge_list(row, tf, origin, summary)
        return summary

    def _entry_date(self, value: Any, tf: TrustFile) -> datetime:
        """An entry's date, if it can be believed: not after the file was made, nor after now.

        A later date would make the entry look newer than anything downloaded here, for
        good; such an entry is refused rather than kept.
        """
        when = _date(value)
        if when > tf.created:
            raise TrustFileError("This entry is dated after the trust file was made, so it was not used.",
                                 f"fetchedAt {when.isoformat()} > created {tf.created.isoformat()}")
        now = self._clock()
        if when > now + CLOCK_SKEW:
            raise TrustFileError(
                "This entry is dated in the future, so it was not used; check the clock of the computer that made the file.",
                f"fetchedAt {when.isoformat()}, now {now.isoformat()}")
        return when

    @staticmethod
    def _merge_one(summary: ImportSummary, what: str, build: Callable[[], Any], keep: Callable[[Any], bool]) -> None:
        """Check one entry (``build`` raises if it cannot be used) and keep it unless the
        wallet holds one as new or newer; either way the summary says what happened."""
        try:
            item = build()
        except (KeyError, TypeError, ValueError, WalletError) as exc:
            summary.reject(what, exc)
            return
        if keep(item):
            summary.added += 1
        else:
            summary.kept_newer += 1

    def _merge_document(self, row: dict[str, Any], tf: TrustFile, origin: str, summary: ImportSummary) -> None:
        url = str(row.get("url", ""))

        def build() -> DocumentRecord:
            # the kind follows from the address, not from what the file says; which keys
            # may sign what is read from the document at verification (a key listed
            # under no purpose signs nothing), as for a downloaded one
            kind = KIND_DID if url.startswith("did:") else KIND_KEY
            document = check_document(url, row.get("document"))
            return DocumentRecord(url, kind, self._entry_date(row.get("fetchedAt"), tf), document, origin)

        self._merge_one(summary, url or "a document", build,
                        lambda record: self._trust.documents.put(record, replace_same_age=False))

    def _merge_registry(self, row: dict[str, Any], tf: TrustFile, origin: str, summary: ImportSummary) -> None:
        def build() -> Any:
            reg = registry_from_json({**row, "source": origin})
            self._entry_date(reg.fetched_at.isoformat(), tf)
            return reg

        self._merge_one(summary, str(row.get("name", "a registry")), build,
                        lambda reg: self._trust.keep_registry(reg, replace_same_age=False))

    def _merge_listing(self, row: dict[str, Any], tf: TrustFile, origin: str, summary: ImportSummary) -> None:
        """A federation's answer about an issuer: both signed statements are checked
        again, as of the date the answer was given."""
        def build() -> Any:
            self._entry_date(row.get("checkedAt"), tf)  # a date in the future would win every merge
            return recheck_listing(listing_from_json(row), origin)

        self._merge_one(summary, f"{row.get('issuer', 'an issuer')} in {row.get('registryId', 'a registry')}",
                        build, lambda listing: self._trust.listings.put(listing, replace_same_age=False))

    def _merge_list(self, row: dict[str, Any], tf: TrustFile, origin: str, summary: ImportSummary) -> None:
        url = str(row.get("url", ""))
        try:
            when = self._entry_date(row.get("fetchedAt"), tf)
            if self._status.holds_newer(url, when, or_as_new=True):
                summary.kept_newer += 1
                return
            self._status.accept(url, row.get("document"), fmt=str(row.get("format", "credential")), fetched_at=when, source=origin)
        except WalletError as exc:
            summary.reject(url or "a status list", exc)
            return
        summary.added += 1


def parse(document: Any) -> TrustFile:
    """A checked :class:`TrustFile` from its JSON; a TrustFileError if it is not one."""
    if not isinstance(document, dict) or document.get("type") != FILE_TYPE:
        raise TrustFileError("This file is not a Learner Wallet trust file.", "type is not LearnerWalletTrustFile")
    if document.get("version") != VERSION:
        raise TrustFileError("This trust file was made by a newer version of the wallet.", f"version {document.get('version')}")
    signer = verify_document(document)
    rows = {}
    for name in ("documents", "statusLists", "registries", "registryListings"):  # older files lack registryListings
        value = document.get(name, [])
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            raise TrustFileError("This trust file is damaged.", f"{name} is not a list of objects")
        rows[name] = tuple(value)
    return TrustFile(signer, _date(document.get("created")), str(document.get("label") or ""),
                     rows["documents"], rows["statusLists"], rows["registries"], rows["registryListings"])


def _date(value: Any) -> datetime:
    try:
        return parse_stamp(value)
    except ValueError as exc:
        raise TrustFileError("An entry in the trust file has no readable date.", str(exc)) from None


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".trust-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
