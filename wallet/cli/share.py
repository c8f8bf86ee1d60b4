"""Sharing from a terminal: share, check-bundle, request, identities.

``share`` writes a signed bundle (``.json``), its QR codes as PNG files and a printable
sheet; ``check-bundle`` checks a received bundle offline and exits 0 only when it all
holds (nothing received is added to the wallet); ``request`` makes a receiver's
request (challenge and domain) as text and, optionally, a QR picture.
"""

from __future__ import annotations

import argparse
import glob
from pathlib import Path
from typing import Any

from wallet import bundle, bundle_check, qr
from wallet.errors import BundleError

EXIT_NOT_VERIFIED = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("share", help="sign chosen credentials into a bundle: a file, QR codes, a printable sheet")
    p.add_argument("ids", nargs="*", metavar="ID", help="credential ids (or their first characters)")
    p.add_argument("--stack", action="append", default=[], metavar="ID",
                   help="add the credentials that make up this stack (repeatable)")
    p.add_argument("--out", metavar="FILE.json", help="where to write the bundle (default: a dated name here)")
    p.add_argument("--qr", metavar="DIR", help="also write the QR codes as PNG pictures into this folder")
    p.add_argument("--pdf", metavar="FILE", help="also write a printable sheet (PDF)")
    p.add_argument("--request", metavar="TEXT",
                   help="a receiver's request as text (LW1R:...), or @FILE (a text file or a picture of its QR code)")
    p.add_argument("--challenge", help="the receiver's challenge")
    p.add_argument("--domain", help="the receiver's domain (who the bundle is for)")
    p.add_argument("--expires", default=str(bundle.DEFAULT_EXPIRY_DAYS), metavar="DAYS",
                   help=f"whole days the bundle stays valid, 1 to {bundle.MAX_EXPIRY_DAYS} "
                        f"(default {bundle.DEFAULT_EXPIRY_DAYS}; 0 for no expiry date)")
    p.add_argument("--identity", metavar="DID|NAME", help="sign as this identity (default: your default identity)")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(func=cmd_share)

    p = sub.add_parser("check-bundle", help="check a bundle someone shared with you (a file or QR pictures)")
    p.add_argument("inputs", nargs="+", metavar="FILE|IMAGE", help="the bundle .json, or pictures of its QR codes")
    p.add_argument("--challenge", help="the challenge of your request: the bundle must carry it")
    p.add_argument("--domain", help="your domain: the bundle must be made for it")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("request", help="make a request for a bundle (a challenge and your domain)")
    p.add_argument("--domain", required=True, help="who you are, e.g. https://jobs.example.org")
    p.add_argument("--challenge", help="a challenge of your own (default: a fresh random one)")
    p.add_argument("--qr", metavar="FILE.png", help="also write the request as a QR picture")
    p.add_argument("--json", action="store_true", help="print the request as JSON")
    p.set_defaults(func=cmd_request)

    p = sub.add_parser("identities", help="list, add, rename or choose your holder identities")
    p.add_argument("action", nargs="?", choices=["list", "add", "rename", "default"], default="list")
    p.add_argument("args", nargs="*", help="add NAME | rename DID NAME | default DID")
    p.set_defaults(func=cmd_identities)


# ---------------------------------------------------------------- share

