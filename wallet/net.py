"""The one network client: every connection the wallet makes goes through here.

The wallet is offline first. Status lists, did:web documents and issuer registries are
fetched only through :class:`NetClient`, and only when the learner's network setting
allows it:

- ``automatic``: the wallet may fetch on its own (for example after an import);
- ``ask`` (the default): only when the learner asks ("Check status now");
- ``never``: nothing connects, not even when asked.

Every request is https only, has a timeout per read and a deadline for the whole
exchange (from the connection through the TLS handshake, each header line and the last
byte of the body: every step gets only what is left of it), a cap on the size of the
headers and of the answer, and follows redirects only on the same host. Each failure
becomes a :class:`~wallet.errors.NetworkError` whose message is one plain sentence.
The connection factory is a seam: it makes the (not yet connected) connection, which
the client connects itself; tests pass an ``ssl.SSLContext`` that trusts their own test
authority, or a factory that counts connections.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from wallet.errors import NetworkError, WalletError
from wallet.settings import NetworkPolicy  # declared once, with the other settings

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # seconds for one connect or read
DEFAULT_DEADLINE = 30.0  # seconds for the whole exchange, redirects included
DEFAULT_MAX_BYTES = 4 * 1024 * 1024  # a status list is 16 KiB compressed; a registry a few hundred
MAX_REDIRECTS = 3
MAX_HEADER_BYTES = 64 * 1024  # the status line and headers of one answer
MAX_JSON_CONTAINERS = 2_000_000  # objects and arrays in one answer (a large registry holds far fewer)
_CHUNK = 64 * 1024
USER_AGENT = "learner-wallet"


_POLICY_LABELS = {
    NetworkPolicy.AUTOMATIC: "Check automatically",
    NetworkPolicy.ASK: "Only when I ask",
    NetworkPolicy.NEVER: "Never",
}


def policy_label(policy: NetworkPolicy) -> str:
    """The setting's value in the learner's words, as the Trust page and the CLI show it."""
    return _POLICY_LABELS[NetworkPolicy(policy)]


DEFAULT_POLICY = NetworkPolicy.ASK


@dataclass(frozen=True)
class Response:
    """A successful answer: the final URL (after same-host redirects) and the body."""

    url: str
    status: int
    content_type: str
    body: bytes = field(repr=False)

    def json(self) -> Any:
        """The body as JSON, read within the same nesting and size caps as a file the
        learner opens, or a NetworkError saying the answer was not usable."""
        from wallet.formats.detect import load_json

        try:
            return load_json(self.body, what="This answer", kind="JSON document", max_containers=MAX_JSON_CONTAINERS)
        except WalletError as exc:  # not UTF-8, not JSON, nested too deep or too many parts
            raise NetworkError(
                f"The answer from {host_of(self.url)} was not in the expected format.",
                f"{self.url}: {exc.message} {exc.detail}".strip(),
            ) from exc


ConnectionFactory = Callable[[str, int, float, ssl.SSLContext], http.client.HTTPSConnection]


def _default_factory(host: str, port: int, timeout: float, context: ssl.SSLContext) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection(host, port, timeout=timeout, context=context)


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def require_https(url: str) -> tuple[str, int, str]:
    """(host, port, path-with-query) of an https URL, or a NetworkError."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as exc:
        raise NetworkError("That web address is not valid.", f"{url!r}: {exc}") from exc
    if parts.scheme != "https":
        raise NetworkError(
            "Only secure (https) web addresses are used, and this one is not.", f"refused scheme {parts.scheme!r}: {url}"
        )
    if not parts.hostname:
        raise NetworkError("That web address has no host name.", url)
    if parts.username or parts.password:
        raise NetworkError("Web addresses with a user name or password are not used.", url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.hostname, port, path


class NetClient:
    """Fetches https resources within the learner's network setting and hard limits.

    ``policy`` is either a :class:`NetworkPolicy` or a callable returning one, so a
    long-lived client follows the setting as the learner changes it.
    """

    def __init__(
        self,
        policy: NetworkPolicy | Callable[[], NetworkPolicy] = DEFAULT_POLICY,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        connection_factory: ConnectionFactory = _default_factory,
    ) -> None:
        self._policy = policy
        self._context = ssl_context or ssl.create_default_context()
        self.timeout = timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._factory = connection_factory

    @property
    def policy(self) -> NetworkPolicy:
        value = self._policy() if callable(self._policy) else self._policy
        return NetworkPolicy(value)

    def allowed(self, *, user_initiated: bool) -> bool:
        """May a request be made now? (Asked by the learner, or automatic allowed.)"""
        policy = self.policy
        if policy is NetworkPolicy.NEVER:
            return False
        return user_initiated or policy is NetworkPolicy.AUTOMATIC

    def ensure_allowed(self, *, user_initiated: bool) -> None:
        policy = self.policy
        if policy is NetworkPolicy.NEVER:
            raise NetworkError(
                "Going online is turned off (see \u201cGo online\u201d on the Trust page), so nothing was downloaded.",
                "network policy: never"
            )
        if not user_initiated and policy is not NetworkPolicy.AUTOMATIC:
            raise NetworkError(
                "The wallet goes online only when you ask; use \u201cCheck status now\u201d to download.",
                "network policy: ask; request was not user-initiated",
            )

    # -- requests

    def get(self, url: str, *, user_initiated: bool, accept: str = "application/json", max_bytes: int | None = None) -> Response:
        """GET ``url``; same-host redirects are followed, anything else is refused."""
        self.ensure_allowed(user_initiated=user_initiated)
        limit = self.max_bytes if max_bytes is None else max_bytes
        give_up_at = time.monotonic() + self.deadline
        origin_host, origin_port, _ = require_https(url)
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            host, port, path = require_https(current)
            if (host.lower(), port) != (origin_host.lower(), origin_port):
                where = host if host.lower() != origin_host.lower() else f"{host}:{port}"
                raise NetworkError(
                    f"{origin_host} sent the request on to another site ({where}), which is not followed.",
                    f"cross-origin redirect {url} -> {current}",
                )
            status, headers, body = self._exchange(host, port, path, accept, limit, give_up_at, current)
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location")
                if not location:
                    raise NetworkError(f"{host} answered with a redirect to nowhere.", f"{current}: {status} without Location",
                                       status=status)
                current = urljoin(current, location)
                log.info("redirect %s -> %s", host, host_of(current))
                continue
            if status != 200:
                raise NetworkError(_status_sentence(host, status), f"GET {current}: HTTP {status}", status=status)
            return Response(current, status, headers.get("content-type", ""), body)
        raise NetworkError(f"{origin_host} redirected too many times.", f"more than {MAX_REDIRECTS} redirects from {url}")

    def get_json(self, url: str, *, user_initiated: bool, max_bytes: int | None = None) -> Any:
        return self.get(url, user_initiated=user_initiated, max_bytes=max_bytes).json()

    def _exchange(
        self, host: str, port: int, path: str, accept: str, limit: int, give_up_at: float, url: str
    ) -> tuple[int, dict[str, str], bytes]:
        conn = None
        try:
            conn = self._factory(host, port, self.timeout, self._context)
            sock = conn.sock = self._connect(conn, give_up_at)
            conn.request("GET", path, headers={"Accept": accept, "User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
            resp = conn.getresponse()
            sock.headers_read()
            try:
                headers = {k.lower(): v for k, v in resp.getheaders()}
                if resp.status != 200:
                    return resp.status, headers, b""
                return resp.status, headers, _read_capped(resp, headers, limit, host, url)
            finally:
                resp.close()  # the response holds the socket open past conn.close()
        except NetworkError:
            raise
        except Exception as exc:  # every transport failure becomes one sentence
            raise _translate(exc, host, url) from exc
        finally:
            if conn is not None:
                conn.close()

    def _connect(self, conn: http.client.HTTPSConnection, give_up_at: float) -> "_DeadlineSocket":
        """Connect and shake hands with what is left of the deadline, not a fresh timeout."""
        with _deadline_of(give_up_at):
            sock = socket.create_connection((conn.host, conn.port), timeout=_left(give_up_at, self.timeout))
            try:
                sock.settimeout(_left(give_up_at, self.timeout))
                tls = self._context.wrap_socket(sock, server_hostname=conn.host)
            except BaseException:
                sock.close()
                raise
        return _DeadlineSocket(tls, give_up_at, self.timeout)


class _DeadlinePassed(TimeoutError):
    """The whole exchange took longer than the client's deadline."""


class _HeadersTooLarge(Exception):
    """The status line and headers went past MAX_HEADER_BYTES."""


def _left(give_up_at: float, per_step: float) -> float:
    """The timeout for the next step: the per-step timeout, or what is left if that is less."""
    left = give_up_at - time.monotonic()
    if left <= 0:
        raise _DeadlinePassed("deadline passed")
    return min(per_step, left)


@contextlib.contextmanager
def _deadline_of(give_up_at: float) -> Iterator[None]:
    """Say "deadline passed" for a timeout that happened because the deadline came."""
    try:
        yield
    except TimeoutError as exc:
        if isinstance(exc, _DeadlinePassed) or time.monotonic() < give_up_at:
            raise
        raise _DeadlinePassed("deadline passed") from exc


class _DeadlineSocket:
    """A connected TLS socket whose every send and read gets only the time left.

    http.client reads the status line and each header line through :meth:`makefile`;
    each read here is armed with the remaining time and counted against
    MAX_HEADER_BYTES until :meth:`headers_read`. Closing waits for the reader, as a
    socket's ``makefile`` does (http.client hands the connection to the response).
    """

    def __init__(self, sock: ssl.SSLSocket, give_up_at: float, per_step: float) -> None:
        self._sock = sock
        self._give_up_at = give_up_at
        self._per_step = per_step
        self._header_bytes: int | None = 0
        self._readers = 0
        self._closing = False

    def sendall(self, data: bytes) -> None:
        with _deadline_of(self._give_up_at):
            self._sock.settimeout(_left(self._give_up_at, self._per_step))
            self._sock.sendall(data)

    def recv_into(self, buffer: Any) -> int:
        if self._header_bytes is not None and self._header_bytes > MAX_HEADER_BYTES:
            raise _HeadersTooLarge(f"more than {MAX_HEADER_BYTES} bytes before the end of the headers")
        with _deadline_of(self._give_up_at):
            self._sock.settimeout(_left(self._give_up_at, self._per_step))
            count = self._sock.recv_into(buffer)
        if self._header_bytes is not None:
            self._header_bytes += count
        return count

    def headers_read(self) -> None:
        self._header_bytes = None

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        self._readers += 1
        return io.BufferedReader(_Reader(self))

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closing and self._readers <= 0:
            self._sock.close()

    def close(self) -> None:
        self._closing = True
        if self._readers <= 0:
            self._sock.close()


class _Reader(io.RawIOBase):
    """The raw stream under http.client's buffered reader: reads go through the deadline."""

    def __init__(self, owner: _DeadlineSocket) -> None:
        super().__init__()
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._owner.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self._owner.reader_closed()
        super().close()


def _read_capped(resp: http.client.HTTPResponse, headers: dict[str, str], limit: int, host: str, url: str) -> bytes:
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(host, url, limit, f"Content-Length {declared}")
    chunks: list[bytes] = []
    size = 0
    while True:  # each read is bounded by what is left of the deadline (see _DeadlineSocket)
        chunk = resp.read1(_CHUNK) if hasattr(resp, "read1") else resp.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise _too_large(host, url, limit, f"more than {limit} bytes received")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(host: str, url: str, limit: int, why: str) -> NetworkError:
    return NetworkError(
        f"{host} sent more data than the wallet accepts ({limit // 1024} KB), so the download was stopped.",
        f"{url}: {why}",
    )


def _status_sentence(host: str, status: int) -> str:
    if status == 404:
        return f"{host} says the document is not there (error 404)."
    if status in (401, 403):
        return f"{host} refused to share the document (error {status})."
    if status >= 500:
        return f"{host} had a problem answering (error {status}); try again later."
    return f"{host} gave an unexpected answer (HTTP {status})."


def _translate(exc: BaseException, host: str, url: str) -> NetworkError:
    detail = f"{url}: {type(exc).__name__}: {exc}"
    if isinstance(exc, _DeadlinePassed):
        return NetworkError(f"{host} took too long to answer, so the download was stopped.", detail)
    if isinstance(exc, _HeadersTooLarge):
        return NetworkError(f"{host} sent more headers than the wallet accepts, so the download was stopped.", detail)
    if isinstance(exc, socket.gaierror):
        return NetworkError(f"The address {host} could not be found; check the connection or the address.", detail)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return NetworkError(f"The secure connection to {host} could not be trusted (certificate problem).", detail)
    if isinstance(exc, ssl.SSLError):
        return NetworkError(f"A secure connection to {host} could not be made.", detail)
    if isinstance(exc, ConnectionRefusedError):
        return NetworkError(f"{host} refused the connection; the service may be down.", detail)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return NetworkError(f"{host} did not answer in time.", detail)
    if isinstance(exc, (http.client.HTTPException, ValueError)):
        return NetworkError(f"{host} sent an answer that could not be understood.", detail)
    if isinstance(exc, ConnectionError):
        return NetworkError(f"The connection to {host} was interrupted.", detail)
    if isinstance(exc, OSError):
        return NetworkError(f"{host} could not be reached; check the connection.", detail)
    return NetworkError(f"{host} could not be reached.", detail)


def policy_from_settings(store: Any) -> NetworkPolicy:
    """The learner's network setting (wallet.settings), read fresh on every request.

    Falls back to the default ("only when I ask") when it cannot be read: never to a
    more permissive value.
    """
    from wallet.settings import Settings

    try:
        return NetworkPolicy(Settings(store).network_policy)
    except Exception:  # a store that cannot be read: keep the safe default
        log.debug("network setting unavailable; using the default", exc_info=True)
        return DEFAULT_POLICY
