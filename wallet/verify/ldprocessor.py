"""A pyld JSON-LD processor with a safe mode and memoized context processing.

Why a subclass of pyld's processor rather than pyld as is:

- *Safe mode.* JSON-LD silently drops what it cannot map to an IRI: an undefined term
  (the VC 2.0 context has no ``@vocab``), a term mapped to ``null``, a relative ``@type``
  or ``@id``. Dropped data is not signed, so a credential could carry claims its
  signature never covered. pyld has no safe mode; :class:`SafeProcessor` refuses such
  input, naming the term and where it sits (``credentialSubject.achievement.foo``).
- *Speed.* pyld keys its processed-context cache on a random id that every clone of an
  active context gets anew, so the type-scoped contexts of OB 3.0 are processed again
  for every node of every credential. :class:`ContextMemo` keys on what decides the
  result instead: the active context's own memo token (given to every context the memo
  made) and the local context (by identity for the bundled documents, which it keeps
  alive, by content for a document's inline contexts).

Only bundled contexts are ever loaded (``wallet.verify.contexts``); an unknown URL raises
``UnknownContext`` from inside the loader and reaches the caller unwrapped.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from typing import Any, Callable

from cachetools import LRUCache
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdProcessor

from wallet.verify import contexts

# Bound on memo entries: inline contexts differ per document, so without a bound a long
# session verifying many documents would grow the memo for ever.
MEMO_LIMIT = 2048
RESOLVED_LIMIT = 512


_ABSOLUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*|_):\S*$")


def is_absolute_iri(value: str) -> bool:
    """True for ``scheme:rest`` IRIs and blank node labels, which RDF keeps."""
    return _ABSOLUTE.match(value) is not None


def keep_in_rdf(value: Any) -> bool:
    """Whether an IRI survives conversion to RDF (relative IRIs are dropped)."""
    return isinstance(value, str) and is_absolute_iri(value)


class ContextMemo:
    """Processed active contexts, keyed on content rather than pyld's fresh ids.

    One memo per *variant choice* (which bundled document each multi-variant URL
    resolves to), since that choice changes what a URL means.
    """

    def __init__(self, choice: tuple[tuple[str, int], ...] = ()) -> None:
        self.choice = dict(choice)
        self.lock = threading.RLock()  # guards the memo and pyld's non-thread-safe caches
        self._tokens: dict[int, tuple[dict, Any]] = {}
        self._results: dict[tuple, dict] = {}
        self._bundled_ids: dict[int, Any] = {}  # id -> object, for objects kept alive here
        self._counter = itertools.count(1)
        # pyld's resolved-document cache for this choice; bounded, as inline contexts
        # of every document checked land in it too.
        self.resolved_cache: LRUCache = LRUCache(maxsize=RESOLVED_LIMIT)

    # -- documents -------------------------------------------------------------------
    def load_document(self, url: str, options: Any = None) -> dict:
        """pyld document loader: a private copy of the bundled document, or UnknownContext."""
        index = self.choice.get(url, 0)
        document = contexts.variants(url)[index] if index else contexts.load(url)
        with self.lock:
            self._remember_objects(document)
        return {"contextUrl": None, "documentUrl": url, "document": document}

    def _remember_objects(self, value: Any) -> None:
        """Mark every object of a loaded context as bundled (stable identity, kept alive)."""
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                self._bundled_ids[id(item)] = item
                stack.extend(item.values())
            elif isinstance(item, list):
                self._bundled_ids[id(item)] = item
                stack.extend(item)

    # -- memo keys -------------------------------------------------------------------
    def token(self, ctx: dict) -> Any:
        """The memo token of an active context this memo produced, else None."""
        found = self._tokens.get(id(ctx))
        if found is not None and found[0] is ctx:
            return found[1]
        return None

    def local_key(self, local_ctx: Any) -> Any:
        """A key that equals for equal local contexts."""
        if isinstance(local_ctx, str) or local_ctx is None or local_ctx is False:
            return ("v", local_ctx)
        if self._bundled_ids.get(id(local_ctx)) is local_ctx:
            return ("b", id(local_ctx))
        return ("j", json.dumps(local_ctx, sort_keys=True, separators=(",", ":")))

    def get(self, key: tuple) -> dict | None:
        return self._results.get(key)

    def put(self, key: tuple, result: dict) -> dict:
        """Store a processed context and give it a token; returns the stored context."""
        with self.lock:
            if len(self._results) >= MEMO_LIMIT:
                self._results.clear()
                self._tokens.clear()
            existing = self._results.get(key)
            if existing is not None:
                return existing
            self._results[key] = result
            if self.token(result) is None:
                self._tokens[id(result)] = (result, next(self._counter))
            return result

    def adopt(self, ctx: dict, label: str) -> None:
        """Give a context made outside the memo (pyld's frozen initial one) a token."""
        with self.lock:
            if self.token(ctx) is None:
                self._tokens[id(ctx)] = (ctx, ("adopted", label))

    def resolver(self) -> ContextResolver:
        """A pyld context resolver whose document cache lives as long as this memo."""
        return ContextResolver(self.resolved_cache, self.load_document)


class SafeProcessor(JsonLdProcessor):
    """pyld's processor with safe mode and the context memo.

    One instance per operation: it keeps the path of the node being expanded, so that a
    refusal can say where the offending term is.
    """

    def __init__(self, memo: ContextMemo, on_unsafe: Callable[[str, str, str], Exception]) -> None:
        super().__init__()
        self.memo = memo
        self.on_unsafe = on_unsafe  # (kind, term, path) -> exception to raise
        self._path: list[str] = []

    # -- path tracking --------------------------------------------------------------
    def _expand(self, active_ctx, active_property, element, options, inside_list=False,
                inside_index=False, type_scoped_ctx=None):
        pushed = isinstance(element, dict) and active_property not in (None, "@graph")
        if pushed:
            self._path.append(active_property)
        try:
            result = super()._expand(active_ctx, active_property, element, options,
                                     inside_list=inside_list, inside_index=inside_index,
                                     type_scoped_ctx=type_scoped_ctx)
            if result is None and element is not None and not isinstance(element, list):
                # pyld dropped it: a free-floating value, {"@value": null}, an object with
                # only @language, or a top-level object with nothing to say.
                raise self.on_unsafe("dropped", _preview(element), self.where())
            return result
        finally:
            if pushed:
                self._path.pop()

    def where(self, term: str | None = None) -> str:
        """Dotted path of the current node (plus ``term``), in the document's own words."""
        parts = self._path + ([term] if term else [])
        return ".".join(parts) if parts else "(top level)"

    # -- safe mode ------------------------------------------------------------------
    def _expand_object(self, active_ctx, active_property, expanded_active_property, element,
                       expanded_parent, options, inside_list=False, type_key=None,
                       type_scoped_ctx=None):
        expanded_keys = self._check_keys(active_ctx, element)
        super()._expand_object(active_ctx, active_property, expanded_active_property, element,
                               expanded_parent, options, inside_list, type_key, type_scoped_ctx)
        self._check_output(element, expanded_keys, expanded_parent)

    def _check_keys(self, active_ctx, element: dict) -> dict[str, str]:
        """Refuse keys JSON-LD would drop; return each key's expansion."""
        expanded = {}
        for key in element:
            if key == "@context":
                continue
            iri = self._expand_iri(active_ctx, key, vocab=True)
            if iri is not None and _is_keyword(iri):
                pass
            elif iri is None or not is_absolute_iri(iri) or iri.startswith("_:"):
                raise self.on_unsafe("term", key, self.where(key))
            expanded[key] = iri
        return expanded

    def _check_output(self, element: dict, expanded_keys: dict[str, str], node: dict) -> None:
        """Refuse IRIs the RDF conversion would drop: relative @id, @type and IRI values."""
        if "@value" in node:
            return  # a value object: pyld itself insists on an absolute @type (or @json)
        node_id = node.get("@id")
        if isinstance(node_id, str) and not keep_in_rdf(node_id):
            raise self.on_unsafe("id", node_id, self.where(_key_for(expanded_keys, "@id")))
        for value in _as_list(node.get("@type")):
            if isinstance(value, str) and not keep_in_rdf(value):
                raise self.on_unsafe("type", value, self.where(_key_for(expanded_keys, "@type")))
        for key, iri in expanded_keys.items():
            if iri.startswith("@"):
                continue
            for value in _as_list(node.get(iri)):
                self._check_value(key, value)

    def _check_value(self, key: str, value: Any) -> None:
        """One expanded value of ``key``: nothing in it may vanish on the way to RDF."""
        if not isinstance(value, dict):
            return
        if "@list" in value:
            for item in value["@list"]:
                self._check_value(key, item)
        elif "@value" in value:
            if "@direction" in value:  # RDF without rdfDirection has no place for it
                raise self.on_unsafe("direction", value["@direction"], self.where(key))
        elif "@graph" in value:
            for member in value["@graph"]:
                if _empty_node(member):
                    raise self.on_unsafe("dropped", _preview(member), self.where(key))
        elif set(value) == {"@id"}:
            ref = value["@id"]
            if not isinstance(ref, str):
                raise self.on_unsafe("dropped", _preview(value), self.where(key))
            if not keep_in_rdf(ref):
                raise self.on_unsafe("id", ref, self.where(key))

    # -- term lookup fast path ---------------------------------------------------------
    def _expand_iri(self, active_ctx, value, base=None, vocab=False, local_ctx=None, defined=None):
        """pyld's IRI expansion, short-cutting the commonest case: a defined term.

        Same result as pyld: a string that is not keyword-shaped and is a term of the
        active context expands to its mapping (None when mapped to null). pyld checks a
        keyword regex first on every call, a fifth of the time spent canonicalizing.
        """
        if vocab and not local_ctx and type(value) is str and value[:1] != "@":
            mapping = active_ctx["mappings"].get(value, _MISSING)
            if mapping is not _MISSING:
                return None if mapping is None else mapping["@id"]
        return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)

    # -- memoized context processing ---------------------------------------------------
    def _get_initial_context(self, options):
        ctx = super()._get_initial_context(options)
        self.memo.adopt(ctx, f"initial:{options.get('processingMode')}")
        return ctx

    def _process_context(self, active_ctx, local_ctx, options, override_protected=False,
                         propagate=True, validate_scoped=True, cycles=None):
        token = self.memo.token(active_ctx)
        if token is None or cycles:
            with self.memo.lock:
                return super()._process_context(active_ctx, local_ctx, options, override_protected,
                                                propagate, validate_scoped, cycles)
        key = (token, self.memo.local_key(local_ctx), override_protected, propagate,
               validate_scoped, options.get("base", ""))
        found = self.memo.get(key)
        if found is not None:
            return found
        # A miss runs pyld's own processing, whose caches are not thread-safe.
        with self.memo.lock:
            result = super()._process_context(active_ctx, local_ctx, options, override_protected,
                                              propagate, validate_scoped, cycles)
            return self.memo.put(key, result)


_MISSING = object()


def _empty_node(node: Any) -> bool:
    """A graph member JSON-LD drops: empty, only an @id, or a bare value or list."""
    if not isinstance(node, dict):
        return True
    return not node or set(node) == {"@id"} or "@value" in node or "@list" in node


def _preview(value: Any) -> str:
    """A short rendering of a dropped value for the error detail."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_keyword(value: str) -> bool:
    return value in KEYWORDS


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _key_for(expanded_keys: dict[str, str], keyword: str) -> str | None:
    """The document's own key (``id``, ``type``...) that expanded to ``keyword``."""
    for key, iri in expanded_keys.items():
        if iri == keyword:
            return key
    return None


KEYWORDS = frozenset({
    "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit",
    "@first", "@graph", "@id", "@import", "@included", "@index", "@json", "@language",
    "@list", "@nest", "@none", "@omitDefault", "@prefix", "@preserve", "@propagate",
    "@protected", "@requireAll", "@reverse", "@set", "@type", "@value", "@version", "@vocab",
})
