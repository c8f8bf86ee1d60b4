"""Who the issuer is: cached did:web and key documents, issuer registries, trusted issuers.

Key documents (did:web DID documents and https-hosted key documents) are fetched only
through :mod:`wallet.net` and only when allowed, and are kept with the date they were
fetched; verification then reads them offline through :class:`DocumentCache`, the
``DocumentSource`` of :mod:`wallet.verify.environment`. A fetched document is kept only
if it is what it claims to be: https only, its ``id`` equal to the DID or address it was
fetched as, no redirect to another host (the client refuses those), and, when fetched
for a particular key, that key listed for ``assertionMethod``. What a key document says
about its controller is never believed here: whether a key is the issuer's is decided
from the issuer's own document at verification (``wallet.verify.binding``).

Issuer registries say who an issuer is (docs/trust-registry.md). Lists are kept
whole: the Digital Credentials Consortium's "legacy" registry (``{"meta": ...,
"registry": {DID: {name, location, url}}}``) and a simple format of our own. OpenID
Federation registries are asked about each issuer instead, and their answers are kept
in :mod:`wallet.listings`; adding, updating and asking live in :mod:`wallet.registries`.
The learner may also keep a list of issuers they trust themselves.
:class:`TrustService` is the ``TrustChecker``: "Issuer listed in <registry> as <name>",
or "Issuer not in any registry you trust" as a warning, never a failure; with no
registry and no trusted issuer at all, a neutral line that says nothing was checked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from wallet.clock import Clock, system_clock
from wallet.errors import InputError, InputTooLarge, NetworkError, WalletError
from wallet.listings import ListingCache, listing_check, unasked
from wallet.verify.dates import human
from wallet.verify.dids import listed_for
from wallet.verify.environment import CachedDocument
from wallet.verify.report import Check, CheckName, Outcome

log = logging.getLogger(__name__)

NO_REGISTRY_LINE = "Issuer not checked against any registry: you have not added one yet (see Trust)."
KIND_DID = "did-document"
KIND_KEY = "key-document"
KIND_REGISTRY = "registry"
KIND_TRUSTED = "trusted-issuer"
_REGISTRY_PREFIX = "registry:"
_TRUSTED_PREFIX = "trusted-issuer:"
OWN_FORMAT = "LearnerWalletIssuerRegistry"
FORMAT_DCC, FORMAT_OWN, FORMAT_OIDF = "dcc", "learner-wallet", "oidf"
MAX_REGISTRY_BYTES = 8 * 1024 * 1024
MAX_REGISTRY_ISSUERS = 100_000


class TrustError(WalletError):
    """A key document or registry that cannot be used (wrong id, wrong format, ...)."""


# ---------------------------------------------------------------- did:web

def did_web_url(did: str) -> str:
    """The https address of a did:web DID document (W3C did:web method)."""
    if not did.startswith("did:web:") or "#" in did or "?" in did:
        raise TrustError("That is not a did:web identifier.", did)
    parts = did[len("did:web:"):].split(":")
    host = unquote(parts[0])
    if not host or "/" in host or "@" in host:
        raise TrustError("That did:web identifier has no valid host.", did)
    path = "/".join(quote(unquote(p), safe="") for p in parts[1:]) if len(parts) > 1 else ".well-known"
    if any(not p for p in parts[1:]):
        raise TrustError("That did:web identifier has an empty path part.", did)
    return f"https://{host}/{path}/did.json"


def document_key(url: str) -> str:
    """The cache key of a DID or an https address: without its #fragment."""
    return url.partition("#")[0]


def assertion_methods(document: dict[str, Any]) -> set[str]:
    """The ids of the keys a DID document lists for assertionMethod (absolute)."""
    return set(listed_for(document, "assertionMethod"))


def check_document(url: str, document: Any, *, key_id: str = "") -> dict[str, Any]:
    """The document if it is what ``url`` promises; a TrustError otherwise."""
    if not isinstance(document, dict):
        raise TrustError("The key document is not a JSON object.", f"{url}: {type(document).__name__}")
    wanted = document_key(url)
    got = document.get("id")
    if got != wanted:
        raise TrustError(
            "The key document names a different identity than the one asked for, so it was not used.",
            f"asked for {wanted}, document id is {got!r}",
        )
    if key_id and wanted.startswith("did:") and key_id not in assertion_methods(document):
        raise TrustError(
            "The issuer's published document does not list this key for signing credentials, so it was not used.",
            f"{key_id} not in assertionMethod of {wanted}",
        )
    return document


