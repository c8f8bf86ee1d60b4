"""Benchmark: RDF canonicalization as Data Integrity verification uses it.

Why: canonicalization runs twice per RDF-signed proof (the unsigned document and the
proof configuration) and is most of the cost of verifying a credential. This prints,
per credential of the peer corpus, the median and p95 time of both canonicalizations
after warm-up, the same for plain pyld (no memo, no safe mode) for comparison, and the
time to canonicalize 1,000 distinct credentials on one core and on two.

Run: ``.venv/bin/python benchmarks/bench_canonize.py [--interop ../shared/interop]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import statistics
import time
from pathlib import Path
from typing import Callable

from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdProcessor

from wallet.verify import contexts
from wallet.verify.jsonld import canonize

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = "suites/ob3-eddsa-rdfc-2022.json"


def split(doc: dict) -> tuple[dict, dict]:
    """The unsigned document and the proof configuration, as a verifier forms them."""
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    proof = doc["proof"] if isinstance(doc["proof"], dict) else doc["proof"][0]
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = doc["@context"]
    return unsigned, config


def ours(doc: dict) -> None:
    unsigned, config = split(doc)
    canonize(unsigned)
    canonize(config)


def plain_pyld() -> Callable[[dict], None]:
    cache: dict = {}

    def load(url, options=None):
        return {"contextUrl": None, "documentUrl": url, "document": contexts.load(url)}

    def run(doc: dict) -> None:
        for part in split(doc):
            JsonLdProcessor().normalize(part, {
                "algorithm": "URDNA2015", "format": "application/n-quads",
                "documentLoader": load, "contextResolver": ContextResolver(cache, load)})
    return run


def timings(fn: Callable[[dict], None], doc: dict, runs: int, warmup: int = 30) -> list[float]:
    for _ in range(warmup):
        fn(doc)
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(doc)
        found.append(time.perf_counter() - start)
    return found


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered) * 1e3:6.3f} ms  p95 {p95 * 1e3:6.3f} ms"


def rdf_signed(peer: Path) -> list[Path]:
    """Peer credentials whose (first) proof is RDF-canonicalized."""
    found = []
    for folder in ("suites", "stack", "validity", "status"):
        for path in sorted((peer / folder).glob("*.json")):
            doc = json.loads(path.read_text())
            proof = doc.get("proof")
            proof = proof[0] if isinstance(proof, list) else proof
            if isinstance(proof, dict) and "jcs" not in str(proof.get("cryptosuite", "")):
                found.append(path)
    return found


def distinct(doc: dict, count: int) -> list[dict]:
    """``count`` credentials that differ in id, subject and name (no shared memo keys)."""
    made = []
    for index in range(count):
        item = copy.deepcopy(doc)
        item["id"] = f"urn:uuid:00000000-0000-4000-8000-{index:012d}"
        item["credentialSubject"]["id"] = f"did:example:learner-{index}"
        item["credentialSubject"]["name"] = f"Learner {index}"
        made.append(item)
    return made


def _warm(path: str) -> None:
    """Pool initializer: each worker fills its own context memo before timing starts."""
    doc = json.loads(Path(path).read_text())
    for _ in range(20):
        ours(doc)


def throughput(docs: list[dict], headline: Path, processes: int) -> float:
    if processes == 1:
        start = time.perf_counter()
        for doc in docs:
            ours(doc)
        return time.perf_counter() - start
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes, initializer=_warm, initargs=(str(headline),)) as pool:
        pool.map(ours, docs[:processes * 2], chunksize=1)  # all workers started and warm
        start = time.perf_counter()
        pool.map(ours, docs, chunksize=25)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interop", type=Path, default=ROOT.parent / "shared" / "interop")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    peer = args.interop / "peer-vcjs"
    headline = peer / HEADLINE
    baseline = plain_pyld()

    print("canonicalization per credential (unsigned document + proof configuration)")
    for path in rdf_signed(peer):
        doc = json.loads(path.read_text())
        rel = str(path.relative_to(peer))
        print(f"  {rel:45} ours {summary(timings(ours, doc, args.runs))}")
    doc = json.loads(headline.read_text())
    print(f"\nheadline {HEADLINE}")
    print(f"  wallet      {summary(timings(ours, doc, args.runs * 3))}")
    print(f"  plain pyld  {summary(timings(baseline, doc, args.runs // 3))}")

    docs = distinct(doc, 1000)
    for processes in (1, 2):
        seconds = throughput(docs, headline, processes)
        print(f"\n1,000 distinct credentials, {processes} process(es): {seconds:.3f} s "
              f"({1000 / seconds:,.0f} credentials/s)")


if __name__ == "__main__":
    main()
