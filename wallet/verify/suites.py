"""The proof suites the wallet knows, and its policy for names seen in the wild.

A suite fixes the canonical form (RDF canonicalization or JCS), which key types may
sign, the hash (SHA-384 only for P-384, in canonicalization too), and how the signature
is written. Pre-standard cryptosuite names are mapped to the standard algorithm they
were drafts of and flagged with a warning; see ``LEGACY_NAMES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wallet.verify import keys as k


@dataclass(frozen=True)
class Suite:
    name: str  # cryptosuite name (DataIntegrityProof) or proof type (legacy suites)
    canonical: str  # "rdfc" or "jcs"
    key_types: frozenset[str]
    signature_field: str = "proofValue"  # "jws" for Ed25519Signature2018
    keeps_cryptosuite: bool = True  # DataIntegrityProof configs carry "cryptosuite"
    legacy_of: str = ""  # a pre-standard name: the standard suite it is treated as

    def hash_name(self, key_type: str) -> str:
        return "sha384" if key_type == k.P384 else "sha256"


_EDDSA = frozenset({k.ED25519})
_ECDSA = frozenset({k.P256, k.P384})

DATA_INTEGRITY = {
    "eddsa-rdfc-2022": Suite("eddsa-rdfc-2022", "rdfc", _EDDSA),
    "eddsa-jcs-2022": Suite("eddsa-jcs-2022", "jcs", _EDDSA),
    "ecdsa-rdfc-2019": Suite("ecdsa-rdfc-2019", "rdfc", _ECDSA),
    "ecdsa-jcs-2019": Suite("ecdsa-jcs-2019", "jcs", _ECDSA),
}

# Policy: drafts of the EdDSA and ECDSA cryptosuites used these names for what became
# eddsa-rdfc-2022 and ecdsa-rdfc-2019 (same canonicalization, hashing and signature).
# Credentials issued in that period are still carried by learners, so they are checked
# with the standard algorithm and the report carries a warning naming the old suite.
LEGACY_NAMES = {
    "eddsa-2022": Suite("eddsa-2022", "rdfc", _EDDSA, legacy_of="eddsa-rdfc-2022"),
    "ecdsa-2019": Suite("ecdsa-2019", "rdfc", _ECDSA, legacy_of="ecdsa-rdfc-2019"),
    # a misspelling that 1EdTech's published OB 3.0 examples carry
    "eddsa-rdf-2022": Suite("eddsa-rdf-2022", "rdfc", _EDDSA, legacy_of="eddsa-rdfc-2022"),
}

LEGACY_TYPES = {
    "Ed25519Signature2020": Suite("Ed25519Signature2020", "rdfc", _EDDSA, keeps_cryptosuite=False),
    "Ed25519Signature2018": Suite("Ed25519Signature2018", "rdfc", _EDDSA, "jws", keeps_cryptosuite=False),
}


def suite_for(proof: dict[str, Any]) -> Suite | None:
    """The suite a proof names, or None when this wallet does not implement it."""
    kind = proof.get("type")
    if kind == "DataIntegrityProof":
        name = proof.get("cryptosuite")
        if not isinstance(name, str):
            return None
        return DATA_INTEGRITY.get(name) or LEGACY_NAMES.get(name)
    if isinstance(kind, str):
        return LEGACY_TYPES.get(kind)
    return None


def suite_label(proof: dict[str, Any]) -> str:
    kind = proof.get("type")
    if kind == "DataIntegrityProof":
        return str(proof.get("cryptosuite") or "DataIntegrityProof")
    return str(kind)


def suite_for_signing(name: str, key_type: str) -> Suite:
    suite = DATA_INTEGRITY.get(name) or LEGACY_TYPES.get(name)
    if suite is None:
        raise ValueError(f"unknown suite {name!r}")
    if key_type not in suite.key_types:
        raise ValueError(f"{name} signs with {'/'.join(sorted(suite.key_types))} keys, not {key_type}")
    return suite
