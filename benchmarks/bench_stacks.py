"""Stack progress speed: 1,000 credentials against a definition with 100 requirements.

Target: progress in at most 50 ms, recomputed incrementally when a credential is added.
Prints figures; asserts nothing (speed is measured here, never in the test suite).

    .venv/bin/python benchmarks/bench_stacks.py
"""

from __future__ import annotations

import random
import statistics
import time

from wallet.credential import CredentialId, Summary
from wallet.stacks.definition import load_definition
from wallet.stacks.progress import HeldCredential, ProgressTracker
from wallet.stacks.standing import EARNED

COURSES = 19  # 19 x (1 atLeast + 4 matches) + root + electives + 3 tag rules = 100 rules
CREDENTIALS = 1000


def definition():
    courses = [
        {"id": f"course-{c}", "label": f"Course {c}", "atLeast": 3, "of": [
            {"match": {"achievementId": f"urn:bench:mc:{c}-{m}"}} for m in range(4)]}
        for c in range(COURSES)
    ]
    extra = [
        {"label": "Electives", "credits": 300, "unit": "credits", "from": {"tag": "elective"}},
        {"label": "Project work", "match": {"tag": "project"}, "count": 5},
        {"label": "Seminars", "match": {"tag": "seminar"}, "count": 150},
        {"label": "Placements", "match": {"tag": "placement", "achievementType": "Placement"}, "count": 2},
    ]
    raw = {"type": "StackDefinition", "id": "urn:bench:stack", "name": "Benchmark programme",
           "requirement": {"distinct": True, "all": courses + extra}}
    d = load_definition(raw)
    return d


def credentials(rng: random.Random, n: int) -> list[HeldCredential]:
    out = []
    for i in range(n):
        c, m = rng.randrange(COURSES * 3), rng.randrange(6)  # most match no requirement at all
        tags = tuple(t for t in ("elective", "project", "seminar", "placement") if rng.random() < 0.12)
        summary = Summary(title=f"Credential {i}", achievement_id=f"urn:bench:mc:{c}-{m}",
                          achievement_type="Placement" if "placement" in tags else "MicroCredential",
                          tags=tags, credits=float(rng.choice((1, 2, 3))))
        out.append(HeldCredential(CredentialId(f"{i:064x}"), summary, EARNED))
    return out


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    rng = random.Random(7)
    d = definition()
    held = credentials(rng, CREDENTIALS)
    print(f"definition: {len(d.rules())} rules; credentials: {len(held)}")

    def cold():
        tracker = ProgressTracker(d)
        tracker.update_all(held)
        return tracker.progress()

    ms, p = timed(cold)
    print(f"cold (match every credential, search, build the tree): {ms:7.1f} ms   progress {p.fraction:.3f}")

    tracker = ProgressTracker(d)
    tracker.update_all(held)
    tracker.progress()
    ms, _ = timed(tracker.progress)
    print(f"warm (same credentials, memo hit):                     {ms:7.1f} ms")

    extra = credentials(random.Random(99), 40)
    times = []
    for i, h in enumerate(extra):
        h = HeldCredential(CredentialId(f"{CREDENTIALS + i:064x}"), h.summary, EARNED)
        start = time.perf_counter()
        tracker.update(h)
        tracker.progress()
        times.append((time.perf_counter() - start) * 1000)
    print(f"incremental (add one credential, recompute):           {statistics.median(times):7.1f} ms median,"
          f" {max(times):.1f} ms worst of {len(times)}")
    service_figures(held, d)
    print("target: <= 50 ms")


def service_figures(held: list[HeldCredential], d) -> None:
    """The same through the wallet: decrypting 1,000 stored credentials and their reports."""
    import json
    import os
    import tempfile
    from datetime import datetime, timezone
    from pathlib import Path

    from wallet.credential import Credential, Envelope, Format, content_id
    from wallet.service import Wallet
    from wallet.store import WALLET_FILENAME, Store
    from wallet.verify.report import Report, Status, report_to_json

    with tempfile.TemporaryDirectory() as home:
        wallet = Wallet(Path(home), Store.open(Path(home) / WALLET_FILENAME, os.urandom(32)))
        now = datetime.now(timezone.utc)
        verified = report_to_json(Report(Status.VERIFIED, (), now))
        for h in held:
            raw = json.dumps({"name": h.summary.title, "n": h.id}).encode()
            cred = Credential(content_id(raw), raw, Envelope.JSON, Format.OB3, raw.decode(), h.summary)
            wallet.store.add(cred)
            wallet.store.save_report(cred.id, now, verified)
        wallet.store.put("stacks", "bench", {"definition": d.source})
        ms, _ = timed(wallet.stacks.held, repeat=3)
        print(f"wallet: read 1,000 credentials and reports:           {ms:7.1f} ms")
        ms, _ = timed(lambda: wallet.stacks.all_progress(), repeat=3)
        print(f"wallet: all progress (read + incremental search):     {ms:7.1f} ms")
        wallet.close()


if __name__ == "__main__":
    main()
