"""Fixtures for the core's tests that need a real HTTPS server on 127.0.0.1."""

from __future__ import annotations

import os

import pytest

from tests.wallet.trust_servers import Server, make_tls
from wallet.store import Store


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A test certificate authority and a server certificate for 127.0.0.1."""
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(tls):
    """An HTTPS server on 127.0.0.1 serving the routes a test adds."""
    with Server(tls) as srv:
        yield srv


@pytest.fixture
def store(tmp_path):
    """An open, empty store with a random data key (for the services that sit on it)."""
    s = Store.open(tmp_path / "w.sqlite3", os.urandom(32))
    yield s
    s.close()
