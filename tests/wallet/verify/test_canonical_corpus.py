"""Byte-identical canonical N-Quads against plain pyld on the whole interop corpus.

Why: the wallet's canonicalization memoizes context processing and adds a safe mode on
top of pyld. Neither may change a single byte of what a signature covers. Every JSON-LD
document in ../shared/interop is canonicalized in the forms verification uses (the
whole document, the document without its proof, each proof configuration) and compared
with plain pyld over the same bundled contexts, with no memo and no safe mode.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Iterator

import pytest
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdProcessor

from wallet.verify import contexts, jsonld
from wallet.verify.jsonld import JsonLdError, UnknownContext, canonize

OB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _documents(root: Path) -> Iterator[tuple[str, dict]]:
    for path in sorted(root.rglob("*.json")):
        if "contexts" in path.parts or path.name == "manifest.json":
            continue
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(doc, dict) and "@context" in doc:
            yield str(path.relative_to(root)), doc


def _forms(doc: dict) -> Iterator[tuple[str, dict]]:
    """The whole document, the unsigned document and each proof configuration."""
    yield "document", doc
    proofs = doc.get("proof")
    if proofs is None:
        return
    yield "unsigned", {k: v for k, v in doc.items() if k != "proof"}
    for index, proof in enumerate(proofs if isinstance(proofs, list) else [proofs]):
        if isinstance(proof, dict):
            config = {k: v for k, v in proof.items() if k not in ("proofValue", "jws")}
            config.setdefault("@context", doc["@context"])
            yield f"proof[{index}]", config


@cache
def _expectations(root: Path) -> dict[str, dict]:
    table = {}
    for manifest in root.rglob("manifest.json"):
        for item in json.loads(manifest.read_text()).get("files", []):
            rel = (manifest.parent / item["file"]).relative_to(root)
            table[str(rel)] = item
    return table


class _PlainPyld:
    """pyld as shipped: its own caches, no safe mode, the bundled contexts as loader
    (the published documents, or with ``edited`` 1EdTech's edited copies where they exist)."""

    def __init__(self, edited: bool = False) -> None:
        self.edited = edited
        self.cache: dict = {}

    def load(self, url: str, options=None) -> dict:
        found = contexts.variants(url)
        edits = contexts.fallback_indices(url) if self.edited else ()
        document = found[edits[0]] if edits else found[0]
        return {"contextUrl": None, "documentUrl": url, "document": document}

    def canonize(self, doc: dict) -> str:
        options = {"algorithm": "URDNA2015", "format": "application/n-quads",
                   "documentLoader": self.load,
                   "contextResolver": ContextResolver(self.cache, self.load)}
        return JsonLdProcessor().normalize(doc, options)


def _may_fail(entry: dict | None) -> bool:
    """A document the corpus does not promise to be processable offline."""
    if entry is None:
        return True
    return entry.get("expect") != "valid" or bool(entry.get("needs_network"))


def test_byte_identical_to_plain_pyld_on_the_corpus(interop: Path) -> None:
    plain, edited = _PlainPyld(), _PlainPyld(edited=True)
    expect = _expectations(interop)
    compared, refused = 0, []
    for rel, doc in _documents(interop):
        for form, value in _forms(doc):
            try:
                ours = canonize(value)
            except JsonLdError as error:
                refused.append((rel, form, type(error).__name__))
                assert _may_fail(expect.get(rel)), f"{rel} ({form}): {error.message}"
                continue
            reference = plain.canonize(value)
            if ours != reference:  # only allowed where the edited OB copy was needed
                assert ours == edited.canonize(value), f"{rel} ({form}) differs from pyld"
            compared += 1
    assert compared >= 400, compared
    assert len(refused) >= 20  # the corpus's tampered and unknown-context cases


def test_every_offline_valid_credential_canonicalizes(interop: Path) -> None:
    """Nothing the corpus calls valid and offline-checkable is refused by safe mode."""
    expect = _expectations(interop)
    checked = 0
    for rel, doc in _documents(interop):
        entry = expect.get(rel)
        if entry and entry.get("expect") == "valid" and not entry.get("needs_network"):
            for _form, value in _forms(doc):
                canonize(value)
            checked += 1
    assert checked >= 60


def test_unknown_contexts_in_the_corpus_are_reported_as_such(interop: Path) -> None:
    employ = interop / "vectors" / "w3c__vc-di-eddsa" / "eddsa-rdfc-2022" / "employ" / "signedDataInt.json"
    with pytest.raises(UnknownContext) as caught:
        canonize(json.loads(employ.read_text()))
    assert caught.value.url == "https://w3id.org/citizenship/v4rc1"


def test_ob_303_copies_agree_wherever_both_apply(interop: Path) -> None:
    """The variant policy is sound on real data: published and edited copies give equal N-Quads."""
    checked = 0
    for rel, doc in _documents(interop):
        if OB303 not in json.dumps(doc.get("@context")):
            continue
        try:
            published = canonize(doc)
        except JsonLdError:
            continue
        edited = jsonld.canonize_with_variants(doc, {OB303: 1})
        assert edited == published, rel
        checked += 1
    assert checked >= 50


# Values that stress JSON-LD processing: keywords where terms go, nulls, empty
# containers, relative and blank identifiers, malformed embedded contexts.
_AWKWARD = [None, 5, -1.5, 1e30, True, [], {}, "", "@id", "@type", "@graph", "_:b0", "rel", "#frag",
            "did:example:1", {"@value": None}, {"@value": 1, "@language": "en"}, {"@list": [1, {}]},
            {"@id": 5}, {"@set": [{}]}, [None, [1]], {"@context": 5}, {"@context": "rel.jsonld"},
            {"@context": "https://unknown.example/ctx"}, {"@context": {"@vocab": 5}},
            {"@context": {"@protected": True, "id": None}}, {"@reverse": 5}, {"@included": 5},
            {"@value": {"a": 1}, "@type": "@json"}, {"@graph": 5}, {"@context": [None]}]
_AWKWARD_KEYS = ["@id", "@type", "@context", "@graph", "@value", "@list", "@reverse", "@included",
                 "@index", "@nest", "@language", "@direction", "id", "type", "name", "foo"]


def _mutated(doc: dict, rng) -> dict:
    """A copy of ``doc`` with one to three leaves replaced, keys added or removed."""
    doc = json.loads(json.dumps(doc))
    for _ in range(rng.randint(1, 3)):
        parent, key = _random_slot(doc, rng)
        roll = rng.random()
        if roll < 0.6:
            parent[key] = json.loads(json.dumps(rng.choice(_AWKWARD)))
        elif isinstance(parent, dict) and roll < 0.8:
            parent[rng.choice(_AWKWARD_KEYS)] = json.loads(json.dumps(rng.choice(_AWKWARD)))
        elif isinstance(parent, dict):
            parent.pop(key, None)
    return doc


def _random_slot(doc: dict, rng):
    slots = []
    stack = [doc]
    while stack:
        node = stack.pop()
        keys = list(node) if isinstance(node, dict) else range(len(node))
        for key in keys:
            slots.append((node, key))
            if isinstance(node[key], (dict, list)):
                stack.append(node[key])
    return rng.choice(slots)


def test_mutated_corpus_is_refused_or_byte_identical(interop: Path) -> None:
    """Random damage never crashes, and whatever is accepted matches plain pyld exactly."""
    import random

    rng = random.Random(20261122)
    docs = [doc for _rel, doc in _documents(interop / "peer-vcjs")]
    plain, accepted = _PlainPyld(), 0
    for _ in range(400):
        doc = _mutated(rng.choice(docs), rng)
        try:
            ours = canonize(doc)
        except JsonLdError:
            continue
        assert ours == plain.canonize(doc), json.dumps(doc)[:300]
        accepted += 1
    assert accepted >= 40


_VOCAB = {"@vocab": "https://example.org/v#", "ex": "https://example.org/v#"}
_LIST = {"@id": "https://example.org/v#seq", "@container": "@list"}

# JSON-LD features the corpus barely uses, each checked against plain pyld.
CONSTRUCTS = {
    "lists, empty and nested": {"seq": [[1, 2], [], ["a", {"name": "in a list"}]]},
    "numbers and booleans": {"i": 7, "big": 10**21, "d": 2.5, "neg": -0.0, "t": True, "f": False},
    "typed and language strings": {"s": {"@value": "x", "@type": "ex:custom"},
                                   "l": {"@value": "Hallo", "@language": "de"},
                                   "dbl": {"@value": "1", "@type": "http://www.w3.org/2001/XMLSchema#double"}},
    "JSON literal": {"j": {"@value": {"b": [1.5, None, "x"], "a": {"z": 1}}, "@type": "@json"}},
    "explicit blank nodes merge": {"knows": [{"@id": "_:p", "name": "P"}, {"@id": "_:p", "age": 3}],
                                   "likes": {"@id": "_:p"}},
    "reverse properties": {"@reverse": {"ex:parent": [{"@id": "https://example.org/kid", "name": "K"}]}},
    "included nodes": {"@included": [{"@id": "https://example.org/other", "name": "O"}]},
    "named graph with an IRI": {"claims": {"@id": "https://example.org/g", "@graph": [{"name": "in g"}]}},
    "anonymous graph": {"claims": {"@graph": [{"@id": "https://example.org/a", "name": "A"}]}},
    "same node twice": {"a": {"@id": "https://example.org/n", "name": "N"},
                        "b": {"@id": "https://example.org/n", "name": "N", "extra": 1}},
    "symmetric blank nodes": {"pair": [{"knows": {"@id": "_:x"}, "@id": "_:y"},
                                       {"knows": {"@id": "_:y"}, "@id": "_:x"}]},
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_json_ld_constructs_match_plain_pyld(name: str) -> None:
    doc = {"@context": [_VOCAB | {"seq": _LIST}], "@id": "https://example.org/root"} | CONSTRUCTS[name]
    assert canonize(doc) == _PlainPyld().canonize(doc)
    assert canonize(doc, hash_name="sha384").count("\n") == canonize(doc).count("\n")