def cmd_share(args: argparse.Namespace, ctx: Any) -> int:
    wallet = ctx.wallet
    refs = list(args.ids)
    for stack_id in args.stack:
        refs += bundle.stack_members(wallet, stack_id)
    if not refs:
        raise BundleError("Name at least one credential (or a stack with --stack) to share.", "no ids")
    challenge, domain = _request_of(args)
    expires = bundle.expiry_days(args.expires)
    creds = bundle.resolve(wallet, refs)
    for warning in bundle.preflight(wallet, creds):
        ctx.err.write(f"warning: {warning.message}\n")
    vp = bundle.create_bundle(wallet, creds, args.identity, challenge=challenge, domain=domain,
                              expires_in_days=expires)
    data = bundle.bundle_bytes(vp)
    out, replaced = _save(args, vp, data, wallet.clock())
    written: dict[str, Any] = {"bundle": str(out), "replaced": replaced, "credentials": len(creds),
                               "holder": vp["holder"]}
    payload = qr.encode_presentation(vp, file_bytes=data) if (args.qr or args.pdf) else None
    if args.qr and payload is not None:
        written["qr"] = write_codes(payload, Path(args.qr), out.stem)
        written["qrKind"] = payload.kind
    if args.pdf and payload is not None:
        write_sheet(wallet, vp, creds, payload, Path(args.pdf), out.name)
        written["pdf"] = args.pdf
    if args.json:
        ctx.print_json(written)
    else:
        ctx.print(f"Signed a bundle of {len(creds)} credential{'s' if len(creds) != 1 else ''}: {out}"
                  + (" (replaced the file that was there)" if replaced else ""))
        if "qr" in written:
            ctx.print(_qr_sentence(payload, written["qr"], Path(args.qr)))
        if args.pdf:
            ctx.print(f"Printable sheet: {args.pdf}")
    return 0


def _save(args: argparse.Namespace, vp: dict[str, Any], data: bytes, now: Any) -> tuple[Path, bool]:
    """Write the bundle: over a file only when ``--out`` names it; else under a new name
    (``credentials-DATE-N.json``, then ``-2``, ``-3``…) whose QR pictures are new too."""
    if args.out:
        out = Path(args.out)
        replaced = out.exists()
        bundle.write_file(out, data)
        return out, replaced
    codes = Path(args.qr) if args.qr else None

    def taken(path: Path) -> bool:
        return path.exists() or codes is not None and (
            (codes / f"{path.stem}.png").exists() or any(codes.glob(f"{glob.escape(path.stem)}-part-*.png")))

    out = bundle.free_path(Path.cwd(), bundle.default_file_name(vp, now), taken=taken)
    bundle.write_file(out, data, replace=False)
    return out, False


def _request_of(args: argparse.Namespace) -> tuple[str | None, str | None]:
    if not args.request:
        return args.challenge, args.domain
    text = args.request
    if text.startswith("@"):  # a text file, or a picture of the request's QR code
        path = Path(text[1:])
        try:
            with path.open("rb"):
                pass
        except OSError as exc:
            raise BundleError(f"{path.name} cannot be opened: {exc.strerror or exc}.", str(exc)) from exc
        if qr.is_picture(path):
            found = [t for t in qr.read_images([path]) if t.startswith(qr.PREFIX_REQUEST)]
            if not found:
                raise BundleError(f"{path.name} holds no request for a bundle.", str(path))
            text = found[0]
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
    return qr.decode_request(text)


def _qr_sentence(payload: qr.Payload, files: list[str], folder: Path) -> str:
    if payload.kind == "whole":
        return f"QR code: {files[0]}"
    if payload.kind == "parts":
        return f"{len(files)} QR codes (scan all of them, in any order) in {folder}"
    return (f"The bundle is too large for QR codes; {files[0]} holds its fingerprint. "
            "Give the receiver the .json file as well.")


