"""Adding issuer registries, keeping them current, and asking federations about issuers.

What the learner adds (a file or an https address) is one of (docs/trust-registry.md):

- one registry list, read whole: the Digital Credentials Consortium's "legacy"
  registry or our own format (:func:`wallet.trust.parse_registry`);
- a list of registries, as the DCC publishes for its wallet and verifier: a JSON array
  of ``{"name", "type": "oidf" | "dcc-legacy", "url" | "trustAnchorEC"}``. Each
  registry it names is kept (by its address) and then downloaded or, for a
  federation, its signed description checked; what cannot be reached now waits,
  marked not yet downloaded, for the next update;
- the address of an OpenID Federation trust anchor's entity configuration
  (``.../.well-known/openid-federation``): one federation registry.

A federation is not a list: it is asked about each issuer the learner holds
credentials from (:mod:`wallet.oidf` checks its signed answers) and the answers are
kept with their dates and expiry in :mod:`wallet.listings`, so the trust line works
offline. Everything goes through the wallet's one network client, within the
learner's network setting; every outcome is one :class:`~wallet.status.RefreshResult`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from wallet.errors import InputTooLarge, NetworkError, WalletError
from wallet.formats.detect import read_json_file
from wallet.listings import Listing
from wallet.net import host_of
from wallet.oidf import (
    MAX_STATEMENT_BYTES,
    WELL_KNOWN,
    FederationError,
    TrustAnchor,
    fetch_address,
    issuer_details,
    statement_text,
    verify_entity_configuration,
    verify_subordinate,
)
from wallet.status import RefreshResult, issuer_of
from wallet.trust import FORMAT_DCC, FORMAT_OIDF, MAX_REGISTRY_BYTES, Registry, TrustError, TrustService, parse_registry
from wallet.verify.dates import human

log = logging.getLogger(__name__)

TYPE_OIDF, TYPE_LEGACY = "oidf", "dcc-legacy"
STATEMENT_TYPE = "application/entity-statement+jwt"
MAX_KNOWN_REGISTRIES = 200


@dataclass(frozen=True)
class KnownRegistry:
    """One entry of a list of registries."""

    name: str
    type: str  # "oidf" or "dcc-legacy"
    url: str  # the registry list (dcc-legacy) or the trust anchor's entity configuration (oidf)


def parse_known_registries(data: Any) -> list[KnownRegistry] | None:
    """The registries a list of registries names; None when ``data`` is not such a list.

    Entries of a type the wallet does not read (e.g. "vc-recognition") are left out.
    """
    if not isinstance(data, list) or not any(isinstance(row, dict) for row in data):
        return None
    if len(data) > MAX_KNOWN_REGISTRIES:
        raise InputTooLarge("The list of registries is too long to read.", f"{len(data)} entries")
    found = []
    for i, row in enumerate(data):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str) or not row["name"].strip():
            raise TrustError(f"Entry number {i + 1} in the list of registries has no name.", f"[{i}]")
        kind = row.get("type", TYPE_LEGACY)  # the oldest lists have no type: all were legacy
        url = row.get("trustAnchorEC") if kind == TYPE_OIDF else row.get("url")
        if kind not in (TYPE_OIDF, TYPE_LEGACY):
            log.info("registry %r of type %r is not read", row["name"], kind)
            continue
        if not isinstance(url, str) or not url.startswith("https://"):
            raise TrustError(f"The registry {row['name']!r} in the list has no https address.", f"[{i}]: {url!r}")
        found.append(KnownRegistry(row["name"].strip(), kind, url))
    if not found:
        raise TrustError("The list names no registry the wallet can read.", f"{len(data)} entries")
    return found


def issuers_of(credentials: Iterable[Any]) -> list[str]:
    """The issuer ids of wallet credentials or plain JSON documents (each once, in order)."""
    ids = (issuer_of(c) if isinstance(c, dict) else c.summary.issuer_id for c in credentials)
    return list(dict.fromkeys(i for i in ids if i))


class Registries:
    """Adds and updates the registries of one :class:`~wallet.trust.TrustService`."""

    def __init__(self, trust: TrustService) -> None:
        self.trust = trust

    # -- adding

    def add(self, source: str, *, name: str = "", issuers: Iterable[str] = (), user_initiated: bool = True) -> list[Registry]:
        """Add what ``source`` (a path or an https address) holds; the registries added.

        A list of registries and a federation are then loaded, and federations asked
        about ``issuers``, as the network setting allows; what fails waits for an update.
        """
        now = self.trust.clock()
        if source.startswith("https://") and source.rstrip("/").endswith(WELL_KNOWN):
            named = [KnownRegistry(name or host_of(source), TYPE_OIDF, source)]
        else:
            data, url, origin = self._read(source, user_initiated)
            named = parse_known_registries(data)
            if named is None:
                reg = parse_registry(data, name=name, source_url=url, fetched_at=now, source=origin,
                                     fallback_name=Path(source).stem if not url else "")
                self.trust.keep_registry(reg)
                return [reg]
        ids = [self._keep_named(entry, now) for entry in named]
        self.update(issuers, user_initiated=user_initiated, only=set(ids))  # what fails waits for the next update
        return [reg for reg in (self.trust.registry(i) for i in ids) if reg is not None]

    def _keep_named(self, entry: KnownRegistry, now: datetime) -> str:
        if self.trust.registry(entry.url) is None:
            fmt = FORMAT_OIDF if entry.type == TYPE_OIDF else FORMAT_DCC
            self.trust.keep_registry(Registry(entry.url, entry.name, fmt, (), now, entry.url, source="network", loaded=False))
        return entry.url

    def _read(self, source: str, user_initiated: bool) -> tuple[Any, str, str]:
        """(JSON, address or "", "network" or "file") of a registry source."""
        if source.startswith(("https://", "http://")):
            data = self._net().get_json(source, user_initiated=user_initiated, max_bytes=MAX_REGISTRY_BYTES)
            return data, source, "network"
        data = read_json_file(source, what="This registry file", kind="issuer registry", max_bytes=MAX_REGISTRY_BYTES,
                              error=TrustError)
        return data, "", "file"

    def _net(self) -> Any:
        if self.trust.net is None:
            raise NetworkError("This wallet has no network access set up.", "no network client")
        return self.trust.net

    # -- updating

    def update(self, issuers: Iterable[str] = (), *, user_initiated: bool = True, fresh_within: timedelta | None = None,
               only: set[str] | None = None) -> list[RefreshResult]:
        """Download the registries that came from the web and ask federations about
        ``issuers``. ``fresh_within`` (the automatic checks) leaves alone what was read
        more recently than that; ``only`` limits the work to these registry ids."""
        try:
            self._net().ensure_allowed(user_initiated=user_initiated)
        except WalletError as exc:  # nothing connects; one line says why
            return [RefreshResult("", False, exc.message, exc.detail)]
        now = self.trust.clock()

        def stale(when: datetime) -> bool:
            return fresh_within is None or now - when >= fresh_within

        wanted = list(dict.fromkeys(i for i in issuers if i.startswith(("did:", "https://"))))
        results: list[RefreshResult] = []
        for reg in self.trust.registries():
            if not reg.source_url or (only is not None and reg.id not in only):
                continue
            if reg.format == FORMAT_OIDF:
                results += self._update_federation(reg, wanted, stale, user_initiated)
            elif not reg.loaded or stale(reg.fetched_at):
                results.append(self._update_list(reg, user_initiated))
        return results

    def _update_list(self, reg: Registry, user_initiated: bool) -> RefreshResult:
        try:
            data = self._net().get_json(reg.source_url, user_initiated=user_initiated, max_bytes=MAX_REGISTRY_BYTES)
            new = parse_registry(data, name=reg.name, source_url=reg.source_url, fetched_at=self.trust.clock(), source="network")
        except WalletError as exc:
            return RefreshResult(reg.source_url, False, f"{reg.name}: {exc.message}", exc.detail)
        self.trust.keep_registry(new)
        count = len(new.entries)
        return RefreshResult(reg.source_url, True, f"{reg.name}: {count} issuer{'s' if count != 1 else ''}.")

    def _update_federation(self, reg: Registry, issuers: list[str], stale: Callable[[datetime], bool],
                           user_initiated: bool) -> list[RefreshResult]:
        now = self.trust.clock()
        ask = [i for i in issuers if (old := self.trust.listings.get(reg.id, i)) is None
               or stale(old.checked_at) or (old.listed and not old.current(now))]
        if not ask and reg.loaded and not stale(reg.fetched_at):
            return []
        try:
            anchor = self._anchor(reg, user_initiated)
        except WalletError as exc:
            return [RefreshResult(reg.source_url, False, f"{reg.name}: {exc.message}", exc.detail)]
        done = [RefreshResult(reg.source_url, True, f"{reg.name}: the registry's signed description checked.")]
        return done + [self._ask(reg, anchor, issuer, user_initiated) for issuer in ask]

    def _anchor(self, reg: Registry, user_initiated: bool) -> TrustAnchor:
        """The federation's entity configuration, downloaded and checked; the registry
        is kept as loaded (and, when added by its address alone, named as it names itself)."""
        now = self.trust.clock()
        response = self._net().get(reg.source_url, user_initiated=user_initiated, accept=STATEMENT_TYPE,
                                   max_bytes=MAX_STATEMENT_BYTES)
        anchor = verify_entity_configuration(statement_text(response.body), now, reg.source_url)
        renamed = reg.name == host_of(reg.source_url) and not reg.loaded and anchor.name
        self.trust.keep_registry(replace(reg, name=anchor.name if renamed else reg.name, fetched_at=now, loaded=True,
                                         source="network"))
        return anchor

    def _ask(self, reg: Registry, anchor: TrustAnchor, issuer: str, user_initiated: bool) -> RefreshResult:
        """Ask the federation about one issuer and keep its answer."""
        url = fetch_address(anchor.fetch_endpoint, issuer)
        now = self.trust.clock()
        try:
            response = self._net().get(url, user_initiated=user_initiated, accept=STATEMENT_TYPE, max_bytes=MAX_STATEMENT_BYTES)
        except NetworkError as exc:
            if exc.status != 404:  # not "no such issuer here": a failed try
                return RefreshResult(url, False, f"{reg.name}: {exc.message}", exc.detail)
            self.trust.listings.put(Listing(reg.id, issuer, False, now, source="network"))
            return RefreshResult(url, True, f"{reg.name} does not list {issuer}.")
        try:
            listing = listing_from_statement(reg.id, issuer, statement_text(response.body), anchor, now, "network")
        except FederationError as exc:
            return RefreshResult(url, False, f"{reg.name}: {exc.message}", exc.detail)
        self.trust.listings.put(listing)
        return RefreshResult(url, True, f"{reg.name} lists {listing.name or issuer}.")


def listing_from_statement(registry_id: str, issuer: str, token: str, anchor: TrustAnchor, when: datetime,
                           source: str) -> Listing:
    """A checked listing: the anchor's statement about ``issuer``, current at ``when``."""
    statement = verify_subordinate(token, anchor, issuer, when)
    name, url = issuer_details(statement.metadata)
    return Listing(registry_id, issuer, True, when, name, url, statement.expires_at, statement.token,
                   anchor.statement.token, source)


