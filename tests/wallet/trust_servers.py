"""Real HTTPS servers on 127.0.0.1 for the status and trust tests, with a test authority.

A throwaway certificate authority (made with ``cryptography``) signs a certificate for
``127.0.0.1`` and ``localhost``; the client side gets an ``ssl.SSLContext`` trusting only
that authority. Routes answer with fixed bodies, redirects, slow trickles or floods, and
every request is recorded so a test can prove what did (or did not) connect.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from wallet.statuslist import encode_bitstring
from wallet.verify.dids import did_key_from_public_key
from wallet.verify.keys import multikey_encode
from wallet.verify.sign import sign

V2 = "https://www.w3.org/ns/credentials/v2"
ENTRIES = 131072  # Bitstring Status List's minimum list length


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before answering
    trickle: float = 0.0  # seconds between body bytes (a slow sender)
    flood: int = 0  # send this many bytes without Content-Length
    header_lines: int = 0  # extra header lines, sent one by one before the others
    header_gap: float = 0.0  # seconds between those lines (a slow sender of headers)
    header_size: int = 8  # characters in each of their values


@dataclass
class Tls:
    cert: Path
    key: Path
    ca: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_tls(folder: Path) -> Tls:
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(_name("wallet test CA")).issuer_name(_name("wallet test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    san = x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    cert = (
        x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = Tls(folder / "cert.pem", folder / "key.pem", folder / "ca.pem")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


class Server:
    """An HTTPS (or, with tls=None, plain HTTP) server on 127.0.0.1 with fixed routes."""

    def __init__(self, tls: Tls | None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                outer.requests.append(self.path)
                route = outer.routes.get(self.path, Route(404, b"not here"))
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                if route.header_lines and not self._slow_headers(route):
                    return
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.flood:
                    self.end_headers()
                    block = b"x" * 65536
                    try:
                        for _ in range(route.flood // len(block) + 1):
                            self.wfile.write(block)
                    except OSError:
                        pass
                    return
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    if route.trickle:
                        for i in range(len(route.body)):
                            self.wfile.write(route.body[i:i + 1])
                            self.wfile.flush()
                            time.sleep(route.trickle)
                    else:
                        self.wfile.write(route.body)
                except OSError:
                    pass

            def _slow_headers(self, route: Route) -> bool:
                """Send the extra header lines one at a time; False once the client has gone."""
                self.flush_headers()
                try:
                    for i in range(route.header_lines):
                        self.wfile.write(f"X-Filler-{i}: {'x' * route.header_size}\r\n".encode())
                        self.wfile.flush()
                        time.sleep(route.header_gap)
                except OSError:
                    return False
                return True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.server_context().wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}{path}"

    @property
    def did_host(self) -> str:
        """The did:web host part for this server: 127.0.0.1%3A<port>."""
        return f"127.0.0.1%3A{self.port}"

    def __enter__(self) -> "Server":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


class Issuer:
    """A did:key issuer that signs Bitstring status lists and credentials pointing at them."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.did = did_key_from_public_key(self.key)
        self.vm = f"{self.did}#{self.did[len('did:key:'):]}"

    def status_list(self, url: str, set_bits=(), *, purpose="revocation", valid_until=None, claimed_issuer=None,
                    entries=ENTRIES) -> dict:
        bits = bytearray(entries // 8)
        for i in set_bits:
            bits[i // 8] |= 0x80 >> (i % 8)
        doc = {
            "@context": [V2], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": claimed_issuer or self.did, "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": url + "#list", "type": "BitstringStatusList", "statusPurpose": purpose,
                                  "encodedList": encode_bitstring(bytes(bits))},
        }
        if valid_until:
            doc["validUntil"] = valid_until
        return sign(doc, self.key, self.vm, created=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))

    def credential(self, url: str, index, *, purpose="revocation", entry_type="BitstringStatusListEntry",
                   signed=False) -> dict:
        doc = {
            "@context": [V2], "id": "urn:uuid:2f0c8f3e-1b7a-4c53-9d0e-5c1e1a5d9a11",
            "type": ["VerifiableCredential"], "issuer": self.did,
            "credentialSubject": {"id": "did:example:learner"},
            "credentialStatus": {"id": f"{url}#{index}", "type": entry_type, "statusPurpose": purpose,
                                 "statusListIndex": str(index), "statusListCredential": url},
        }
        return sign(doc, self.key, self.vm, created=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)) if signed else doc


class WebIssuer(Issuer):
    """A did:web issuer published by a test server: did:web:127.0.0.1%3A<port>:issuers:<name>.

    ``key_name`` names its key (``#key-1``); another WebIssuer with the same host and
    name and another key_name is the same issuer's second key.
    """

    def __init__(self, did_host: str, name: str, key_name: str = "key-1") -> None:
        super().__init__()
        self.did = f"did:web:{did_host}:issuers:{name}"
        self.vm = f"{self.did}#{key_name}"
        self.path = f"/issuers/{name}/did.json"

    def did_document(self, *more_keys: "WebIssuer") -> dict:
        """Its DID document, listing its key (and ``more_keys``) for signing credentials."""
        keys = [self, *more_keys]
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did,
            "verificationMethod": [{"id": k.vm, "type": "Multikey", "controller": self.did,
                                    "publicKeyMultibase": multikey_encode(k.key.public_key())} for k in keys],
            "assertionMethod": [k.vm for k in keys],
        }
