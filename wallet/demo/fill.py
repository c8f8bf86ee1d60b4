"""Filling a throwaway wallet with the demo: sign, package, import, verify, add stacks.

Each award of the catalogue arrives the way real ones do: most as signed JSON, some
baked into a badge picture (PNG or SVG), one as a signed token (``vc+jwt``), the
micro-courses of a course inside a CLR transcript. The issuer's revocation list is
put in the wallet's status cache first, as if just downloaded, so the credentials that
point to it are checked against it offline: one is revoked, one is not.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import resources
from wallet.clock import Clock, system_clock
from wallet.credential import CredentialId
from wallet.demo.issuer import DemoIssuer, load_catalogue, load_keys
from wallet.demo.pictures import bake_png, bake_svg, look_of
from wallet.errors import WalletError

log = logging.getLogger(__name__)

STATUS_SOURCE = "demo"  # where the trust page says the demo's status list came from


@dataclass
class DemoContents:
    """What the demo put in the wallet (for the app's welcome note and for tests)."""

    credentials: list[CredentialId] = field(default_factory=list)
    stacks: list[str] = field(default_factory=list)
    by_achievement: dict[str, CredentialId] = field(default_factory=dict)
    status_lists: list[str] = field(default_factory=list)


def fill_demo_wallet(wallet: Any, *, holder: str | None = None) -> DemoContents:
    """Sign the demo credentials for ``wallet``'s holder, import and verify them, add the stacks."""
    catalogue, keys = load_catalogue(), load_keys()
    if holder is None:
        from wallet.identity import Identities

        holder = Identities(wallet.store, clock=wallet.clock).default().id
    issuer = DemoIssuer(catalogue, keys, holder, wallet.clock())
    contents = DemoContents()
    _cache_status_list(wallet, issuer, contents)  # before the credentials that use it are checked
    endorsement = issuer.endorsement()
    in_transcript: dict[str, dict[str, Any]] = {}
    files: list[bytes] = [_dump(endorsement)]
    for award in catalogue["awards"]:
        endorsed = endorsement if award.get("endorsed") else None
        if award.get("in") == "transcript":
            in_transcript[award["achievement"]] = issuer.badge(award, endorsed)
        else:
            files.append(_packaged(issuer, award, endorsed))
    files.append(_dump(issuer.transcript(in_transcript)))
    for data in files:
        _import(wallet, data, contents)
    _add_stacks(wallet, issuer, catalogue, contents)
    return contents


def _packaged(issuer: DemoIssuer, award: dict[str, Any], endorsement: dict[str, Any] | None) -> bytes:
    """An award as the file a learner would be given: JSON, a baked picture or a token."""
    how = award.get("as", "json")
    if how == "jwt":
        return issuer.token(issuer.badge_document(award, endorsement), award.get("issuer", "college")).encode("ascii")
    signed = issuer.badge(award, endorsement)
    if how == "png":
        return bake_png(json.dumps(signed, ensure_ascii=False), look_of(award["picture"]))
    if how == "svg":
        return bake_svg(json.dumps(signed, ensure_ascii=False), look_of(award["picture"]))
    return _dump(signed)


def _cache_status_list(wallet: Any, issuer: DemoIssuer, contents: DemoContents) -> None:
    url = issuer.catalogue["statusList"]["url"]
    wallet.trust_data.status.accept(url, issuer.status_list(), fmt="credential",
                                    fetched_at=wallet.clock(), source=STATUS_SOURCE)
    contents.status_lists.append(url)


def _dump(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")


def _import(wallet: Any, data: bytes, contents: DemoContents) -> None:
    result = wallet.import_bytes(data, name="demo credential", source="demo")
    if result.error is not None:
        raise result.error
    for cred in result.credentials:
        contents.credentials.append(cred.id)
        if cred.summary.achievement_id:
            contents.by_achievement.setdefault(cred.summary.achievement_id.rsplit("/", 1)[-1], cred.id)
        try:
            wallet.verify(cred.id)
        except WalletError as exc:  # the report says why; the credential is kept
            log.warning("demo credential could not be verified: %s", exc.detail or exc.message)


def _add_stacks(wallet: Any, issuer: DemoIssuer, catalogue: dict[str, Any], contents: DemoContents) -> None:
    signed_name = catalogue["signedStack"]
    definition = json.loads(resources.path("stacks", signed_name).read_text("utf-8"))
    stack = wallet.stacks.add_bytes(_dump(issuer.signed_stack(definition)), name=signed_name)
    contents.stacks.append(stack.id)
    for name in catalogue["stacks"]:
        stack = wallet.stacks.add_bytes(resources.path("stacks", name).read_bytes(), name=name, origin="example")
        contents.stacks.append(stack.id)


def create_demo_wallet(home: Path, *, clock: Clock = system_clock) -> Any:
    """A new wallet in ``home`` (a throwaway folder), filled with the demo.

    The data key is wrapped only by a recovery key that is thrown away: nothing of the
    demo reaches the keyring, and the folder can simply be deleted afterwards.
    """
    from wallet.service import create_wallet

    wallet, _recovery_key = create_wallet(Path(home), clock=clock)
    try:
        contents = fill_demo_wallet(wallet)
    except BaseException:
        wallet.close()
        raise
    wallet.demo = contents  # what was put in, for the app's welcome note
    log.info("demo wallet filled: %d credentials, %d stacks", len(contents.credentials), len(contents.stacks))
    return wallet
