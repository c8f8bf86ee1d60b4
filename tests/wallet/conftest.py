"""Fixtures for the core's tests that need a real HTTPS server on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.wallet.trust_servers import Server, make_tls


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A test certificate authority and a server certificate for 127.0.0.1."""
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(tls):
    """An HTTPS server on 127.0.0.1 serving the routes a test adds."""
    with Server(tls) as srv:
        yield srv
