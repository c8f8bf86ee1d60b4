"""Progress over the peer corpus's two real programmes (OVM-like competencies, OU micro-courses)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from tests.wallet.stacks.conftest import FIXTURES, by_file
from wallet.stacks.standing import Standing


def _add(wallet, name: str):
    return wallet.stacks.add_file(FIXTURES / name)


def test_ou_programme_progress_and_what_is_missing(corpus_wallet, interop):
    stack = _add(corpus_wallet, "ou-programme.json")
    p = corpus_wallet.stacks.progress(stack.id)
    cs, pm, credits, certificates = p.root.children
    assert cs.met and cs.fraction == 1.0 and len(cs.counting) == 3
    assert not pm.met and abs(pm.fraction - 2 / 3) < 1e-9
    assert pm.missing == "1 more of the 3 options for Agile Project Management (2 of 3 done)"
    assert credits.done == 5 and credits.needed == 6
    assert credits.missing == "5 of 6 credits for Micro-course credits"
    assert certificates.counting == (by_file(corpus_wallet, interop, "ou-cs-certificate.json"),)
    assert p.next_steps[0] == "1 more credential for Agile Project Management 3"
    # mean of 1, 2/3, 5/6 and 1/2
    assert abs(p.fraction - (1 + 2 / 3 + 5 / 6 + 1 / 2) / 4) < 1e-9
    assert not p.met


def test_ovm_programme_levels_breadth_and_depth(corpus_wallet, interop):
    stack = _add(corpus_wallet, "ovm-programme.json")
    p = corpus_wallet.stacks.progress(stack.id)
    breadth, depth, mastery = p.root.children
    assert [c.met for c in breadth.children] == [True, True, False, True]
    assert depth.met and mastery.met
    # the intermediate AL badge (or the advanced) serves both breadth and depth: "all" shares
    assert set(breadth.counting) & set(depth.counting)
    assert mastery.counting == (by_file(corpus_wallet, interop, "ovm-al-advanced.json"),)
    assert p.next_steps == ("All four domains, foundational: 1 more credential for Media and Digital Literacy",)
    assert abs(p.fraction - (0.75 + 1 + 1) / 3) < 1e-9


def test_tampered_and_expired_credentials_do_not_count_and_say_why(corpus_wallet, interop):
    stack = _add(corpus_wallet, "ovm-programme.json")
    before = corpus_wallet.stacks.progress(stack.id)
    # a tampered copy of the IC foundational badge and an expired badge from the validity folder
    for name in ("tampered/subject-name-changed.json",):
        (cred,) = corpus_wallet.import_bytes((interop / "peer-vcjs" / name).read_bytes(), name=name).added
        corpus_wallet.verify(cred.id)
    after = corpus_wallet.stacks.progress(stack.id)
    assert after.fraction == before.fraction
    (bad,) = after.not_counted
    held = after.held[bad]
    assert held.standing.standing is Standing.NOT_COUNTED
    assert held.standing.reason.startswith("It did not pass verification")
    ic = after.root.children[0].children[0]
    assert bad in ic.not_counted and bad not in ic.counting


def test_a_credential_that_expired_since_its_check_stops_counting(corpus_wallet, interop):
    from wallet.clock import fixed_clock

    stack = _add(corpus_wallet, "ou-programme.json")
    cs1 = by_file(corpus_wallet, interop, "ou-cs-1.json")
    assert cs1 in corpus_wallet.stacks.progress(stack.id).counting
    # nothing in the stack expires, so a summary with a past validUntil stands in
    held = corpus_wallet.stacks.held()
    from dataclasses import replace

    changed = [replace(h, summary=replace(h.summary, valid_until=datetime(2025, 6, 1, tzinfo=timezone.utc)))
               if h.id == cs1 else h for h in held]
    from wallet.stacks.standing import standing_now

    now = fixed_clock(datetime(2026, 1, 1))()
    changed = [replace(h, standing=standing_now(h.summary, None, now)) if h.id == cs1 else h for h in changed]
    (p,) = [p for p in corpus_wallet.stacks.all_progress(changed) if p.stack_id == stack.id]  # as the Stacks page
    assert cs1 not in p.counting and cs1 in p.not_counted
    assert p.held[cs1].standing.reason == "It expired on 1 June 2025, so it does not count."


def test_unchecked_credentials_are_pending_apart(wallet, interop):
    for name in ("ou-cs-1.json", "ou-cs-2.json"):
        wallet.import_bytes((interop / "peer-vcjs/stack" / name).read_bytes(), name=name)
    stack = _add(wallet, "ou-programme.json")
    p = wallet.stacks.progress(stack.id)
    assert p.fraction == 0.0 and not p.counting
    assert len(p.pending) == 2
    assert all(p.held[i].standing.standing is Standing.PENDING for i in p.pending)


def test_derived_skills_and_credit_totals(corpus_wallet):
    skills = {f.name: f for f in corpus_wallet.stacks.skills()}
    vmr = skills["Virtual Mobility Readiness Framework (test)"]
    rows = {r.code: r for r in vmr.rows}
    assert rows["VMR-AL"].highest_name == "Advanced"
    assert rows["VMR-IC"].highest_name == "Intermediate"
    assert set(rows) == {"VMR-AL", "VMR-IC", "VMR-NL"}
    assert "VMR Proficiency Levels (test)" not in skills  # a levels framework, not skills
    (ou,) = corpus_wallet.stacks.credit_totals()
    assert ou.total == 5.0 and len(ou.credentials) == 5
    assert len(ou.awards) == 1  # the certificate sums up its micro-courses; not added twice


def test_clr_associations_make_an_inferred_tree(wallet, interop):
    path = interop / "vectors/1EdTech__digital-credentials-public-validator/clr20/simple.json"
    wallet.import_bytes(path.read_bytes(), name=path.name)
    (p,) = wallet.stacks.inferred()
    assert p.inferred and p.stack_id.startswith("inferred:clr:")
    (top,) = p.root.children
    assert top.title == "Achievement 1"
    assert [c.title for c in top.children] == ["Achievement 1", "Achievement 2"]
    # found by a part of its id, like a stored stack
    assert wallet.stacks.progress("inferred:clr").stack_id == p.stack_id
    assert wallet.stacks.progress(p.stack_id[-20:]).stack_id == p.stack_id


def test_stack_names_are_those_of_the_progress_in_its_order(wallet, interop):
    path = interop / "vectors/1EdTech__digital-credentials-public-validator/clr20/simple.json"
    wallet.import_bytes(path.read_bytes(), name=path.name)
    stored = _add(wallet, "ou-programme.json")
    names = wallet.stacks.names()
    assert names == [(p.stack_id, p.name) for p in wallet.stacks.all_progress()]
    assert names[0] == (stored.id, stored.definition.name) and names[1][0].startswith("inferred:clr:")
    assert wallet.stacks.names(wallet.credentials()) == names
    assert wallet.stacks.names([]) == names[:1]  # no credentials given: no inferred stacks


def test_signed_json_round_trip_of_stored_definitions(wallet):
    stack = _add(wallet, "ovm-programme.json")
    (again,) = wallet.stacks.stored()
    assert again.definition == stack.definition
    assert again.publisher == "Open Virtual Mobility Learning Hub (test issuer)" and not again.signed
    assert json.loads((FIXTURES / "ovm-programme.json").read_text())["id"] == again.id
