"""Revocation and suspension: status lists fetched when allowed, answered from the cache.

Three status methods are understood:

- ``BitstringStatusListEntry`` (W3C Bitstring Status List v1.0, VC 2.0);
- ``StatusList2021Entry`` (its predecessor, VC 1.1);
- ``1EdTechRevocationList`` (Open Badges 3.0: a JSON list of revoked credential ids).

A status list is judged (:mod:`wallet.statusjudge`) when it arrives and again when it
answers: its own proof must hold, its issuer must be the credential's issuer, its id
the address it was fetched from, its type and purpose the credential's, and it must be
within its validity period. A good download is kept in the store's sealed
``documents`` table with the time it was fetched; a refused or failed one is remembered
separately and never replaces or overrides the last good list. Checking is offline:
it reads only the cache, so a report says "Not revoked as of <date>", "Revoked (as of
<date>)", "Suspended" or "Status never checked", and never calls an unknown status valid.

The decoding is bounded: the compressed list, the decompressed bitstring and the bit
index are all capped before any large allocation.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from wallet.clock import Clock, system_clock
from wallet.errors import InputError, MalformedCredential, NetworkError, WalletError
from wallet.formats.detect import read_json_file
from wallet.net import host_of
from wallet.statusjudge import (  # noqa: F401  (re-exported: the status API in one place)
    ListProblem,
    ListUse,
    ListVerifier,
    Verdict,
    issuer_of,
    list_problem,
    require_list_shape,
    revocation_list_problem,
    subject_of,
    verdict_of,
    wallet_list_verifier,
)
from wallet.statuslist import (  # noqa: F401  (re-exported: the status API in one place)
    BITSTRING,
    LIST_TYPES,
    ONEEDTECH,
    STATUSLIST2021,
    SUPPORTED,
    StatusEntry,
    decode_bitstring,
    encode_bitstring,
    read_status,
    status_entries,
)
from wallet.verify.dates import human
from wallet.verify.report import Check, CheckName, Outcome

log = logging.getLogger(__name__)

KIND_LIST = "status-list"
KIND_ATTEMPT = "status-attempt"
_ATTEMPT_PREFIX = "attempt:"


MAX_REVOKED_ENTRIES = 1_000_000  # a 1EdTech revocation list
MAX_LIST_FILE_BYTES = 16 * 1024 * 1024
MAX_LIST_FILE_CONTAINERS = MAX_REVOKED_ENTRIES + 16  # a revocation list of that many entries, one object each
DEFAULT_STALE_AFTER = timedelta(days=90)  # older than this, an answer is shown with a warning
RETRY_AFTER_FAILURE = timedelta(hours=1)  # an automatic check leaves a failing address alone this long
CLOCK_SKEW = timedelta(minutes=10)  # a list dated further ahead of this clock is not believed
KNOWN_PURPOSES = ("revocation", "suspension", "message")

# Fetches the web keys a downloaded list's proof names, when they are not saved yet:
# (list document, user_initiated) -> None, or a WalletError.
KeyFetcher = Callable[[dict[str, Any], bool], None]


# ---------------------------------------------------------------- the cache

@dataclass(frozen=True)
class CachedList:
    url: str
    fetched_at: datetime
    format: str  # "credential" (Bitstring / 2021) or "1edtech"
    document: dict[str, Any]
    source: str = "network"  # "network", "file", "trust file ..."


@dataclass(frozen=True)
class Attempt:
    url: str
    at: datetime
    message: str
    detail: str = ""


@dataclass(frozen=True)
class RefreshResult:
    url: str
    ok: bool
    message: str
    detail: str = ""


class StatusCache:
    """Status lists and failed attempts in the store's sealed ``documents`` table."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def get(self, url: str) -> CachedList | None:
        value = self._store.fetch("documents", url)
        if not isinstance(value, dict) or value.get("kind") != KIND_LIST:
            return None
        return _cached_from(url, value)

    def put(self, cached: CachedList) -> None:
        value = {
            "kind": KIND_LIST, "url": cached.url, "format": cached.format, "document": cached.document,
            "fetched_at": cached.fetched_at.isoformat(), "source": cached.source,
        }
        self._store.put("documents", cached.url, value, stamp=cached.fetched_at, kind=KIND_LIST)
        self._store.delete("documents", _ATTEMPT_PREFIX + cached.url)

    def all(self) -> list[CachedList]:
        return [_cached_from(k, v) for k, _ts, v in self._store.items("documents", kind=KIND_LIST) if isinstance(v, dict)]

    def failed_attempt(self, url: str) -> Attempt | None:
        value = self._store.fetch("documents", _ATTEMPT_PREFIX + url)
        if not isinstance(value, dict):
            return None
        return Attempt(url, datetime.fromisoformat(value["at"]), value.get("message", ""), value.get("detail", ""))

    def record_failure(self, url: str, at: datetime, message: str, detail: str) -> None:
        value = {"kind": KIND_ATTEMPT, "url": url, "at": at.isoformat(), "message": message, "detail": detail}
        self._store.put("documents", _ATTEMPT_PREFIX + url, value, stamp=at, kind=KIND_ATTEMPT)


