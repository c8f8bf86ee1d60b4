"""Status, trust and freshness for one open wallet, behind one small object.

:class:`TrustData` owns the network client and the three services that use the cache
(status lists, key documents and registries, the portable trust file), so the
``Wallet`` facade needs only thin methods, and verification gets its ``documents``,
``status`` and ``trust`` seams from here.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from wallet.clock import Clock, system_clock
from wallet.errors import WalletError
from wallet.net import NetClient, NetworkPolicy, policy_from_settings
from wallet.status import RefreshResult, StatusService, issuer_of, status_entries, wallet_list_verifier
from wallet.registries import Registries, issuers_of, listing_detail, registry_detail
from wallet.trust import TrustService, assertion_methods, did_web_url, document_key
from wallet.trustfile import TrustFiles

log = logging.getLogger(__name__)

AUTOMATIC_FRESH_WITHIN = timedelta(days=1)  # "check automatically" downloads what is older than this


@dataclass(frozen=True)
class RefreshReport:
    """What one "Check status now" did: one line per list or document it tried."""

    results: tuple[RefreshResult, ...] = field(default=())
    registries_attempted: bool = False  # a registry step tried something: any issuer's trust line may read differently

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def fetched(self) -> bool:
        """Whether anything new was downloaded."""
        return any(r.ok for r in self.results)

    @property
    def attempted(self) -> bool:
        """Whether anything was tried online (good or failed), so reports may change."""
        return any(r.url for r in self.results)

    @property
    def message(self) -> str:
        if not self.results:
            return "Nothing to check: none of these credentials has a status list or an online key."
        good = sum(1 for r in self.results if r.ok)
        if good == len(self.results):
            return f"Checked {good} source{'s' if good != 1 else ''}; everything is up to date."
        first_bad = next(r for r in self.results if not r.ok)
        if not first_bad.url:  # nothing was tried: the network setting said no
            return first_bad.message
        bad = len(self.results) - good
        if len(self.results) == 1:
            return f"The check could not be made. {first_bad.message}"
        return f"{bad} of {len(self.results)} checks could not be made. {first_bad.message}"


@dataclass(frozen=True)
class TrustItem:
    """One line of the Trust page: a registry, a trusted issuer, or a saved document."""

    kind: str  # "registry", "issuer", "did-document", "key-document", "status-list"
    key: str  # what identifies it (registry id, DID, address)
    title: str  # in the learner's words
    detail: str  # a second line: how many issuers, which address, ...
    when: datetime | None  # fetched (documents, registries) or added (issuers)
    source: str = ""  # "network", "file", "trust file ..."

    @property
    def kind_label(self) -> str:
        return _KIND_LABELS.get(self.kind, self.kind)


_KIND_LABELS = {
    "registry": "Issuer registry",
    "registry-listing": "Registry's answer about an issuer",
    "issuer": "Issuer you trust",
    "did-document": "Issuer identity (did:web)",
    "key-document": "Issuer key document",
    "status-list": "Status list",
    "trust-file-signer": "Trust files you accepted from",
}


class TrustData:
    """The wallet's network client, status lists, key documents, registries and trust file."""

    def __init__(self, store: Any, *, clock: Clock = system_clock, net: NetClient | None = None, events: Any = None) -> None:
        self.store = store
        self.clock = clock
        self.events = events
        self.net = net or NetClient(lambda: policy_from_settings(store))
        self.trust = TrustService(store, self.net, clock)
        self.registries = Registries(self.trust)
        self.status = StatusService(store, verify_list=wallet_list_verifier(self.trust.documents, clock), net=self.net,
                                    clock=clock, fetch_keys=self._fetch_missing_keys)
        self.files = TrustFiles(store, self.trust, self.status, clock=clock)

    def use_network(self, net: NetClient) -> None:
        """Swap the network client (tests pass one trusting their own test authority)."""
        self.net = net
        self.trust.net = net
        self.status.use_network(net)

    @property
    def policy(self) -> NetworkPolicy:
        return self.net.policy

    # -- the seams of VerifyEnvironment

    @property
    def documents(self) -> Any:
        return self.trust.documents

    # -- going online

    def refresh(self, credentials: Iterable[Any], *, user_initiated: bool = True,
                fresh_within: timedelta | None = None, status: bool = True,
                registries: bool = True) -> RefreshReport:
        """Download the trust data the given credentials need, in one pass.

        ``credentials`` are wallet Credential records or plain JSON documents. Each kind
        of trust data is one step: issuer keys and status lists (``status``), then the
        registries added from the web and what federations say about these credentials'
        issuers (``registries``). With the network setting at "never" (or "only when I
        ask" and not asked) nothing connects: the report says why. ``fresh_within``
        bounds the automatic checks (the AutoRefresher of the app comes here): what was
        downloaded more recently than that is not downloaded again. Listeners hear of
        the change once, when anything was tried.
        """
        credentials = list(credentials)
        try:
            self.net.ensure_allowed(user_initiated=user_initiated)
        except WalletError as exc:  # nothing connects; one line says why
            return RefreshReport((RefreshResult("", False, exc.message, exc.detail),))
        found: list[RefreshResult] = []
        if status:
            docs = [d for d in map(_document_of, credentials) if isinstance(d, dict)]
            # keys first: a list signed with the same did:web key as its credentials then finds it saved
            keys = self._refresh_keys(credentials, docs, user_initiated, fresh_within)
            found += self.status.refresh(docs, user_initiated=user_initiated, fresh_within=fresh_within) + keys
        listed = self.registries.update(issuers_of(credentials), user_initiated=user_initiated,
                                        fresh_within=fresh_within) if registries else []
        report = RefreshReport(tuple(found + listed), registries_attempted=any(r.url for r in listed))
        if report.attempted:
            self.announce_change()
        return report

    def _refresh_keys(self, credentials: list[Any], docs: list[dict[str, Any]], user_initiated: bool,
                      fresh_within: timedelta | None) -> list[RefreshResult]:
        web_keys = {vm for d in docs for vm in _web_keys(d)} | {vm for c in credentials for vm in _jwt_web_keys(c)}
        if fresh_within is not None:
            now = self.clock()
            web_keys = {vm for vm in web_keys
                        if (kept := self.trust.documents.get(vm)) is None or now - kept.fetched_at >= fresh_within}
        results = []
        for vm in sorted(web_keys):
            try:
                self.trust.resolve_for_proof(vm, user_initiated=user_initiated)
                results.append(RefreshResult(vm, True, "Issuer key document downloaded."))
            except WalletError as exc:
                results.append(RefreshResult(vm, False, exc.message, exc.detail))
        return results

    def _fetch_missing_keys(self, document: dict[str, Any], user_initiated: bool) -> None:
        """Fetch the web keys a downloaded status list is signed with that are not saved
        (or whose saved document does not list them), as the network setting allows.
        A DID key of anyone but the list's issuer is not fetched: it could not vouch for it."""
        issuer = issuer_of(document)
        for vm in sorted(_web_keys(document)):
            if vm.startswith("did:") and document_key(vm) != issuer:
                continue
            kept = self.trust.documents.get(vm)
            if kept is None or ("#" in vm and vm.startswith("did:") and vm not in assertion_methods(kept.document)):
                self.trust.resolve_for_proof(vm, user_initiated=user_initiated)

    def needs_network(self, credential: Any) -> bool:
        """Whether this credential has anything that only the network can bring."""
        doc = _document_of(credential)
        if _jwt_web_keys(credential):
            return True
        return isinstance(doc, dict) and (bool(status_entries(doc)) or bool(_web_keys(doc)))

    def items(self) -> list[TrustItem]:
        """Everything the Trust page lists, registries and issuers first."""
        registries = self.trust.registries()
        out = [TrustItem("registry", r.id, r.name, registry_detail(r), r.fetched_at, r.source) for r in registries]
        names, now = {r.id: r.name for r in registries}, self.clock()
        out += [TrustItem("registry-listing", a.key, a.name or a.issuer,
                          (f"{a.issuer}: " if a.name else "") + listing_detail(a, names.get(a.registry_id, a.registry_id), now),
                          a.checked_at, a.source) for a in self.trust.listings.all()]
        out += [TrustItem("issuer", i.id, i.name, i.id, i.added_at, "you") for i in self.trust.trusted_issuers()]
        out += [TrustItem(d.kind, d.url, _short(d.url), _document_detail(d.url), d.fetched_at, d.source)
                for d in self.trust.documents.all()]
        out += [TrustItem("status-list", c.url, _short(c.url), c.url, c.fetched_at, c.source) for c in self.status.cache.all()]
        out += [TrustItem("trust-file-signer", did, label or did, did, None, "you")
                for did, label in self.files.accepted_signers()]
        return out

    def remove(self, item: TrustItem) -> bool:
        """Forget one registry, trusted issuer or saved document."""
        if item.kind == "registry":
            done = self.trust.remove_registry(item.key)
        elif item.kind == "issuer":
            done = self.trust.remove_trusted_issuer(item.key)
        elif item.kind == "trust-file-signer":
            done = self.files.forget_signer(item.key)
        else:
            done = self.store.delete("documents", item.key)
        if done:
            self.announce_change()
        return done

    def announce_change(self) -> None:
        """Tell listeners (the Trust page, the credential list) that trust data changed."""
        if self.events is not None:
            self.events.trust_changed.emit()


