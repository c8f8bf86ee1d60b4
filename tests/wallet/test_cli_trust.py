"""``learner-wallet status refresh`` and ``learner-wallet trust ...``."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.wallet.cli_context import HandlerContext, run_handler
from tests.wallet.trust_servers import Route
from wallet.cli import main
from wallet.cli import trust as commands
from wallet.errors import InputError
from wallet.net import NetClient, NetworkPolicy
from wallet.status import encode_bitstring
from wallet.verify.dids import did_key_from_public_key
from wallet.verify.report import CheckName
from wallet.verify.sign import sign

V2 = "https://www.w3.org/ns/credentials/v2"
ISSUER = "did:key:z6MkrqtLEHWXRrgixsq4Wf5rQUeGv3Q7PLoxCijZwDe87cDy"


Ctx = HandlerContext
run = run_handler


@pytest.fixture
def ctx(wallet):
    return Ctx(wallet)



def issued_with_status(url: str, index: int, revoked: set[int]) -> tuple[dict, dict]:
    key = Ed25519PrivateKey.generate()
    did = did_key_from_public_key(key)
    vm = f"{did}#{did[len('did:key:'):]}"
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    bits = bytearray(16384)
    for i in revoked:
        bits[i // 8] |= 0x80 >> (i % 8)
    status_list = sign({"@context": [V2], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                        "issuer": did, "validFrom": "2026-01-01T00:00:00Z",
                        "credentialSubject": {"id": url + "#list", "type": "BitstringStatusList",
                                              "statusPurpose": "revocation", "encodedList": encode_bitstring(bytes(bits))}},
                       key, vm, created=when)
    cred = sign({"@context": [V2], "id": "urn:uuid:7e0f2a55-4b1d-4c8e-a1f3-6b2d9c0e5f21", "type": ["VerifiableCredential"],
                 "name": "Statistics 101", "issuer": {"id": did, "name": "Testland College"},
                 "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:learner"},
                 "credentialStatus": {"id": f"{url}#{index}", "type": "BitstringStatusListEntry",
                                      "statusPurpose": "revocation", "statusListIndex": str(index),
                                      "statusListCredential": url}}, key, vm, created=when)
    return cred, status_list


def test_registry_and_issuer_commands(ctx, tmp_path):
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"meta": {"updated": "2026-01-01"}, "registry": {ISSUER: {"name": "Open University"}}}))
    assert run(commands.cmd_add_registry, ctx, source=str(path), name="Testland register") == 0
    assert ctx.take().splitlines()[0] == "Added Testland register: 1 issuer."
    assert run(commands.cmd_add_issuer, ctx, did="did:web:college.example", name="My College") == 0
    assert "You now trust My College" in ctx.take()
    assert run(commands.cmd_list, ctx, json=False) == 0
    out = ctx.take()
    assert "Testland register: 1 issuer; read today" in out and "My College (did:web:college.example)" in out
    assert "Network: Only when I ask" in out
    assert run(commands.cmd_list, ctx, json=True) == 0
    listed = json.loads(ctx.take())
    assert [r["name"] for r in listed["registries"]] == ["Testland register"]
    assert listed["trustFileSigner"].startswith("did:key:")
    assert ctx.wallet.trust_data.trust.check(ISSUER).message.startswith(
        "Issuer listed in Testland register as Open University (registry copy of ")
    assert run(commands.cmd_remove_registry, ctx, registry="Testland register") == 0
    assert run(commands.cmd_remove_registry, ctx, registry="Testland register") == 1
    assert "no registry called" in ctx.err.getvalue()
    with pytest.raises(InputError):
        run(commands.cmd_add_issuer, ctx, did="Harvard", name="")


def test_status_refresh_over_https_and_the_report_it_leaves(ctx, tls, server):
    url = server.url("/status/7")
    cred, status_list = issued_with_status(url, 3, {3})
    server.routes["/status/7"] = Route(body=json.dumps(status_list).encode())
    wallet = ctx.wallet
    [held] = wallet.import_bytes(json.dumps(cred).encode(), name="stats.json").added
    wallet.trust_data.use_network(NetClient(NetworkPolicy.ASK, ssl_context=tls.client_context(), timeout=2, deadline=5))
    before = wallet.verify(held.id)
    assert before.status.value == "cannot-check-offline"
    assert run(commands.cmd_status_refresh, ctx, ids=[held.id[:10]], json=False) == 0
    out = ctx.take()
    assert "everything is up to date" in out and f"ok   {url}" in out
    after = wallet.report(held.id)
    assert after.status.value == "not-verified" and "revoked" in after.codes


def test_status_refresh_with_the_network_off(ctx, tls, server):
    url = server.url("/status/7")
    cred, status_list = issued_with_status(url, 3, set())
    server.routes["/status/7"] = Route(body=json.dumps(status_list).encode())
    ctx.wallet.import_bytes(json.dumps(cred).encode(), name="stats.json")
    ctx.wallet.trust_data.use_network(NetClient(NetworkPolicy.NEVER, ssl_context=tls.client_context()))
    assert run(commands.cmd_status_refresh, ctx, ids=[], json=True) == 1
    data = json.loads(ctx.take())
    assert data["ok"] is False and "turned off" in data["message"]
    assert server.requests == []


def test_export_import_between_two_wallets(ctx, tmp_path, interop):
    from wallet.service import Wallet
    from wallet.store import WALLET_FILENAME, Store

    data = ctx.wallet.trust_data
    listed = json.loads((interop / "peer-vcjs/status/ou-revocation-list-1.json").read_text())
    data.status.accept("https://ou.example.org/status/revocation/1", listed,
                       fetched_at=datetime(2026, 5, 1, tzinfo=timezone.utc), source="network")
    path = tmp_path / "usb" / "trust.json"
    assert run(commands.cmd_export, ctx, file=str(path), label="Testland school") == 0
    assert "1 status lists" in ctx.take()
    home = tmp_path / "offline"
    home.mkdir()
    other = Ctx(Wallet(home, Store.open(home / WALLET_FILENAME, os.urandom(32))))
    try:
        assert run(commands.cmd_import, other, file=str(path), trust_signer=False) == 1
        assert "--trust-signer" in other.err.getvalue() and data.files.signer_did() in other.err.getvalue()
        assert run(commands.cmd_import, other, file=str(path), trust_signer=True) == 0
        assert other.take().strip() == "Trust file imported: 1 item added or updated."
        assert [c.url for c in other.wallet.trust_data.status.cache.all()] == ["https://ou.example.org/status/revocation/1"]
    finally:
        other.wallet.close()


def test_an_entry_not_used_shows_its_detail_only_with_verbose(ctx, tmp_path):
    from wallet.trust import parse_registry
    from wallet.trustfile import sign_document

    data = ctx.wallet.trust_data
    data.trust.keep_registry(parse_registry({"meta": {}, "registry": {ISSUER: {"name": "Testland College"}}},
                                            name="Testland schools", fetched_at=datetime(2026, 5, 1, tzinfo=timezone.utc)))
    body = data.files.build()
    body.pop("proof")
    body["registries"][0].pop("id")
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(sign_document(body, data.files.signing_key(), datetime.now(timezone.utc))))
    assert run(commands.cmd_import, ctx, file=str(path), trust_signer=False) == 0
    said = ctx.take().splitlines()
    assert said[:3] == ["Trust file imported: 0 items added or updated, 1 not used.",
                        "  not used: Testland schools: This entry is damaged or incomplete, so it was not used.",
                        "  (run with --verbose for technical detail)"]
    assert "KeyError" not in "\n".join(said)
    assert run(commands.cmd_import, ctx, file=str(path), trust_signer=False, verbose=True) == 0
    assert ctx.take().splitlines()[1:3] == [
        "  not used: Testland schools: This entry is damaged or incomplete, so it was not used.",
        "    detail: KeyError: 'id'"]


def test_end_to_end_through_learner_wallet(tmp_path, monkeypatch, tls, server):
    """The real command, the real default network client (trusting the test authority
    through SSL_CERT_FILE, as a learner's system trust store would)."""
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca))
    url = server.url("/status/9")
    cred, status_list = issued_with_status(url, 5, set())
    server.routes["/status/9"] = Route(body=json.dumps(status_list).encode())
    (tmp_path / "c.json").write_text(json.dumps(cred))
    out, err = io.StringIO(), io.StringIO()
    assert main(["import", str(tmp_path / "c.json")], out=out, err=err) == 0, err.getvalue()
    out = io.StringIO()
    assert main(["status", "refresh"], out=out, err=err) == 0, out.getvalue() + err.getvalue()
    assert server.requests == ["/status/9"]
    out = io.StringIO()
    assert main(["trust", "list"], out=out, err=err) == 0
    assert f"{url}: fetched today" in out.getvalue()


