"""The JSON-LD contexts bundled with the wallet, and nothing else.

Why: verification must give the same answer offline as online, and must not let a
credential pull in a context of its issuer's choosing at check time. Every context the
wallet accepts is a file in ``resources/contexts`` listed in its ``manifest.json`` with
its SHA-256 and where the copy came from (``tools/refresh_contexts.py`` writes both).

Some URLs have more than one published document: 1EdTech edited its OB 3.0.3 copy after
publication, and the OB 3.0 URL served a beta document until November 2022. The
manifest lists each one as a *variant* (``published``, ``edited``, ``superseded``);
:func:`load` returns the published one, :func:`variants` all of them in manifest order,
:func:`fallback_indices` the edited ones (tried when safe mode refuses a term) and
:func:`superseded` the earlier ones (tried only when a signature fails), so the JSON-LD
and proof layers can decide (see ``wallet.verify.jsonld``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import resources

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BundledContext:
    """One manifest entry: a context document the wallet ships."""

    url: str
    file: str
    sha256: str
    source: str
    variant: str  # "published", "edited" (after publication) or "superseded" (served earlier)
    label: str = ""  # how a report names a superseded variant


@dataclass(frozen=True)
class ManifestProblem:
    """A bundled file whose bytes do not match the manifest (or that is missing)."""

    file: str
    expected: str
    actual: str | None


def _unknown(url: str) -> Exception:
    # Imported here: jsonld imports this module, and the error classes live there.
    from wallet.verify.jsonld import UnknownContext

    return UnknownContext(url)


def _damaged(entry: BundledContext) -> Exception:
    from wallet.verify.jsonld import DamagedContext

    return DamagedContext(entry.url, entry.file)


@functools.cache
def entries() -> tuple[BundledContext, ...]:
    """Every manifest entry, in manifest order (read once: the bundle is read-only)."""
    raw = json.loads(resources.path("contexts", MANIFEST).read_text(encoding="utf-8"))
    return tuple(
        BundledContext(e["url"], e["file"], e["sha256"], e["source"], e.get("variant", "published"), e.get("label", ""))
        for e in raw["contexts"]
    )


@functools.cache
def _parsed(entry: BundledContext) -> Mapping[str, Any]:
    """The parsed file, once its bytes are checked against the manifest.

    Why check here: a context changed on disk changes what signatures cover, so a
    damaged or edited install must fail verification, never be used quietly.
    """
    data = resources.path("contexts", entry.file).read_bytes()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        log.warning("bundled context %s does not match its manifest hash", entry.file)
        raise _damaged(entry)
    return json.loads(data)


@functools.cache
def _by_url() -> Mapping[str, tuple[BundledContext, ...]]:
    table: dict[str, list[BundledContext]] = {}
    for entry in entries():
        table.setdefault(entry.url, []).append(entry)
    return MappingProxyType({url: tuple(found) for url, found in table.items()})


def known_urls() -> frozenset[str]:
    """The URLs the wallet can resolve without the network."""
    return frozenset(_by_url())


def variants(url: str) -> tuple[dict, ...]:
    """Every bundled document for ``url``, published first; raises UnknownContext.

    Each call returns fresh copies, so callers may not corrupt the cache.
    """
    found = _by_url().get(url)
    if not found:
        raise _unknown(url)
    return tuple(_copy(_parsed(e)) for e in found)


def load(url: str) -> dict:
    """The parsed bundled context for ``url`` (published variant); raises UnknownContext."""
    return variants(url)[0]


SUPERSEDED = "superseded"


def fallback_indices(url: str) -> tuple[int, ...]:
    """Indices (into :func:`variants`) of the edited copies of ``url``: what safe mode
    may try when the published document leaves a term undefined."""
    return tuple(i for i, e in enumerate(_by_url().get(url, ())) if i and e.variant != SUPERSEDED)


def superseded(url: str) -> tuple[tuple[int, BundledContext], ...]:
    """(index, entry) of each document ``url`` served before its published one."""
    return tuple((i, e) for i, e in enumerate(_by_url().get(url, ())) if e.variant == SUPERSEDED)


def check_manifest() -> list[ManifestProblem]:
    """Every bundled file whose SHA-256 differs from the manifest; empty when all match."""
    problems = []
    for entry in entries():
        path = resources.path("contexts", entry.file)
        actual = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        if actual != entry.sha256:
            problems.append(ManifestProblem(entry.file, entry.sha256, actual))
    if problems:
        log.warning("bundled contexts differ from their manifest: %s", [p.file for p in problems])
    return problems


def _copy(value: Any) -> Any:
    """A deep copy of parsed JSON (faster than copy.deepcopy for plain JSON data)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
