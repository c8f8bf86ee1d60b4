"""RDF Dataset Canonicalization (RDFC-1.0, formerly URDNA2015) with a choice of hash.

Why not pyld's as is: ecdsa-rdfc-2019 with P-384 hashes blank-node labels with
SHA-384 *inside* canonicalization, and pyld hard-wires SHA-256. This keeps pyld's
algorithm and swaps only the hash.
"""

from __future__ import annotations

import hashlib

from pyld.canon import URDNA2015

HASHES = frozenset({"sha256", "sha384"})


class Rdfc10(URDNA2015):
    """RDFC-1.0 whose hash function is chosen by name (sha256 or sha384)."""

    def __init__(self, hash_name: str = "sha256") -> None:
        if hash_name not in HASHES:
            raise ValueError(f"unsupported canonicalization hash {hash_name!r}")
        super().__init__()
        self.hash_name = hash_name

    def create_hash(self):
        return hashlib.new(self.hash_name)


def canonical_nquads(dataset: dict, hash_name: str = "sha256") -> str:
    """Canonical N-Quads of a pyld RDF dataset (sorted, one quad per line)."""
    return Rdfc10(hash_name).main(dataset, {"format": "application/n-quads"})
