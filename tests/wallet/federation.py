"""An OpenID Federation trust anchor served from a test HTTPS server on 127.0.0.1.

It signs its entity configuration and its statements about issuers with its own P-256
key (ES256), as the Digital Credentials Consortium's registries do, and serves them
where a wallet asks: ``<entity id>/.well-known/openid-federation`` and
``<entity id>/fetch?sub=<DID>`` (a DID it does not list gets the server's 404).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from tests.wallet.trust_servers import Route, Server
from wallet.oidf import TYP, fetch_address
from wallet.verify import keys as k
from wallet.verify.multibase import b64url_encode

DAY = timedelta(days=1)


def compact_jws(header: dict[str, Any], payload: dict[str, Any], key: Any) -> str:
    head = b64url_encode(json.dumps(header).encode())
    body = b64url_encode(json.dumps(payload).encode())
    return f"{head}.{body}.{b64url_encode(k.sign_raw(key, f'{head}.{body}'.encode()))}"


class Anchor:
    """A federation's trust anchor at ``https://127.0.0.1:<port><path>``."""

    def __init__(self, server: Server, path: str = "/federation", name: str = "Testland Registry of Schools") -> None:
        self.server = server
        self.path = path
        self.name = name
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.kid = "anchor-key-1"
        self.entity_id = server.url(path)
        self.configuration_url = self.entity_id + "/.well-known/openid-federation"
        self.fetch_endpoint = self.entity_id + "/fetch"

    def sign(self, payload: dict[str, Any], *, key: Any = None, kid: str | None = None, typ: str = TYP) -> str:
        return compact_jws({"alg": "ES256", "typ": typ, "kid": kid or self.kid}, payload, key or self.key)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**k.key_to_jwk(self.key.public_key()), "kid": self.kid}]}

    def configuration(self, now: datetime, **changes: Any) -> str:
        payload = {
            "iss": self.entity_id, "sub": self.entity_id, "iat": int(now.timestamp()), "exp": int((now + DAY).timestamp()),
            "jwks": self.jwks(),
            "metadata": {"federation_entity": {"organization_name": self.name, "federation_fetch_endpoint": self.fetch_endpoint}},
        }
        return self.sign({**payload, **changes})

    def statement(self, did: str, name: str, now: datetime, *, key: Any = None, **changes: Any) -> str:
        payload = {
            "iss": self.entity_id, "sub": did, "iat": int(now.timestamp()), "exp": int((now + DAY).timestamp()),
            "metadata": {"federation_entity": {"organization_name": name, "homepage_uri": "https://school.example"},
                         "institution_additional_information": {"legal_name": f"The Board of {name}"}},
        }
        return self.sign({**payload, **changes}, key=key)

    def fetch_path(self, did: str) -> str:
        return fetch_address(self.fetch_endpoint, did)[len(self.server.url("")):]

    def serve(self, now: datetime, listed: dict[str, str]) -> None:
        """Answer for its configuration and for each listed DID (others: 404)."""
        self.serve_configuration(self.configuration(now))
        for did, name in listed.items():
            self.answer(did, self.statement(did, name, now))

    def serve_configuration(self, token: str) -> None:
        self.server.routes[self.path + "/.well-known/openid-federation"] = _jwt_route(token)

    def answer(self, did: str, token: str) -> None:
        self.server.routes[self.fetch_path(did)] = _jwt_route(token)


def _jwt_route(token: str) -> Route:
    return Route(body=token.encode(), headers={"Content-Type": "application/entity-statement+jwt"})