def recheck_listing(listing: Listing, source: str) -> Listing:
    """A listing carried in a trust file, checked again as of the date it was made:
    both signed statements must hold; names and dates are read from them again."""
    if not listing.listed:
        return replace(listing, statement="", anchor="", source=source)
    anchor = verify_entity_configuration(listing.anchor, listing.checked_at, listing.registry_id)
    return listing_from_statement(listing.registry_id, listing.issuer, listing.statement, anchor, listing.checked_at, source)


def update_message(results: list[RefreshResult]) -> str:
    """One sentence for what an update did."""
    if not results:
        return "No registry was added from the web, so there is nothing to update."
    bad = [r for r in results if not r.ok]
    if not bad:
        return f"Registries updated ({len(results)} check{'s' if len(results) != 1 else ''}, all answered)."
    if not bad[0].url:  # nothing was tried: the network setting said no
        return bad[0].message
    return f"{len(bad)} of {len(results)} registry checks could not be made. {bad[0].message}"


def registry_detail(reg: Registry) -> str:
    """A registry's second line on the Trust page and in ``trust list``."""
    where = f", from {reg.source_url}" if reg.source_url else ""
    if reg.format == FORMAT_OIDF:
        state = "asked about each issuer" if reg.loaded else "not reached yet"
        return f"OpenID Federation registry, {state}{where}"
    if not reg.loaded:
        return f"not downloaded yet{where}"
    return f"{len(reg.entries)} issuer{'s' if len(reg.entries) != 1 else ''}{where}"


def listing_detail(listing: Listing, registry_name: str, now: datetime) -> str:
    """What one federation answer says, for the Trust page and ``trust list``."""
    if not listing.listed:
        return f"not listed in {registry_name}"
    if listing.current(now):
        return f"listed in {registry_name} until {human(listing.expires_at)}"
    return f"listed in {registry_name}; that confirmation expired on {human(listing.expires_at)}"


def checking_summary(registries: int, trusted: int) -> str:
    """How issuers are checked against this many registries and issuers the learner
    trusts, in one sentence (the Trust page's line; the same choice as each
    credential's trust line)."""
    if not registries and not trusted:
        return "Issuers are not checked against any registry: you have not added one yet."
    parts = []
    if registries:
        parts.append(f"{registries} registr{'y' if registries == 1 else 'ies'}")
    if trusted:
        parts.append(f"{trusted} issuer{'s' if trusted != 1 else ''} you trust yourself")
    return f"Issuers are checked against {' and '.join(parts)}; an issuer in none of them is shown with a warning."
