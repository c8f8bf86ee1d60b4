"""Verification speed: one OB 3.0 eddsa-rdfc-2022 credential, and 1,000 on both cores.

    .venv/bin/python benchmarks/bench_verify.py [--count 1000] [--workers 2]

Prints the median time to verify ../shared/interop/peer-vcjs/suites/ob3-eddsa-rdfc-2022.json
after warm-up (targets: <= 2.5 ms), and the wall time to verify 1,000 distinct signed
credentials with a process pool (target: <= 2 s). The credentials are made here with
the wallet's own signer, each with its own id, subject name and key.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

from wallet.clock import fixed_clock
from wallet.verify import Status, verify_credential
from wallet.verify.dids import did_key_from_public_key, verification_method_for
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.sign import sign

INTEROP = Path(__file__).resolve().parents[2] / "shared" / "interop"
SAMPLE = INTEROP / "peer-vcjs" / "suites" / "ob3-eddsa-rdfc-2022.json"
ENV = VerifyEnvironment(clock=fixed_clock(datetime(2026, 1, 15, tzinfo=timezone.utc)))


def median_single(text: str, rounds: int) -> tuple[float, float]:
    doc = json.loads(text)
    for _ in range(50):  # warm-up: contexts parsed, memo filled
        assert verify_credential(doc, ENV).status is Status.VERIFIED
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        verify_credential(json.loads(text), ENV)
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def make_credentials(count: int) -> list[str]:
    template = json.loads(SAMPLE.read_text())
    del template["proof"]
    out = []
    for i in range(count):
        key = ed25519.Ed25519PrivateKey.from_private_bytes(i.to_bytes(32, "big"))
        doc = json.loads(json.dumps(template))
        doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        doc["issuer"]["id"] = did_key_from_public_key(key)
        doc["credentialSubject"]["name"] = f"Learner {i}"
        signed = sign(doc, key, verification_method_for(key), created=datetime(2025, 1, 18, tzinfo=timezone.utc))
        out.append(json.dumps(signed))
    return out


def _verify_text(text: str) -> str:
    return verify_credential(text, ENV).status.value


def parallel(texts: list[str], workers: int) -> tuple[float, float, list[str]]:
    ctx = multiprocessing.get_context("fork")
    start = time.perf_counter()
    with ctx.Pool(workers) as pool:
        pool.map(_verify_text, texts[:workers * 4], chunksize=4)  # each worker warms up
        warm = time.perf_counter()
        statuses = pool.map(_verify_text, texts, chunksize=max(1, len(texts) // (workers * 8)))
        done = time.perf_counter()
    return done - warm, done - start, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()

    median, p95 = median_single(SAMPLE.read_text(), args.rounds)
    print(f"single credential ({SAMPLE.name}): median {median * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms "
          f"over {args.rounds} runs after warm-up (target <= 2.5 ms)")

    start = time.perf_counter()
    texts = make_credentials(args.count)
    print(f"made {len(texts)} distinct signed credentials in {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    serial = [_verify_text(t) for t in texts[:200]]
    per = (time.perf_counter() - start) / len(serial)
    print(f"serial: {per * 1000:.2f} ms per distinct credential (first 200)")
    warm, total, statuses = parallel(texts, args.workers)
    assert all(s == Status.VERIFIED.value for s in statuses), set(statuses)
    print(f"{len(texts)} distinct credentials on {args.workers} processes: {warm:.2f} s "
          f"(with pool start-up and warm-up: {total:.2f} s) (target <= 2 s)")


if __name__ == "__main__":
    main()
