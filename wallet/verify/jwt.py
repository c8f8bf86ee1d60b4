"""JWT credentials: VC 1.1 JWTs (a ``vc`` claim) and VC-JOSE-COSE ``vc+jwt``.

For VC 1.1 the registered claims stand for credential properties (iss = issuer, sub =
credentialSubject.id, jti = id, nbf = issuanceDate, exp = expirationDate); when both
are present they must agree, otherwise the claims could say one thing and the shown
credential another. A JWK in the header is self-asserted: it proves only that whoever
made the token held that key, and the report says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from wallet.verify import checks as c
from wallet.verify import datamodel, dates, endorsements
from wallet.verify import keys as k
from wallet.verify.binding import binding_check, has_material, own_document
from wallet.verify.dids import KeyInvalid, KeyProblem, KeyUnavailable, ResolvedKey, key_from_method, listed_for, public_key_for
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.jws import CompactJws, JwsError, check_header, parse, verify_signature
from wallet.verify.report import Check, CheckName, Outcome, Report, overall_status


def credential_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The credential a JWT carries (VC 1.1 ``vc`` claim, else the payload itself)."""
    vc = payload.get("vc")
    return vc if isinstance(vc, dict) else payload


def verify_jwt(token: str, env: VerifyEnvironment, *, nested: bool = False) -> Report:
    now = env.clock()
    try:
        jws = parse(token)
    except JwsError as exc:
        return _failed(exc, now)
    from wallet.verify import ob2

    if ob2.is_ob2(jws.payload):
        return ob2.verify_signed(jws, env)
    credential = credential_of(jws.payload)
    if credential is not jws.payload:
        credential = _with_claims(credential, jws.payload)
    issuer_id, issuer_name = c.issuer_of(credential)
    issuer_id = issuer_id or str(jws.payload.get("iss") or "")
    checks: list[Check] = []
    key: ResolvedKey | None = None
    try:
        alg = check_header(jws.header)
        key = signing_key(jws, alg, issuer_id, env)
        checks.append(Check(CheckName.SIGNATURE, Outcome.PASSED, "The signature is valid.", f"JWS {alg} by {key.id}"))
    except KeyUnavailable as exc:
        checks.append(Check(
            CheckName.SIGNATURE, Outcome.UNKNOWN, exc.message.rstrip(".") + ", so the signature cannot be checked.",
            exc.detail, "key-offline",
        ))
        checks.append(Check(CheckName.ISSUER_KEY, Outcome.UNKNOWN, exc.message, exc.detail, "key-offline"))
    except KeyInvalid as exc:
        checks.append(Check(CheckName.SIGNATURE, Outcome.FAILED, exc.message, exc.detail, "bad-key"))
    except JwsError as exc:
        checks.append(Check(CheckName.SIGNATURE, Outcome.FAILED, exc.message, exc.detail, exc.code))
    if key is not None:
        binding = binding_check([key], issuer_id, env)
        checks.append(binding)
        if key.self_asserted and binding.outcome is not Outcome.PASSED:
            checks[0] = replace(checks[0], message=(
                "The signature is valid for a key carried in the credential itself, "
                "which is not confirmed as the issuer's."))
    linked = _linked_data(jws.payload)
    if "@context" in linked:
        checks.append(c.linked_data_check(linked))
    claims = _claims_check(jws.payload, credential)
    checks.append(claims if claims.outcome is Outcome.FAILED else datamodel.check(credential))
    checks.append(_dates_check(jws.payload, credential, now))
    reports: tuple[Report, ...] = ()
    if not nested:
        from wallet.verify.credential import _verify

        line, reports = endorsements.check(credential, lambda item: _verify(item, env, nested=True), now)
        if line is not None:
            checks.append(line)
    checks.extend(c.environment_checks(credential, issuer_id, env))
    return Report(overall_status(checks), tuple(checks), now, c.signer_for(issuer_id, issuer_name, [key] if key else []), reports)


