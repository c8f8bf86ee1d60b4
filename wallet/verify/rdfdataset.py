"""Expanded JSON-LD to an RDF dataset, directly, for canonicalization.

Why not pyld's ``to_rdf``: it first builds a flattened node map (merging every node by
id, copying every value) and then walks it again to make triples; for a credential that
is about a third of the canonicalization time. Canonicalization needs only the *set* of
quads, and RDFC-1.0 relabels every blank node, so this walks the expanded document once
and emits each quad as it meets it. Merging nodes by id happens by itself: equal quads
are kept once.

Literals are made by pyld's own value conversion (``_object_to_rdf``), so numbers,
booleans, JSON literals and language strings come out exactly as pyld makes them.
The output is pyld's dataset shape, ``{graph name or "@default": [triple, ...]}``, which
``wallet.verify.rdfc`` canonicalizes. A test checks the result against pyld's ``to_rdf``
path byte for byte on the whole interop corpus and on randomly damaged copies of it.
"""

from __future__ import annotations

from typing import Any, Callable

from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import JsonLdProcessor

from wallet.verify.ldprocessor import is_absolute_iri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = RDF + "type", RDF + "first", RDF + "rest", RDF + "nil"

# Keywords a node object may carry in expanded form besides its properties.
_NODE_KEYWORDS = frozenset({"@id", "@type", "@graph", "@reverse", "@included", "@index"})

Term = dict  # pyld's RDF term: {"type": "IRI" | "blank node" | "literal", "value": ..., ...}
Unsafe = Callable[[str, str, str], Exception]


class DatasetBuilder:
    """Walks expanded JSON-LD once, collecting quads; one instance per document."""

    def __init__(self, processor: JsonLdProcessor, options: dict, on_unsafe: Unsafe) -> None:
        self.processor = processor
        self.options = options
        self.on_unsafe = on_unsafe
        self.issuer = IdentifierIssuer("_:b")
        self.graphs: dict[str, dict[tuple, dict]] = {"@default": {}}

    def build(self, expanded: list) -> dict[str, list[dict]]:
        """The dataset of an expanded document (a list of top-level node objects)."""
        for node in expanded:
            self.node(node, "@default")
        return {name: list(quads.values()) for name, quads in self.graphs.items()}

    # -- nodes -----------------------------------------------------------------------
    def node(self, node: dict, graph: str) -> Term:
        """Emit a node object's quads into ``graph``; return the term naming the node."""
        subject = self.resource(node.get("@id"), "a node identifier")
        for key, values in node.items():
            if key == "@type":
                for value in values:
                    if not isinstance(value, str):
                        raise self.on_unsafe("dropped", repr(value), "a type")
                    self.emit(graph, subject, RDF_TYPE, self.resource(value, "a type"))
            elif key == "@graph":
                self.named_graph(subject, values)
            elif key == "@reverse":
                self.reverse(subject, values, graph)
            elif key == "@included":
                for member in values:
                    self.node(member, graph)
            elif not key.startswith("@"):
                self.check_predicate(key)
                for value in values:
                    self.emit(graph, subject, key, self.object(value, graph))
            elif key not in _NODE_KEYWORDS:
                # pyld lets some malformed input through as e.g. "@set" beside properties;
                # whatever sits there would never reach the signed data.
                raise self.on_unsafe("dropped", key, "a node object")
        return subject

    def named_graph(self, name: Term, members: list) -> None:
        graph = name["value"]
        self.graphs.setdefault(graph, {})
        for member in members:
            self.node(member, graph)

    def reverse(self, subject: Term, properties: dict, graph: str) -> None:
        for prop, values in properties.items():
            self.check_predicate(prop)
            for value in values:
                self.emit(graph, self.node(value, graph), prop, subject)

    # -- objects -----------------------------------------------------------------------
    def object(self, value: dict, graph: str) -> Term:
        """The RDF term for one expanded value, emitting what it needs (nodes, lists)."""
        if "@value" in value:
            return self.processor._object_to_rdf(value, self.issuer, [], self.options)
        if "@list" in value:
            return self.rdf_list(value["@list"], graph)
        return self.node(value, graph)

    def rdf_list(self, members: list, graph: str) -> Term:
        """An RDF collection: a chain of blank nodes with rdf:first and rdf:rest."""
        if not members:
            return {"type": "IRI", "value": RDF_NIL}
        head = cell = self.blank()
        for index, member in enumerate(members):
            self.emit(graph, cell, RDF_FIRST, self.object(member, graph))
            rest = self.blank() if index + 1 < len(members) else {"type": "IRI", "value": RDF_NIL}
            self.emit(graph, cell, RDF_REST, rest)
            cell = rest
        return head

    # -- terms -------------------------------------------------------------------------
    def resource(self, identifier: Any, where: str) -> Term:
        """An IRI or blank node term; a node without ``@id`` gets a fresh blank node."""
        if identifier is None:
            return self.blank()
        if not isinstance(identifier, str) or not is_absolute_iri(identifier):
            raise self.on_unsafe("id", str(identifier), where)
        if identifier.startswith("_:"):
            return {"type": "blank node", "value": self.issuer.get_id(identifier)}
        return {"type": "IRI", "value": identifier}

    def blank(self) -> Term:
        return {"type": "blank node", "value": self.issuer.get_id()}

    def check_predicate(self, iri: str) -> None:
        if iri.startswith("_:") or not is_absolute_iri(iri):
            raise self.on_unsafe("term", iri, "a property")

    def emit(self, graph: str, subject: Term, predicate: str, obj: Term) -> None:
        triple = {"subject": subject, "predicate": {"type": "IRI", "value": predicate}, "object": obj}
        key = (subject["value"], predicate, obj["type"], obj["value"],
               obj.get("datatype"), obj.get("language"))
        self.graphs[graph].setdefault(key, triple)
