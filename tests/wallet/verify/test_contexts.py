"""The bundled JSON-LD contexts: complete, pinned by SHA-256, and the only ones loaded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import resources
from wallet.verify import contexts
from wallet.verify.jsonld import UnknownContext

OB = "https://purl.imsglobal.org/spec/ob/v3p0/"

# Every context the verification issue names, by the URL credentials use.
REQUIRED = {
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    OB + "context.json",
    OB + "context-3.0.1.json",
    OB + "context-3.0.2.json",
    OB + "context-3.0.3.json",
    OB + "extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/suites/ed25519-2018/v1",
    "https://w3id.org/security/v1",
    "https://w3id.org/security/v2",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://w3id.org/openbadges/v2",
    "https://w3id.org/security/suites/jws-2020/v1",
}

# The manifest's own hash: changing any bundled file or its recorded source must be a
# deliberate act that updates this pin (run tools/refresh_contexts.py, review, re-pin).
MANIFEST_SHA256 = "be65dd1af035f3345112e71ce19221fd7b64457b517e3c6ef009216f323ca64a"


def _manifest() -> dict:
    return json.loads(resources.path("contexts", "manifest.json").read_text(encoding="utf-8"))


def test_every_bundled_file_matches_its_manifest_hash() -> None:
    assert contexts.check_manifest() == []


def test_manifest_itself_is_pinned() -> None:
    digest = hashlib.sha256(resources.path("contexts", "manifest.json").read_bytes()).hexdigest()
    assert digest == MANIFEST_SHA256


def test_manifest_check_reports_an_altered_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "contexts"
    copy.mkdir()
    for item in resources.path("contexts").iterdir():
        (copy / item.name).write_bytes(item.read_bytes())
    victim = copy / "credentials-v2.jsonld"
    victim.write_bytes(victim.read_bytes().replace(b"https://www.w3.org/2018/credentials#issuer",
                                                   b"https://evil.example/issuer"))
    monkeypatch.setattr(resources, "ROOT", tmp_path)
    problems = contexts.check_manifest()
    assert [p.file for p in problems] == ["credentials-v2.jsonld"]
    assert problems[0].actual != problems[0].expected


def test_every_file_in_the_folder_is_in_the_manifest() -> None:
    listed = {entry["file"] for entry in _manifest()["contexts"]}
    present = {p.name for p in resources.path("contexts").iterdir()
               if p.name not in ("manifest.json", "README.md")}
    assert present == listed


def test_required_contexts_are_bundled() -> None:
    assert REQUIRED <= contexts.known_urls()


def test_every_entry_records_where_it_came_from() -> None:
    for entry in _manifest()["contexts"]:
        assert entry["source"].split(":", 1)[0] in {"npm", "pypi", "repository"}, entry
        assert "@" in entry["source"], entry  # package@version or owner/repo@commit
        if entry["source"].startswith("repository:"):
            assert entry.get("note"), f"{entry['file']}: say why no registry package was used"


def test_load_returns_a_private_copy() -> None:
    first = contexts.load("https://www.w3.org/ns/credentials/v2")
    first["@context"]["VerifiableCredential"]["@id"] = "https://evil.example/vc"
    again = contexts.load("https://www.w3.org/ns/credentials/v2")
    assert again["@context"]["VerifiableCredential"]["@id"] == "https://www.w3.org/2018/credentials#VerifiableCredential"


def test_unknown_url_raises_unknown_context() -> None:
    with pytest.raises(UnknownContext) as caught:
        contexts.load("https://w3id.org/citizenship/v4rc1")
    assert caught.value.url == "https://w3id.org/citizenship/v4rc1"
    assert caught.value.message == (
        "uses a context this wallet does not know: https://w3id.org/citizenship/v4rc1")


def test_near_miss_urls_are_not_known() -> None:
    """No normalisation: http for https, a trailing slash or a query are other URLs."""
    for url in ("http://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/v2/",
                "https://www.w3.org/ns/credentials/v2?x=1", "https://WWW.w3.org/ns/credentials/v2"):
        with pytest.raises(UnknownContext):
            contexts.load(url)


def test_ob_303_has_the_published_and_the_edited_copy() -> None:
    published, edited = contexts.variants(OB + "context-3.0.3.json")
    inner_pub, inner_edit = published["@context"], edited["@context"]
    assert "endorsementJwt" not in inner_pub and "jti" not in inner_pub
    assert "endorsementJwt" in inner_edit and "jti" in inner_edit
    # The edit only adds terms: every published definition is unchanged.
    assert {k: v for k, v in inner_edit.items() if k in inner_pub} == inner_pub
    assert contexts.load(OB + "context-3.0.3.json") == published


def test_same_bytes_as_the_peer_verifier_used(interop: Path) -> None:
    """The peer's contexts came from the same npm packages: the same bytes.

    The peer wrote multikey-v1 with a final newline the npm file lacks; nothing else differs.
    """
    folder = interop / "peer-vcjs" / "contexts"
    index = json.loads((folder / "index.json").read_text())
    published = {e.url: e for e in contexts.entries() if e.variant == "published"}
    for url, entry in index.items():
        ours = resources.path("contexts", published[url].file).read_bytes()
        theirs = (interop / "peer-vcjs" / entry["file"]).read_bytes()
        assert ours.rstrip(b"\n") == theirs.rstrip(b"\n"), url


def test_same_documents_as_the_published_repositories(interop: Path) -> None:
    """1EdTech's and the W3C's copies equal ours as JSON (1EdTech 3.0.3 = our edited variant)."""
    checked = 0
    for manifest in interop.glob("vectors/*/manifest.json"):
        for item in json.loads(manifest.read_text())["files"]:
            url = item.get("url")
            if item.get("kind") != "context" or url not in contexts.known_urls():
                continue
            theirs = json.loads((manifest.parent / item["file"]).read_text())
            assert theirs in contexts.variants(url), url
            checked += 1
    assert checked >= 12


def test_contexts_module_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network use")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for url in contexts.known_urls():
        assert "@context" in contexts.load(url)


@pytest.fixture
def fresh_context_cache():
    contexts._parsed.cache_clear()
    yield
    contexts._parsed.cache_clear()


def test_a_damaged_copy_is_never_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      fresh_context_cache) -> None:
    from wallet.verify.jsonld import DamagedContext

    copy = tmp_path / "contexts"
    copy.mkdir()
    for item in resources.path("contexts").iterdir():
        (copy / item.name).write_bytes(item.read_bytes())
    victim = copy / "did-v1.jsonld"
    victim.write_bytes(victim.read_bytes().replace(b"https://w3id.org/security#", b"https://evil.example/#"))
    monkeypatch.setattr(resources, "ROOT", tmp_path)
    with pytest.raises(DamagedContext) as caught:
        contexts.load("https://www.w3.org/ns/did/v1")
    assert isinstance(caught.value, UnknownContext)
    assert caught.value.message == ("uses a context whose copy in this wallet is damaged: "
                                    "https://www.w3.org/ns/did/v1")
    assert "did-v1.jsonld" in caught.value.detail
    assert contexts.load("https://www.w3.org/ns/credentials/v2")  # the others still load


def test_same_documents_as_pyld_ships() -> None:
    """Where PyLD bundles a context too, ours is the same document: the same bytes, or
    (security v1/v2) the same JSON with the bytes of the package the manifest names,
    pinned by their hash."""
    from pyld.documentloader.frozen import BUNDLED_CONTEXTS

    notes = {(e["url"], e["file"]): e.get("note", "") for e in _manifest()["contexts"]}
    published = {e.url: e for e in contexts.entries() if e.variant == "published"}
    same_bytes, same_json = [], []
    for url, path in BUNDLED_CONTEXTS.items():
        entry = published.get(url)
        if entry is None:  # activitystreams: not a credential context
            continue
        ours, theirs = resources.path("contexts", entry.file).read_bytes(), path.read_bytes()
        if ours == theirs:
            same_bytes.append(url)
            continue
        assert json.loads(ours) == json.loads(theirs), url
        assert "PyLD" in notes[(url, entry.file)] and entry.source.startswith("npm:"), url
        assert hashlib.sha256(ours).hexdigest() == entry.sha256, url
        same_json.append(url)
    assert len(same_bytes) >= 5 and sorted(same_json) == ["https://w3id.org/security/v1", "https://w3id.org/security/v2"]
