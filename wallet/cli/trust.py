"""Status and trust commands: refresh status lists, manage registries and the trust file.

``status refresh [ID...]`` goes online (when the network setting allows it) for the
status lists and issuer keys of the given credentials, or of all of them. ``trust ...``
adds registries and trusted issuers, lists what is cached and how old it is, and
exports or imports the portable trust file (docs/trust-file.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wallet.net import NetworkPolicy, policy_label
from wallet.registries import issuers_of, listing_detail, registry_detail, update_message
from wallet.trust import age_words
from wallet.trustfile import UntrustedSigner
from wallet.verify.dates import human


def register(sub: argparse._SubParsersAction) -> None:
    status = sub.add_parser("status", help="check whether credentials have been revoked")
    status_sub = status.add_subparsers(dest="status_command", metavar="ACTION", required=True)
    p = status_sub.add_parser("refresh", help="download the status lists and issuer keys your credentials use")
    p.add_argument("ids", nargs="*", metavar="ID", help="credentials to check (default: all)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_status_refresh)

    p = status_sub.add_parser("load", help="keep a status list you were given as a file, for the address it belongs to")
    p.add_argument("url", metavar="URL", help="the address credentials name it by (statusListCredential)")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_status_load)

    trust = sub.add_parser("trust", help="issuer registries, trusted issuers and the portable trust file")
    trust_sub = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    p = trust_sub.add_parser("add-registry", help="add an issuer registry, or a list of registries, from a file or an https address")
    p.add_argument("source", metavar="FILE|URL")
    p.add_argument("--name", default="", help="what to call the registry (default: its own name, or the file name)")
    p.set_defaults(func=cmd_add_registry)
    p = trust_sub.add_parser("remove-registry", help="stop using an issuer registry")
    p.add_argument("registry", metavar="NAME|ID")
    p.set_defaults(func=cmd_remove_registry)
    p = trust_sub.add_parser("update", help="download every registry added from the web, and ask federation registries "
                                            "about your credentials' issuers")
    p.set_defaults(func=cmd_update)
    p = trust_sub.add_parser("add-issuer", help="add an issuer to your own list of trusted issuers")
    p.add_argument("did", metavar="DID")
    p.add_argument("--name", default="", help="the issuer's name, as you want to see it")
    p.set_defaults(func=cmd_add_issuer)
    p = trust_sub.add_parser("remove-issuer", help="remove an issuer from your own list")
    p.add_argument("did", metavar="DID")
    p.set_defaults(func=cmd_remove_issuer)
    p = trust_sub.add_parser("network", help="show or set when the wallet may go online (default: only when you ask)")
    p.add_argument("policy", nargs="?", choices=[str(v) for v in NetworkPolicy],
                   help="automatic (about once a day, on its own), ask (only when you ask), never")
    p.set_defaults(func=cmd_network)
    p = trust_sub.add_parser("list", help="registries, trusted issuers and cached documents, with their ages")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=cmd_list)
    p = trust_sub.add_parser("export", help="write the signed trust file (for a machine that never goes online)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--label", default="", help="who made it, e.g. the school's name")
    p.set_defaults(func=cmd_export)
    p = trust_sub.add_parser("import", help="read a trust file; newer entries win")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--trust-signer", action="store_true",
                   help="accept a file from a signer this wallet has not seen before (check who gave it to you)")
    p.set_defaults(func=cmd_import)


# ---------------------------------------------------------------- status

def cmd_status_refresh(args: argparse.Namespace, ctx: Any) -> int:
    report = ctx.wallet.refresh_status(args.ids or None, user_initiated=True)
    if args.json:
        ctx.print_json({"ok": report.ok, "message": report.message,
                        "results": [{"url": r.url, "ok": r.ok, "message": r.message} for r in report.results]})
        return 0 if report.ok else 1
    ctx.print(report.message)
    for r in report.results:
        if r.url:
            ctx.print(f"  {'ok  ' if r.ok else 'FAIL'} {r.url}" + ("" if r.ok else f": {r.message}"))
    return 0 if report.ok else 1


def cmd_status_load(args: argparse.Namespace, ctx: Any) -> int:
    data = ctx.wallet.trust_data
    kept = data.status.load_file(args.url, Path(args.file))
    ctx.print(f"Kept the status list for {args.url}, dated {human(kept.fetched_at)}.")
    _recheck(ctx)
    return 0


# ---------------------------------------------------------------- registries and issuers

def cmd_add_registry(args: argparse.Namespace, ctx: Any) -> int:
    data = ctx.wallet.trust_data
    added = data.registries.add(args.source, name=args.name, issuers=issuers_of(ctx.wallet.credentials()))
    for reg in added:
        ctx.print(f"Added {reg.name}: {registry_detail(reg)}.")
    _recheck(ctx)
    return 0


def cmd_remove_registry(args: argparse.Namespace, ctx: Any) -> int:
    data = ctx.wallet.trust_data
    for reg in data.trust.registries():
        if args.registry in (reg.id, reg.name):
            data.trust.remove_registry(reg.id)
            ctx.print(f"Removed {reg.name}.")
            _recheck(ctx)
            return 0
    ctx.err.write(f"learner-wallet: There is no registry called {args.registry!r}; see trust list.\n")
    return 1


def cmd_update(args: argparse.Namespace, ctx: Any) -> int:
    report = ctx.wallet.update_registries(user_initiated=True)
    ctx.print(update_message(list(report.results)))
    for r in report.results:
        if r.url:
            ctx.print(f"  {'ok  ' if r.ok else 'FAIL'} {r.message}")
    if report.attempted:
        _recheck(ctx)
    return 0 if report.ok else 1


def cmd_add_issuer(args: argparse.Namespace, ctx: Any) -> int:
    data = ctx.wallet.trust_data
    issuer = data.trust.add_trusted_issuer(args.did, args.name)
    ctx.print(f"You now trust {issuer.name} ({issuer.id}).")
    _recheck(ctx)
    return 0


def cmd_remove_issuer(args: argparse.Namespace, ctx: Any) -> int:
    data = ctx.wallet.trust_data
    if not data.trust.remove_trusted_issuer(args.did):
        ctx.err.write(f"learner-wallet: {args.did} is not on your list of trusted issuers.\n")
        return 1
    ctx.print(f"Removed {args.did} from your trusted issuers.")
    _recheck(ctx)
    return 0


def cmd_network(args: argparse.Namespace, ctx: Any) -> int:
    from wallet.settings import NETWORK_POLICY

    if args.policy:
        ctx.wallet.settings.set(NETWORK_POLICY, args.policy)
    policy = ctx.wallet.trust_data.policy
    ctx.print(f"Going online: {policy_label(policy)} ({policy.value}).")
    return 0


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    data = ctx.wallet.trust_data
    now = ctx.wallet.clock()
    registries = data.trust.registries()
    listings = data.trust.listings.all()
    names = {r.id: r.name for r in registries}
    issuers = data.trust.trusted_issuers()
    documents = data.trust.documents.all()
    lists = data.status.cache.all()
    if args.json:
        ctx.print_json({
            "network": data.policy.value,
            "registries": [{"id": r.id, "name": r.name, "format": r.format, "issuers": len(r.entries), "loaded": r.loaded,
                            "fetchedAt": r.fetched_at.isoformat(), "source": r.source} for r in registries],
            "registryAnswers": [{"registry": a.registry_id, "issuer": a.issuer, "listed": a.listed, "name": a.name,
                                 "checkedAt": a.checked_at.isoformat(), "current": a.current(now),
                                 "expiresAt": a.expires_at.isoformat() if a.expires_at else None} for a in listings],
            "trustedIssuers": [{"id": i.id, "name": i.name, "addedAt": i.added_at.isoformat()} for i in issuers],
            "documents": [{"url": d.url, "kind": d.kind, "fetchedAt": d.fetched_at.isoformat(), "source": d.source}
                          for d in documents],
            "statusLists": [{"url": c.url, "fetchedAt": c.fetched_at.isoformat(), "source": c.source} for c in lists],
            "trustFileSigner": data.files.signer_did(),
        })
        return 0
    ctx.print(f"Network: {policy_label(data.policy)}")
    _section(ctx, "Issuer registries", [
        f"{r.name}: {registry_detail(r)}; read {age_words(r.fetched_at, now)}" for r in registries])
    _section(ctx, "Registry answers about issuers", [
        f"{a.name + ' (' + a.issuer + ')' if a.name else a.issuer}: "
        f"{listing_detail(a, names.get(a.registry_id, a.registry_id), now)} (asked {age_words(a.checked_at, now)})"
        for a in listings])
    _section(ctx, "Issuers you trust", [f"{i.name} ({i.id})" for i in issuers])
    _section(ctx, "Issuer key documents", [f"{d.url}: fetched {age_words(d.fetched_at, now)}" for d in documents])
    _section(ctx, "Status lists", [f"{c.url}: fetched {age_words(c.fetched_at, now)}" for c in lists])
    return 0


def _recheck(ctx: Any) -> None:
    """Trust lines and status answers changed: verify the held credentials again."""
    ctx.wallet.trust_data.announce_change()
    count = ctx.wallet.reverify_after_trust_change()
    if count:
        ctx.print(f"Checked your {count} credential{'s' if count != 1 else ''} again.")


def _section(ctx: Any, title: str, lines: list[str]) -> None:
    ctx.print(f"{title}:")
    for line in lines or ["(none)"]:
        ctx.print(f"  {line}")


# ---------------------------------------------------------------- the trust file

def cmd_export(args: argparse.Namespace, ctx: Any) -> int:
    data = ctx.wallet.trust_data
    counts = data.files.export(Path(args.file), label=args.label)
    ctx.print(
        f"Wrote {args.file}: {counts['documents']} key documents, {counts['statusLists']} status lists, "
        f"{counts['registries']} registries, {counts['registryListings']} registry answers, "
        f"signed by {data.files.signer_did()}."
    )
    return 0


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    data = ctx.wallet.trust_data
    try:
        summary = data.files.import_file(Path(args.file), trust_signer=args.trust_signer)
    except UntrustedSigner as exc:
        ctx.err.write(f"learner-wallet: {exc.message}\n  signed by: {exc.signer}\n"
                      "  If you trust whoever gave you this file, run again with --trust-signer.\n")
        return 1
    ctx.print(summary.message)
    verbose = getattr(args, "verbose", False)
    for rejection in summary.rejected:
        ctx.print(f"  not used: {rejection.what}: {rejection.message}")
        if verbose and rejection.detail:
            ctx.print(f"    detail: {rejection.detail}")
    if not verbose and any(r.detail for r in summary.rejected):
        ctx.print("  (run with --verbose for technical detail)")
    _recheck(ctx)
    return 0
