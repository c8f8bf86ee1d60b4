"""Stack commands: ``stacks``, ``stack add FILE``, ``stack show ID``, ``stack remove ID``.

``--json`` output carries ``"schema": 1``; :func:`progress_json` builds a stack's part
of it and is the stable form other tools read.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wallet.stacks.derived import INFERRED_NOTE, IssuerCredits, SkillsFramework
from wallet.stacks.progress import HeldCredential, RuleProgress, StackProgress
from wallet.stacks.service import StoredStack
from wallet.stacks.words import amount, counted, of_amount

JSON_SCHEMA = 1
SHORT_ID = 12
BAR = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stacks", help="list your stacks and how far you have come in each")
    p.add_argument("--json", action="store_true", help="print the stacks as JSON")
    p.set_defaults(func=cmd_stacks)

    p = sub.add_parser("stack", help="add, show or remove a stack definition")
    actions = p.add_subparsers(dest="stack_command", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="add a stack definition (a JSON file, or a signed credential carrying one)")
    a.add_argument("file", metavar="FILE")
    a.set_defaults(func=cmd_add)
    s = actions.add_parser("show", help="show a stack's requirements, what counts and what is missing")
    s.add_argument("id", metavar="ID", help="the stack's id, or a part of it")
    s.add_argument("--json", action="store_true", help="print the progress as JSON")
    s.set_defaults(func=cmd_show)
    r = actions.add_parser("remove", help="remove a stack definition (your credentials stay)")
    r.add_argument("id", metavar="ID", help="the stack's id, or a part of it")
    r.set_defaults(func=cmd_remove)


# ---------------------------------------------------------------- JSON


def rule_json(rule: RuleProgress) -> dict[str, Any]:
    return {
        "path": rule.path,
        "id": rule.rule_id or None,
        "kind": rule.kind,
        "title": rule.title,
        "met": rule.met,
        "fraction": round(rule.fraction, 6),
        "done": rule.done,
        "needed": rule.needed,
        "missing": rule.missing or None,
        "counting": list(rule.counting),
        "pending": list(rule.pending),
        "notCounted": list(rule.not_counted),
        "children": [rule_json(c) for c in rule.children],
    } | ({"unit": rule.unit or None} if rule.kind == "credits" else {})


def progress_json(p: StackProgress, stored: StoredStack | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": p.stack_id,
        "name": p.name,
        "inferred": p.inferred,
        "fraction": round(p.fraction, 6),
        "met": p.met,
        "nextSteps": list(p.next_steps),
        "counting": list(p.counting),
        "pending": [_held_json(p.held[i]) for i in p.pending],
        "notCounted": [_held_json(p.held[i]) for i in p.not_counted],
        "requirement": rule_json(p.root),
    }
    if p.inferred:
        out["note"] = INFERRED_NOTE
    if stored is not None:
        out["publisher"] = stored.publisher or None
        out["origin"] = stored.origin
        out["signed"] = stored.signed
        out["signature"] = stored.signature_note or None
    return out


def _held_json(h: HeldCredential) -> dict[str, Any]:
    return {"id": h.id, "title": h.title, "standing": h.standing.standing.value,
            "reason": h.standing.reason, "code": h.standing.code}


def _credits_json(c: IssuerCredits) -> dict[str, Any]:
    return {"issuer": c.issuer_id, "issuerName": c.issuer_name, "unit": c.unit or None, "total": c.total,
            "credentials": list(c.credentials), "pendingTotal": c.pending_total, "pending": list(c.pending),
            "awards": list(c.awards)}


def _skills_json(f: SkillsFramework) -> dict[str, Any]:
    return {"framework": f.name, "levels": list(f.level_names), "rows": [
        {"code": r.code, "name": r.name, "highest": r.highest_name,
         "levels": {f.level_names[k]: list(v) for k, v in r.levels.items()},
         "withoutLevel": list(r.unleveled), "pending": list(r.pending)} for r in f.rows]}


# ---------------------------------------------------------------- handlers


def cmd_stacks(args: argparse.Namespace, ctx: Any) -> int:
    stacks = ctx.wallet.stacks
    creds = ctx.wallet.credentials()  # decrypted once for everything below
    held = stacks.held(creds)
    stored = {s.id: s for s in stacks.stored()}
    progress = stacks.all_progress(held, creds)
    credits, skills = stacks.credit_totals(held), stacks.skills(held)
    if args.json:
        ctx.print_json({
            "schema": JSON_SCHEMA,
            "stacks": [progress_json(p, stored.get(p.stack_id)) for p in progress],
            "inferred": {"note": INFERRED_NOTE, "credits": [_credits_json(c) for c in credits],
                         "skills": [_skills_json(f) for f in skills]},
        })
        return 0
    published = [p for p in progress if not p.inferred]
    if not published:
        ctx.print("No stack definitions yet. Add one with: learner-wallet stack add FILE")
    for p in published:
        _print_card(ctx, p, stored.get(p.stack_id))
    inferred = [p for p in progress if p.inferred]
    if inferred or credits or skills:
        ctx.print("")
        ctx.print("Inferred from your credentials (no institution published these):")
    for p in inferred:
        _print_card(ctx, p, None)
    for c in credits:
        _print_credits(ctx, c)
    for f in skills:
        _print_skills(ctx, f)
    return 0


def cmd_add(args: argparse.Namespace, ctx: Any) -> int:
    stack = ctx.wallet.stacks.add_file(Path(args.file))
    ctx.print(f"Added the stack \u201c{stack.definition.name}\u201d ({stack.id}).")
    if stack.signature_note:
        ctx.print(stack.signature_note)
    elif stack.publisher:
        ctx.print(f"Published by {stack.publisher} (not signed, so not confirmed).")
    p = ctx.wallet.stacks.progress(stack.id)
    ctx.print(f"Progress: {_percent(p.fraction)}" + (" \u2014 complete" if p.met else ""))
    return 0


def cmd_show(args: argparse.Namespace, ctx: Any) -> int:
    stacks = ctx.wallet.stacks
    p = stacks.progress(args.id)
    stored = None if p.inferred else stacks.get(p.stack_id)
    if args.json:
        ctx.print_json({"schema": JSON_SCHEMA, **progress_json(p, stored)})
        return 0
    ctx.print(p.name)
    ctx.print(f"  id: {p.stack_id}")
    if stored and stored.publisher:
        ctx.print(f"  published by: {stored.publisher}" + ("" if stored.signed else " (not signed)"))
    if stored and stored.signature_note:
        ctx.print(f"  {stored.signature_note}")
    if p.inferred:
        ctx.print(f"  {INFERRED_NOTE}")
    ctx.print(f"  progress: {_bar(p.fraction)} {_percent(p.fraction)}" + ("  complete" if p.met else ""))
    ctx.print("")
    _print_rule(ctx, p, p.root, 0)
    if p.next_steps:
        ctx.print("")
        ctx.print("Next steps:")
        for step in p.next_steps:
            ctx.print(f"  - {step}")
    _print_apart(ctx, p)
    return 0


def cmd_remove(args: argparse.Namespace, ctx: Any) -> int:
    stack = ctx.wallet.stacks.remove(args.id)
    ctx.print(f"Removed the stack \u201c{stack.definition.name}\u201d. Your credentials are unchanged.")
    return 0


# ---------------------------------------------------------------- printing


def _percent(fraction: float) -> str:
    pct = int(fraction * 100)  # floor: 99.9% is not shown as 100%
    return f"{pct}%"


def _bar(fraction: float) -> str:
    full = int(fraction * BAR)
    return "[" + "#" * full + "-" * (BAR - full) + "]"


def _print_card(ctx: Any, p: StackProgress, stored: StoredStack | None) -> None:
    done = "  complete" if p.met else ""
    ctx.print(f"{_bar(p.fraction)} {_percent(p.fraction):>4}  {p.name}{done}")
    extra = f"  published by {stored.publisher}" if stored and stored.publisher else ""
    ctx.print(f"       id: {p.stack_id}{extra}")
    for step in p.next_steps[:2]:
        ctx.print(f"       next: {step}")
    if p.pending or p.not_counted:
        ctx.print(f"       {len(p.pending)} pending, {len(p.not_counted)} not counted (see: stack show)")


def _mark(rule: RuleProgress) -> str:
    return "[x]" if rule.met else "[ ]"


def _print_rule(ctx: Any, p: StackProgress, rule: RuleProgress, depth: int) -> None:
    pad = "  " * depth
    figure = _figure(rule)
    ctx.print(f"{pad}{_mark(rule)} {rule.title}  {figure}")
    inner = pad + "      "
    for cred_id in rule.counting if not rule.children else ():
        ctx.print(f"{inner}counts: {cred_id[:SHORT_ID]}  {p.held[cred_id].title}")
    for cred_id in rule.pending:
        ctx.print(f"{inner}pending: {cred_id[:SHORT_ID]}  {p.held[cred_id].title}")
    for cred_id in rule.not_counted:
        h = p.held[cred_id]
        ctx.print(f"{inner}does not count: {cred_id[:SHORT_ID]}  {h.title} \u2014 {h.standing.reason}")
    if rule.missing and not rule.children:
        ctx.print(f"{inner}missing: {rule.missing}")
    for child in rule.children:
        _print_rule(ctx, p, child, depth + 1)


def _figure(rule: RuleProgress) -> str:
    if rule.kind == "credits":
        return of_amount(rule.done, rule.needed, rule.unit)
    if rule.kind == "match":
        return f"{int(rule.done)} of {int(rule.needed)}"
    if rule.kind == "atLeast":
        met, needed, options = int(rule.done), int(rule.needed), len(rule.children)
        if needed == options:
            return f"{_percent(rule.fraction)} ({met} of {needed} met)"
        return f"{_percent(rule.fraction)} (needs {needed} of {options} options; {met} met)"
    return f"{_percent(rule.fraction)} ({int(rule.done)} of {int(rule.needed)} met)"


def _print_apart(ctx: Any, p: StackProgress) -> None:
    if p.pending:
        ctx.print("")
        ctx.print("Pending (shown apart until they can be checked):")
        for cred_id in p.pending:
            h = p.held[cred_id]
            ctx.print(f"  {cred_id[:SHORT_ID]}  {h.title}: {h.standing.reason}")
    if p.not_counted:
        ctx.print("")
        ctx.print("Held but not counted:")
        for cred_id in p.not_counted:
            h = p.held[cred_id]
            ctx.print(f"  {cred_id[:SHORT_ID]}  {h.title}: {h.standing.reason}")


def _print_credits(ctx: Any, c: IssuerCredits) -> None:
    if c.credentials:
        line = (f"  Credits from {c.issuer_name}: {amount(c.total, c.unit)} from "
                f"{counted(len(c.credentials), 'credential')}")
        if c.pending_total:
            line += f", {amount(c.pending_total, c.unit)} more pending a check"
    else:
        line = f"  Credits from {c.issuer_name}: {amount(c.pending_total, c.unit)} pending a check"
    ctx.print(line)
    if c.awards:
        ctx.print(f"    (plus {counted(len(c.awards), 'certificate or degree', 'certificates or degrees')}"
                  " whose credits sum up the ones above)")


def _print_skills(ctx: Any, f: SkillsFramework) -> None:
    ctx.print(f"  Skills in {f.name}:")
    for row in f.rows:
        ctx.print(f"    {row.name} ({row.code}): {row.highest_name}")
