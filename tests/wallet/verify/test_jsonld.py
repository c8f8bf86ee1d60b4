"""Safe-mode JSON-LD and RDF canonicalization: published vectors, refusals, variants, hashes."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from wallet.errors import WalletError
from wallet.verify import jsonld
from wallet.verify.jsonld import InvalidJsonLd, JsonLdError, UndefinedTerm, UnknownContext, canonize

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
OB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"

# (folder, signed file, proof config, canonical document, canonical proof config, hash)
W3C_VECTORS = [
    ("w3c__vc-di-eddsa/eddsa-rdfc-2022", "signedDataInt.json", "proofConfigDataInt.json",
     "canonDocDataInt.txt", "proofCanonDataInt.txt", "sha256"),
    ("w3c__vc-di-eddsa/Ed25519Signature2020", "signedEdSig.json", "proofConfigEdSig.json",
     "canonDocEdSig.txt", "proofCanonEdSig.txt", "sha256"),
    ("w3c__vc-di-ecdsa/ecdsa-rdfc-2019-p256", "signedECDSAP256.json", "proofConfigECDSAP256.json",
     "canonDocECDSAP256.txt", "proofCanonECDSAP256.txt", "sha256"),
    ("w3c__vc-di-ecdsa/ecdsa-rdfc-2019-p384", "signedECDSAP384.json", "proofConfigECDSAP384.json",
     "canonDocECDSAP384.txt", "proofCanonECDSAP384.txt", "sha384"),
]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _without_proof(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "proof"}


def _credential(subject: dict, *, context: list | None = None, **top) -> dict:
    doc = {
        "@context": context or [V2],
        "id": "urn:uuid:0b5c2a5e-4f6e-4e63-9a55-2f1e8e3f7b11",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": subject,
    }
    doc.update(top)
    return doc


# -- published vectors -----------------------------------------------------------------

@pytest.mark.parametrize("folder,signed,config,canon_doc,canon_proof,hash_name", W3C_VECTORS)
def test_w3c_vectors_canonical_forms(interop: Path, folder, signed, config, canon_doc,
                                     canon_proof, hash_name) -> None:
    base = interop / "vectors" / folder
    doc = _without_proof(_load(base / signed))
    assert canonize(doc, hash_name=hash_name) == (base / canon_doc).read_text(encoding="utf-8")
    proof_canon = (base / canon_proof).read_text(encoding="utf-8")
    assert canonize(_load(base / config), hash_name=hash_name) == proof_canon


def test_w3c_eddsa_document_hash(interop: Path) -> None:
    base = interop / "vectors" / "w3c__vc-di-eddsa" / "eddsa-rdfc-2022"
    doc = _without_proof(_load(base / "signedDataInt.json"))
    digest = hashlib.sha256(canonize(doc).encode()).hexdigest()
    assert digest == (base / "docHashDataInt.txt").read_text().strip()


# -- SHA-384 inside canonicalization -----------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _base58(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def test_p384_peer_credential_verifies_with_sha384_canonical_forms(interop: Path) -> None:
    """End to end: the peer's ecdsa-rdfc-2019 P-384 signature checks over our N-Quads."""
    doc = _load(interop / "peer-vcjs" / "suites" / "ob3-ecdsa-rdfc-2019-p384.json")
    proof = doc.pop("proof")
    config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": doc["@context"]}
    signature = _base58(proof["proofValue"][1:])
    key = _base58(proof["verificationMethod"].split("#")[1][1:])
    assert key[:2] == b"\x81\x24"  # multicodec p384-pub
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), key[2:])
    data = (hashlib.sha384(canonize(config, hash_name="sha384").encode()).digest()
            + hashlib.sha384(canonize(doc, hash_name="sha384").encode()).digest())
    der = encode_dss_signature(int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big"))
    public.verify(der, data, ec.ECDSA(hashes.SHA384()))
    tampered = copy.deepcopy(doc)
    tampered["credentialSubject"]["achievement"]["name"] += "!"
    bad = (hashlib.sha384(canonize(config, hash_name="sha384").encode()).digest()
           + hashlib.sha384(canonize(tampered, hash_name="sha384").encode()).digest())
    with pytest.raises(InvalidSignature):
        public.verify(der, bad, ec.ECDSA(hashes.SHA384()))


def _blank_node_doc() -> dict:
    """Three anonymous nodes that differ only in a literal: labels follow hash order."""
    return {
        "@context": {"@vocab": "https://example.org/vocab#"},
        "@id": "https://example.org/root",
        "part": [{"label": "alpha"}, {"label": "beta"}, {"label": "gamma"}],
    }


@pytest.mark.parametrize("hash_name", ["sha256", "sha384"])
def test_blank_node_labels_follow_the_chosen_hash(hash_name: str) -> None:
    """Independent check of RDFC-1.0 step 5: unique first-degree hashes, sorted, get c14n0.."""
    def first_degree_hash(word: str) -> str:
        quads = sorted(['<https://example.org/root> <https://example.org/vocab#part> _:a .\n',
                        f'_:a <https://example.org/vocab#label> "{word}" .\n'])
        return hashlib.new(hash_name, "".join(quads).encode()).hexdigest()

    order = sorted(("alpha", "beta", "gamma"), key=first_degree_hash)
    out = canonize(_blank_node_doc(), hash_name=hash_name)
    for index, word in enumerate(order):
        assert f'_:c14n{index} <https://example.org/vocab#label> "{word}" .' in out


def test_sha256_and_sha384_label_differently_here() -> None:
    assert canonize(_blank_node_doc()) != canonize(_blank_node_doc(), hash_name="sha384")


def test_unsupported_hash_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        canonize(_credential({"id": "did:example:s"}), hash_name="md5")


# -- safe mode ---------------------------------------------------------------------------

def test_undefined_term_names_term_and_path() -> None:
    doc = _credential({"id": "did:example:s", "honours": "first class"})
    with pytest.raises(UndefinedTerm) as caught:
        canonize(doc)
    err = caught.value
    assert (err.term, err.path) == ("honours", "credentialSubject.honours")
    assert err.message == ("the term 'honours' at credentialSubject.honours "
                           "is not defined by the credential's contexts")
    assert isinstance(err, JsonLdError) and isinstance(err, WalletError)


def test_undefined_term_at_top_level() -> None:
    with pytest.raises(UndefinedTerm) as caught:
        canonize(_credential({"id": "did:example:s"}, gpa="4.0"))
    assert (caught.value.term, caught.value.path) == ("gpa", "gpa")


def test_undefined_term_deep_in_a_list() -> None:
    doc = _credential({"id": "did:example:s"}, credentialSchema=[
        {"id": "https://example.org/schema.json", "type": "JsonSchema", "colour": "red"}])
    with pytest.raises(UndefinedTerm) as caught:
        canonize(doc)
    assert caught.value.path == "credentialSchema.colour"


def test_term_mapped_to_null_is_refused() -> None:
    doc = _credential({"id": "did:example:s", "name": "Ada"},
                      context=[V1, {"name": None}], issuanceDate="2024-01-01T00:00:00Z")
    doc.pop("validFrom")
    with pytest.raises(UndefinedTerm) as caught:
        canonize(doc)
    assert caught.value.term == "name"


def test_relative_type_is_refused() -> None:
    doc = _credential({"id": "did:example:s"})
    doc["type"] = ["VerifiableCredential", "MadeUpCredential"]
    with pytest.raises(UndefinedTerm) as caught:
        canonize(doc)
    assert caught.value.term == "MadeUpCredential"
    assert caught.value.path == "type"


def test_relative_type_on_a_nested_node_is_refused() -> None:
    doc = _credential({"id": "did:example:s", "type": "Learner"})
    with pytest.raises(UndefinedTerm) as caught:
        canonize(doc)
    assert (caught.value.term, caught.value.path) == ("Learner", "credentialSubject.type")


def test_relative_node_id_is_refused() -> None:
    doc = _credential({"id": "learner-7"})
    with pytest.raises(UndefinedTerm) as caught:
        canonize(doc)
    assert caught.value.term == "learner-7"


def test_relative_iri_value_is_refused() -> None:
    doc = _credential({"id": "did:example:s"}, proof={
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": "did:example:issuer#key-1", "proofPurpose": "assertionMethod",
        "created": "2024-01-01T00:00:00Z", "proofValue": "z1", "challenge": "abc",
        "domain": "example.org", "previousProof": "proof-1"})
    with pytest.raises(UndefinedTerm) as caught:
        canonize(doc)
    assert caught.value.term == "proof-1"


def test_undefined_vocab_value_is_refused() -> None:
    """proofPurpose is @type @vocab: an unknown purpose would become a relative IRI."""
    doc = _credential({"id": "did:example:s"}, proof={
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": "did:example:issuer#key-1", "proofPurpose": "bragging",
        "created": "2024-01-01T00:00:00Z", "proofValue": "z1"})
    with pytest.raises(UndefinedTerm) as caught:
        canonize(doc)
    assert caught.value.term == "bragging"


def test_inline_context_that_defines_the_term_is_accepted() -> None:
    doc = _credential({"id": "did:example:s", "honours": "first"},
                      context=[V2, {"honours": "https://example.org/vocab#honours"}])
    assert '<https://example.org/vocab#honours> "first"' in canonize(doc)


def test_issuer_vocab_makes_terms_defined() -> None:
    """A credential may choose @vocab itself; then nothing is dropped and nothing is refused."""
    doc = _credential({"id": "did:example:s", "honours": "first"},
                      context=[V2, "https://www.w3.org/ns/credentials/examples/v2"])
    assert "<https://www.w3.org/ns/credentials/examples#honours>" in canonize(doc)


def test_unknown_context_is_distinct_from_tampering() -> None:
    doc = _credential({"id": "did:example:s"}, context=[V2, "https://example.org/my-context.json"])
    with pytest.raises(UnknownContext) as caught:
        canonize(doc)
    assert caught.value.url == "https://example.org/my-context.json"
    assert caught.value.message == ("uses a context this wallet does not know: "
                                    "https://example.org/my-context.json")


def test_unknown_context_inside_an_embedded_node() -> None:
    doc = _credential({"id": "did:example:s", "@context": "https://example.org/nested.jsonld"})
    with pytest.raises(UnknownContext):
        canonize(doc)


def test_unknown_context_imported_by_a_scoped_context() -> None:
    doc = _credential({"id": "did:example:s"},
                      context=[V2, {"extra": {"@id": "https://example.org/extra",
                                              "@context": "https://example.org/scoped.jsonld"}}])
    doc["credentialSubject"]["extra"] = {"id": "https://example.org/thing"}
    with pytest.raises(UnknownContext):
        canonize(doc)


def test_protected_term_redefinition_is_invalid_jsonld() -> None:
    doc = _credential({"id": "did:example:s"}, context=[V2, {"VerifiableCredential": "https://evil.example/VC"}])
    with pytest.raises(InvalidJsonLd) as caught:
        canonize(doc)
    assert "protected term" in caught.value.message
    assert "protected term redefinition" in caught.value.detail


@pytest.mark.parametrize("doc", [[], "text", None, 3])
def test_not_an_object_is_invalid(doc) -> None:
    with pytest.raises(InvalidJsonLd):
        canonize(doc)


def test_malformed_value_object_is_invalid() -> None:
    doc = _credential({"id": "did:example:s", "name": {"@value": "Ada", "@type": ["a:b", "c:d"]}})
    with pytest.raises(InvalidJsonLd):
        canonize(doc)


def test_canonize_does_not_change_the_document(interop: Path) -> None:
    doc = _load(interop / "peer-vcjs" / "stack" / "ou-cs-certificate.json")
    before = copy.deepcopy(doc)
    canonize(doc)
    canonize(doc, hash_name="sha384")
    jsonld.expand(doc)
    assert doc == before


def test_expand_is_safe_mode_too() -> None:
    expanded = jsonld.expand(_credential({"id": "did:example:s"}))
    assert expanded[0]["@type"] == ["https://www.w3.org/2018/credentials#VerifiableCredential"]
    with pytest.raises(UndefinedTerm):
        jsonld.expand(_credential({"id": "did:example:s", "honours": "x"}))


# -- the peer's tampered and edge cases -------------------------------------------------

@pytest.mark.parametrize("name,term,path", [
    ("undefined-term-added.json", "honours", "credentialSubject.honours"),
    ("undefined-term-added-top-level.json", "gpa", "gpa"),
    ("undefined-term-added-vc11.json", "honours", "credentialSubject.honours"),
    ("context-swapped-missing-term.json", "awardedDate", "awardedDate"),
])
def test_peer_undefined_terms_fail_naming_the_term(interop: Path, name, term, path) -> None:
    doc = _load(interop / "peer-vcjs" / "tampered" / name)
    with pytest.raises(UndefinedTerm) as caught:
        canonize(_without_proof(doc))
    assert (caught.value.term, caught.value.path) == (term, path)


def test_peer_context_swapped_protected_fails(interop: Path) -> None:
    doc = _load(interop / "peer-vcjs" / "tampered" / "context-swapped-protected.json")
    with pytest.raises(InvalidJsonLd):
        canonize(_without_proof(doc))


def test_peer_context_swapped_changes_the_signed_graph(interop: Path) -> None:
    peer = interop / "peer-vcjs"
    swapped = _without_proof(_load(peer / "tampered" / "context-swapped.json"))
    original = _without_proof(_load(peer / "stack" / "ou-cs-1.json"))
    assert canonize(swapped) != canonize(original)


def _originals(peer: Path) -> dict[str, dict]:
    found = {}
    for folder in ("stack", "suites", "validity", "status"):
        for path in (peer / folder).glob("*.json"):
            doc = _load(path)
            if isinstance(doc, dict) and "id" in doc:
                found.setdefault(doc["id"], doc)
    return found


def test_peer_edge_cases_canonicalize_like_their_originals(interop: Path) -> None:
    peer = interop / "peer-vcjs"
    originals = _originals(peer)
    checked = 0
    for path in sorted((peer / "edge").glob("*.json")):
        edge = _load(path)
        original = originals[edge["id"]]
        if "jcs" in edge["proof"]["cryptosuite"]:
            continue  # signed as JSON, not as RDF
        assert canonize(_without_proof(edge)) == canonize(_without_proof(original)), path.name
        checked += 1
    assert checked == 3


# -- OB 3.0.3: published and edited copies ----------------------------------------------

def _ob_credential(extra: dict) -> dict:
    subject = {"id": "did:example:learner", "type": ["AchievementSubject"],
               "achievement": {"id": "https://example.org/achievements/1", "type": ["Achievement"],
                               "name": "Welding", "criteria": {"narrative": "Weld."},
                               "description": "Basic welding."}}
    doc = _credential(subject, context=[V2, OB303], name="Welding badge")
    doc["type"] = ["VerifiableCredential", "OpenBadgeCredential"]
    doc["issuer"] = {"id": "did:example:issuer", "type": ["Profile"], "name": "Example College"}
    doc.update(extra)
    return doc


def test_edited_ob_copy_is_used_only_for_the_terms_it_adds() -> None:
    doc = _ob_credential({"jti": "urn:uuid:5b8f7c2e-7b0a-4c55-9b39-6a1f1d5c2a10"})
    out = canonize(doc)
    assert "<https://www.iana.org/assignments/jwt#jti> <urn:uuid:5b8f7c2e" in out


def test_document_valid_under_both_copies_is_processed_identically() -> None:
    doc = _ob_credential({})
    published = canonize(doc)
    edited = jsonld.canonize_with_variants(doc, {OB303: 1})
    assert published == edited


def test_term_in_no_copy_reports_the_published_error() -> None:
    doc = _ob_credential({"jti": "urn:uuid:1", "honours": "first"})
    with pytest.raises(UndefinedTerm) as caught:
        canonize(doc)
    assert caught.value.term in {"jti", "honours"}


# -- concurrency and the memo ------------------------------------------------------------

def test_concurrent_canonicalization_agrees(interop: Path) -> None:
    paths = sorted((interop / "peer-vcjs" / "stack").glob("*.json"))
    docs = [_without_proof(_load(p)) for p in paths]
    expected = [canonize(d) for d in docs]
    results: dict[int, list[str]] = {}

    def work(slot: int) -> None:
        results[slot] = [canonize(d) for d in docs for _ in range(3)][::3]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(found == expected for found in results.values())


def test_memo_does_not_confuse_inline_contexts() -> None:
    """Two documents whose inline contexts differ must not share processed contexts."""
    one = _credential({"id": "did:example:s", "x": "1"}, context=[V2, {"x": "https://one.example/x"}])
    two = _credential({"id": "did:example:s", "x": "1"}, context=[V2, {"x": "https://two.example/x"}])
    assert "https://one.example/x" in canonize(one)
    assert "https://two.example/x" in canonize(two)
    assert "https://one.example/x" in canonize(one)


def test_import_in_an_embedded_context_is_refused_and_poisons_nothing() -> None:
    """pyld would merge the importing context into its cached copy of the imported one."""
    poison = _credential({"id": "did:example:s"}, context=[
        {"@import": "https://www.w3.org/ns/credentials/v2", "honours": "https://evil.example/h"}])
    before = canonize(_credential({"id": "did:example:s"}))
    with pytest.raises(InvalidJsonLd) as caught:
        canonize(poison)
    assert "@import" in caught.value.message
    with pytest.raises(UndefinedTerm):
        canonize(_credential({"id": "did:example:s", "honours": "x"}))
    assert canonize(_credential({"id": "did:example:s"})) == before


# -- agreement with jsonld.js safe mode --------------------------------------------------
# Verdicts below were taken from jsonld 9.0.0 (the peer verifier's library) with
# {safe: true} over the same bundled contexts; the event code it raised is noted.

def _c(subject: dict, context: list | None = None, **top) -> dict:
    return _credential(subject, context=context, **top)


_EX = {"foo": "https://example.org/foo"}
_PROOF = {"type": "DataIntegrityProof", "verificationMethod": "did:example:issuer#key-1",
          "created": "2024-01-01T00:00:00Z", "proofPurpose": "assertionMethod"}

REFUSED_LIKE_JSONLD_JS = {
    "value-null (null @value value)": _c({"id": "did:example:s", "name": {"@value": None}}),
    "only-language (object with only @language)": _c({"id": "did:example:s", "name": {"@language": "en"}}),
    "top-only-id (object with only @id)": {"@context": V2, "id": "urn:example:x"},
    "top-empty (empty object)": {"@context": V2},
    "graph-scalar (free-floating scalar)": {"@context": V2, "@graph": ["x"]},
    "graph-value (object with only @value)": {"@context": V2, "@graph": [{"@value": "x"}]},
    "proof-empty (empty object)": _c({"id": "did:example:s"}, proof={}),
    "proof-only-id (object with only @id)": _c({"id": "did:example:s"}, proof={"id": "urn:example:p"}),
    "reserved-term-def (reserved term)": _c({"id": "did:example:s"}, [V2, {"@foo": "https://example.org/foo"}]),
    "reserved-id-value (reserved @id value)": _c({"id": "did:example:s"}, [V2, {"foo": {"@id": "@foo"}}]),
    "reserved-key (invalid property)": _c({"id": "did:example:s", "@foo": "x"}),
    "blank-predicate (blank node predicate)": _c({"id": "did:example:s", "_:p": "x"}),
    "relative-vocab (relative @vocab reference)": _c({"id": "did:example:s", "foo": "x"}, [V2, {"@vocab": "rel/"}]),
    "bad-language (invalid @language value)": _c({"id": "did:example:s", "foo": "x"},
                                                 [V2, {"@language": "not a tag!", **_EX}]),
    "fragment-id (relative @id reference)": _c({"id": "#me"}),
    "relative-reverse (relative @id reference)": _c({"id": "did:example:s",
                                                     "@reverse": {"https://example.org/knows": {"id": "zz"}}}),
    "typed-relative (relative @type reference)": _c({"id": "did:example:s", "foo": {"@value": "x", "@type": "rel"}},
                                                    [V2, _EX]),
    "iri-relative (relative object reference)": _c({"id": "did:example:s", "foo": "rel"},
                                                   [V2, {"foo": {"@id": "https://example.org/foo", "@type": "@id"}}]),
    "direction (rdfDirection not set)": _c({"id": "did:example:s", "name": {"@value": "x", "@direction": "rtl"}}),
    "null-id (invalid @id value)": _c({"id": None}),
    "set-beside-properties (relative subject reference)": _c(
        {"id": "did:example:s"}, proof=_PROOF | {"@set": "@type"}),
    "null-in-nested-types (invalid type value)": _c(
        {"id": "did:example:s", "type": [None, "AchievementSubject"]}, [V2, OB303]),
}

ACCEPTED_LIKE_JSONLD_JS = {
    "null property value": _c({"id": "did:example:s", "name": None}),
    "empty object as value": _c({"id": "did:example:s", "name": {}}),
    "empty subject": _c({}),
    "compact IRI with unknown prefix": _c({"id": "did:example:s", "ex:foo": "x"}),
    "absolute IRI as key": _c({"id": "did:example:s", "https://example.org/foo": "x"}),
    "list with null": _c({"id": "did:example:s", "foo": {"@list": ["a", None, "b"]}}, [V2, _EX]),
    "empty set": _c({"id": "did:example:s", "foo": {"@set": []}}, [V2, _EX]),
    "index map": _c({"id": "did:example:s", "foo": {"a": "x"}},
                    [V2, {"foo": {"@id": "https://example.org/foo", "@container": "@index"}}]),
    "language map with null": _c({"id": "did:example:s", "foo": {"en": None}},
                                 [V2, {"foo": {"@id": "https://example.org/foo", "@container": "@language"}}]),
    "JSON literal": _c({"id": "did:example:s", "foo": {"b": 1, "a": [1.0, "x"]}},
                       [V2, {"foo": {"@id": "https://example.org/foo", "@type": "@json"}}]),
    "reverse property": _c({"id": "did:example:s",
                            "@reverse": {"https://example.org/knows": {"id": "did:example:z"}}}),
    "included node": _c({"id": "did:example:s"}, **{"@included": [{"id": "urn:example:i",
                                                                   "type": "VerifiableCredential"}]}),
    "nested properties": _c({"id": "did:example:s", "n": {"foo": "x"}}, [V2, {"n": "@nest", **_EX}]),
}


@pytest.mark.parametrize("name", sorted(REFUSED_LIKE_JSONLD_JS))
def test_refused_where_jsonld_js_safe_mode_refuses(name: str) -> None:
    with pytest.raises(JsonLdError):
        canonize(REFUSED_LIKE_JSONLD_JS[name])


@pytest.mark.parametrize("name", sorted(ACCEPTED_LIKE_JSONLD_JS))
def test_accepted_where_jsonld_js_safe_mode_accepts(name: str) -> None:
    assert canonize(ACCEPTED_LIKE_JSONLD_JS[name]).endswith("\n")


def test_stricter_than_jsonld_js_on_a_value_mapped_to_null() -> None:
    """jsonld.js drops a @vocab value whose term maps to null without a word; we refuse,
    since the dropped purpose would not be signed."""
    doc = _c({"id": "did:example:s"}, [V2, {"bragging": None}], proof=_PROOF | {"proofPurpose": "bragging"})
    with pytest.raises(JsonLdError):
        canonize(doc)


def test_deep_nesting_is_refused_not_crashed() -> None:
    doc = _c({"id": "did:example:s"}, [V2, {"foo": {"@id": "https://example.org/foo"}}])
    node = doc["credentialSubject"]
    for _ in range(5000):
        node["foo"] = {}
        node = node["foo"]
    with pytest.raises(InvalidJsonLd):
        canonize(doc)
