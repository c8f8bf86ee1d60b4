"""Credential commands: import, list, show, remove, restore, empty-trash, info.

The ``--json`` output of list, show, import and info is a stable interface, described
in docs/cli-json.md; :func:`credential_json` and :func:`import_json` build it, and
other commands that print credentials reuse them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from wallet import __version__
from wallet.credential import Credential
from wallet.errors import InputError, WalletError
from wallet.formats.details import details_of
from wallet.importer import ImportResult, read_stream
from wallet.stacks.words import amount, counted
from wallet.verify.report import Report, Status

JSON_SCHEMA = 1  # bump only for a change that breaks a documented field
SHORT_ID = 12


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="add credential files or folders to the wallet")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="a credential file, a baked badge, or a folder; - reads one credential from standard input")
    p.add_argument("--json", action="store_true", help="print the result as JSON (see docs/cli-json.md)")
    p.add_argument("--no-verify", action="store_true",
                   help="store only; do not check the new credentials now (learner-wallet verify ID does it later)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("list", help="list the credentials in the wallet")
    p.add_argument("--trash", action="store_true", help="list the credentials in the trash instead")
    p.add_argument("--json", action="store_true", help="print the list as JSON (see docs/cli-json.md)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="show everything about one credential")
    p.add_argument("id", metavar="ID", help="the credential's id, or the first characters of it")
    p.add_argument("--json", action="store_true", help="print the credential as JSON (see docs/cli-json.md)")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("remove", help="move a credential to the trash")
    p.add_argument("id", metavar="ID", help="the credential's id, or the first characters of it")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("restore", help="bring a credential back from the trash")
    p.add_argument("id", metavar="ID", help="the credential's id, or the first characters of it")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("empty-trash", help="delete the credentials in the trash for good")
    p.set_defaults(func=cmd_empty_trash)

    p = sub.add_parser("info", help="where the wallet lives, what it holds, and the version")
    p.add_argument("--json", action="store_true", help="print the information as JSON (see docs/cli-json.md)")
    p.set_defaults(func=cmd_info)


# ---------------------------------------------------------------- handlers

def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    wallet = ctx.wallet
    results: list[ImportResult] = []
    for path in args.paths:
        if path == "-":
            results.append(_import_stdin(wallet))
        else:
            results.extend(wallet.import_paths([path]) or [_nothing_found(path)])
    reports = {} if args.no_verify else _verify_new(wallet, results)
    if args.json:
        ctx.print_json(import_json(results, reports))
    else:
        for result in results:
            _print_import_result(ctx, result, reports, verbose=getattr(args, "verbose", False))
        ctx.print(_import_totals(results))
    return 1 if not results or any(not r.ok for r in results) else 0


def _verify_new(wallet: Any, results: list[ImportResult]) -> dict[str, Report]:
    """Check what this import added, offline, as the app does after an import; the
    reports are stored, so list, show and stacks see them."""
    reports: dict[str, Report] = {}
    for result in results:
        for cred in (*result.added, *result.restored):
            reports[cred.id] = wallet.verify(cred.id)
    return reports


def _nothing_found(path: str) -> ImportResult:
    folder = Path(path)
    return ImportResult(name=folder.name or path, path=folder,
                        error=InputError("This folder holds no credential files.", str(folder)))


def _import_stdin(wallet: Any) -> ImportResult:
    try:
        data = read_stream(sys.stdin.buffer)
    except WalletError as exc:
        return ImportResult(name="standard input", error=exc)
    return wallet.import_bytes(data, name="standard input", source="standard input")


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    creds = ctx.wallet.credentials(trashed=args.trash)
    if args.json:
        statuses = _stored_statuses(ctx.wallet)
        records = [{**credential_json(c), "status": statuses.get(c.id)} for c in creds]
        ctx.print_json({"schema": JSON_SCHEMA, "trash": args.trash, "count": len(creds), "credentials": records})
        return 0
    if not creds:
        ctx.print("The trash is empty." if args.trash else
                  "Your wallet is empty. Add credentials with: learner-wallet import FILE...")
        return 0
    for cred, depth in _tree(creds):
        ctx.print(_list_line(cred, depth))
    noun = "credential" if len(creds) == 1 else "credentials"
    ctx.print(f"{len(creds)} {noun}" + (" in the trash." if args.trash else "."))
    return 0


def cmd_show(args: argparse.Namespace, ctx: Any) -> int:
    wallet = ctx.wallet
    cred = wallet.get(args.id)
    parent = _parent(wallet, cred)
    children = wallet.children(cred)
    report = _stored_report(wallet, cred)
    if args.json:
        ctx.print_json(show_json(cred, parent, children, report))
    else:
        for line in _show_lines(cred, parent, children, report):
            ctx.print(line)
    return 0


def _stored_report(wallet: Any, cred: Credential) -> Any:
    """The last verification report kept for ``cred`` (None if never checked)."""
    report_of = getattr(wallet, "report", None)
    return report_of(cred.id) if callable(report_of) else None


def cmd_remove(args: argparse.Namespace, ctx: Any) -> int:
    wallet = ctx.wallet
    cred = wallet.get(args.id)
    inside = [c for c in wallet.children(cred) if c.trashed_at is None]
    wallet.trash(cred.id)
    extra = ""
    if inside:
        extra = " with the credential inside it" if len(inside) == 1 else f" with the {len(inside)} credentials inside it"
    ctx.print(f'Moved "{cred.title}"{extra} to the trash. '
              f"Bring it back with: learner-wallet restore {cred.id[:SHORT_ID]}")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Any) -> int:
    cred = ctx.wallet.restore(args.id)
    ctx.print(f'Restored "{cred.title}" from the trash.')
    return 0


def cmd_empty_trash(args: argparse.Namespace, ctx: Any) -> int:
    n = ctx.wallet.empty_trash()
    if n == 0:
        ctx.print("The trash was already empty.")
    else:
        ctx.print(f"Emptied the trash: {n} credential{'s' if n != 1 else ''} deleted for good.")
    return 0


def cmd_info(args: argparse.Namespace, ctx: Any) -> int:
    wallet = ctx.wallet
    counts = wallet.store.count()
    info = {
        "schema": JSON_SCHEMA,
        "version": __version__,
        "data_folder": str(wallet.home),
        "wallet_file": str(wallet.store.path),
        "counts": counts,
    }
    if args.json:
        ctx.print_json(info)
        return 0
    ctx.print(f"Learner Wallet {__version__}")
    ctx.print(f"Data folder:  {wallet.home}")
    ctx.print(f"Wallet file:  {wallet.store.path}")
    ctx.print(f"Credentials:  {counts.get('credentials', 0)} (and {counts.get('trash', 0)} in the trash)")
    ctx.print(f"Stacks:       {counts.get('stacks', 0)}")
    return 0


# ---------------------------------------------------------------- JSON (docs/cli-json.md)

def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def credential_json(cred: Credential) -> dict[str, Any]:
    """The stable JSON record of one credential (list, show, import)."""
    s = cred.summary
    return {
        "id": cred.id,
        "title": s.title,
        "format": cred.format.value,
        "format_label": cred.format.label,
        "envelope": cred.envelope.value,
        "types": list(s.types),
        "issuer": {"name": s.issuer_name, "id": s.issuer_id},
        "subject": {"name": s.subject_name, "id": s.subject_id},
        "description": s.description,
        "issued": _iso(s.issued),
        "valid_from": _iso(s.valid_from),
        "valid_until": _iso(s.valid_until),
        "achievement": {"id": s.achievement_id, "type": s.achievement_type, "name": s.achievement_name},
        "credits": s.credits,
        "credits_unit": s.credits_unit,
        "tags": list(s.tags),
        "alignments": [
            {"framework": a.framework, "code": a.code, "name": a.name, "url": a.url, "type": a.type}
            for a in s.alignments
        ],
        "image": s.image,
        "parent_id": cred.parent_id,
        "source": cred.source,
        "added_at": _iso(cred.added_at),
        "trashed_at": _iso(cred.trashed_at),
    }


def _stored_statuses(wallet: Any) -> dict[str, str]:
    """The verification status of each credential with a stored report, by id."""
    try:
        reports = wallet.store.reports()
    except (AttributeError, WalletError):
        return {}
    return {cid: str(data.get("status")) for cid, data in reports.items()
            if isinstance(data, dict) and data.get("status")}


def verification_json(report: Any) -> dict[str, Any] | None:
    if report is None:
        return None
    return {"status": report.status.value, "label": report.status.label, "summary": report.summary,
            "checked_at": _iso(report.checked_at)}


def show_json(cred: Credential, parent: Credential | None, children: list[Credential],
              report: Any = None) -> dict[str, Any]:
    out = credential_json(cred)
    d = details_of(cred)
    out.update({
        "schema": JSON_SCHEMA,
        "status": None if report is None else report.status.value,
        "verification": verification_json(report),
        "criteria": {"narrative": d.criteria, "url": d.criteria_url},
        "issuer": {**out["issuer"], "url": d.issuer_url, "email": d.issuer_email,
                   "description": d.issuer_description},
        "field_of_study": d.field_of_study,
        "human_code": d.human_code,
        "specialization": d.specialization,
        "term": d.term,
        "activity": {"start": d.activity_start, "end": d.activity_end},
        "narrative": d.narrative,
        "evidence": [{"name": e.name, "description": e.description, "narrative": e.narrative, "url": e.url}
                     for e in d.evidence],
        "results": [{"name": r.name, "value": r.value, "status": r.status} for r in d.results],
        "endorsements": d.endorsements,
        "achievements": list(d.achievements),
        "parent": None if parent is None else {"id": parent.id, "title": parent.title},
        "children": [{"id": c.id, "title": c.title} for c in children],
        "document": cred.document,
    })
    return out


def import_json(results: list[ImportResult], reports: dict[str, Report] | None = None) -> dict[str, Any]:
    checked = {cid: r.status.value for cid, r in (reports or {}).items()}
    files = [
        {
            "name": r.name,
            "path": str(r.path) if r.path else None,
            "ok": r.ok,
            "added": [{**_brief(c), "status": checked.get(c.id)} for c in r.added],
            "duplicates": [_brief(c) for c in r.duplicates],
            "restored": [{**_brief(c), "status": checked.get(c.id)} for c in r.restored],
            "error": None if r.error is None else error_json(r.error),
        }
        for r in results
    ]
    return {
        "schema": JSON_SCHEMA,
        "files": files,
        "added": sum(len(r.added) for r in results),
        "duplicates": sum(len(r.duplicates) for r in results),
        "restored": sum(len(r.restored) for r in results),
        "failed": sum(1 for r in results if not r.ok),
    }


def _brief(cred: Credential) -> dict[str, Any]:
    return {"id": cred.id, "title": cred.title, "format": cred.format.value, "parent_id": cred.parent_id}


def error_json(error: WalletError) -> dict[str, str]:
    return {"kind": type(error).__name__, "message": error.message, "detail": error.detail}


# ---------------------------------------------------------------- text

def _print_import_result(ctx: Any, result: ImportResult, reports: dict[str, Report], *, verbose: bool) -> None:
    if result.error is not None:
        print(f"{result.name}: {result.error.message}", file=ctx.err)
        if verbose and result.error.detail:
            print(f"  detail: {result.error.detail}", file=ctx.err)
    for cred in result.added:
        ctx.print(f'{result.name}: added "{cred.title}" ({cred.id[:SHORT_ID]}){_status_note(cred, reports)}')
    for cred in result.restored:
        ctx.print(f'{result.name}: "{cred.title}" was in the trash; it is back in your wallet '
                  f"({cred.id[:SHORT_ID]}){_status_note(cred, reports)}")
    for cred in result.duplicates:
        ctx.print(f'{result.name}: "{cred.title}" is already in your wallet ({cred.id[:SHORT_ID]})')


def _status_note(cred: Credential, reports: dict[str, Report]) -> str:
    report = reports.get(cred.id)
    if report is None:
        return ""
    if report.status in (Status.VERIFIED, Status.WARNINGS):
        return f" — {report.status.label.lower()}"
    return f" — {report.status.label.lower()}: {report.summary}"


def _import_totals(results: list[ImportResult]) -> str:
    """The closing line: what was added, brought back from the trash, already held, refused."""
    added = sum(len(r.added) for r in results)
    restored = sum(len(r.restored) for r in results)
    duplicates = sum(len(r.duplicates) for r in results)
    failed = sum(1 for r in results if not r.ok)
    sentences = []
    if added or not (restored or duplicates):
        sentences.append(f"Added {counted(added, 'credential')} from {counted(len(results), 'file')}.")
    if restored:
        sentences.append(f"Restored {restored} from the trash.")
    if duplicates:
        sentences.append(f"{duplicates} {'was' if duplicates == 1 else 'were'} already in your wallet.")
    if failed:
        sentences.append(f"{counted(failed, 'file')} could not be imported.")
    return " ".join(sentences)


def _tree(creds: list[Credential]) -> list[tuple[Credential, int]]:
    """Credentials in list order, each one's children right below it."""
    by_parent: dict[str, list[Credential]] = {}
    ids = {c.id for c in creds}
    for c in creds:
        if c.parent_id and c.parent_id in ids:
            by_parent.setdefault(c.parent_id, []).append(c)
    out: list[tuple[Credential, int]] = []

    def visit(cred: Credential, depth: int) -> None:
        out.append((cred, depth))
        for child in by_parent.get(cred.id, []):
            visit(child, depth + 1)

    for c in creds:
        if not (c.parent_id and c.parent_id in ids):
            visit(c, 0)
    return out