def test_status_load_from_a_file(ctx, interop):
    path = interop / "peer-vcjs/status/ou-revocation-list-1.json"
    url = "https://ou.example.org/status/revocation/1"
    assert run(commands.cmd_status_load, ctx, url=url, file=str(path)) == 0
    assert ctx.take().startswith(f"Kept the status list for {url}, dated ")
    [held] = ctx.wallet.import_bytes((interop / "peer-vcjs/status/revoked.json").read_bytes(), name="r.json").added
    assert "revoked" in ctx.wallet.verify(held.id).codes


def test_trust_changes_recheck_held_credentials(ctx, tmp_path, interop):
    [held] = ctx.wallet.import_bytes((interop / "peer-vcjs/status/not-revoked.json").read_bytes(), name="n.json").added
    assert ctx.wallet.verify(held.id).check(CheckName.TRUST).code == "no-registries"
    assert run(commands.cmd_add_issuer, ctx, did=ISSUER, name="Open University") == 0
    assert "Checked your 1 credential again." in ctx.take()
    assert ctx.wallet.report(held.id).check(CheckName.TRUST).code == "trusted-by-you"


def test_network_setting_from_the_terminal(ctx, tls, server):
    from wallet.cli.trust import cmd_network

    assert run(cmd_network, ctx, policy=None) == 0
    assert ctx.take() == "Going online: Only when I ask (ask).\n"
    assert run(cmd_network, ctx, policy="never") == 0
    assert ctx.take() == "Going online: Never (never).\n"
    assert ctx.wallet.settings.network_policy is NetworkPolicy.NEVER
    assert run(cmd_network, ctx, policy="automatic") == 0 and "Check automatically" in ctx.take()
    assert ctx.wallet.trust_data.policy is NetworkPolicy.AUTOMATIC


