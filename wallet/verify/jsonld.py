"""Safe-mode JSON-LD expansion and RDF canonicalization over bundled contexts only.

Why: Data Integrity proofs (eddsa-rdfc-2022, ecdsa-rdfc-2019, Ed25519Signature2020/2018)
sign the canonical N-Quads of a credential, so the signature covers exactly what JSON-LD
processing keeps. Three rules make that safe for a wallet that verifies offline:

1. Contexts come only from the wallet's bundle (``wallet.verify.contexts``); a credential
   naming any other context fails with :class:`UnknownContext`, which a verifier reports
   as "uses a context this wallet does not know", not as tampering.
2. Safe mode: anything JSON-LD would silently drop (an undefined term, a term mapped to
   null, a relative type or id) fails with :class:`UndefinedTerm`, naming the term and
   where it is, because dropped data is data the signature does not cover.
3. Where the bundle holds several published documents for one URL (1EdTech's OB 3.0.3
   copy, edited after publication, adds ``endorsementJwt`` and ``jti``), the published
   document is tried first and the edited one only when safe mode refuses a term.
   A document the URL served *before* (the OB 3.0 beta, until November 2022) maps terms
   to other IRIs, so it is never a fallback here; the proof layer tries it only when a
   signature fails under the published document (:func:`superseded_choices`). The
   edit only *adds* terms, so it cannot change how a term the published copy defines
   expands; and since the published copy is always preferred when it succeeds, a term
   caught by an ``@vocab`` elsewhere keeps that meaning. Tests check on the corpus that
   documents valid under both copies give identical N-Quads.

Beyond terms, safe mode follows jsonld.js's safe mode (the peer verifier's library): it
refuses dropped values (``{"@value": null}``, free-floating values, empty graph members),
``@direction`` (RDF canonicalization has no place for it), reserved ``@``-names and bad
language tags in a document's own contexts, and ``@import`` (see :func:`_context_urls`).

Public API: :func:`canonize`, :func:`expand` and the error classes.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any, Iterator

from pyld.jsonld import JsonLdError as PyLdError

from wallet.errors import WalletError
from wallet.verify import contexts
from wallet.verify.ldprocessor import KEYWORDS, ContextMemo, SafeProcessor
from wallet.verify.rdfc import HASHES, canonical_nquads
from wallet.verify.rdfdataset import DatasetBuilder

__all__ = ["DamagedContext", "InvalidJsonLd", "JsonLdError", "UndefinedTerm", "UnknownContext",
           "canonize", "expand"]

log = logging.getLogger(__name__)

_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")
_BCP47 = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")

# base None: pyld would otherwise resolve relative IRIs against "http://example.org/base/",
# inventing data; left relative, safe mode refuses them (jsonld.js would drop them).
_OPTIONS = {"processingMode": "json-ld-1.1", "base": None, "extractAllScripts": False}


class JsonLdError(WalletError):
    """The credential's linked-data form cannot be processed safely."""


class UnknownContext(JsonLdError):
    """The document names a context that is not bundled with the wallet."""

    def __init__(self, url: str, detail: str = "") -> None:
        super().__init__(f"uses a context this wallet does not know: {url}",
                         detail or f"context URL {url!r} is not among the bundled contexts")
        self.url = url


class DamagedContext(UnknownContext):
    """The wallet's own copy of a context no longer matches its manifest hash.

    An UnknownContext (the credential cannot be checked offline), not a verdict on the
    credential: the fault is in this installation.
    """

    def __init__(self, url: str, file: str) -> None:
        super().__init__(url, f"bundled file resources/contexts/{file} does not match the "
                              "SHA-256 in its manifest; reinstall the wallet")
        self.message = f"uses a context whose copy in this wallet is damaged: {url}"
        self.args = (self.message,)


class UndefinedTerm(JsonLdError):
    """Safe mode: a term or IRI that JSON-LD processing would drop."""

    def __init__(self, term: str, path: str, detail: str = "", kind: str = "term") -> None:
        super().__init__(
            f"the term '{term}' at {path} is not defined by the credential's contexts",
            detail or "JSON-LD expansion would drop it, so the signature would not cover it",
        )
        self.term = term
        self.path = path
        self.kind = kind  # "term" (a property), "type", or "id" (a relative identifier)


class InvalidJsonLd(JsonLdError):
    """The document breaks JSON-LD's own rules (bad context, bad value object, ...)."""

    def __init__(self, detail: str, reason: str = "") -> None:
        message = "is not valid linked data (JSON-LD)" + (f": {reason}" if reason else "")
        super().__init__(message, detail)


