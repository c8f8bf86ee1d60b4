"""Stack definitions kept in the wallet, and progress over what it holds.

A learner adds a definition from a JSON file, or from a signed credential whose
``credentialSubject`` carries it (``stackDefinition``, a JSON literal, or the subject
itself typed ``StackDefinition``). A signed one is verified like any credential and
accepted only when its proof covers the definition's exact JSON
(:mod:`~wallet.stacks.signed`); its publisher shown is the verified issuer, never what
the file claims. Definitions are
stored sealed in the store's ``stacks`` table, keyed by their id.

:class:`Stacks` keeps one :class:`~wallet.stacks.progress.ProgressTracker` per
definition, so recomputing after an import or a verification is incremental.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallet.credential import Credential, CredentialId
from wallet.errors import NotFound, StackDefinitionError, WalletError
from wallet.stacks import derived
from wallet.stacks.definition import MAX_FILE_BYTES, StackDefinition, StackId, load_definition
from wallet.stacks.progress import HeldCredential, ProgressTracker, StackProgress, evaluate
from wallet.stacks.signed import definition_in_credential, is_credential, require_exact_coverage
from wallet.stacks.standing import standing_now
from wallet.verify.report import Report, Status, report_from_json

if TYPE_CHECKING:
    from wallet.service import Wallet

log = logging.getLogger(__name__)

TABLE = "stacks"


def row_key(stack_id: str) -> str:
    """The row a definition is stored under: a hash, so the store keeps no programme name
    or URL in clear (the id itself is sealed with the rest)."""
    return hashlib.sha256(stack_id.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredStack:
    """A definition the learner added, with where it came from and who published it."""

    definition: StackDefinition
    added_at: datetime | None = None
    origin: str = "file"  # "file", "credential", "example"
    source_name: str = ""  # the file it came from
    publisher: str = ""  # as shown: the verified signer, else what the file says
    signed: bool = False
    signature_status: str = ""  # Status value of the signed credential's report
    signature_note: str = ""  # one sentence about the signature

    @property
    def id(self) -> StackId:
        return self.definition.id

    def to_json(self) -> dict[str, Any]:
        return {
            "definition": self.definition.source,
            "origin": self.origin,
            "source_name": self.source_name,
            "publisher": self.publisher,
            "signed": self.signed,
            "signature_status": self.signature_status,
            "signature_note": self.signature_note,
        }


def _stored_from_json(value: dict[str, Any], added_at: datetime | None) -> StoredStack:
    return StoredStack(
        definition=load_definition(value["definition"]),
        added_at=added_at,
        origin=value.get("origin", "file"),
        source_name=value.get("source_name", ""),
        publisher=value.get("publisher", ""),
        signed=bool(value.get("signed", False)),
        signature_status=value.get("signature_status", ""),
        signature_note=value.get("signature_note", ""),
    )


def _publisher_of(definition: StackDefinition) -> str:
    p = definition.publisher
    if p is None:
        return ""
    return p.name or p.id


def _find(id_or_part: str, stacks: list[Any], definition_of: Any) -> Any:
    """The one stack whose id is ``id_or_part``, else the one whose id contains it or whose
    name it is (ignoring case)."""
    for s in stacks:
        if definition_of(s).id == id_or_part:
            return s
    wanted = id_or_part.casefold()
    found = [s for s in stacks if wanted and (wanted in definition_of(s).id.casefold()
                                              or wanted == definition_of(s).name.casefold())]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(f"There is no stack {id_or_part!r} in the wallet.", id_or_part)
    names = ", ".join(definition_of(s).id for s in found)
    raise NotFound(f"Several stacks match {id_or_part!r}; give more of the id.", names)


class Stacks:
    """The stacks of one open wallet."""

    def __init__(self, wallet: "Wallet") -> None:
        self.wallet = wallet
        self._trackers: dict[StackId, tuple[StackDefinition, ProgressTracker]] = {}
        self._lock = threading.RLock()

    # -- stored definitions

    def stored(self) -> list[StoredStack]:
        out = []
        for key, stamp, value in self.wallet.store.items(TABLE):
            try:
                out.append(_stored_from_json(value, stamp))
            except (WalletError, KeyError, TypeError) as exc:
                log.warning("stored stack %s could not be read: %s", key[:40], exc)
        return out

    def get(self, id_or_part: str) -> StoredStack:
        """A stored definition by its id, or by a part of it that names one only."""
        return _find(id_or_part, self.stored(), lambda s: s.definition)

    def add_file(self, path: Path) -> StoredStack:
        path = Path(path)
        try:
            with path.open("rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise StackDefinitionError(f"The file {path.name} could not be read.", str(exc)) from exc
        return self.add_bytes(data, name=path.name)

    def add_bytes(self, data: bytes, *, name: str = "", origin: str = "file") -> StoredStack:
        """Add a definition file, or a signed credential carrying one."""
        if len(data) > MAX_FILE_BYTES:
            raise StackDefinitionError("This file is too large to be a stack definition.", f"{len(data)} bytes")
        try:
            obj = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise StackDefinitionError(
                "This file is not a stack definition: it is not JSON text.", str(exc)
            ) from exc
        if isinstance(obj, dict) and is_credential(obj):
            return self._add_signed(obj, data, name)
        definition = load_definition(obj)
        return self._save(StoredStack(definition, origin=origin, source_name=name,
                                      publisher=_publisher_of(definition)))

    def _add_signed(self, doc: dict[str, Any], data: bytes, name: str) -> StoredStack:
        inner = definition_in_credential(doc)
        if inner is None:
            raise StackDefinitionError(
                "This is a credential, not a stack definition: it carries no stack definition.",
                "credentialSubject has neither stackDefinition nor type StackDefinition",
            )
        definition = load_definition(inner)
        report = self._verify(data)
        if report.status is Status.NOT_VERIFIED:
            raise StackDefinitionError(
                "This stack definition's signature does not hold, so it was not added.", report.summary
            )
        require_exact_coverage(doc, inner)
        signer = report.signer
        publisher = (signer.issuer_name or signer.issuer_id) if signer else _publisher_of(definition)
        if report.status is Status.OFFLINE:
            note = f"Signed by {publisher}; the signature cannot be checked offline yet."
        elif not report.issuer_confirmed:  # a valid signature by a key not shown to be the publisher's
            note = (f"The signature holds, but the key that made it was not shown to be {publisher}'s, "
                    "so who published this definition is not confirmed.")
        else:
            note = f"Signed by {publisher}; the signature was checked."
        claimed = definition.publisher
        if signer and claimed and claimed.id and claimed.id != signer.issuer_id:
            note += f" The file names {claimed.name or claimed.id} as its publisher; the signer is shown instead."
        return self._save(StoredStack(
            definition, origin="credential", source_name=name, publisher=publisher, signed=True,
            signature_status=report.status.value, signature_note=note,
        ))

    def _verify(self, data: bytes) -> Report:
        from wallet.formats import parse
        from wallet.verify import verify_credential

        creds = parse(data, name="stack definition", source="stack")
        if len(creds) != 1:
            raise StackDefinitionError("This file holds several credentials; add one stack definition at a time.")
        return verify_credential(creds[0], self.wallet.verify_environment())

    def _save(self, stack: StoredStack) -> StoredStack:
        self.wallet.store.put(TABLE, row_key(stack.id), stack.to_json(), stamp=self.wallet.clock())
        with self._lock:
            self._trackers.pop(stack.id, None)
        self.wallet.events.stacks_changed.emit()
        saved = self.get(stack.id)
        log.info("stack definition added (%d rules)", len(stack.definition.rules()))
        return saved

    def remove(self, id_or_part: str) -> StoredStack:
        stack = self.get(id_or_part)
        self.wallet.store.delete(TABLE, row_key(stack.id))
        with self._lock:
            self._trackers.pop(stack.id, None)
        self.wallet.events.stacks_changed.emit()
        return stack

    # -- what the wallet holds, and whether it counts

    def held(self, creds: list[Credential] | None = None) -> list[HeldCredential]:
        """Every credential in the wallet (not the trash), with its standing today."""
        creds = self.wallet.credentials() if creds is None else creds
        reports = self._reports()
        now = self.wallet.clock()
        return [HeldCredential(c.id, c.summary, standing_now(c.summary, reports.get(c.id), now)) for c in creds]

    def _reports(self) -> dict[str, Report]:
        out: dict[str, Report] = {}
        for cred_id, data in self.wallet.store.reports().items():
            try:
                out[cred_id] = report_from_json(data)
            except ValueError:
                log.warning("stored report of %s is unreadable", cred_id[:12])
        return out

    # -- progress

    def progress(self, id_or_part: str) -> StackProgress:
        """Progress toward one stack, stored or inferred, by its id or a part of it that
        names one only."""
        creds = self.wallet.credentials()  # read once: decrypting every record is the slow part
        held = self.held(creds)
        inferred = derived.clr_definitions(creds)
        found = _find(id_or_part, [*self.stored(), *inferred],
                      lambda s: s.definition if isinstance(s, StoredStack) else s)
        if isinstance(found, StoredStack):
            return self._progress(found.definition, held)
        return evaluate(found, held, inferred=True)

    def all_progress(self, held: list[HeldCredential] | None = None,
                     creds: list[Credential] | None = None) -> list[StackProgress]:
        """Stored definitions first (oldest first), then the inferred ones."""
        creds = self.wallet.credentials() if creds is None else creds  # read once
        held = self.held(creds) if held is None else held
        out = [self._progress(s.definition, held) for s in self.stored()]
        return out + self.inferred(held, creds)

    def names(self, creds: list[Credential] | None = None) -> list[tuple[StackId, str]]:
        """Each stack's id and name, in the order of :meth:`all_progress`, with no progress
        worked out. The inferred stacks come from the credentials: pass them when already
        read (reading them decrypts every record: a worker's job in the UI)."""
        creds = self.wallet.credentials() if creds is None else creds
        definitions = [s.definition for s in self.stored()] + derived.clr_definitions(creds)
        return [(d.id, d.name) for d in definitions]

    def _progress(self, definition: StackDefinition, held: list[HeldCredential]) -> StackProgress:
        """Progress from the definition's kept tracker, brought up to date (incremental)."""
        with self._lock:
            known = self._trackers.get(definition.id)
            if known is None or known[0] != definition:
                known = (definition, ProgressTracker(definition))
                self._trackers[definition.id] = known
            known[1].update_all(held)
            return known[1].progress()

    def inferred(self, held: list[HeldCredential] | None = None,
                 creds: list[Credential] | None = None) -> list[StackProgress]:
        creds = self.wallet.credentials() if creds is None else creds
        held = self.held(creds) if held is None else held
        return derived.clr_progress(creds, held)

    def skills(self, held: list[HeldCredential] | None = None) -> list[derived.SkillsFramework]:
        return derived.skills(self.held() if held is None else held)

    def credit_totals(self, held: list[HeldCredential] | None = None) -> list[derived.IssuerCredits]:
        return derived.credit_totals(self.held() if held is None else held)

    def credentials_of(self, id_or_part: str) -> list[CredentialId]:
        """The credentials that make up a stack so far: what "share this stack" shares."""
        return list(self.progress(id_or_part).counting)
