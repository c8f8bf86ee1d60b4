"""Benchmark: sharing a 3-credential bundle, and checking it from QR pictures.

Targets (issue 6): create, sign and render the QR codes of a 3-credential bundle in
<= 150 ms; decode and verify a 3-credential bundle from PNG images in <= 300 ms.

"Create" is building the presentation and signing it (eddsa-rdfc-2022) with the
learner's identity from an open wallet; "render" is every QR matrix and its PNG.
"Check" starts from the PNG files on disk: read the pictures (zxing-cpp), put the parts
together, inflate, verify the holder's proof and each credential. The first run is
reported apart (cold caches: contexts, canonicalization memo); then the median and p95
of the following runs. Each run signs a fresh bundle (new id and time), so the
presentation is canonicalized anew every time.

Run: ``.venv/bin/python benchmarks/bench_share.py [--interop ../shared/interop] [--runs 20]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from wallet import bundle, bundle_check, qr
from wallet.formats import parse
from wallet.identity import Identities
from wallet.service import Wallet
from wallet.store import WALLET_FILENAME, Store
from wallet.verify.environment import VerifyEnvironment

ROOT = Path(__file__).resolve().parent.parent
PICKED = ("ovm-ic-foundational.json", "ovm-al-advanced.json", "ou-cs-certificate.json")
CREATE_TARGET_MS, CHECK_TARGET_MS = 150, 300


def ms(seconds: float) -> float:
    return seconds * 1000


def share_once(wallet: Wallet, ids: list[str], folder: Path) -> tuple[float, list[Path], int]:
    start = time.perf_counter()
    vp = bundle.create_bundle(wallet, ids, challenge="bench-challenge", domain="https://bench.example")
    payload = qr.encode_presentation(vp, file_bytes=bundle.bundle_bytes(vp))
    pngs = [qr.png_bytes(qr.matrix(text)) for text in payload.texts]
    elapsed = time.perf_counter() - start
    paths = []
    for i, data in enumerate(pngs):  # writing files is not part of the target
        path = folder / f"part-{i}.png"
        path.write_bytes(data)
        paths.append(path)
    return elapsed, paths, payload.count


def check_once(paths: list[Path]) -> tuple[float, bundle_check.BundleReport]:
    start = time.perf_counter()
    report = bundle_check.check_inputs(list(reversed(paths)), VerifyEnvironment(),
                                       challenge="bench-challenge", domain="https://bench.example")
    return time.perf_counter() - start, report


def summary(label: str, first: float, rest: list[float], target: float) -> str:
    med = ms(statistics.median(rest))
    p95 = ms(sorted(rest)[max(0, int(len(rest) * 0.95) - 1)])
    verdict = "OK" if med <= target else "OVER TARGET"
    return (f"{label:<42} first {ms(first):7.1f} ms   median {med:7.1f} ms   p95 {p95:7.1f} ms"
            f"   target {target} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interop", type=Path, default=ROOT.parent / "shared" / "interop")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    stack = args.interop / "peer-vcjs" / "stack"
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        wallet = Wallet(home, Store.open(home / WALLET_FILENAME, os.urandom(32)))
        ids = []
        for name in PICKED:
            cred = parse((stack / name).read_bytes())[0]
            wallet.store.add(cred)
            ids.append(cred.id)
        Identities(wallet.store).default()
        create_times, check_times, parts, ok = [], [], 0, True
        for run in range(args.runs + 1):
            folder = home / f"run-{run}"
            folder.mkdir()
            elapsed, paths, parts = share_once(wallet, ids, folder)
            create_times.append(elapsed)
            elapsed, report = check_once(paths)
            check_times.append(elapsed)
            ok = ok and report.ok
        wallet.close()
    print(f"3-credential bundle ({', '.join(PICKED)}): {parts} QR code(s); every check passed: {ok}")
    print(summary("create + sign + render QR (matrix + PNG)", create_times[0], create_times[1:], CREATE_TARGET_MS))
    print(summary("decode PNGs + verify bundle and credentials", check_times[0], check_times[1:], CHECK_TARGET_MS))


if __name__ == "__main__":
    main()