def _document_detail(url: str) -> str:
    """Where a saved issuer document lives on the web."""
    if url.startswith("did:web:"):
        try:
            return f"published at {did_web_url(url)}"
        except WalletError:
            return url
    return url


def _short(url: str) -> str:
    """A recognisable short name for an address or DID: its host and last part."""
    if url.startswith("did:web:"):
        return url
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    return f"{host} \u2026/{tail}" if tail and "/" in path else rest


def _document_of(credential: Any) -> Any:
    if isinstance(credential, dict):
        return credential
    try:
        return credential.document
    except (WalletError, ValueError, AttributeError):
        return None


def _jwt_web_keys(credential: Any) -> set[str]:
    """The did:web or https key a JWT credential's header names (kid, else iss)."""
    signed = getattr(credential, "signed", None)
    if getattr(getattr(credential, "envelope", None), "value", "") != "jwt" or not isinstance(signed, str):
        return set()
    try:
        header = json.loads(base64.urlsafe_b64decode(_padded(signed.split(".")[0])))
    except (ValueError, UnicodeDecodeError):
        return set()
    if not isinstance(header, dict):
        return set()
    found = set()
    kid = header.get("kid")
    if isinstance(kid, str) and kid.startswith(("did:web:", "https://")):
        found.add(kid)
    elif not kid:  # no key id: the verifier looks the issuer up instead
        try:
            payload = json.loads(base64.urlsafe_b64decode(_padded(signed.split(".")[1])))
        except (ValueError, UnicodeDecodeError, IndexError):
            payload = None
        iss = payload.get("iss") if isinstance(payload, dict) else None
        if isinstance(iss, str) and iss.startswith(("did:web:", "https://")):
            found.add(iss)
    return found


def _padded(text: str) -> str:
    return text + "=" * (-len(text) % 4)


def _web_keys(document: dict[str, Any]) -> set[str]:
    """verificationMethods of a document's proofs that live on the web (did:web, https)."""
    proofs = document.get("proof")
    found = set()
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict):
            vm = proof.get("verificationMethod")
            vm = vm.get("id") if isinstance(vm, dict) else vm
            if isinstance(vm, str) and (vm.startswith("did:web:") or vm.startswith("https://")):
                found.add(vm)
    return found