def write_codes(payload: qr.Payload, folder: Path, stem: str) -> list[str]:
    """The payload's codes as PNG files, numbered when there are several."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i, text in enumerate(payload.texts, 1):
        name = f"{stem}.png" if payload.count == 1 else f"{stem}-part-{i}-of-{payload.count}.png"
        path = folder / name
        bundle.write_file(path, qr.png_bytes(qr.matrix(text), scale=6))
        files.append(str(path))
    return files


def write_sheet(wallet: Any, vp: dict[str, Any], creds: list[Any], payload: qr.Payload, path: Path,
                file_name: str) -> None:
    from wallet import sheet

    bundle.write_file(path, sheet.sheet_for(wallet, vp, creds, payload, file_name))


# ---------------------------------------------------------------- check-bundle

def cmd_check(args: argparse.Namespace, ctx: Any) -> int:
    env = environment_of(ctx)
    report = bundle_check.check_inputs(args.inputs, env, challenge=args.challenge, domain=args.domain)
    if args.json:
        ctx.print_json(report.to_json())
    else:
        print_report(report, ctx)
    return 0 if report.ok else EXIT_NOT_VERIFIED


def environment_of(ctx: Any) -> Any:
    """The receiver's verification environment: their wallet's, as the app's Check page
    uses (its clock, saved status lists, key documents and registries); checking needs
    no wallet of one's own, and a wallet that stays locked is not needed either."""
    from wallet import vault
    from wallet.cli.unlocking import wallet_home
    from wallet.errors import LockedError
    from wallet.verify.environment import VerifyEnvironment

    if not vault.exists(wallet_home(ctx.args)):  # a receiver needs no wallet of their own
        return VerifyEnvironment()
    try:
        return ctx.wallet.verify_environment()
    except LockedError as exc:
        ctx.err.write(f"note: {exc.message} This check goes on without the status lists and keys "
                      "your wallet keeps.\n")
        return VerifyEnvironment()


_MARK = {"passed": "ok  ", "warning": "warn", "failed": "FAIL", "could-not-check": "??  ", "info": "--  "}


def print_report(report: bundle_check.BundleReport, ctx: Any) -> None:
    ctx.print(f"{report.status.label}: {report.summary}")
    ctx.print(f"  Shared by  {report.shared_by}")
    ctx.print(f"  Read from  {report.source}")
    for line in report.lines:
        ctx.print(f"  [{_MARK[line.check.outcome.value]}] {line.label}: {line.check.message}")
    for r in report.credentials:
        ctx.print(f"  {r.index}. {r.title}" + (f" — {r.issuer}" if r.issuer else ""))
        ctx.print(f"     {r.status.label}: {r.summary}")
    if report.codes & {"challenge-not-checked", "domain-not-checked"}:
        bound = " and ".join(f"{what} {value}" for what, value in (("challenge", report.challenge),
                                                                    ("domain", report.domain)) if value)
        ctx.print(f"  This check did not confirm the bundle was made for you (it carries {bound}): "
                  "give your request with --challenge C --domain D.")


# ---------------------------------------------------------------- request

def cmd_request(args: argparse.Namespace, ctx: Any) -> int:
    challenge = args.challenge or bundle.new_challenge()
    text = qr.encode_request(challenge, args.domain)
    if args.qr:
        bundle.write_file(Path(args.qr), qr.png_bytes(qr.matrix(text), scale=8))
    if args.json:
        ctx.print_json({"challenge": challenge, "domain": args.domain, "text": text, "qr": args.qr})
        return 0
    ctx.print(text)
    ctx.print(f"Ask for a bundle with this request (challenge {challenge}, domain {args.domain}); then run:")
    ctx.print(f"  learner-wallet check-bundle FILE --challenge {challenge} --domain {args.domain}")
    return 0


# ---------------------------------------------------------------- identities

def cmd_identities(args: argparse.Namespace, ctx: Any) -> int:
    from wallet.identity import Identities

    ids = Identities(ctx.wallet.store, clock=ctx.wallet.clock)
    if args.action == "add":
        _need(args.args, 1, "identities add NAME")
        ids.create(" ".join(args.args))
    elif args.action == "rename":
        _need(args.args, 2, "identities rename DID NAME")
        ids.rename(args.args[0], " ".join(args.args[1:]))
    elif args.action == "default":
        _need(args.args, 1, "identities default DID")
        ids.set_default(args.args[0])
    every = ids.list() or [ids.default()]
    for identity in every:
        ctx.print(f"{'*' if identity.is_default else ' '} {identity.label}: {identity.did}")
    return 0


def _need(values: list[str], n: int, usage: str) -> None:
    if len(values) < n:
        raise BundleError(f"Use it as: learner-wallet {usage}", "missing arguments")
