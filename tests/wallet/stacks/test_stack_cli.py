"""The stack commands: stacks, stack add / show / remove, around the corpus wallet."""

from __future__ import annotations

import io
import json

import pytest

from tests.wallet.cli_context import HandlerContext, run_handler
from tests.wallet.stacks.conftest import FIXTURES
from wallet.cli import main
from wallet.cli import stacks as commands
from wallet.errors import NotFound, StackDefinitionError

Ctx = HandlerContext
run = run_handler


@pytest.fixture
def ctx(corpus_wallet) -> Ctx:
    return Ctx(corpus_wallet)


def test_add_show_list_remove(ctx):
    assert run(commands.cmd_add, ctx, file=str(FIXTURES / "ou-programme.json")) == 0
    out = ctx.take()
    assert "Added the stack \u201cOpen University of Testland: course certificates\u201d" in out
    assert "Published by Open University of Testland (test issuer) (not signed, so not confirmed)." in out
    assert "Progress: 75%" in out

    run(commands.cmd_show, ctx, id="ou-certificates", json=False)
    out = ctx.take()
    assert "[x] Cyber Security Essentials  100% (3 of 3 met)" in out
    assert "[ ] Micro-course credits  5 of 6 credits" in out
    assert "counts: " in out and "Cyber Security Essentials 1: Threats and Risks" in out
    assert "Next steps:\n  - 1 more credential for Agile Project Management 3" in out

    run(commands.cmd_stacks, ctx, json=False)
    out = ctx.take()
    assert "[###############-----]  75%  Open University of Testland: course certificates" in out
    assert "Credits from Open University of Testland (test issuer): 5 credits from 5 credentials" in out
    assert "Autonomy-driven Learning (VMR-AL): Advanced" in out

    assert run(commands.cmd_remove, ctx, id="urn:test:stack:ou-certificates") == 0
    assert "Your credentials are unchanged." in ctx.take()
    assert ctx.wallet.stacks.stored() == []
    assert len(ctx.wallet.credentials()) == 14


def test_json_output(ctx):
    run(commands.cmd_add, ctx, file=str(FIXTURES / "ovm-programme.json"))
    ctx.take()
    run(commands.cmd_show, ctx, id="urn:test:stack:ovm-readiness", json=True)
    doc = json.loads(ctx.take())
    assert doc["schema"] == 1 and doc["met"] is False and doc["origin"] == "file"
    assert doc["requirement"]["children"][1]["met"] is True
    assert doc["nextSteps"] == ["All four domains, foundational: 1 more credential for Media and Digital Literacy"]
    run(commands.cmd_stacks, ctx, json=True)
    doc = json.loads(ctx.take())
    (stack,) = doc["stacks"]
    assert abs(stack["fraction"] - (0.75 + 1 + 1) / 3) < 1e-6
    assert doc["inferred"]["credits"][0]["total"] == 5.0


def test_errors_are_sentences(ctx, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"type": "StackDefinition", "id": "u", "name": "n",
                               "requirement": {"atLeast": 3, "of": [{"match": {"tag": "a"}}]}}))
    with pytest.raises(StackDefinitionError, match=r"requirement.atLeast: 3 is more than its 1 child\."):
        run(commands.cmd_add, ctx, file=str(bad))
    with pytest.raises(StackDefinitionError, match="could not be read"):
        run(commands.cmd_add, ctx, file=str(tmp_path / "missing.json"))
    with pytest.raises(NotFound, match="There is no stack 'nothing' in the wallet."):
        run(commands.cmd_show, ctx, id="nothing", json=False)


def test_end_to_end_through_learner_wallet(tmp_path, monkeypatch):
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", "correct horse battery staple")
    out, err = io.StringIO(), io.StringIO()
    assert main(["stack", "add", str(FIXTURES / "ovm-programme.json")], out=out, err=err) == 0, err.getvalue()
    assert "Progress: 0%" in out.getvalue()
    out = io.StringIO()
    assert main(["stacks"], out=out, err=err) == 0
    assert "Virtual Mobility Readiness (test programme)" in out.getvalue()
    err = io.StringIO()
    assert main(["stack", "remove", "no-such-stack"], out=io.StringIO(), err=err) == 1
    assert err.getvalue().startswith("learner-wallet: There is no stack 'no-such-stack' in the wallet.")
