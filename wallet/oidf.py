"""OpenID Federation entity statements, as issuer registries publish them.

An OpenID Federation registry is a *trust anchor*. It describes itself in its *entity
configuration*, a JWT at ``<entity id>/.well-known/openid-federation`` that it signs
with one of the keys it lists in its own ``jwks`` (``iss`` equal to ``sub``), naming
its ``federation_fetch_endpoint``. Asked ``<fetch endpoint>?sub=<issuer DID>``, the
anchor answers with a *subordinate statement*: a JWT signed with one of those keys,
``iss`` the anchor, ``sub`` the issuer, and ``metadata.federation_entity`` naming the
issuer (``organization_name``, ``homepage_uri``); an issuer it does not list gets a 404.

Both are checked here with the wallet's own JWS pieces (:mod:`wallet.verify.jws`: the
algorithm pinned to the key type, never ``none``, never HMAC): header type
``entity-statement+jwt``, a signature by the anchor's key, the issuer and subject, and
the dates (``iat`` not in the future, ``exp`` not passed). A statement that fails any
of these is a :class:`FederationError`, never a listing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from wallet.errors import WalletError
from wallet.verify import jws
from wallet.verify import keys as k
from wallet.verify.dates import from_epoch, human

TYP = "entity-statement+jwt"
WELL_KNOWN = "/.well-known/openid-federation"
CLOCK_SKEW = timedelta(minutes=5)  # a registry's clock a little ahead of ours is not an error
MAX_STATEMENT_BYTES = 256 * 1024


class FederationError(WalletError):
    """A registry statement that cannot be believed (unsigned, wrong key, expired, ...)."""


@dataclass(frozen=True)
class EntityStatement:
    """A statement whose signature, type and dates have been checked."""

    iss: str
    sub: str
    issued_at: datetime
    expires_at: datetime
    metadata: dict[str, Any]
    jwks: dict[str, Any] | None
    token: str  # the JWT as received, kept so it can be checked again (a trust file)


@dataclass(frozen=True)
class TrustAnchor:
    """A registry's checked entity configuration: who it is and where to ask it."""

    entity_id: str
    fetch_endpoint: str
    name: str
    statement: EntityStatement

    @property
    def jwks(self) -> dict[str, Any]:
        return self.statement.jwks or {}


def read_statement(token: str, jwks: Any, now: datetime) -> EntityStatement:
    """The statement in ``token`` if one of the keys in ``jwks`` signed it and it is
    current at ``now``; a FederationError saying what is wrong otherwise."""
    try:
        parsed = jws.parse(token)
        alg = jws.check_header(parsed.header)
    except jws.JwsError as exc:
        raise FederationError("The registry's answer is not a statement the wallet can check.", exc.detail) from None
    if parsed.header.get("typ") != TYP:
        raise FederationError("The registry's answer is not an OpenID Federation entity statement.",
                              f"typ {parsed.header.get('typ')!r}, expected {TYP}")
    _check_signature(parsed, alg, jwks)
    payload = parsed.payload
    issued, expires = _numeric_date(payload.get("iat")), _numeric_date(payload.get("exp"))
    if issued is None or expires is None:
        raise FederationError("The registry's statement has no readable dates, so it was not used.",
                              f"iat {payload.get('iat')!r}, exp {payload.get('exp')!r}")
    if issued > now + CLOCK_SKEW:
        raise FederationError("The registry's statement is dated in the future, so it was not used.", f"iat {issued.isoformat()}")
    if expires <= now:
        raise FederationError(f"The registry's statement expired on {human(expires)}, so it was not used.",
                              f"exp {expires.isoformat()}, now {now.isoformat()}")
    iss, sub, metadata = payload.get("iss"), payload.get("sub"), payload.get("metadata")
    if not isinstance(iss, str) or not isinstance(sub, str) or not iss or not sub:
        raise FederationError("The registry's statement does not say who made it or whom it is about.", f"iss {iss!r}, sub {sub!r}")
    keys = payload.get("jwks")
    return EntityStatement(iss, sub, issued, expires, metadata if isinstance(metadata, dict) else {},
                           keys if isinstance(keys, dict) else None, token.strip())


