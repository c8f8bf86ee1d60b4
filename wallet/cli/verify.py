"""``learner-wallet verify FILE|ID... [--json] [--no-wallet]``: check credentials offline.

A FILE is checked where it lies and never stored (an employer checking what an
applicant sent); an ID is a credential already in the wallet, whose new report is
stored. When there is a wallet in the data folder, files are checked with what it has
saved (status lists, issuers' key documents, registries, trusted issuers), as the app
checks them; without one, or with ``--no-wallet``, they are checked on their own and
their status is never checked. ``verify`` never creates a wallet. The exit status is 0
only when every argument verified: warnings are allowed (an old suite name, an issuer in
no registry, a status not checked here), but not a signature that does not show who
issued the credential (a key carried in the credential itself, an issuer no key can
belong to): that is no answer for an employer.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wallet.errors import WalletError
from wallet.verify.report import Outcome, Report, Status, report_to_json

_MARKS = {Outcome.PASSED: "ok", Outcome.WARNING: "!!", Outcome.FAILED: "XX", Outcome.UNKNOWN: "??", Outcome.INFO: "--"}
_GOOD = (Status.VERIFIED, Status.WARNINGS)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="check credentials offline: files (not stored) or credentials in the wallet",
        description="Check each credential's signature, issuer key, contexts, dates, status and issuer without "
        "the network, with what your wallet has saved (status lists, issuers' keys, registries) when there is one. "
        "Exit status 0 only when every argument verified.",
    )
    p.add_argument("targets", nargs="+", metavar="FILE|ID", help="a credential file, or the id of a stored credential")
    p.add_argument("--challenge", help="for a presentation file: the challenge you asked the holder to use")
    p.add_argument("--domain", help="for a presentation file: the domain you asked the holder to use")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--no-wallet", action="store_true",
                   help="check files without opening your wallet (no saved status lists, keys or registries)")
    p.set_defaults(func=cmd_verify)


def cmd_verify(args: argparse.Namespace, ctx: Any) -> int:
    opened = _opens_wallet(args, ctx)
    env = ctx.wallet.verify_environment() if opened else _no_wallet_environment()
    results = [_one(target, args, ctx, env, opened) for target in args.targets]
    if args.json:
        clean = [{k: v for k, v in r.items() if not k.startswith("_")} for r in results]
        ctx.print_json({"verified": all(r["verified"] for r in results), "results": clean})
    else:
        for r in results:
            _print_result(r, ctx)
    return 0 if all(r["verified"] for r in results) else 1


def _opens_wallet(args: argparse.Namespace, ctx: Any) -> bool:
    """Whether to check with the wallet's saved trust data: there is a wallet, and it is
    wanted. Opening it unlocks it as every command does; a missing one is never created."""
    from wallet import vault
    from wallet.cli.unlocking import wallet_home

    if getattr(args, "no_wallet", False):
        return False
    return bool(getattr(ctx.args, "demo", False)) or vault.exists(wallet_home(ctx.args))


def _no_wallet_environment() -> Any:
    from wallet.verify.environment import VerifyEnvironment

    return VerifyEnvironment()


def _one(target: str, args: argparse.Namespace, ctx: Any, env: Any, opened: bool) -> dict[str, Any]:
    path = Path(target)
    try:
        if path.is_file():
            return _file(path, args, env)
        if "/" in target or "\\" in target or path.suffix:
            return _error(target, "There is no file with that name.", f"{target}: not found")
        if not opened:
            return _error(target, "There is no file with that name, and no wallet is open to look it up in.",
                          f"{target}: not a file; stored credentials are looked up only in an existing wallet")
        report = ctx.wallet.verify(target)
        cred = ctx.wallet.get(target)
        items = [{"id": cred.id, "title": cred.title, "report": report}]
        return _result(target, items)
    except WalletError as exc:
        return _error(target, exc.message, exc.detail)
    except OSError as exc:
        return _error(target, "The file could not be read.", str(exc))


def _error(target: str, message: str, detail: str) -> dict[str, Any]:
    return {"target": target, "verified": False, "error": message, "detail": detail, "credentials": []}


def _file(path: Path, args: argparse.Namespace, env: Any) -> dict[str, Any]:
    from wallet.formats import parse
    from wallet.formats.detect import load_json, sniff, Kind, text_of
    from wallet.verify import verify_credential, verify_presentation

    data = path.read_bytes()
    kind = sniff(data)
    if kind is Kind.JSON:
        doc = load_json(text_of(data))
        types = doc.get("type") if isinstance(doc, dict) else None
        if "VerifiablePresentation" in (types if isinstance(types, list) else [types]):
            vp = verify_presentation(doc, env, challenge=args.challenge, domain=args.domain)
            return _presentation_result(str(path), vp)
    elif _is_jwt_presentation(text_of(data)):
        vp = verify_presentation(text_of(data).strip(), env, challenge=args.challenge, domain=args.domain)
        return _presentation_result(str(path), vp)
    creds = [c for c in parse(data, name=path.name, source=str(path)) if c.parent_id is None]
    items = [{"id": c.id, "title": c.title, "report": verify_credential(c, env)} for c in creds]
    return _result(str(path), items)


def _is_jwt_presentation(text: str) -> bool:
    from wallet.verify.jws import JwsError, parse

    try:
        payload = parse(text.strip()).payload
    except JwsError:
        return False
    return isinstance(payload.get("vp"), dict)


def _result(target: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "target": target,
        "verified": bool(items) and all(i["report"].vouches for i in items),
        "credentials": [
            {"id": i["id"], "title": i["title"], "report": report_to_json(i["report"])} for i in items
        ],
        "_reports": items,
    }


def _presentation_result(target: str, vp: Any) -> dict[str, Any]:
    items = [{"id": "", "title": _title(doc), "report": report} for doc, report in vp.credentials]
    out = _result(target, items)
    out["verified"] = vp.status in _GOOD and all(i["report"].vouches for i in items)
    out["presentation"] = {
        "status": vp.status.value,
        "holder": vp.holder,
        "checks": [
            {"name": c.name.value, "outcome": c.outcome.value, "message": c.message, "detail": c.detail, "code": c.code}
            for c in vp.checks
        ],
    }
    out["_presentation"] = vp
    return out


def _title(doc: Any) -> str:
    if isinstance(doc, dict):
        name = doc.get("name")
        return name if isinstance(name, str) else ", ".join(t for t in doc.get("type", []) if isinstance(t, str))
    return "JWT credential"


def _print_result(r: dict[str, Any], ctx: Any) -> None:
    if "error" in r:
        ctx.print(f"{r['target']}: {r['error']}")
        return
    vp = r.get("_presentation")
    if vp is not None:
        ctx.print(f"{r['target']}: bundle from {vp.holder or 'an unnamed holder'}: {vp.status.label}")
        for c in vp.checks:
            ctx.print(f"  [{_MARKS[c.outcome]}] {c.message}")
    for item in r["_reports"]:
        report: Report = item["report"]
        head = f"{r['target']}: " if vp is None else "  credential: "
        ctx.print(f"{head}{item['title'] or item['id'][:12]}: {report.status.label}")
        _print_report(report, ctx, indent="  ")


def _print_report(report: Report, ctx: Any, indent: str) -> None:
    if report.signer and report.vouches:
        ctx.print(f"{indent}Signed by {report.signer.label}")
    elif report.status in _GOOD:
        ctx.print(f"{indent}Not counted as verified: the signature does not show that the issuer made it.")
    for c in report.checks:
        ctx.print(f"{indent}[{_MARKS[c.outcome]}] {c.message}")
    for e in report.endorsements:
        ctx.print(f"{indent}Endorsement: {e.status.label}")
        _print_report(e, ctx, indent + "  ")
