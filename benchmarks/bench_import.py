"""How fast hostile files are turned away, and how fast real credentials import.

Run: .venv/bin/python benchmarks/bench_import.py [INTEROP_FOLDER]
Prints one line per case: the time taken and what the wallet said.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from wallet.errors import WalletError
from wallet.formats import parse
from wallet.service import Wallet
from wallet.store import WALLET_FILENAME, Store


def _png(info: PngInfo | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 90, 160)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + ctype + body + zlib.crc32(ctype + body).to_bytes(4, "big")


def hostile_cases() -> dict[str, bytes]:
    plain = _png()
    bomb = _chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(b" " * (512 * 1024 * 1024), 9))
    ztxt_bomb = _chunk(b"zTXt", b"openbadges\x00\x00" + zlib.compress(b" " * (512 * 1024 * 1024), 9))
    big_text = _chunk(b"tEXt", b"openbadges\x00{" + b" " * (12 << 20) + b"}")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return {
        "empty file": b"",
        "binary file (1 MB random)": os.urandom(1 << 20),
        "50 MB file": b"{" + b" " * (50 << 20) + b"}",
        "JSON nested 100,000 deep": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        "15 MB of brackets in an object": b'{"a":' + b"[" * (15 << 19) + b"]" * (15 << 19) + b"}",
        "unterminated strings (15 MB)": b'{"a": ' + b'"\\"' * (5 << 20),
        "5 million empty arrays (15 MB JSON)": b'{"a": [' + b"[]," * 5_000_000 + b"[]]}",
        "truncated PNG": plain[: len(plain) // 2],
        "decompression bomb (512 MB in iTXt)": plain[:33] + bomb + plain[33:],
        "decompression bomb (512 MB in zTXt)": plain[:33] + ztxt_bomb + plain[33:],
        "12 MB of badge text in a tEXt chunk": plain[:33] + big_text + plain[33:],
        "billion laughs SVG": (f'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY l0 "lol">{laughs}]>'
                               '<svg xmlns="http://www.w3.org/2000/svg">&l9;</svg>').encode(),
        "deep SVG (200,000 <g>)": b"<svg xmlns='http://www.w3.org/2000/svg'>" + b"<g>" * 200_000 + b"</svg>",
        "wide SVG (4 million <g/>, 15 MB)": b"<svg xmlns='http://www.w3.org/2000/svg'>" + b"<g/>" * 4_000_000 + b"</svg>",
        "SVG of 1.5 million <!DOCTYPE openings": b"<svg xmlns='http://www.w3.org/2000/svg'>" + b"<!DOCTYPE" * 1_500_000,
        "PDF": b"%PDF-1.7\n" + b"0" * 1000,
    }


def bench_hostile() -> None:
    print("Hostile input (each must be refused with a sentence):")
    for name, data in hostile_cases().items():
        start = time.perf_counter()
        try:
            parse(data)
            said = "ACCEPTED (wrong)"
        except WalletError as exc:
            said = f"{type(exc).__name__}: {exc.message}"
        print(f"  {time.perf_counter() - start:8.3f} s  {name:<40} {said}")


def bench_import(interop: Path) -> None:
    files = [p for p in sorted(interop.rglob("*")) if p.is_file() and p.suffix in {".json", ".jwt"}]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        wallet = Wallet(home, Store.open(home / WALLET_FILENAME, os.urandom(32)))
        start = time.perf_counter()
        results = wallet.import_paths(files)
        took = time.perf_counter() - start
        added = sum(len(r.added) for r in results)
        wallet.close()
    print(f"Import of the interop corpus: {len(files)} files, {added} credentials added "
          f"in {took:.2f} s ({took / max(len(files), 1) * 1000:.1f} ms per file, each committed on its own)")


def bench_many(interop: Path, count: int = 1000) -> None:
    """A folder of ``count`` distinct credentials into a wallet that already holds as many."""
    import json

    template = json.loads((interop / "peer-vcjs/stack/ou-cs-1.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for batch in ("held", "new"):
            (root / batch).mkdir()
            for i in range(count):
                template["credentialSubject"]["name"] = f"Learner {batch} {i}"
                (root / batch / f"{i:05}.json").write_text(json.dumps(template))
        wallet = Wallet(root, Store.open(root / WALLET_FILENAME, os.urandom(32)))
        wallet.import_paths([root / "held"])
        start = time.perf_counter()
        results = wallet.import_paths([root / "new"])
        took = time.perf_counter() - start
        again = time.perf_counter()
        dupes = wallet.import_paths([root / "new"])
        took_again = time.perf_counter() - again
        wallet.close()
    print(f"{count} new files into a wallet of {count}: {took:.2f} s ({took / count * 1000:.1f} ms per file); "
          f"the same {count} again, all duplicates: {took_again:.2f} s "
          f"({sum(len(r.duplicates) for r in dupes)} duplicates, {sum(len(r.added) for r in results)} added before)")


if __name__ == "__main__":
    bench_hostile()
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/interop"
    if corpus.is_dir():
        bench_import(corpus)
        bench_many(corpus)
