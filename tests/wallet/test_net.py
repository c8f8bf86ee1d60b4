"""The one network client, against real HTTPS servers on 127.0.0.1."""

from __future__ import annotations

import http.client
import socket
import ssl

import pytest

from tests.wallet.trust_servers import Route, Server
from wallet.errors import NetworkError
from wallet.net import (
    NetClient,
    NetworkPolicy,
    policy_from_settings,
    policy_label,
    require_https,
)


def client(tls, policy=NetworkPolicy.ASK, **kw) -> NetClient:
    return NetClient(policy, ssl_context=tls.client_context(), **kw)


def test_fetches_json_over_https(tls, server):
    server.routes["/list"] = Route(body=b'{"ok": true}', headers={"Content-Type": "application/json"})
    resp = client(tls).get(server.url("/list"), user_initiated=True)
    assert resp.json() == {"ok": True}
    assert resp.content_type == "application/json"
    assert server.requests == ["/list"]


def test_plain_http_is_refused_without_connecting(tls, server):
    with pytest.raises(NetworkError, match="https"):
        client(tls).get(server.url("/list").replace("https", "http"), user_initiated=True)
    assert server.requests == []


def test_never_means_nothing_connects(tls, server):
    connects: list[tuple[str, int]] = []

    def counting(host, port, timeout, context):
        connects.append((host, port))
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=context)

    server.routes["/list"] = Route(body=b"{}")
    net = NetClient(NetworkPolicy.NEVER, ssl_context=tls.client_context(), connection_factory=counting)
    for user_initiated in (True, False):
        with pytest.raises(NetworkError, match="turned off"):
            net.get_json(server.url("/list"), user_initiated=user_initiated)
    assert connects == [] and server.requests == []
    # the same client connects once the learner allows it
    policy = {"value": NetworkPolicy.NEVER}
    net = NetClient(lambda: policy["value"], ssl_context=tls.client_context(), connection_factory=counting)
    policy["value"] = NetworkPolicy.ASK
    assert net.get_json(server.url("/list"), user_initiated=True) == {}
    assert len(connects) == 1 and server.requests == ["/list"]


def test_ask_connects_only_when_the_learner_asks(tls, server):
    server.routes["/list"] = Route(body=b"{}")
    with pytest.raises(NetworkError, match="only when you ask"):
        client(tls, NetworkPolicy.ASK).get(server.url("/list"), user_initiated=False)
    assert server.requests == []
    client(tls, NetworkPolicy.AUTOMATIC).get(server.url("/list"), user_initiated=False)
    assert server.requests == ["/list"]


def test_same_host_redirect_is_followed(tls, server):
    server.routes["/old"] = Route(301, headers={"Location": "/new"})
    server.routes["/new"] = Route(body=b'{"moved": 1}')
    resp = client(tls).get(server.url("/old"), user_initiated=True)
    assert resp.json() == {"moved": 1} and resp.url == server.url("/new")


def test_redirect_to_another_host_is_refused(tls, server):
    server.routes["/did.json"] = Route(302, headers={"Location": server.url("/evil", host="localhost")})
    with pytest.raises(NetworkError, match="another site") as err:
        client(tls).get(server.url("/did.json"), user_initiated=True)
    assert "localhost" in err.value.message
    assert server.requests == ["/did.json"]  # the other host was never asked


def test_redirect_to_another_port_is_refused(tls, server):
    with Server(tls) as other:
        other.routes["/x"] = Route(body=b"{}")
        server.routes["/a"] = Route(302, headers={"Location": other.url("/x")})
        with pytest.raises(NetworkError, match="another site"):
            client(tls).get(server.url("/a"), user_initiated=True)
        assert other.requests == []


def test_redirect_loop_stops(tls, server):
    server.routes["/a"] = Route(302, headers={"Location": "/b"})
    server.routes["/b"] = Route(302, headers={"Location": "/a"})
    with pytest.raises(NetworkError, match="too many"):
        client(tls).get(server.url("/a"), user_initiated=True)


def test_redirect_to_plain_http_is_refused(tls, server):
    server.routes["/a"] = Route(302, headers={"Location": f"http://127.0.0.1:{server.port}/b"})
    with pytest.raises(NetworkError, match="https"):
        client(tls).get(server.url("/a"), user_initiated=True)


