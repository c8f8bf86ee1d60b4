"""``learner-wallet --demo``: a throwaway wallet filled with signed example credentials.

A newcomer sees every feature at once: a complete course (inside a CLR transcript with
its associations), a nearly complete certificate, competency badges at three levels,
an endorsement (standalone and embedded), an expired credential and one from an issuer
whose key cannot be had offline, so the views show why something does not count, and
two stack definitions, one of them published as a signed credential.

The credentials are made when the demo starts, from ``resources/demo/catalogue.json``,
and signed with the demo keys in ``resources/demo/demo-keys.json``. Those keys are
published on purpose: anyone can sign with them, so what they sign proves nothing and
the demo wallet is never the learner's own. Dates are counted back from the clock, so
the demo looks the same whenever it runs.
"""

from __future__ import annotations

import copy
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import resources
from wallet.clock import Clock, system_clock
from wallet.credential import CredentialId
from wallet.errors import WalletError

log = logging.getLogger(__name__)

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
# The stack definition inside a signed credential is a JSON literal (@json): the proof
# covers it exactly, order of rules and levels included.
STACK_TERM = "https://riverbend.example/vocab#stackDefinition"
STACK_CONTEXT = {"stackDefinition": {"@id": STACK_TERM, "@type": "@json"}, "StackDefinitionCredential":
                 "https://riverbend.example/vocab#StackDefinitionCredential"}
_NAMESPACE = uuid.UUID("6f1d2c1e-8a55-4a53-9a43-4c1d6f0e2a11")  # stable urn:uuid ids for demo credentials


@dataclass(frozen=True)
class DemoKey:
    did: str
    verification_method: str
    private_key: Ed25519PrivateKey = field(repr=False)


@dataclass
class DemoContents:
    """What the demo put in the wallet (for the app's welcome note and for tests)."""

    credentials: list[CredentialId] = field(default_factory=list)
    stacks: list[str] = field(default_factory=list)
    by_achievement: dict[str, CredentialId] = field(default_factory=dict)


def load_keys() -> dict[str, DemoKey]:
    data = json.loads(resources.path("demo", "demo-keys.json").read_text("utf-8"))
    keys = {}
    for role, k in data["keys"].items():
        private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["privateKeySeedHex"]))
        keys[role] = DemoKey(k["did"], k["verificationMethod"], private)
    return keys


def load_catalogue() -> dict[str, Any]:
    return json.loads(resources.path("demo", "catalogue.json").read_text("utf-8"))


