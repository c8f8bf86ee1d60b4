"""What OpenID Federation registries said about issuers, kept for offline checks.

An OpenID Federation registry is not downloaded as a list: the wallet asks it about
each issuer it holds credentials from (:mod:`wallet.registries`) and keeps the answer
here, with its date: *listed* (with the name and web address the registry gives, the
signed statement and the registry's signed description of itself, and when the
statement expires) or *not listed* (the registry answered that it does not know the
issuer). Verification then reads the answers offline through :func:`listing_check`.

A listing counts only until its statement expires; after that the line says so and
asks for a new check, it never says "listed".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wallet.verify.dates import human, parse_stamp
from wallet.verify.report import Check, CheckName, Outcome

KIND_LISTING = "registry-listing"
_PREFIX = "registry-listing:"


@dataclass(frozen=True)
class Listing:
    """One registry's answer about one issuer, with the date it was given."""

    registry_id: str
    issuer: str
    listed: bool
    checked_at: datetime
    name: str = ""
    url: str = ""
    expires_at: datetime | None = None
    statement: str = ""  # the registry's signed statement about the issuer (a JWT)
    anchor: str = ""  # the registry's signed description of itself (a JWT)
    source: str = "network"

    @property
    def key(self) -> str:
        return listing_key(self.registry_id, self.issuer)

    def current(self, now: datetime) -> bool:
        """Listed, and the statement that says so has not expired."""
        return self.listed and self.expires_at is not None and now < self.expires_at


def listing_key(registry_id: str, issuer: str) -> str:
    return f"{_PREFIX}{registry_id} {issuer}"


def listing_to_json(listing: Listing) -> dict[str, Any]:
    return {
        "kind": KIND_LISTING, "registryId": listing.registry_id, "issuer": listing.issuer, "listed": listing.listed,
        "checkedAt": listing.checked_at.isoformat(), "name": listing.name, "url": listing.url,
        "expiresAt": listing.expires_at.isoformat() if listing.expires_at else None,
        "statement": listing.statement, "anchor": listing.anchor, "source": listing.source,
    }


def listing_from_json(value: dict[str, Any]) -> Listing:
    """A Listing from its JSON form; KeyError, TypeError or ValueError when malformed."""
    expires = value.get("expiresAt")
    return Listing(
        registry_id=str(value["registryId"]), issuer=str(value["issuer"]), listed=bool(value["listed"]),
        checked_at=parse_stamp(value["checkedAt"]), name=str(value.get("name") or ""), url=str(value.get("url") or ""),
        expires_at=parse_stamp(expires) if expires else None, statement=str(value.get("statement") or ""),
        anchor=str(value.get("anchor") or ""), source=str(value.get("source") or "network"),
    )


class ListingCache:
    """Registry answers in the store's sealed ``documents`` table."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def get(self, registry_id: str, issuer: str) -> Listing | None:
        value = self._store.fetch("documents", listing_key(registry_id, issuer))
        return listing_from_json(value) if isinstance(value, dict) and value.get("kind") == KIND_LISTING else None

    def put(self, listing: Listing, *, replace_same_age: bool = True) -> bool:
        """Keep an answer unless a newer one (or, if asked, one as old) is already kept."""
        old = self.get(listing.registry_id, listing.issuer)
        if old is not None and (old.checked_at > listing.checked_at or
                                (not replace_same_age and old.checked_at == listing.checked_at)):
            return False
        self._store.put("documents", listing.key, listing_to_json(listing), stamp=listing.checked_at, kind=KIND_LISTING)
        return True

    def all(self) -> list[Listing]:
        rows = [listing_from_json(v) for _k, _ts, v in self._store.items("documents", kind=KIND_LISTING) if isinstance(v, dict)]
        return sorted(rows, key=lambda r: (r.registry_id, r.issuer))

    def forget_registry(self, registry_id: str) -> int:
        """Forget every answer of one registry (it was removed); how many."""
        gone = [r for r in self.all() if r.registry_id == registry_id]
        for listing in gone:
            self._store.delete("documents", listing.key)
        return len(gone)


def listing_check(issuer_id: str, registries: Sequence[Any], cache: ListingCache, now: datetime) -> Check | None:
    """The trust line from federation registries' answers, or None when none listed
    the issuer (the caller then says "not in any registry").

    ``registries`` are the federation registries the learner trusts (with ``id`` and
    ``name``), in the order to prefer.
    """
    lapsed = None
    for reg in registries:
        listing = cache.get(reg.id, issuer_id)
        if listing is None or not listing.listed:
            continue
        if listing.current(now):
            return Check(
                CheckName.TRUST, Outcome.PASSED,
                f"Issuer listed in {reg.name} as {listing.name or issuer_id} (as of {human(listing.checked_at)}).",
                f"{issuer_id} in {reg.id} (OpenID Federation), statement of {listing.checked_at.isoformat()}, "
                f"valid until {listing.expires_at.isoformat() if listing.expires_at else '?'}", "issuer-listed")
        lapsed = lapsed or (reg, listing)
    if lapsed is None:
        return None
    reg, listing = lapsed
    return Check(
        CheckName.TRUST, Outcome.WARNING,
        f"Issuer was listed in {reg.name} as {listing.name or issuer_id} on {human(listing.checked_at)}, "
        "but that confirmation has expired; update registries to check again.",
        f"{issuer_id} in {reg.id}: statement expired {listing.expires_at.isoformat() if listing.expires_at else '?'}",
        "issuer-listing-expired")


def unasked(issuer_id: str, registries: Sequence[Any], cache: ListingCache) -> list[Any]:
    """The federation registries that have never answered about this issuer."""
    return [reg for reg in registries if cache.get(reg.id, issuer_id) is None]