def _cached_from(url: str, value: dict[str, Any]) -> CachedList:
    return CachedList(
        url=url,
        fetched_at=datetime.fromisoformat(value["fetched_at"]),
        format=value.get("format", "credential"),
        document=value.get("document") or {},
        source=value.get("source", "network"),
    )


# ---------------------------------------------------------------- the checker

class StatusService:
    """The ``StatusChecker`` of verification, and the refresh that fills its cache.

    ``verify_list`` checks a status list credential's proof (by default with the
    wallet's own verifier); ``net`` is the one network client, or None when this wallet
    never goes online (a receiver's machine, a test); ``fetch_keys`` brings the web key
    a downloaded list is signed with when it is not saved yet (see :data:`KeyFetcher`).
    """

    def __init__(
        self,
        store: Any,
        *,
        verify_list: ListVerifier,
        net: Any = None,
        clock: Clock = system_clock,
        stale_after: timedelta = DEFAULT_STALE_AFTER,
        fetch_keys: KeyFetcher | None = None,
    ) -> None:
        self.cache = StatusCache(store)
        self._verify_list = verify_list
        self._net = net
        self._clock = clock
        self._stale_after = stale_after
        self._fetch_keys = fetch_keys
        self._verdicts: dict[tuple[str, str], Verdict] = {}
        self._bits: dict[tuple[str, str], bytes] = {}

    def use_network(self, net: Any) -> None:
        self._net = net

    # -- StatusChecker

    def check(self, credential: dict[str, Any], issuer_id: str) -> list[Check]:
        """One STATUS check per usable ``credentialStatus`` entry, from the cache only."""
        checks = []
        for entry in status_entries(credential):
            if entry.purpose == "refresh" and not entry.problem:
                continue  # an offer of a newer copy, not a statement about this one
            checks.append(self._check_entry(credential, issuer_id, entry))
        return checks

    def _check_entry(self, credential: dict[str, Any], issuer_id: str, entry: StatusEntry) -> Check:
        if entry.problem:
            return _unknown(
                "This credential's status entry cannot be used, so its status could not be checked.",
                entry.problem, "status-unsupported" if "unsupported" in entry.problem else "status-malformed",
            )
        cached = self.cache.get(entry.list_url)
        attempt = self.cache.failed_attempt(entry.list_url)
        if cached is None:
            return self._never_checked(entry, attempt)
        try:
            check = self._answer(credential, issuer_id, entry, cached)
        except WalletError as exc:
            check = _unknown(
                f"The saved status list could not be read ({exc.message.rstrip('.')}), so the status is unknown.",
                exc.detail, "status-list-invalid",
            )
        return _with_failed_refresh(check, attempt, cached)

    def _never_checked(self, entry: StatusEntry, attempt: Attempt | None) -> Check:
        what = _purpose_noun(entry.purpose)
        if attempt is not None:
            return _unknown(
                f"Status never checked: the try on {human(attempt.at)} failed, and there is no earlier good "
                f"copy of the issuer's {what} list. {attempt.message}",
                f"{entry.list_url}: {attempt.detail}", "status-unknown",
            )
        return _unknown(
            f"Status never checked: the issuer's {what} list has not been downloaded yet; {self._how_to_get_it()}",
            f"no cached list for {entry.list_url}", "status-unknown",
        )

    def _how_to_get_it(self) -> str:
        offline = self._net is None or getattr(self._net, "policy", None) == "never"
        if offline:
            return "this wallet does not go online, so import a trust file that holds it."
        return "use \u201cCheck status now\u201d."

    def _answer(self, credential: dict[str, Any], issuer_id: str, entry: StatusEntry, cached: CachedList) -> Check:
        if (entry.type == ONEEDTECH) != (cached.format == "1edtech"):
            return _unknown(
                "The list saved for that address is of another kind than the credential expects, so it cannot answer.",
                f"{entry.type} entry, cached list format {cached.format}", "status-list-wrong-type",
            )
        use = ListUse(entry.type, frozenset({issuer_id} if issuer_id else ()), frozenset({entry.purpose}))
        if entry.type == ONEEDTECH:
            return self._answer_1edtech(credential, entry, cached, use)
        refusal = self._refuse_list(cached, use)
        if refusal is not None:
            return refusal
        bits = self._bitstring(cached)
        assert entry.index is not None
        try:
            value = read_status(bits, entry.index, entry.size)
        except IndexError as exc:
            entries = len(bits) * 8 // entry.size
            return _unknown(
                f"The credential points to place {entry.index} in its status list, but the list has places 0 to "
                f"{entries - 1} only, so its status cannot be read.",
                f"{entry.list_url}: {exc}", "status-index-out-of-range",
            )
        return self._verdict_for(entry, value, cached)

    def _refuse_list(self, cached: CachedList, use: ListUse) -> Check | None:
        """Why a saved list credential cannot answer for credentials of this use, if it cannot."""
        verdict = self._verdict(cached)
        if not verdict.ok:
            return _unknown(
                f"The status list failed its own check ({verdict.message.rstrip('.')}), so the status is unknown.",
                verdict.detail, verdict.code or "status-list-invalid",
            )
        problem = list_problem(cached.document, cached.url, use, self._clock())
        return None if problem is None else _cannot_answer("status list", cached.url, problem)

    def _verdict(self, cached: CachedList) -> Verdict:
        key = (cached.url, cached.fetched_at.isoformat())
        if key not in self._verdicts:
            try:
                self._verdicts[key] = self._verify_list(cached.document)
            except WalletError as exc:
                self._verdicts[key] = Verdict(False, exc.message, exc.detail)
        return self._verdicts[key]

    def _bitstring(self, cached: CachedList) -> bytes:
        key = (cached.url, cached.fetched_at.isoformat())
        if key not in self._bits:
            self._bits[key] = decode_bitstring((subject_of(cached.document) or {}).get("encodedList", ""))
        return self._bits[key]

    def _verdict_for(self, entry: StatusEntry, value: int, cached: CachedList) -> Check:
        when = human(cached.fetched_at)
        detail = f"{entry.type} {entry.list_url} index {entry.index}: value {value}; list fetched {cached.fetched_at.isoformat()} ({cached.source})"
        if entry.purpose not in KNOWN_PURPOSES:  # not known, so neither good nor bad news
            return Check(CheckName.STATUS, Outcome.WARNING,
                         f"The credential's status uses a status purpose this wallet does not know: {entry.purpose} "
                         f"(value {value}, as of {when}).", detail, "status-purpose-unknown")
        if entry.purpose == "message":
            return self._message(entry, value, cached, detail)
        if value and entry.purpose == "suspension":
            return Check(CheckName.STATUS, Outcome.FAILED, f"Suspended by the issuer (as of {when}).", detail, "suspended")
        if value:
            return Check(CheckName.STATUS, Outcome.FAILED, f"Revoked by the issuer (as of {when}).", detail, "revoked")
        noun = "suspended" if entry.purpose == "suspension" else "revoked"
        return self._fresh(Check(CheckName.STATUS, Outcome.PASSED, f"Not {noun} as of {when}.", detail, f"not-{noun}"), cached)

    def _message(self, entry: StatusEntry, value: int, cached: CachedList, detail: str) -> Check:
        """A status message: value 0 is the issuer's default (no news), anything else is shown."""
        when = human(cached.fetched_at)
        message = _message_for(entry.messages, value)
        if value == 0:
            said = f"The issuer's status for this credential: {message} (as of {when})." if message else \
                f"No status message from the issuer as of {when}."
            return self._fresh(Check(CheckName.STATUS, Outcome.PASSED, said, detail, "status-ok"), cached)
        return Check(CheckName.STATUS, Outcome.WARNING,
                     f"The issuer's status for this credential: {message or hex(value)} (as of {when}).", detail, "status-message")

    def _fresh(self, check: Check, cached: CachedList) -> Check:
        """A good answer from an old list is still shown, with a warning about its age."""
        age = self._clock() - cached.fetched_at
        if age <= self._stale_after:
            return check
        days = age.days
        return Check(
            check.name, Outcome.WARNING,
            f"{check.message.rstrip('.')}; that answer is {days} days old, so check status again when you can.",
            check.detail, "status-stale",
        )

    def _answer_1edtech(self, credential: dict[str, Any], entry: StatusEntry, cached: CachedList, use: ListUse) -> Check:
        problem = revocation_list_problem(cached.document, cached.url, use)
        if problem is not None:
            return _cannot_answer("revocation list", cached.url, problem)
        revoked = cached.document["revokedCredentials"]
        cred_id = credential.get("id")
        when = human(cached.fetched_at)
        detail = f"{ONEEDTECH} {entry.list_url}; fetched {cached.fetched_at.isoformat()} ({cached.source})"
        if not cred_id:
            return _unknown("This credential has no id, so the issuer's revocation list cannot mention it.", detail, "status-unknown")
        for item in revoked[:MAX_REVOKED_ENTRIES]:
            if isinstance(item, dict) and item.get("id") == cred_id and item.get("revoked", True) is not False:
                reason = str(item.get("revocationReason") or "").strip()
                sentence = f"Revoked by the issuer (as of {when})" + (f": {reason.rstrip('.')}." if reason else ".")
                return Check(CheckName.STATUS, Outcome.FAILED, sentence, detail, "revoked")
        return self._fresh(Check(CheckName.STATUS, Outcome.PASSED, f"Not revoked as of {when}.", detail, "not-revoked"), cached)

    # -- refreshing (network)

    def refresh(self, credentials: Iterable[dict[str, Any]], *, user_initiated: bool = True,
                fresh_within: timedelta | None = None) -> list[RefreshResult]:
        """Download each status list the credentials use (once each), verify and keep it.

        With ``fresh_within`` (the automatic checks), a list fetched more recently than
        that, or one whose download failed within the last hour, is left alone.
        """
        uses: dict[str, ListUse] = {}
        for cred in credentials:
            issuer = issuer_of(cred)
            for entry in status_entries(cred):
                if entry.list_url and entry.type in SUPPORTED and not entry.problem:
                    uses[entry.list_url] = uses.get(entry.list_url, ListUse()).joined(entry.type, issuer, entry.purpose)
        return [self.refresh_list(url, _format_of(use), user_initiated=user_initiated, use=use)
                for url, use in uses.items() if fresh_within is None or self.due(url, fresh_within)]

    def due(self, url: str, fresh_within: timedelta) -> bool:
        """Whether an automatic check should download this list now."""
        now = self._clock()
        cached = self.cache.get(url)
        if cached is not None and now - cached.fetched_at < fresh_within:
            return False
        attempt = self.cache.failed_attempt(url)
        return attempt is None or now - attempt.at >= min(fresh_within, RETRY_AFTER_FAILURE)

    def refresh_list(self, url: str, fmt: str = "credential", *, user_initiated: bool = True,
                     use: ListUse | None = None) -> RefreshResult:
        """Download one list, check it (fetching the key it is signed with if need be) and keep it."""
        now = self._clock()
        if self._net is not None and not self._net.allowed(user_initiated=user_initiated):
            try:  # the setting said no: nothing was tried, so nothing is recorded as failed
                self._net.ensure_allowed(user_initiated=user_initiated)
            except NetworkError as exc:
                return RefreshResult(url, False, exc.message, exc.detail)
        try:
            if self._net is None:
                raise NetworkError("This wallet has no network access set up.", "no network client")
            document = self._net.get_json(url, user_initiated=user_initiated)
            self._check_arrival(url, document, fmt, self._expected(url, use), now)  # before any key is fetched for it
            self._fetch_signing_key(url, document, user_initiated)
            self._keep(CachedList(url, now, fmt, document, "network"))
        except WalletError as exc:
            self.cache.record_failure(url, now, exc.message, exc.detail)
            log.info("status list %s not refreshed: %s", url, exc.detail or exc.message)
            return RefreshResult(url, False, exc.message, exc.detail)
        return RefreshResult(url, True, f"Status list downloaded on {human(now)}.")

    def _fetch_signing_key(self, url: str, document: dict[str, Any], user_initiated: bool) -> None:
        if self._fetch_keys is None:
            return
        try:
            self._fetch_keys(document, user_initiated)
        except WalletError as exc:
            raise WalletError(
                f"The key the status list from {host_of(url)} is signed with could not be downloaded "
                f"({_clause(exc.message)}).", exc.detail) from exc

    def load_file(self, url: str, path: Any, *, fetched_at: datetime | None = None) -> CachedList:
        """Keep a status list from a file as if it had been fetched from ``url``.

        For a list carried by hand (or the interop corpus, whose lists are not online);
        it is checked exactly like a download. The date is the file's (never later than
        now), unless given.
        """
        document = read_json_file(path, what="This status list file", kind="status list", max_bytes=MAX_LIST_FILE_BYTES,
                                  max_containers=MAX_LIST_FILE_CONTAINERS)
        when = fetched_at or min(_file_date(path), self._clock())
        fmt = "credential" if isinstance(document, dict) and "credentialSubject" in document else "1edtech"
        return self.accept(url, document, fmt=fmt, fetched_at=when, source="file")

    def accept(self, url: str, document: Any, *, fmt: str = "credential", fetched_at: datetime, source: str,
               use: ListUse | None = None) -> CachedList:
        """Check a downloaded (or carried) list and keep it; raise a WalletError if it is unusable.

        ``use`` says what the credentials naming it expect (their issuers, purposes and
        method); without it, a list must at least come from the issuer of the copy
        already kept. A list that fails here never replaces the last good copy.
        """
        now = self._clock()
        if fetched_at > now + CLOCK_SKEW:
            raise MalformedCredential(
                f"The status list for {host_of(url)} is dated {human(fetched_at)}, which is still to come, "
                "so it was not used.", f"{url}: fetched at {fetched_at.isoformat()}, now {now.isoformat()}")
        self._check_arrival(url, document, fmt, self._expected(url, use), now)
        return self._keep(CachedList(url, fetched_at, fmt, document, source))

    def _keep(self, cached: CachedList) -> CachedList:
        """The last step of :meth:`accept`, for a list that passed ``_check_arrival``:
        its own proof and encoding are checked, and it is kept unless a newer copy is."""
        url = cached.url
        if cached.format == "credential":
            verdict = self._verify_list(cached.document)
            if not verdict.ok:
                raise MalformedCredential(
                    f"The status list from {host_of(url)} failed its check ({_clause(verdict.message)}).",
                    f"{url}: {verdict.detail}")
            self._bitstring(cached)  # decodes within bounds, or raises
        if self.holds_newer(url, cached.fetched_at):
            return self.cache.get(url) or cached
        self.cache.put(cached)
        return cached

    def holds_newer(self, url: str, when: datetime, *, or_as_new: bool = False) -> bool:
        """Whether the kept copy of a list is newer than ``when`` (or as new, if asked).

        A kept copy dated after now (beyond :data:`CLOCK_SKEW`) is not believed to be
        newer, so a wrong date cannot pin an old list for good.
        """
        held = self.cache.get(url)
        if held is None or held.fetched_at > self._clock() + CLOCK_SKEW:
            return False
        return held.fetched_at > when or (or_as_new and held.fetched_at == when)

    def _expected(self, url: str, use: ListUse | None) -> ListUse:
        """What a list arriving for ``url`` must be; unknown issuers: the kept copy's issuer."""
        use = use or ListUse()
        held = self.cache.get(url)
        issuer = issuer_of(held.document) if held is not None and not use.issuers else ""
        return ListUse(use.scheme, frozenset({issuer}), use.purposes) if issuer else use

    def _check_arrival(self, url: str, document: Any, fmt: str, use: ListUse, now: datetime) -> None:
        """Everything but the signature: the kind, issuer, address, dates, type and purpose."""
        if not isinstance(document, dict):
            raise MalformedCredential("The status list is not a JSON object.", f"{url}: {type(document).__name__}")
        if fmt == "credential":
            require_list_shape(url, document, use.scheme)
            problem = list_problem(document, url, use, now)
        else:
            problem = revocation_list_problem(document, url, use)
        if problem is not None:
            raise MalformedCredential(f"The status list from {host_of(url)} {problem.clause}, so it was not used.",
                                      f"{url}: {problem.detail}")


