"""Stack progress speed: 1,000 credentials against definitions of about 100 requirements.

Target: progress in at most 50 ms, recomputed incrementally when a credential is added.
Three shapes, each cold (a fresh tracker: match every credential, search, build the
tree) and incremental (add one credential to a tracker holding 1,000, recompute):

- ladder: courses of micro-courses found by achievementId, electives by tag and credits,
  under a distinct "all" (the shape of the shipped data skills certificate);
- competencies: the spec's competency programme scaled to 49 domains, every domain at
  foundational level and 40 of 49 at intermediate (alignment + minLevel);
- distinct tags: a distinct "all" of 99 rules, each wanting 3 credentials with a tag
  (30 tags, every credential carries 3, so every credential is contested).

Prints min and median (the machine is shared: the min is the machine's speed, the median
what a learner sees under load); asserts nothing (speed is measured here, never in the
test suite).

    .venv/bin/python benchmarks/bench_stacks.py
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from wallet.credential import Alignment, CredentialId, Summary
from wallet.stacks.definition import StackDefinition, load_definition
from wallet.stacks.progress import HeldCredential, ProgressTracker
from wallet.stacks.standing import EARNED

TARGET_MS = 50.0
CREDENTIALS = 1000
ADDED = 40  # incremental: credentials added one at a time
COLD_RUNS = 7


def _held(i: int, **summary) -> HeldCredential:
    return HeldCredential(CredentialId(f"{i:064x}"), Summary(title=f"Credential {i}", **summary), EARNED)


def _definition(requirement: dict, **extra) -> StackDefinition:
    return load_definition({"type": "StackDefinition", "id": "urn:bench:stack", "name": "Benchmark programme",
                            "requirement": requirement, **extra})


# ---------------------------------------------------------------- the three shapes

COURSES = 19  # 19 x (1 atLeast + 4 matches) + root + electives + 3 tag rules = 100 rules


def ladder() -> StackDefinition:
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
    return _definition({"distinct": True, "all": courses + extra})


def ladder_credential(rng: random.Random, i: int) -> HeldCredential:
    c, m = rng.randrange(COURSES * 3), rng.randrange(6)  # most match no requirement at all
    tags = tuple(t for t in ("elective", "project", "seminar", "placement") if rng.random() < 0.12)
    return _held(i, achievement_id=f"urn:bench:mc:{c}-{m}",
                 achievement_type="Placement" if "placement" in tags else "MicroCredential",
                 tags=tags, credits=float(rng.choice((1, 2, 3))))


DOMAINS = 49  # root + 2 groups + 2 x 49 domain rules = 101 rules
LEVELS = ("foundational", "intermediate", "advanced")


def competencies() -> StackDefinition:
    def domain(d: int, level: str) -> dict:
        return {"label": f"Domain {d}", "match": {
            "alignment": {"framework": "Bench Skills", "code": f"D{d}"}, "minLevel": level}}

    return _definition({"all": [
        {"id": "breadth", "label": "Every domain, foundational", "all": [domain(d, "foundational") for d in range(DOMAINS)]},
        {"id": "depth", "label": "40 domains, intermediate or above", "atLeast": 40,
         "of": [domain(d, "intermediate") for d in range(DOMAINS)]},
    ]}, levels=list(LEVELS), levelFramework="Bench Levels")


def competency_credential(rng: random.Random, i: int) -> HeldCredential:
    skills = tuple(Alignment(framework="Bench Skills", code=f"D{d}") for d in rng.sample(range(DOMAINS), 2))
    return _held(i, alignments=(*skills, Alignment(framework="Bench Levels", name=rng.choice(LEVELS))))


TAGS = 30


def distinct_tags() -> StackDefinition:
    return _definition({"distinct": True, "all": [
        {"label": f"Topic {i}", "match": {"tag": f"t{i % TAGS}"}, "count": 3} for i in range(99)]})


def tag_credential(rng: random.Random, i: int) -> HeldCredential:
    return _held(i, tags=tuple(rng.sample([f"t{k}" for k in range(TAGS)], 3)))


SHAPES: list[tuple[str, Callable[[], StackDefinition], Callable[[random.Random, int], HeldCredential]]] = [
    ("ladder (achievementId)", ladder, ladder_credential),
    ("competencies (alignment + minLevel)", competencies, competency_credential),
    ("distinct tags (all contested)", distinct_tags, tag_credential),
]


# ---------------------------------------------------------------- measuring


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _line(what: str, times: list[float], *, target: bool = True) -> str:
    low, mid, high = min(times), statistics.median(times), max(times)
    line = f"  {what:<12} min {low:6.1f}  median {mid:6.1f}  max {high:6.1f} ms"
    if not target:
        return line
    verdict = "within" if mid <= TARGET_MS else ("min within" if low <= TARGET_MS else "OVER")
    return f"{line}   {verdict} the {TARGET_MS:.0f} ms target"


def measure(definition: StackDefinition, make: Callable[[random.Random, int], HeldCredential]) -> list[str]:
    rng = random.Random(7)
    held = [make(rng, i) for i in range(CREDENTIALS)]

    def cold() -> ProgressTracker:
        tracker = ProgressTracker(definition)
        tracker.update_all(held)
        tracker.progress()
        return tracker

    cold_times = [_ms(cold) for _ in range(COLD_RUNS)]
    tracker = cold()
    fraction = tracker.progress().fraction
    more = random.Random(99)
    added = []
    for i in range(CREDENTIALS, CREDENTIALS + ADDED):
        h = make(more, i)
        added.append(_ms(lambda h=h: (tracker.update(h), tracker.progress())))
    return [f"{len(definition.rules())} rules, {CREDENTIALS} credentials, progress {fraction:.3f}",
            _line("cold", cold_times), _line("incremental", added)]


def main() -> None:
    for name, definition, make in SHAPES:
        print(name)
        for line in measure(definition(), make):
            print(line)
    service_figures()


def service_figures() -> None:
    """The ladder through the wallet: decrypting 1,000 stored credentials and their reports."""
    import json
    import os
    import tempfile
    from datetime import datetime, timezone
    from pathlib import Path

    from wallet.credential import Credential, Envelope, Format, content_id
    from wallet.service import Wallet
    from wallet.store import WALLET_FILENAME, Store
    from wallet.verify.report import Report, Status, report_to_json

    rng = random.Random(7)
    held = [ladder_credential(rng, i) for i in range(CREDENTIALS)]
    with tempfile.TemporaryDirectory() as home:
        wallet = Wallet(Path(home), Store.open(Path(home) / WALLET_FILENAME, os.urandom(32)))
        now = datetime.now(timezone.utc)
        verified = report_to_json(Report(Status.VERIFIED, (), now))
        for h in held:
            raw = json.dumps({"name": h.summary.title, "n": h.id}).encode()
            cred = Credential(content_id(raw), raw, Envelope.JSON, Format.OB3, raw.decode(), h.summary)
            wallet.store.add(cred)
            wallet.store.save_report(cred.id, now, verified)
        wallet.store.put("stacks", "bench", {"definition": ladder().source})
        print("wallet, ladder: reading 1,000 stored credentials and their reports, then all progress")
        print(_line("read", [_ms(wallet.stacks.held) for _ in range(3)], target=False))
        print(_line("progress", [_ms(wallet.stacks.all_progress) for _ in range(3)], target=False))
        wallet.close()


if __name__ == "__main__":
    main()