# ---------------------------------------------------------------- the document cache

@dataclass(frozen=True)
class DocumentRecord:
    url: str
    kind: str
    fetched_at: datetime
    document: dict[str, Any]
    source: str = "network"


class DocumentCache:
    """DID and key documents in the store's sealed ``documents`` table (a DocumentSource)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def lookup(self, url: str) -> CachedDocument | None:
        record = self.get(url)
        if record is None:
            return None
        return CachedDocument(url=record.url, document=record.document, fetched_at=record.fetched_at)

    def get(self, url: str) -> DocumentRecord | None:
        key = document_key(url)
        value = self._store.fetch("documents", key)
        if not isinstance(value, dict) or value.get("kind") not in (KIND_DID, KIND_KEY):
            return None
        return _record_from(key, value)

    def put(self, record: DocumentRecord, *, replace_same_age: bool = True) -> bool:
        """Keep a document unless a newer copy (or, if asked, one as old) is already kept."""
        old = self.get(record.url)
        if old is not None and (old.fetched_at > record.fetched_at or
                                (not replace_same_age and old.fetched_at == record.fetched_at)):
            return False
        value = {
            "kind": record.kind, "url": record.url, "document": record.document,
            "fetched_at": record.fetched_at.isoformat(), "source": record.source,
        }
        self._store.put("documents", record.url, value, stamp=record.fetched_at, kind=record.kind)
        return True

    def all(self) -> list[DocumentRecord]:
        out = []
        for kind in (KIND_DID, KIND_KEY):
            out += [_record_from(k, v) for k, _ts, v in self._store.items("documents", kind=kind) if isinstance(v, dict)]
        return sorted(out, key=lambda r: r.url)

    def forget(self, url: str) -> bool:
        return self._store.delete("documents", document_key(url))


def _record_from(key: str, value: dict[str, Any]) -> DocumentRecord:
    return DocumentRecord(
        url=key, kind=value["kind"], fetched_at=datetime.fromisoformat(value["fetched_at"]),
        document=value.get("document") or {}, source=value.get("source", "network"),
    )


# ---------------------------------------------------------------- registries

@dataclass(frozen=True)
class RegistryEntry:
    id: str  # the issuer's DID (or URL)
    name: str
    url: str = ""
    location: str = ""


@dataclass(frozen=True)
class Registry:
    id: str  # the address it was loaded from (a federation's: its entity configuration), or "file:<name>"
    name: str
    format: str  # "dcc", "learner-wallet" or "oidf" (asked issuer by issuer; no entries)
    entries: tuple[RegistryEntry, ...]
    fetched_at: datetime  # when its list (a federation: its signed description) was last read
    source_url: str = ""  # where to update it from, when it came from the web
    updated: str = ""  # the registry's own "last updated", as it says it
    source: str = "file"
    loaded: bool = True  # False: named in a list of registries but not downloaded yet

    def find(self, issuer_id: str) -> RegistryEntry | None:
        for entry in self.entries:
            if entry.id == issuer_id:
                return entry
        return None


def parse_registry(data: Any, *, name: str = "", source_url: str = "", fetched_at: datetime, source: str = "file",
                   fallback_name: str = "") -> Registry:
    """A registry from either supported format; a TrustError naming what is wrong.

    Its name: the one given, else the registry's own (our format has one), else the
    host it came from, else ``fallback_name`` (a file's name).
    """
    if not isinstance(data, dict):
        raise TrustError("This file is not an issuer registry.", f"top level is {type(data).__name__}")
    if data.get("type") == OWN_FORMAT:
        return _parse_own(data, name, source_url, fetched_at, source, fallback_name)
    if isinstance(data.get("registry"), dict):
        return _parse_dcc(data, name, source_url, fetched_at, source, fallback_name)
    raise TrustError(
        "This file is not an issuer registry the wallet can read.",
        "expected a Digital Credentials Consortium registry ({meta, registry}) or a LearnerWalletIssuerRegistry",
    )


def _parse_dcc(data: dict[str, Any], name: str, source_url: str, fetched_at: datetime, source: str,
               fallback_name: str) -> Registry:
    rows = data["registry"]
    if len(rows) > MAX_REGISTRY_ISSUERS:
        raise InputTooLarge("The issuer registry is too large to read.", f"{len(rows)} issuers")
    entries = []
    for did, info in rows.items():
        info = info if isinstance(info, dict) else {}
        entries.append(RegistryEntry(str(did), str(info.get("name") or did), str(info.get("url") or ""), str(info.get("location") or "")))
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    label = name or _name_from_url(source_url) or fallback_name or "Issuer registry"
    return Registry(_registry_id(source_url, label), label, FORMAT_DCC, tuple(entries), fetched_at, source_url, str(meta.get("updated") or ""), source)


def _parse_own(data: dict[str, Any], name: str, source_url: str, fetched_at: datetime, source: str,
               fallback_name: str) -> Registry:
    if data.get("version", 1) != 1:
        raise TrustError("This issuer registry was written for a newer version of the wallet.", f"version {data.get('version')}")
    issuers = data.get("issuers")
    if not isinstance(issuers, list):
        raise TrustError("The issuer registry has no list of issuers.", "issuers missing")
    if len(issuers) > MAX_REGISTRY_ISSUERS:
        raise InputTooLarge("The issuer registry is too large to read.", f"{len(issuers)} issuers")
    entries = []
    for i, row in enumerate(issuers):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not row["id"]:
            raise TrustError(f"Issuer number {i + 1} in the registry has no identifier.", f"issuers[{i}]")
        entries.append(RegistryEntry(row["id"], str(row.get("name") or row["id"]), str(row.get("url") or ""), str(row.get("location") or "")))
    label = name or str(data.get("name") or "") or _name_from_url(source_url) or fallback_name or "Issuer registry"
    url = source_url or str(data.get("url") or "")
    return Registry(_registry_id(url, label), label, FORMAT_OWN, tuple(entries), fetched_at, url, str(data.get("updated") or ""), source)


def _name_from_url(url: str) -> str:
    return urlsplit(url).hostname or "" if url else ""


def _registry_id(url: str, name: str) -> str:
    return url or f"file:{name}"


def registry_to_json(reg: Registry) -> dict[str, Any]:
    return {
        "kind": KIND_REGISTRY, "id": reg.id, "name": reg.name, "format": reg.format,
        "entries": [[e.id, e.name, e.url, e.location] for e in reg.entries],
        "fetched_at": reg.fetched_at.isoformat(), "source_url": reg.source_url, "updated": reg.updated, "source": reg.source,
        "loaded": reg.loaded,
    }


def registry_from_json(value: dict[str, Any]) -> Registry:
    return Registry(
        id=value["id"], name=value["name"], format=value.get("format", "learner-wallet"),
        entries=tuple(RegistryEntry(*row) for row in value.get("entries", [])),
        fetched_at=datetime.fromisoformat(value["fetched_at"]), source_url=value.get("source_url", ""),
        updated=value.get("updated", ""), source=value.get("source", "file"), loaded=bool(value.get("loaded", True)),
    )


@dataclass(frozen=True)
class TrustedIssuer:
    id: str
    name: str
    added_at: datetime


# ---------------------------------------------------------------- the service

@dataclass
class TrustService:
    """The TrustChecker, the DocumentSource, and the fetching that fills them."""

    store: Any
    net: Any = None  # wallet.net.NetClient, or None on a machine that never goes online
    clock: Clock = system_clock
    documents: DocumentCache = field(init=False)
    listings: ListingCache = field(init=False)

    _registries: list[Registry] | None = field(init=False, default=None, repr=False)
    _index: dict[str, tuple[Registry, RegistryEntry]] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.documents = DocumentCache(self.store)
        self.listings = ListingCache(self.store)

    # -- TrustChecker

    def check(self, issuer_id: str) -> Check:
        own = self.trusted_issuer(issuer_id)
        if own is not None:
            return Check(CheckName.TRUST, Outcome.PASSED, f"Issuer is on your own list of trusted issuers as {own.name}.",
                         f"{issuer_id}: trusted by you since {own.added_at.date().isoformat()}", "trusted-by-you")
        registries = self.registries()
        if issuer_id in self._index:
            reg, entry = self._index[issuer_id]
            detail = f"{issuer_id} in {reg.id} ({reg.format}), registry copy of {reg.fetched_at.date().isoformat()}"
            return Check(CheckName.TRUST, Outcome.PASSED, f"Issuer listed in {reg.name} as {entry.name} (registry copy of {human(reg.fetched_at)}).", detail, "issuer-listed")
        federations = [r for r in sorted(registries, key=lambda r: r.name.casefold()) if r.format == FORMAT_OIDF]
        line = listing_check(issuer_id, federations, self.listings, self.clock())
        if line is not None:
            return line
        if not registries and not self.trusted_issuers():
            # Nothing to compare with yet: a neutral line (no tick, no warning), so that
            # "with warnings" keeps its meaning once the learner has chosen whom to trust.
            return Check(CheckName.TRUST, Outcome.INFO, NO_REGISTRY_LINE,
                         f"{issuer_id or '(no issuer id)'}: no registries and no trusted issuers", "no-registries")
        waiting = unasked(issuer_id, federations, self.listings) + [r for r in registries if not r.loaded and r not in federations]
        if waiting:
            who = f"{waiting[0].name} could" if len(waiting) == 1 else f"{len(waiting)} of them could"
            return Check(CheckName.TRUST, Outcome.WARNING,
                         f"Issuer not in any registry you trust so far; {who} not be checked yet (use Update registries on the Trust page).",
                         f"{issuer_id or '(no issuer id)'}: not asked yet: {', '.join(r.id for r in waiting)}", "issuer-not-looked-up")
        count = len(registries)
        return Check(CheckName.TRUST, Outcome.WARNING, f"Issuer not in any registry you trust{_web_hint(issuer_id)}.",
                     f"{issuer_id or '(no issuer id)'} not found in {count} registr{'y' if count == 1 else 'ies'}", "issuer-unknown")

    # -- documents (did:web, https key documents)

    def resolve(self, url: str, *, key_id: str = "", user_initiated: bool = True) -> DocumentRecord:
        """Fetch and keep the DID document or key document behind a DID or https address."""
        key = document_key(url)
        if key.startswith("did:web:"):
            address, kind = did_web_url(key), KIND_DID
        elif key.startswith("https://"):
            address, kind = key, KIND_KEY
        elif key.startswith("did:key:") or key.startswith("did:jwk:"):
            raise TrustError("This identifier carries its key in itself; nothing needs downloading.", key)
        else:
            raise TrustError("Only did:web identifiers and https addresses are looked up.", key)
        if self.net is None:
            raise NetworkError("This wallet has no network access set up.", "no network client")
        document = self.net.get_json(address, user_initiated=user_initiated, max_bytes=512 * 1024)
        check_document(key, document, key_id=key_id if key_id != key else "")
        record = DocumentRecord(key, kind, self.clock(), document, "network")
        self.documents.put(record)
        return record

    def resolve_for_proof(self, verification_method: str, *, user_initiated: bool = True) -> DocumentRecord | None:
        """Fetch what a proof's verificationMethod needs, when it lives on the web.

        A separate https key document cannot make its key the issuer's by naming a
        controller (see wallet.verify.binding): the controller's own profile must list
        it. So that profile is fetched too, when it sits on the key's own host.
        """
        vm = verification_method.strip()
        if not (vm.startswith("did:web:") or vm.startswith("https://")):
            return None
        record = self.resolve(vm, key_id=vm if "#" in vm else "", user_initiated=user_initiated)
        controller = _same_host_controller(record)
        if controller and self.documents.get(controller) is None:
            try:
                self.resolve(controller, user_initiated=user_initiated)
            except WalletError as exc:  # the key is kept; its binding stays "cannot be checked offline"
                log.info("controller profile %s not fetched: %s", controller, exc.message)
        return record

    # -- registries

    def registries(self) -> list[Registry]:
        """The registries kept (read once, then from memory until one is added or removed)."""
        if self._registries is None:
            self._registries = [registry_from_json(v) for _k, _ts, v in self.store.items("documents", kind=KIND_REGISTRY)
                                if isinstance(v, dict)]
            self._index = {}
            for reg in sorted(self._registries, key=lambda r: r.name.casefold(), reverse=True):
                for entry in reg.entries:
                    self._index[entry.id] = (reg, entry)  # the first registry by name wins a tie
        return list(self._registries)

    def registry(self, reg_id: str) -> Registry | None:
        value = self.store.fetch("documents", _REGISTRY_PREFIX + reg_id)
        return registry_from_json(value) if isinstance(value, dict) else None

    def keep_registry(self, reg: Registry, *, replace_same_age: bool = True) -> bool:
        """Keep a registry unless a newer copy (or, if asked, one as old) is already kept."""
        old = self.registry(reg.id)
        if old is not None and (old.fetched_at > reg.fetched_at or
                                (not replace_same_age and old.fetched_at == reg.fetched_at)):
            return False
        self.store.put("documents", _REGISTRY_PREFIX + reg.id, registry_to_json(reg), stamp=reg.fetched_at, kind=KIND_REGISTRY)
        self._registries = None
        return True

    def remove_registry(self, reg_id: str) -> bool:
        """Stop using a registry, and forget what it said about issuers."""
        self._registries = None
        self.listings.forget_registry(reg_id)
        return self.store.delete("documents", _REGISTRY_PREFIX + reg_id)

    # -- the learner's own trusted issuers

    def trusted_issuers(self) -> list[TrustedIssuer]:
        return [_trusted_from(v) for _k, _ts, v in self.store.items("documents", kind=KIND_TRUSTED) if isinstance(v, dict)]

    def trusted_issuer(self, issuer_id: str) -> TrustedIssuer | None:
        if not issuer_id:
            return None
        value = self.store.fetch("documents", _TRUSTED_PREFIX + issuer_id)
        return _trusted_from(value) if isinstance(value, dict) else None

    def add_trusted_issuer(self, issuer_id: str, name: str = "") -> TrustedIssuer:
        issuer_id = issuer_id.strip()
        if not (issuer_id.startswith("did:") or issuer_id.startswith("https://")) or " " in issuer_id:
            raise InputError("An issuer is named by a DID (did:...) or an https address.", issuer_id)
        when = self.clock()
        value = {"kind": KIND_TRUSTED, "id": issuer_id, "name": name.strip() or issuer_id, "added_at": when.isoformat()}
        self.store.put("documents", _TRUSTED_PREFIX + issuer_id, value, stamp=when, kind=KIND_TRUSTED)
        return _trusted_from(value)

    def remove_trusted_issuer(self, issuer_id: str) -> bool:
        return self.store.delete("documents", _TRUSTED_PREFIX + issuer_id)


def _same_host_controller(record: DocumentRecord) -> str:
    """The https profile a standalone key document names as its controller (or OB 2.0
    owner), when it is on the key's own host; "" otherwise."""
    doc = record.document
    named = doc.get("controller") or doc.get("owner")
    if record.kind != KIND_KEY or doc.get("id") != record.url or not isinstance(named, str):
        return ""
    named = document_key(named)
    if not named.startswith("https://") or named == record.url:
        return ""
    return named if urlsplit(named).hostname == urlsplit(record.url).hostname else ""


def _web_hint(issuer_id: str) -> str:
    """What the issuer's id itself ties it to, for the "not in any registry" line."""
    if issuer_id.startswith("did:web:"):
        return f" (its identity is tied to the web address {unquote(issuer_id[len('did:web:'):].split(':')[0])})"
    if issuer_id.startswith("https://"):
        return f" (it names the web address {urlsplit(issuer_id).hostname})"
    return ""


def _trusted_from(value: dict[str, Any]) -> TrustedIssuer:
    return TrustedIssuer(value["id"], value.get("name", value["id"]), datetime.fromisoformat(value["added_at"]))


def age_words(then: datetime, now: datetime) -> str:
    """How old something is, in words for a list ("today", "3 days ago")."""
    days = (now.astimezone(timezone.utc).date() - then.astimezone(timezone.utc).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    return f"{days // 30} months ago"
