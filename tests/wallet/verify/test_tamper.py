"""The tamper suite: a signed OB 3.0 credential, changed in every way one can think of.

Every leaf changed, every leaf removed, an undefined property added to every object, an
extra type added to every typed object, every character of proofValue changed: each
variant must be refused (never "verified", with or without warnings), and the first
line that refuses it must name its reason with a code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from wallet.verify import Outcome, Status, verify_credential
from wallet.verify.multibase import _B58_ALPHABET
from tests.wallet.verify.verify_helpers import clone, env, signed_ob3

GOOD = (Status.VERIFIED, Status.WARNINGS)
ORIGINAL = signed_ob3(
    credentialSubject={
        "id": "did:key:z6MkfrQzp1wA1yDmuzW4sgTdUyKo2MxntxokoPzYAn2EmqYA",
        "type": ["AchievementSubject"],
        "creditsEarned": 3,
        "achievement": {
            "id": "https://example.edu/achievements/data-literacy",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": "Data Literacy Foundations",
            "description": "Reads and questions charts and tables.",
            "criteria": {"narrative": "Pass the final assessment."},
            "creditsAvailable": 3.5,
            "tag": ["data", "literacy"],
        },
    },
    validUntil="2030-01-01T00:00:00Z",
)

Path = tuple[Any, ...]


def _leaves(node: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, path + (i,))
    else:
        yield path


def _objects(node: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(node, dict):
        yield path
        for key, value in node.items():
            yield from _objects(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, path + (i,))


def _parent(doc: Any, path: Path) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    return value + "x" if value else "x"


def _assert_refused(doc: dict[str, Any], what: str) -> None:
    report = verify_credential(doc, env())
    assert report.status not in GOOD, f"{what}: {report.status} {report.checks}"
    refusing = [c for c in report.checks if c.outcome in (Outcome.FAILED, Outcome.UNKNOWN)]
    assert refusing and refusing[0].code, f"{what}: no reason named: {report.checks}"
    assert report.summary == refusing[0].message or report.summary in {c.message for c in refusing}


def test_the_original_verifies() -> None:
    assert verify_credential(ORIGINAL, env()).status is Status.VERIFIED


LEAVES = list(_leaves(ORIGINAL))


@pytest.mark.parametrize("path", LEAVES, ids=lambda p: ".".join(map(str, p)))
def test_every_leaf_changed_is_refused(path: Path) -> None:
    doc = clone(ORIGINAL)
    parent = _parent(doc, path)
    parent[path[-1]] = _changed(parent[path[-1]])
    _assert_refused(doc, f"changed {path}")


@pytest.mark.parametrize("path", LEAVES, ids=lambda p: ".".join(map(str, p)))
def test_every_leaf_removed_is_refused(path: Path) -> None:
    doc = clone(ORIGINAL)
    parent = _parent(doc, path)
    del parent[path[-1]]
    _assert_refused(doc, f"removed {path}")


@pytest.mark.parametrize("path", list(_objects(ORIGINAL)), ids=lambda p: ".".join(map(str, p)) or "root")
def test_an_undefined_property_added_to_every_object_is_refused(path: Path) -> None:
    doc = clone(ORIGINAL)
    target = doc
    for step in path:
        target = target[step]
    target["honours"] = "with distinction"
    report = verify_credential(doc, env())
    assert report.status is Status.NOT_VERIFIED, f"{path}: {report.checks}"
    assert report.codes == {"undefined-term"}, f"{path}: {report.checks}"
    if path and path[0] == "proof":
        assert report.summary == "The credential's proof contains “honours”, which none of its contexts defines."
    else:
        where = f" (in {'.'.join(map(str, path))})" if path else ""
        assert report.summary == f"The credential contains “honours”{where}, which none of its contexts defines."


TYPED = [p for p in _objects(ORIGINAL) if "type" in _parent({"x": ORIGINAL}, ("x",) + p + ("type",))]


@pytest.mark.parametrize("path", TYPED, ids=lambda p: ".".join(map(str, p)) or "root")
@pytest.mark.parametrize("extra", ["EndorsementCredential", "HonoursDegree"])
def test_an_extra_type_is_refused(path: Path, extra: str) -> None:
    doc = clone(ORIGINAL)
    target = doc
    for step in path:
        target = target[step]
    types = target["type"]
    target["type"] = (types if isinstance(types, list) else [types]) + [extra]
    _assert_refused(doc, f"type {extra} added at {path}")


def test_every_character_of_proof_value_changed_is_refused() -> None:
    value = ORIGINAL["proof"]["proofValue"]
    for i, ch in enumerate(value):
        other = "u" if i == 0 else next(c for c in _B58_ALPHABET if c != ch)
        doc = clone(ORIGINAL)
        doc["proof"]["proofValue"] = value[:i] + other + value[i + 1 :]
        report = verify_credential(doc, env())
        assert report.status is Status.NOT_VERIFIED, f"position {i}"
        assert report.codes == {"tampered"}, f"position {i}: {report.codes}"