def verify_entity_configuration(token: str, now: datetime, address: str) -> TrustAnchor:
    """A trust anchor from its self-signed entity configuration, as published at
    ``address`` (which must be its entity id followed by /.well-known/openid-federation)."""
    try:
        unverified = jws.parse(token).payload
    except jws.JwsError as exc:
        raise FederationError("The registry's description of itself is not a statement the wallet can check.", exc.detail) from None
    # Self-signed: its keys come from the statement itself; if anything in it was
    # altered, the signature below fails.
    statement = read_statement(token, unverified.get("jwks"), now)
    if statement.iss != statement.sub:
        raise FederationError("The registry's description of itself is signed by someone else, so it was not used.",
                              f"iss {statement.iss!r} != sub {statement.sub!r}")
    if statement.sub.rstrip("/") + WELL_KNOWN != address:
        # Where an entity configuration lives follows from whom it describes; one found
        # elsewhere (or carried in a trust file for another registry) is not that registry's.
        raise FederationError("The registry's description of itself names another address, so it was not used.",
                              f"entity {statement.sub!r} published at {address}")
    entity = statement.metadata.get("federation_entity")
    entity = entity if isinstance(entity, dict) else {}
    endpoint = entity.get("federation_fetch_endpoint")
    if not isinstance(endpoint, str) or not endpoint.startswith("https://"):
        raise FederationError("The registry does not say where to look issuers up, so it cannot be asked.",
                              f"federation_fetch_endpoint {endpoint!r}")
    name = entity.get("organization_name")
    return TrustAnchor(statement.sub, endpoint, name if isinstance(name, str) else "", statement)


def verify_subordinate(token: str, anchor: TrustAnchor, subject: str, now: datetime) -> EntityStatement:
    """The anchor's statement about ``subject`` (an issuer DID), checked."""
    statement = read_statement(token, anchor.jwks, now)
    if statement.iss != anchor.entity_id:
        raise FederationError("The statement about this issuer was not made by the registry, so it was not used.",
                              f"iss {statement.iss!r}, registry {anchor.entity_id!r}")
    if statement.sub != subject:
        raise FederationError("The registry answered about a different issuer than the one asked for, so it was not used.",
                              f"asked about {subject}, statement is about {statement.sub!r}")
    return statement


def fetch_address(endpoint: str, subject: str) -> str:
    """The fetch endpoint's address asking about ``subject``."""
    return f"{endpoint}{'&' if '?' in endpoint else '?'}sub={quote(subject, safe='')}"


def issuer_details(metadata: dict[str, Any]) -> tuple[str, str]:
    """(name, homepage) of the issuer as a statement's metadata gives them."""
    entity = metadata.get("federation_entity")
    entity = entity if isinstance(entity, dict) else {}
    extra = metadata.get("institution_additional_information")
    extra = extra if isinstance(extra, dict) else {}
    name = next((v for v in (entity.get("organization_name"), extra.get("legal_name")) if isinstance(v, str) and v.strip()), "")
    url = entity.get("homepage_uri")
    return name.strip(), url if isinstance(url, str) else ""


def statement_text(body: bytes) -> str:
    """A fetched statement's text (a compact JWT), or a FederationError."""
    try:
        text = body.decode("ascii").strip()
    except UnicodeDecodeError:
        raise FederationError("The registry's answer is not a statement the wallet can check.", "body is not ASCII") from None
    if text.startswith('"') and text.endswith('"'):  # some servers send the JWT as a JSON string
        try:
            text = str(json.loads(text))
        except ValueError:
            pass
    return text


def _check_signature(parsed: jws.CompactJws, alg: str, jwks: Any) -> None:
    """Signed by a key of ``jwks``: the one its ``kid`` names, else any key that fits."""
    keys = [key for key in (jwks.get("keys") if isinstance(jwks, dict) else None) or [] if isinstance(key, dict)]
    if not keys:
        raise FederationError("The registry publishes no keys, so its statements cannot be checked.", "no jwks")
    named = [key for key in keys if key.get("kid") == parsed.header.get("kid")]
    tried = []
    for jwk in named or keys:
        try:
            jws.verify_signature(parsed, alg, k.jwk_to_key(jwk))
            return
        except (jws.JwsError, k.KeyError_) as exc:
            tried.append(f"{jwk.get('kid', '?')}: {getattr(exc, 'detail', '') or exc}")
    raise FederationError("The registry's statement is not signed with the registry's own key, so it was not believed.",
                          f"{alg} kid {parsed.header.get('kid')!r}; " + "; ".join(tried))


def _numeric_date(value: Any) -> datetime | None:
    """A NumericDate (seconds since 1970); a string of digits is read too."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return from_epoch(value)
