"""The demo issuer: builds and signs the demo's credentials from the catalogue.

The credentials are made from ``resources/demo/catalogue.json`` and signed with the
demo keys in ``resources/demo/demo-keys.json``. Those keys are published on purpose:
anyone can sign with them, so what they sign proves nothing and the demo wallet is
never the learner's own. Dates are counted back from the clock, so the demo looks the
same whenever it runs.

Most credentials carry a Data Integrity proof (eddsa-rdfc-2022); one travels as a
VC-JOSE-COSE token (``vc+jwt``, signed EdDSA), and the issuer also signs the
Bitstring Status List that says which of its credentials are revoked.
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import resources
from wallet.statuslist import BITSTRING, encode_bitstring
from wallet.verify.multibase import b64url_encode

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


def load_keys() -> dict[str, DemoKey]:
    data = json.loads(resources.path("demo", "demo-keys.json").read_text("utf-8"))
    keys = {}
    for role, k in data["keys"].items():
        private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["privateKeySeedHex"]))
        keys[role] = DemoKey(k["did"], k["verificationMethod"], private)
    return keys


def load_catalogue() -> dict[str, Any]:
    return json.loads(resources.path("demo", "catalogue.json").read_text("utf-8"))


def _b64_json(value: dict[str, Any]) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


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
        """An award as an OB 3.0 credential with a Data Integrity proof."""
        doc = self.badge_document(award, endorsement)
        return self.sign(doc, award.get("issuer", "college"), self.day(award["daysAgo"]))

    def badge_document(self, award: dict[str, Any], endorsement: dict[str, Any] | None = None) -> dict[str, Any]:
        """An award as an OB 3.0 credential, not yet signed."""
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
        if "statusIndex" in award:
            doc["credentialStatus"] = self.status_entry(award["statusIndex"])
        return doc

    def token(self, doc: dict[str, Any], issuer: str = "college") -> str:
        """``doc`` as a VC-JOSE-COSE compact JWS (``typ`` vc+jwt): the payload is the
        credential itself, signed EdDSA by the issuer's key."""
        key = self.key_of(issuer)
        header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": key.verification_method}
        signing_input = f"{_b64_json(header)}.{_b64_json(doc)}"
        return f"{signing_input}.{b64url_encode(key.private_key.sign(signing_input.encode('ascii')))}"

    # -- revocation: one Bitstring Status List for the college's credentials

    def status_entry(self, index: int) -> dict[str, Any]:
        url = self.catalogue["statusList"]["url"]
        return {"id": f"{url}#{index}", "type": BITSTRING, "statusPurpose": "revocation",
                "statusListIndex": str(index), "statusListCredential": url}

    def status_list(self) -> dict[str, Any]:
        """The college's signed revocation list: the bits of the revoked awards are set."""
        spec = self.catalogue["statusList"]
        bits = bytearray(spec["entries"] // 8)
        for award in self.catalogue["awards"]:
            if award.get("revoked"):
                index = award["statusIndex"]
                bits[index // 8] |= 0x80 >> (index % 8)
        when = self.day(spec["daysAgo"])
        doc = {
            "@context": [VC2],
            "id": spec["url"],
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": self.key_of("college").did,
            "validFrom": _xsd(when),
            "credentialSubject": {"id": spec["url"] + "#list", "type": "BitstringStatusList",
                                  "statusPurpose": "revocation", "encodedList": encode_bitstring(bytes(bits))},
        }
        return self.sign(doc, "college", when)

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