# Plain words for the pyld error codes a tampered or hand-edited credential can meet.
_REASONS = {
    "protected term redefinition": "one of its contexts redefines a protected term of another",
    "invalid context nullification": "it tries to clear contexts that protect their terms",
    "invalid typed value": "a value has a type that is not an IRI",
    "invalid value object": "a value object has unexpected entries",
    "invalid value object value": "a value object holds a list or an object",
    "invalid language-tagged string": "a language tag is malformed",
    "invalid @id value": "an id is not a string",
    "invalid type value": "a type is not a string",
    "invalid local context": "an embedded context is malformed",
    "invalid term definition": "a context defines a term in a malformed way",
    "keyword redefinition": "a context tries to redefine a JSON-LD keyword",
    "colliding keywords": "an object uses two aliases of the same keyword",
    "context overflow": "its contexts refer to each other in a loop",
    "invalid set or list object": "a list or set object has unexpected entries",
}


def canonize(doc: dict, *, hash_name: str = "sha256") -> str:
    """RDFC-1.0 canonical N-Quads of ``doc`` (safe mode, bundled contexts; doc untouched).

    ``hash_name="sha384"`` is for ecdsa-rdfc-2019 on P-384, whose canonicalization
    hashes blank-node labels with SHA-384.
    """
    if hash_name not in HASHES:
        raise ValueError(f"unsupported canonicalization hash {hash_name!r}")
    return _with_variants(doc, lambda processor: _canonical(processor, doc, hash_name))


def expand(doc: dict) -> list:
    """Safe-mode JSON-LD expansion of ``doc`` with bundled contexts (doc untouched)."""
    return _with_variants(doc, lambda processor: processor.expand(doc, _options(processor)))


def _with_variants(doc: dict, operation) -> Any:
    """Run ``operation`` with the published contexts, then with edited variants if needed."""
    _require_object(doc)
    urls = _context_urls(doc)
    first_error: UndefinedTerm | None = None
    for choice in _variant_choices(urls):
        try:
            return _run(choice, operation)
        except UndefinedTerm as error:
            first_error = first_error or error
    assert first_error is not None
    raise first_error


def _run(choice: tuple[tuple[str, int], ...], operation) -> Any:
    processor = SafeProcessor(_memo(choice), _unsafe)
    try:
        return operation(processor)
    except PyLdError as error:
        raise _translate(error) from error
    except RecursionError as error:
        raise InvalidJsonLd("document nested too deeply to process") from error
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as error:
        # pyld assumes well-formed JSON-LD in places; malformed input must still get a
        # sentence, not a crash.
        log.debug("pyld failed on malformed input", exc_info=True)
        raise _malformed(error) from error


def _malformed(error: Exception) -> InvalidJsonLd:
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, ValueError) and "IRI" in str(error):
        return InvalidJsonLd(text, "it names a context by something that is not a URL")
    return InvalidJsonLd(text, "its structure does not follow JSON-LD's rules")


def canonize_with_variants(doc: dict, choice: dict[str, int], hash_name: str = "sha256") -> str:
    """Canonize with a fixed variant per URL (index into ``contexts.variants``); for tests
    and diagnostics that must show the variant policy is sound."""
    _require_object(doc)
    _context_urls(doc)
    return _run(tuple(sorted(choice.items())), lambda processor: _canonical(processor, doc, hash_name))


def _canonical(processor: SafeProcessor, doc: dict, hash_name: str) -> str:
    return canonical_nquads(_to_rdf(processor, doc), hash_name)


def _to_rdf(processor: SafeProcessor, doc: dict) -> dict:
    options = _options(processor)
    expanded = processor.expand(doc, options)
    return DatasetBuilder(processor, options, _unsafe).build(expanded)


def _options(processor: SafeProcessor) -> dict:
    options = dict(_OPTIONS)
    options["documentLoader"] = processor.memo.load_document
    options["contextResolver"] = processor.memo.resolver()
    return options


@functools.lru_cache(maxsize=8)
def _memo(choice: tuple[tuple[str, int], ...]) -> ContextMemo:
    """One context memo per variant choice, kept for the life of the process."""
    return ContextMemo(choice)


def _variant_choices(urls: set[str]) -> Iterator[tuple[tuple[str, int], ...]]:
    """The published choice first, then each edited copy of the URLs that have one
    (superseded documents are not tried here: see :func:`superseded_choices`)."""
    yield ()
    edited = {url: found for url in sorted(urls) if (found := contexts.fallback_indices(url))}
    depth = max((len(found) for found in edited.values()), default=0)
    for step in range(depth):
        yield tuple((url, found[step]) for url, found in edited.items() if len(found) > step)