def _with_claims(vc: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """VC 1.1 JWT decoding: properties the ``vc`` claim leaves out are taken from the
    registered claims (iss, jti, sub, nbf, exp)."""
    merged = dict(vc)
    if "issuer" not in merged and isinstance(payload.get("iss"), str):
        merged["issuer"] = payload["iss"]
    if "id" not in merged and isinstance(payload.get("jti"), str):
        merged["id"] = payload["jti"]
    subject = merged.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        merged["credentialSubject"] = dict(subject, id=payload["sub"])
    for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        when = dates.from_epoch(payload.get(claim))
        if prop not in merged and when is not None and "validFrom" not in merged:
            merged[prop] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return merged


# Registered JWT claims: in a vc+jwt payload they sit beside the credential's own
# properties and are not JSON-LD terms.
_JWT_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf", "nonce"})


def _linked_data(payload: dict[str, Any]) -> dict[str, Any]:
    """The JSON-LD document a token carries, as signed: the ``vc`` claim of a VC 1.1
    JWT, or the payload without its registered claims."""
    vc = payload.get("vc")
    return vc if isinstance(vc, dict) else {key: value for key, value in payload.items() if key not in _JWT_CLAIMS}


def _failed(exc: JwsError, now: datetime) -> Report:
    check = Check(CheckName.SIGNATURE, Outcome.FAILED, exc.message, exc.detail, exc.code)
    return Report(overall_status([check]), (check,), now)


def signing_key(jws: CompactJws, alg: str, owner: str, env: VerifyEnvironment, *,
                purpose: str = "assertionMethod") -> ResolvedKey:
    """The key whose signature the token carries (a JwsError when none verifies)."""
    candidates = key_candidates(jws, owner, env, purpose=purpose)
    first: JwsError | None = None
    for key in candidates:  # several only when the owner's document lists several keys
        try:
            verify_signature(jws, alg, key.public_key)
            return key
        except JwsError as exc:
            first = first or exc
    assert first is not None
    raise first


def key_candidates(jws: CompactJws, owner: str, env: VerifyEnvironment, *,
                   purpose: str = "assertionMethod") -> list[ResolvedKey]:
    """The keys that may have signed: the one ``kid`` names (absolute, or relative to the
    issuer), else the header JWK (self-asserted: the issuer-key line decides whether it
    is the issuer's), else the issuer's own key(s)."""
    kid = jws.header.get("kid")
    iss = jws.payload.get("iss") or owner
    inline = _header_key(jws)
    if isinstance(kid, str) and kid:
        if kid.startswith("#") and isinstance(iss, str):
            kid = iss + kid
        if ":" in kid or (isinstance(iss, str) and iss.startswith("did:")):
            named = public_key_for(kid if ":" in kid else f"{iss}#{kid}", env)
            if inline is not None and not k.same_key(inline.public_key, named.public_key):
                raise KeyInvalid("The token names one key and carries another.", f"kid {kid} and header jwk differ")
            return [named]
    if inline is not None:
        return [inline]
    if isinstance(iss, str) and iss.startswith(("did:key:", "did:jwk:")):
        return [public_key_for(iss, env)]
    if isinstance(iss, str) and iss.startswith(("did:", "https://", "http://")):
        return _listed_keys(iss, env, purpose)
    raise KeyInvalid("The token does not say which key signed it.", "no kid, jwk or resolvable iss")


def _header_key(jws: CompactJws) -> ResolvedKey | None:
    jwk = jws.header.get("jwk")
    if not isinstance(jwk, dict):
        return None
    if "d" in jwk:
        raise KeyInvalid("The token exposes a private key.", "header jwk carries 'd'")
    try:
        key = k.jwk_to_key(jwk)
    except k.KeyError_ as exc:
        raise KeyInvalid("The key in the token cannot be read.", str(exc)) from None
    return ResolvedKey(id="jwk in header", published_by="", public_key=key, source="jwk in header", self_asserted=True)


def _listed_keys(iss: str, env: VerifyEnvironment, purpose: str) -> list[ResolvedKey]:
    """The keys the issuer's own cached document lists for ``purpose``."""
    cached = own_document(iss, env)
    if cached is None:
        raise KeyUnavailable("The issuer key is not available offline.", f"no document of {iss} kept on this computer")
    found = []
    for ref, method in listed_for(cached.document, purpose).items():
        try:
            if method is None or not has_material(method):
                found.append(public_key_for(ref, env))
            else:
                found.append(ResolvedKey(
                    id=ref, published_by=iss, public_key=key_from_method(method), source="issuer document (cached)",
                    purposes=frozenset({purpose}), fetched_at=cached.fetched_at,
                ))
        except (KeyProblem, k.KeyError_, ValueError):
            continue
    if not found:
        raise KeyInvalid("The issuer's document lists no usable key for signing credentials.",
                         f"{iss}: nothing usable under {purpose}")
    return found


def _claims_check(payload: dict[str, Any], credential: dict[str, Any]) -> Check:
    """VC 1.1: registered claims bound to credential properties; vc+jwt: iss/sub too."""
    issuer_id, _ = c.issuer_of(credential)
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    pairs = [("iss", issuer_id), ("sub", subject_id), ("jti", credential.get("id"))]
    mismatches = [
        f"{claim} {payload[claim]!r} vs {value!r}"
        for claim, value in pairs
        if claim in payload and value and payload[claim] != value
    ]
    for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        if claim in payload and prop in credential:
            when, stated = dates.from_epoch(payload[claim]), dates.parse_date(credential[prop])
            if when is None or stated is None or abs((when - stated).total_seconds()) >= 1:
                mismatches.append(f"{claim} {payload[claim]!r} vs {prop} {credential[prop]!r}")
    if mismatches:
        return Check(
            CheckName.DATA_MODEL, Outcome.FAILED,
            "The token's claims do not match the credential inside it.", "; ".join(mismatches), "jwt-claims-mismatch",
        )
    return Check(CheckName.DATA_MODEL, Outcome.PASSED, "The token's claims match the credential.", "iss/sub/jti/nbf/exp consistent")


def _dates_check(payload: dict[str, Any], credential: dict[str, Any], now: datetime) -> Check:
    raw_start, raw_end = dates.window_of(credential)
    start, end = dates.parse_date(raw_start), dates.parse_date(raw_end)
    bad = [repr(v) for v, p in ((raw_start, start), (raw_end, end)) if v is not None and p is None]
    for claim in ("nbf", "exp"):
        if claim in payload:
            when = dates.from_epoch(payload[claim])
            if when is None:
                bad.append(f"{claim} {payload[claim]!r}")
            elif claim == "nbf":
                start = max(start, when) if start else when
            else:
                end = min(end, when) if end else when
    return dates.check_window(start, end, now, bad=bad)