def _list_line(cred: Credential, depth: int) -> str:
    s = cred.summary
    date = s.issued.date().isoformat() if s.issued else "          "
    indent = "  " * depth + ("└ " if depth else "")
    issuer = f" — {s.issuer_name or _shortened(s.issuer_id)}" if (s.issuer_name or s.issuer_id) else ""
    return f"{cred.id[:SHORT_ID]}  {date}  {cred.format.label:<34}  {indent}{s.title}{issuer}"


def _shortened(ident: str, width: int = 40) -> str:
    """A long id (a did:key, a long URL) as its start and end, enough to recognise it."""
    if len(ident) <= width:
        return ident
    return f"{ident[:width - 9]}…{ident[-8:]}"


def _parent(wallet: Any, cred: Credential) -> Credential | None:
    if not cred.parent_id:
        return None
    try:
        return wallet.get(cred.parent_id)
    except WalletError:
        return None


def _show_lines(cred: Credential, parent: Credential | None, children: list[Credential],
                report: Any = None) -> list[str]:
    s = cred.summary
    d = details_of(cred)
    checked = ""
    if report is not None:
        checked = f"{report.status.label}: {report.summary} (checked {_date(report.checked_at)})"
    rows: list[tuple[str, str]] = [
        ("Id", cred.id),
        ("Checked", checked),
        ("Kind", f"{cred.format.label} ({cred.envelope.value.upper()})"),
        ("Issuer", _name_and_id(s.issuer_name, s.issuer_id)),
        ("Issuer web site", d.issuer_url),
        ("Earned by", _name_and_id(s.subject_name, s.subject_id)),
        ("Issued", _date(s.issued)),
        ("Valid from", _date(s.valid_from) if s.valid_from != s.issued else ""),
        ("Valid until", _date(s.valid_until)),
        ("Achievement", _achievement(s.achievement_name, s.achievement_type)),
        ("Achievement id", s.achievement_id),
        ("Field of study", d.field_of_study),
        ("Course code", d.human_code),
        ("Term", d.term),
        ("Credits", "" if s.credits is None else amount(s.credits, s.credits_unit)),
        ("Tags", ", ".join(s.tags)),
        ("Endorsements", str(d.endorsements) if d.endorsements else ""),
        ("Part of", f"{parent.title} ({parent.id[:SHORT_ID]})" if parent else ""),
        ("Source", cred.source),
        ("Added", _date(cred.added_at)),
        ("In the trash since", _date(cred.trashed_at)),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines = [s.title, "=" * min(len(s.title), 78)]
    lines += [f"{label + ':':<{width}}{value}" for label, value in rows if value]
    lines += _section("Description", [s.description])
    lines += _section("Criteria", [d.criteria, d.criteria_url])
    lines += _section("Skills and alignments", [_alignment(a) for a in s.alignments])
    lines += _section("Evidence", [_evidence(e) for e in d.evidence])
    lines += _section("Results", [f"{r.name or 'Result'}: {r.value or r.status}" for r in d.results])
    lines += _section("Achievements in this record", list(d.achievements))
    lines += _section("Credentials inside", [f"{c.title} ({c.id[:SHORT_ID]})" for c in children])
    return lines


def _section(title: str, items: list[str]) -> list[str]:
    items = [i for i in items if i]
    if not items:
        return []
    return ["", f"{title}:"] + [f"  {line}" for item in items for line in item.splitlines()]


def _name_and_id(name: str, ident: str) -> str:
    if name and ident:
        return f"{name} ({ident})"
    return name or ident


def _date(when: datetime | None) -> str:
    if when is None:
        return ""
    if (when.hour, when.minute, when.second) == (0, 0, 0):
        return when.date().isoformat()
    return when.strftime("%Y-%m-%d %H:%M %Z").strip()


def _achievement(name: str, kind: str) -> str:
    if name and kind:
        return f"{name} ({kind})"
    return name or kind


def _alignment(a: Any) -> str:
    label = a.name or a.code or a.url
    extra = ", ".join(x for x in (a.framework, a.code if a.code != label else "") if x)
    line = f"- {label}" + (f" ({extra})" if extra else "")
    return line + (f"\n  {a.url}" if a.url and a.url != label else "")


def _evidence(e: Any) -> str:
    head = e.name or e.url or "Evidence"
    body = "\n".join(x for x in (e.description, e.narrative, e.url if e.url != head else "") if x)
    return f"- {head}" + ("\n  " + body.replace("\n", "\n  ") if body else "")