def superseded_choices(doc: dict) -> list[tuple[str, str, dict[str, int]]]:
    """(url, label, choice) for each document that a context URL named in ``doc`` served
    before its published one: for a proof layer whose signature failed under the
    published document, to try with :func:`canonize_with_variants`."""
    _require_object(doc)
    return [(url, entry.label or f"an earlier document of {url}", {url: index})
            for url in sorted(_context_urls(doc)) for index, entry in contexts.superseded(url)]


def _context_urls(value: Any) -> set[str]:
    """Every context URL named anywhere in the document (embedded credentials too).

    Also refuses ``@import`` in a document's own contexts: pyld merges the importing
    context *into its cached copy* of the imported one, so one crafted credential could
    change what a bundled context means for every credential checked after it.
    """
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise InvalidJsonLd(f"object key {key!r} is not a string", "it is not JSON")
                if key == "@context":
                    found.update(c for c in (child if isinstance(child, list) else [child])
                                 if isinstance(c, str))
                    _check_embedded_context(child)
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _check_embedded_context(context: Any) -> None:
    """Refuse what a document's own context may not do here.

    - ``@import``: see :func:`_context_urls`.
    - reserved-looking names (``@foo``): pyld ignores them with a warning, jsonld.js's
      safe mode refuses them; refusing keeps both verifiers in agreement.
    - a malformed default ``@language``: jsonld.js's safe mode refuses it too.
    """
    stack = [context]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            _check_context_entries(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and _reserved(item):
            raise InvalidJsonLd(f"reserved value {item!r} in an embedded context",
                                "its own context uses a name reserved for JSON-LD keywords")


def _check_context_entries(entries: dict) -> None:
    if "@import" in entries:
        raise InvalidJsonLd(f"@import of {entries['@import']!r} in an embedded context",
                            "it uses @import in its own context, which this wallet does not accept")
    for key in entries:
        if _reserved(key):
            raise InvalidJsonLd(f"reserved term {key!r} in an embedded context",
                                "its own context defines a name reserved for JSON-LD keywords")
    language = entries.get("@language")
    if isinstance(language, str) and not _BCP47.match(language):
        raise InvalidJsonLd(f"default @language {language!r} is not a BCP 47 tag",
                            "its own context sets a language tag that is not valid")


def _reserved(name: Any) -> bool:
    """Keyword-shaped (``@foo``) but no keyword; non-strings are refused as not JSON."""
    if not isinstance(name, str):
        raise InvalidJsonLd(f"object key {name!r} is not a string", "it is not JSON")
    return _KEYWORD_LIKE.match(name) is not None and name not in KEYWORDS


def _unsafe(kind: str, term: str, path: str) -> JsonLdError:
    if kind == "direction":
        return InvalidJsonLd(f"@direction {term!r} at {path} has no RDF form without rdfDirection",
                             f"the text direction at {path} would be left out of the signed data")
    if kind == "dropped":
        return InvalidJsonLd(f"JSON-LD expansion would drop {term} at {path}",
                             f"the value at {path} would be left out of the signed data")
    details = {
        "term": "the term has no definition, so JSON-LD expansion would drop it",
        "type": "the type is not an absolute IRI, so it would be dropped from the signed data",
        "id": "the identifier is a relative IRI, so it would be dropped from the signed data",
    }
    return UndefinedTerm(term, path, details.get(kind, ""), kind)


def _translate(error: PyLdError) -> JsonLdError:
    """Our own error hidden in pyld's wrapper chain, or InvalidJsonLd in plain words."""
    chain = []
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, JsonLdError):
            return cause
        chain.append(cause)
        cause = cause.__cause__
    codes = [c.code for c in chain if getattr(c, "code", None)]
    reason = next((_REASONS[c] for c in reversed(codes) if c in _REASONS), "")
    return InvalidJsonLd("; ".join(_describe(c) for c in chain), reason)


def _describe(error: BaseException) -> str:
    """One error of pyld's chain in a line: its message, code and offending term."""
    text = str(error.args[0]) if error.args else type(error).__name__
    code = getattr(error, "code", None)
    details = getattr(error, "details", None)
    term = details.get("term") if isinstance(details, dict) else None
    return text + (f" [{code}]" if code else "") + (f" (term {term!r})" if isinstance(term, str) else "")


def _require_object(doc: Any) -> None:
    if not isinstance(doc, dict):
        raise InvalidJsonLd(f"expected a JSON object, got {type(doc).__name__}")