def _file_date(path: Any) -> datetime:
    """When a file was last written (the date a carried list is kept with)."""
    try:
        return datetime.fromtimestamp(os.stat(path).st_mtime, timezone.utc)
    except OSError as exc:
        raise InputError("This status list file could not be read.", f"{path}: {exc}") from exc


def _format_of(use: ListUse) -> str:
    return "1edtech" if use.scheme == ONEEDTECH else "credential"


def _message_for(messages: tuple[tuple[str, str], ...], value: int) -> str:
    """The issuer's message for a status value; statusMessage writes values in hex ("0x1", "0x01")."""
    for status, message in messages:
        try:
            if int(status, 16) == value:
                return message
        except ValueError:
            continue
    return ""


def _cannot_answer(noun: str, url: str, problem: ListProblem) -> Check:
    return _unknown(f"The {noun} {problem.clause}, so it cannot answer for this credential.",
                    f"{url}: {problem.detail}", problem.code)


def _purpose_noun(purpose: str) -> str:
    return {"revocation": "revocation", "suspension": "suspension", "message": "status"}.get(purpose, "status")


def _clause(sentence: str) -> str:
    """A sentence made to fit inside another: no final stop, a lower-case start unless a name."""
    text = sentence.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def _unknown(message: str, detail: str, code: str) -> Check:
    return Check(CheckName.STATUS, Outcome.UNKNOWN, message, detail, code)


def _with_failed_refresh(check: Check, attempt: Attempt | None, cached: CachedList) -> Check:
    """Say that the last refresh failed (and when the last good one was), without changing the answer."""
    if attempt is None or attempt.at <= cached.fetched_at:
        return check
    note = (
        f" The check on {human(attempt.at)} could not be made; the last good check was on "
        f"{human(cached.fetched_at)}. {attempt.message}"
    )
    outcome = Outcome.WARNING if check.outcome is Outcome.PASSED else check.outcome
    return Check(check.name, outcome, check.message + note, f"{check.detail}; last attempt: {attempt.detail}", check.code)