def test_a_list_of_registries_from_the_cli(ctx, tls, server, interop):
    """``trust add-registry`` with the DCC's list of registries, ``trust update``, ``trust list``."""
    from tests.wallet.federation import Anchor
    from tests.wallet.test_registries import DCC_FIXTURES, OIDF_ISSUER, serve_all
    from wallet.clock import fixed_clock

    now = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
    ctx.wallet.clock = fixed_clock(now)  # before the wallet's trust data is first used
    anchor = Anchor(server)
    serve_all(server, anchor, now)
    anchor.answer(OIDF_ISSUER, anchor.statement(OIDF_ISSUER, "DCC Test Issuer", now))
    [held] = ctx.wallet.import_bytes((interop / DCC_FIXTURES / "oidf-noStatus-noExpiry.json").read_bytes(), name="o.json").added
    ctx.wallet.trust_data.use_network(NetClient(NetworkPolicy.ASK, ssl_context=tls.client_context(), timeout=2, deadline=5))
    assert run(commands.cmd_add_registry, ctx, source=server.url("/known.json"), name="") == 0
    out = ctx.take()
    assert f"Added Testland Federation: OpenID Federation registry, asked about each issuer, from {anchor.configuration_url}." in out
    assert "Added Testland Sandbox: 1 issuer, from " in out
    assert ctx.wallet.report(held.id).check(CheckName.TRUST).code == "issuer-listed"
    assert run(commands.cmd_list, ctx, json=False) == 0
    assert f"DCC Test Issuer ({OIDF_ISSUER}): listed in Testland Federation until 2 June 2026 (asked today)" in ctx.take()
    assert run(commands.cmd_list, ctx, json=True) == 0
    [answer] = json.loads(ctx.take())["registryAnswers"]
    assert (answer["issuer"], answer["listed"], answer["name"], answer["current"]) == (OIDF_ISSUER, True, "DCC Test Issuer", True)
    server.routes[anchor.fetch_path(OIDF_ISSUER)] = Route(500)
    assert run(commands.cmd_update, ctx) == 1
    out = ctx.take()
    assert out.startswith("1 of 3 registry checks could not be made. Testland Federation: ")
    assert "FAIL Testland Federation: " in out and "error 500" in out
