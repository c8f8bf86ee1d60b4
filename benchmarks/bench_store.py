"""How fast the encrypted store opens and imports.

Targets (issue 4): opening a wallet of 10,000 credentials (unlock, check, decrypt and
build the list of Credential records) in at most 1.5 s; importing 1,000 credentials in
at most 10 s. Run: .venv/bin/python benchmarks/bench_store.py [N_OPEN] [N_IMPORT]
Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from wallet import vault
from wallet.keys import PASSPHRASE_KDF, KeyringSlot, Unlocker
from wallet.service import Wallet, open_wallet
from wallet.store import Store


class _MemoryKeyring:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, user: str, password: str) -> None:
        self.entries[(service, user)] = password

    def get_password(self, service: str, user: str) -> str | None:
        return self.entries.get((service, user))

    def delete_password(self, service: str, user: str) -> None:
        self.entries.pop((service, user), None)


def credential_json(i: int) -> bytes:
    """An Open Badge 3.0 credential of typical size (about 1.5 kB)."""
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": f"urn:uuid:bench-{i:08d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"did:example:issuer{i % 40}", "type": ["Profile"], "name": f"Example College {i % 40}"},
        "validFrom": "2024-05-01T00:00:00Z",
        "name": f"Module {i}",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://example.edu/achievements/{i}",
                "type": ["Achievement"],
                "name": f"Module {i}: Data literacy",
                "description": "Learners can collect, clean and describe a small data set. " * 8,
                "criteria": {"narrative": "Passed the final assessment with at least 60 percent."},
                "alignment": [{"type": ["Alignment"], "targetName": "Data literacy",
                               "targetUrl": "https://example.org/skills/data", "targetCode": f"DL{i % 9}"}],
            },
        },
    }
    return json.dumps(doc, indent=1).encode()


def bench_import(n: int, folder: Path) -> None:
    """Import a folder of n credential files, as a learner would (one commit each)."""
    source = folder / "files"
    source.mkdir(parents=True)
    for i in range(n):
        (source / f"credential-{i:05d}.json").write_bytes(credential_json(100_000 + i))
    created = vault.create_store(folder / "wallet", passphrase="benchmark passphrase")
    wallet = Wallet(folder / "wallet", created.store)
    start = time.perf_counter()
    results = wallet.import_paths([source])
    took = time.perf_counter() - start
    held = len(wallet.credentials())
    wallet.close()
    print(f"import {len(results)} files (detect, parse, one transaction each): {took:.2f} s "
          f"({took / n * 1000:.1f} ms each; target 10 s) -> {held} held")


def bench_open(n: int, folder: Path) -> None:
    backend = _MemoryKeyring()
    slot = KeyringSlot(backend)
    created = vault.create_store(folder, keyring=slot, passphrase="benchmark passphrase", kdf=PASSPHRASE_KDF)
    store: Store = created.store
    fill = time.perf_counter()
    from wallet.formats import parse

    for i in range(n):
        for cred in parse(credential_json(i), source="benchmark"):
            store.add(cred)
    Wallet(folder, store).close()  # as the app would: closing makes the first backup
    print(f"(filled a wallet with {n} credentials in {time.perf_counter() - fill:.1f} s; "
          f"file {vault.wallet_path(folder).stat().st_size / 1e6:.1f} MB)")
    for label, unlocker in (("keyring", Unlocker(keyring=slot)),
                            ("passphrase, scrypt n=2^17", Unlocker(secret="benchmark passphrase"))):
        start = time.perf_counter()
        wallet = open_wallet(folder, unlocker)
        opened = time.perf_counter()
        creds = wallet.credentials()
        done = time.perf_counter()
        wallet.store.close()
        print(f"open {len(creds)} credentials via {label}: {done - start:.2f} s "
              f"(unlock + checks {opened - start:.2f} s, decrypt + list {done - opened:.2f} s; target 1.5 s)")


def main() -> None:
    n_open = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    n_import = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    with tempfile.TemporaryDirectory() as tmp:
        bench_import(n_import, Path(tmp) / "import")
        bench_open(n_open, Path(tmp) / "open")


if __name__ == "__main__":
    main()