def test_declared_oversized_answer_is_refused(tls, server):
    server.routes["/big"] = Route(body=b"x" * 5000)
    with pytest.raises(NetworkError, match="more data than the wallet accepts"):
        client(tls, max_bytes=4096).get(server.url("/big"), user_initiated=True)


def test_undeclared_flood_is_cut_off(tls, server):
    server.routes["/flood"] = Route(flood=3 * 1024 * 1024)
    with pytest.raises(NetworkError, match="more data than the wallet accepts") as err:
        client(tls, max_bytes=256 * 1024).get(server.url("/flood"), user_initiated=True)
    assert "more than" in err.value.detail


def test_slow_server_times_out(tls, server):
    server.routes["/slow"] = Route(body=b"{}", delay=1.5)
    with pytest.raises(NetworkError, match="did not answer in time") as err:
        client(tls, timeout=0.3).get(server.url("/slow"), user_initiated=True)
    assert err.value.status is None  # no HTTP answer came


def test_trickling_server_hits_the_deadline(tls, server):
    server.routes["/trickle"] = Route(body=b"x" * 200, trickle=0.02)
    with pytest.raises(NetworkError, match="took too long"):
        client(tls, timeout=1.0, deadline=0.5).get(server.url("/trickle"), user_initiated=True)


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "not there"), (403, "refused"), (500, "problem answering"), (418, "unexpected answer")],
)
def test_http_errors_become_sentences(tls, server, status, words):
    server.routes["/x"] = Route(status, b"nope")
    with pytest.raises(NetworkError, match=words) as err:
        client(tls).get(server.url("/x"), user_initiated=True)
    assert str(status) in err.value.detail and err.value.status == status


def test_malformed_json_is_a_clear_error(tls, server):
    server.routes["/bad"] = Route(body=b"{not json")
    with pytest.raises(NetworkError, match="not in the expected format"):
        client(tls).get_json(server.url("/bad"), user_initiated=True)


def test_untrusted_certificate_is_refused(tls, server):
    server.routes["/x"] = Route(body=b"{}")
    net = NetClient(NetworkPolicy.ASK, ssl_context=ssl.create_default_context())  # system roots only
    with pytest.raises(NetworkError, match="could not be trusted"):
        net.get(server.url("/x"), user_initiated=True)
    assert server.requests == []


def test_refused_connection(tls):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(NetworkError, match="refused the connection"):
        client(tls).get(f"https://127.0.0.1:{port}/x", user_initiated=True)


def test_unknown_host_name(tls):
    def no_dns(host, port, timeout, context):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    net = NetClient(NetworkPolicy.ASK, ssl_context=tls.client_context(), connection_factory=no_dns)
    with pytest.raises(NetworkError, match="could not be found"):
        net.get("https://issuer.invalid/did.json", user_initiated=True)


def test_garbage_instead_of_http(tls):
    """A server that speaks TLS but not HTTP."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    ctx = tls.server_context()
    import threading

    def serve():
        conn, _ = listener.accept()
        try:
            with ctx.wrap_socket(conn, server_side=True) as s:
                s.recv(4096)
                s.sendall(b"HELLO THERE\r\n\r\n")
        except OSError:
            pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        with pytest.raises(NetworkError, match="could not be understood"):
            client(tls).get(f"https://127.0.0.1:{port}/", user_initiated=True)
    finally:
        t.join(timeout=5)
        listener.close()


@pytest.mark.parametrize("url", ["ftp://x/y", "https://", "https://user:pw@host/x", "https://host:notaport/"])
def test_bad_addresses(url):
    with pytest.raises(NetworkError):
        require_https(url)


def test_policy_follows_the_learners_setting(tmp_path):
    import os

    from wallet.settings import NETWORK_POLICY, Settings
    from wallet.store import Store

    assert policy_from_settings(object()) is NetworkPolicy.ASK  # unreadable: the safe default
    store = Store.open(tmp_path / "w.sqlite3", os.urandom(32))
    try:
        assert policy_from_settings(store) is NetworkPolicy.ASK
        Settings(store).set(NETWORK_POLICY, "never")
        net = NetClient(lambda: policy_from_settings(store))
        assert net.policy is NetworkPolicy.NEVER and not net.allowed(user_initiated=True)
        Settings(store).set(NETWORK_POLICY, "automatic")
        assert net.allowed(user_initiated=False)
    finally:
        store.close()
    assert policy_label(NetworkPolicy.ASK) == "Only when I ask"


_NETWORK_MODULES = {"socket", "ssl", "http.client", "urllib.request", "requests", "httpx", "aiohttp", "ftplib",
                    "smtplib", "PySide6.QtNetwork"}


def test_no_other_module_can_open_a_connection():
    """Only wallet/net.py imports anything that can open a connection."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("wallet", "ui"):
        for path in (root / folder).rglob("*.py"):
            if path == root / "wallet" / "net.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                offenders += [f"{path.relative_to(root)}: {n}" for n in names if n in _NETWORK_MODULES]
    assert offenders == []