def _xsd(when: datetime) -> str:
    return when.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class DemoIssuer:
    """Builds and signs the demo's OB 3.0 documents for one holder."""

    def __init__(self, catalogue: dict[str, Any], keys: dict[str, DemoKey], holder: str, now: datetime) -> None:
        self.catalogue = catalogue
        self.keys = keys
        self.holder = holder
        self.now = now.replace(hour=9, minute=0, second=0, microsecond=0)
        # the unknown issuer signs with a key made now and thrown away: its did:web
        # document is nowhere, so the wallet cannot check it offline
        unknown = catalogue["issuers"]["unknown"]
        self.keys = {**keys, "unknown": DemoKey(unknown["id"], unknown["id"] + "#key-1", Ed25519PrivateKey.generate())}

    def profile(self, issuer: str) -> dict[str, Any]:
        info = self.catalogue["issuers"][issuer]
        key = self.keys[info["key"] or issuer]
        out = {"id": key.did, "type": ["Profile"], "name": info["name"], "url": info["url"]}
        for extra in ("description", "email"):
            if extra in info:
                out[extra] = info[extra]
        return out

    def key_of(self, issuer: str) -> DemoKey:
        info = self.catalogue["issuers"][issuer]
        return self.keys[info["key"] or issuer]

    def day(self, days_ago: int) -> datetime:
        return self.now - timedelta(days=days_ago)

    def achievement(self, name: str, issuer: str = "college") -> dict[str, Any]:
        body = copy.deepcopy(self.catalogue["achievements"][issuer][name])
        base = self.catalogue["achievementBase"] if issuer == "college" else "https://unknown-academy.example/achievements/"
        out = {"id": base + name, "type": ["Achievement"], **body}
        out["creator"] = self.profile(issuer)
        return out

    def sign(self, doc: dict[str, Any], issuer: str, created: datetime) -> dict[str, Any]:
        from wallet.verify.sign import sign

        key = self.key_of(issuer)
        return sign(doc, key.private_key, key.verification_method, suite="eddsa-rdfc-2022", created=created)

    def badge(self, award: dict[str, Any], endorsement: dict[str, Any] | None = None) -> dict[str, Any]:
        issuer = award.get("issuer", "college")
        achievement = self.achievement(award["achievement"], issuer)
        if endorsement is not None:
            achievement["endorsement"] = [endorsement]
        issued = self.day(award["daysAgo"])
        doc: dict[str, Any] = {
            "@context": [VC2, OB3],
            "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, award['achievement'] + self.holder)}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": achievement["name"],
            "issuer": self.profile(issuer),
            "validFrom": _xsd(issued),
            "awardedDate": _xsd(issued),
            "credentialSubject": {"id": self.holder, "type": ["AchievementSubject"], "achievement": achievement},
        }
        if "validForDays" in award:
            doc["validUntil"] = _xsd(issued + timedelta(days=award["validForDays"]))
        if "creditsAvailable" in achievement:
            doc["credentialSubject"]["creditsEarned"] = achievement["creditsAvailable"]
        return self.sign(doc, issuer, issued)

    def endorsement(self) -> dict[str, Any]:
        spec = self.catalogue["endorsement"]
        when = self.day(spec["daysAgo"])
        doc = {
            "@context": [VC2, OB3],
            "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'endorsement' + spec['achievement'])}",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Endorsement of the Data Literacy course certificate",
            "issuer": self.profile("endorser"),
            "validFrom": _xsd(when),
            "credentialSubject": {
                "id": self.catalogue["achievementBase"] + spec["achievement"],
                "type": ["EndorsementSubject"],
                "endorsementComment": spec["comment"],
            },
        }
        return self.sign(doc, "endorser", when)

    def transcript(self, inner: dict[str, dict[str, Any]]) -> dict[str, Any]:
        spec = self.catalogue["transcript"]
        when = self.day(spec["daysAgo"])
        base = self.catalogue["achievementBase"]
        achievements = [self.achievement(name) for name in inner]
        associations = [
            {"type": "Association", "associationType": "isChildOf", "sourceId": base + child, "targetId": base + parent}
            for child, parent in spec["partOf"].items()
        ]
        doc = {
            "@context": [VC2, CLR2, OB3],
            "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'transcript' + self.holder)}",
            "type": ["VerifiableCredential", "ClrCredential"],
            "name": spec["name"],
            "issuer": self.profile("college"),
            "validFrom": _xsd(when),
            "credentialSubject": {
                "id": self.holder,
                "type": ["ClrSubject"],
                "verifiableCredential": list(inner.values()),
                "achievement": achievements,
                "association": associations,
            },
        }
        return self.sign(doc, "college", when)

    def signed_stack(self, definition: dict[str, Any]) -> dict[str, Any]:
        when = self.day(365)
        doc = {
            "@context": [VC2, STACK_CONTEXT],
            "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, definition['id'])}",
            "type": ["VerifiableCredential", "StackDefinitionCredential"],
            "name": f"Stack definition: {definition['name']}",
            "issuer": {"id": self.key_of("college").did, "name": self.catalogue["issuers"]["college"]["name"]},
            "validFrom": _xsd(when),
            "credentialSubject": {"id": definition["id"], "stackDefinition": definition},
        }
        return self.sign(doc, "college", when)


def _dump(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")


def fill_demo_wallet(wallet: Any, *, holder: str | None = None) -> DemoContents:
    """Sign the demo credentials for ``wallet``'s holder, import and verify them, add the stacks."""
    catalogue, keys = load_catalogue(), load_keys()
    if holder is None:
        from wallet.identity import Identities

        holder = Identities(wallet.store, clock=wallet.clock).default().id
    issuer = DemoIssuer(catalogue, keys, holder, wallet.clock())
    contents = DemoContents()
    endorsement = issuer.endorsement()
    in_transcript: dict[str, dict[str, Any]] = {}
    documents: list[dict[str, Any]] = [endorsement]
    for award in catalogue["awards"]:
        signed = issuer.badge(award, endorsement if award.get("endorsed") else None)
        if award.get("in") == "transcript":
            in_transcript[award["achievement"]] = signed
        else:
            documents.append(signed)
    documents.append(issuer.transcript(in_transcript))
    for doc in documents:
        _import(wallet, _dump(doc), contents)
    _add_stacks(wallet, issuer, catalogue, contents)
    return contents


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
