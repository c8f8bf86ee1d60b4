"""Status and trust speed: decoding lists, answering from the cache, the trust file.

    .venv/bin/python benchmarks/bench_status.py

Prints, for the corpus's 131,072-entry Bitstring status list: the time to decode it
(base64url + bounded GZIP), the first status check of a credential (which verifies
the list's own signature) and the following ones (answered from memory); the
registry lookup with a 10,000-issuer registry; and the time to export and import a
trust file holding 200 DID documents, 50 status lists and that registry. Nothing
connects to the network.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from wallet.clock import fixed_clock
from wallet.net import NetClient, NetworkPolicy
from wallet.status import decode_bitstring
from wallet.store import Store
from wallet.trust import DocumentRecord, parse_registry
from wallet.trustdata import TrustData

INTEROP = Path(__file__).resolve().parents[2] / "shared" / "interop" / "peer-vcjs"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
URL = "https://ou.example.org/status/revocation/1"


def timed(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    listed = json.loads((INTEROP / "status" / "ou-revocation-list-1.json").read_text())
    cred = json.loads((INTEROP / "status" / "not-revoked.json").read_text())
    issuer = cred["issuer"]["id"]
    encoded = listed["credentialSubject"]["encodedList"]
    print(f"decode 131072-entry list: {timed(lambda: decode_bitstring(encoded), 200):.3f} ms (median)")

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "w.sqlite3", os.urandom(32))
        data = TrustData(store, clock=fixed_clock(NOW), net=NetClient(NetworkPolicy.NEVER))
        data.status.accept(URL, listed, fetched_at=NOW - timedelta(days=1), source="file")
        fresh = TrustData(store, clock=fixed_clock(NOW), net=NetClient(NetworkPolicy.NEVER))
        start = time.perf_counter()
        fresh.status.check(cred, issuer)
        print(f"first status check (verifies the list's signature): {(time.perf_counter() - start) * 1000:.1f} ms")
        print(f"later status checks (from memory): {timed(lambda: fresh.status.check(cred, issuer), 500):.3f} ms (median)")

        registry = {"meta": {}, "registry": {f"did:key:z6Mk{i:040d}": {"name": f"Issuer {i}"} for i in range(10_000)}}
        data.trust.keep_registry(parse_registry(registry, name="Big registry", fetched_at=NOW))
        start = time.perf_counter()
        data.trust.check("did:key:z6Mk" + "9" * 40)
        print(f"first trust check, 10,000-issuer registry (loads it): {(time.perf_counter() - start) * 1000:.1f} ms")
        print(f"later trust checks: {timed(lambda: data.trust.check('did:key:z6Mk' + '0' * 40), 500):.3f} ms (median)")

        for i in range(200):
            did = f"did:web:school{i}.example"
            data.trust.documents.put(DocumentRecord(did, "did-document", NOW, {"id": did, "assertionMethod": []}))
        for i in range(49):
            data.status.cache.put(data.status.cache.get(URL).__class__(f"{URL}-{i}", NOW, "credential", listed, "file"))
        path = Path(folder) / "trust.json"
        start = time.perf_counter()
        data.files.export(path)
        export_ms = (time.perf_counter() - start) * 1000
        other = Store.open(Path(folder) / "o.sqlite3", os.urandom(32))
        target = TrustData(other, clock=fixed_clock(NOW), net=NetClient(NetworkPolicy.NEVER))
        start = time.perf_counter()
        summary = target.files.import_file(path, trust_signer=True)
        import_ms = (time.perf_counter() - start) * 1000
        size = path.stat().st_size / 1024
        print(f"trust file, 200 documents + 50 lists + 10,000-issuer registry: {size:.0f} KB, "
              f"export {export_ms:.0f} ms, import {import_ms:.0f} ms ({summary.message})")
        store.close()
        other.close()


if __name__ == "__main__":
    main()