def test_with_network_never_nothing_connects_at_all(wallet, interop, monkeypatch):
    """A guarded socket: refreshing and verifying credentials that need the network
    (a status list, a did:web key) with the setting at "never" makes no connection."""
    from wallet.settings import NETWORK_POLICY, Settings

    attempts = []

    def guarded(self, address, *args):
        attempts.append(address)
        raise AssertionError(f"connection attempted to {address}")

    def no_lookup(host, *args, **kw):
        attempts.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "lookups are guarded in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)  # not even a DNS query leaves the machine
    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded)
    Settings(wallet.store).set(NETWORK_POLICY, "never")
    edtech = interop / "vectors/1EdTech__digital-credentials-public-validator/ob30/credential-status-revoked.json"
    for path in (interop / "peer-vcjs/status/revoked.json", edtech):
        wallet.import_bytes(path.read_bytes(), name=path.name)
    report = wallet.refresh_status()
    assert not report.ok and "turned off" in report.message
    for cred in wallet.credentials():
        checked = wallet.verify(cred.id)
        assert checked.status.value != "verified"
    assert attempts == []


def test_deeply_nested_json_is_a_clear_error(tls, server):
    server.routes["/deep"] = Route(body=b"[" * 200_000 + b"]" * 200_000)
    with pytest.raises(NetworkError, match="not in the expected format"):
        client(tls).get_json(server.url("/deep"), user_initiated=True)


def test_an_answer_of_millions_of_empty_arrays_is_refused_before_parsing(tls, server):
    """Within the size cap, but far more parts than any registry or DID document: the
    same container cap as for files keeps it from holding the interpreter."""
    server.routes["/wide"] = Route(body=b"[" + b"[]," * 2_500_000 + b"[]]")
    with pytest.raises(NetworkError, match="not in the expected format") as caught:
        client(tls).get_json(server.url("/wide"), user_initiated=True, max_bytes=16 * 1024 * 1024)
    assert "far more parts" in caught.value.detail


def test_headers_sent_slowly_hit_the_deadline(tls, server):
    """One header line every 0.3 s keeps each read under the per-read timeout, but the
    whole answer would take 12 s: the deadline of 2 s stops it, not the server."""
    import time

    server.routes["/slow-headers"] = Route(body=b"{}", header_lines=40, header_gap=0.3)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="took too long") as err:
        client(tls, timeout=1.0, deadline=2.0).get(server.url("/slow-headers"), user_initiated=True)
    assert time.monotonic() - started < 3.0
    assert "deadline" in err.value.detail


def test_a_stalled_handshake_hits_the_deadline(tls):
    """A server that accepts the connection and never answers the TLS handshake: the
    handshake gets what is left of the deadline (1 s), not a fresh per-read timeout."""
    import time

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(NetworkError, match="took too long"):
            client(tls, timeout=5.0, deadline=1.0).get(f"https://127.0.0.1:{port}/x", user_initiated=True)
        assert time.monotonic() - started < 2.5


def test_oversized_headers_are_refused(tls, server):
    """90 header lines of a kilobyte each: under http.client's count of 100, over the
    wallet's cap on the size of the headers."""
    server.routes["/fat-headers"] = Route(body=b"{}", header_lines=90, header_size=1000)
    with pytest.raises(NetworkError, match="more headers than the wallet accepts"):
        client(tls).get(server.url("/fat-headers"), user_initiated=True)
    server.routes["/few-headers"] = Route(body=b'{"ok": 1}', header_lines=20, header_size=100)
    assert client(tls).get_json(server.url("/few-headers"), user_initiated=True) == {"ok": 1}
