"""OpenID Federation entity statements: the DCC's own, and ones that must be refused."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.wallet.federation import DAY, Anchor, compact_jws
from wallet.oidf import (
    FederationError,
    fetch_address,
    issuer_details,
    statement_text,
    verify_entity_configuration,
    verify_subordinate,
)
from wallet.verify.multibase import b64url_encode

DCC = json.loads((Path(__file__).parent / "fixtures" / "dcc-oidf-test-registry.json").read_text())
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
DCC_ADDRESS = "https://test.registry.dcconsortium.org/.well-known/openid-federation"


def at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


class _Place:
    """Enough of a server for an anchor whose statements are checked without serving them."""

    port = 8443

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.port}{path}"


@pytest.fixture
def anchor() -> Anchor:
    return Anchor(_Place())  # type: ignore[arg-type]


def test_the_dcc_test_registry_statements_verify():
    """The DCC member registry's real answers, each checked at a time it was current."""
    anchor = verify_entity_configuration(DCC["entityConfiguration"], at(1745947681 + 60), DCC_ADDRESS)
    assert anchor.entity_id == "https://test.registry.dcconsortium.org"
    assert anchor.fetch_endpoint == "https://test.registry.dcconsortium.org/fetch"
    assert anchor.name == "Digital Credentials Consortium (TEST)"
    statement = verify_subordinate(DCC["statement"], anchor, DCC["subject"], at(1745603982 + 60))
    assert issuer_details(statement.metadata) == ("OneUni University", "https://oneuni.edu")
    assert statement.expires_at == at(1745690382)


def test_the_dcc_statement_is_refused_once_expired_or_for_another_issuer():
    anchor = verify_entity_configuration(DCC["entityConfiguration"], at(1745947681 + 60), DCC_ADDRESS)
    with pytest.raises(FederationError, match="expired on 26 April 2025"):
        verify_subordinate(DCC["statement"], anchor, DCC["subject"], at(1745690382))
    with pytest.raises(FederationError, match="different issuer"):
        verify_subordinate(DCC["statement"], anchor, "did:web:twotr.testschool.edu", at(1745603982 + 60))
    with pytest.raises(FederationError, match="expired"):
        verify_entity_configuration(DCC["entityConfiguration"], at(1746034081 + 1), DCC_ADDRESS)


def test_a_changed_dcc_statement_does_not_verify():
    anchor = verify_entity_configuration(DCC["entityConfiguration"], at(1745947681 + 60), DCC_ADDRESS)
    head, body, signature = DCC["statement"].split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["metadata"]["federation_entity"]["organization_name"] = "Diploma Mill"
    forged = f"{head}.{b64url_encode(json.dumps(payload).encode())}.{signature}"
    with pytest.raises(FederationError, match="not signed with the registry's own key"):
        verify_subordinate(forged, anchor, DCC["subject"], at(1745603982 + 60))


def test_a_configuration_signed_by_a_key_it_does_not_list(anchor):
    other = ec.generate_private_key(ec.SECP256R1())
    forged = anchor.sign({"iss": anchor.entity_id, "sub": anchor.entity_id, "iat": int(NOW.timestamp()),
                          "exp": int((NOW + DAY).timestamp()), "jwks": anchor.jwks(), "metadata": {}}, key=other)
    with pytest.raises(FederationError, match="own key"):
        verify_entity_configuration(forged, NOW, anchor.configuration_url)


@pytest.mark.parametrize(("changes", "words"), [
    ({"sub": "https://elsewhere.example"}, "signed by someone else"),
    ({"metadata": {"federation_entity": {"organization_name": "No endpoint"}}}, "where to look issuers up"),
    ({"metadata": {"federation_entity": {"federation_fetch_endpoint": "http://plain.example/fetch"}}}, "where to look issuers up"),
    ({"jwks": {"keys": []}}, "publishes no keys"),
    ({"iat": int((NOW + timedelta(hours=2)).timestamp())}, "dated in the future"),
    ({"exp": "soon"}, "no readable dates"),
])
def test_unusable_entity_configurations(anchor, changes, words):
    with pytest.raises(FederationError, match=words):
        verify_entity_configuration(anchor.configuration(NOW, **changes), NOW, anchor.configuration_url)


def test_a_configuration_is_only_its_own_entitys(anchor):
    """An entity configuration belongs at its entity id + /.well-known/openid-federation:
    one served (or carried in a trust file) for another registry's address is refused."""
    with pytest.raises(FederationError, match="names another address"):
        verify_entity_configuration(anchor.configuration(NOW), NOW, DCC_ADDRESS)


def test_a_digit_string_exp_is_read(anchor):
    checked = verify_entity_configuration(anchor.configuration(NOW, exp=str(int((NOW + DAY).timestamp()))), NOW, anchor.configuration_url)
    assert checked.statement.expires_at == NOW + DAY


def test_header_type_and_algorithm_are_pinned(anchor):
    with pytest.raises(FederationError, match="not an OpenID Federation entity statement"):
        verify_entity_configuration(anchor.sign({"iss": "x"}, typ="JWT"), NOW, anchor.configuration_url)
    hmac = compact_jws({"alg": "HS256", "typ": "entity-statement+jwt"}, {"iss": "x"}, anchor.key)
    with pytest.raises(FederationError, match="not a statement the wallet can check"):
        verify_entity_configuration(hmac, NOW, anchor.configuration_url)
    with pytest.raises(FederationError, match="not a statement"):
        verify_entity_configuration("<html>Service unavailable</html>", NOW, anchor.configuration_url)


def test_statement_issuer_must_be_the_anchor(anchor):
    configuration = verify_entity_configuration(anchor.configuration(NOW), NOW, anchor.configuration_url)
    token = anchor.statement("did:web:school.example", "School", NOW, iss="https://impostor.example")
    with pytest.raises(FederationError, match="not made by the registry"):
        verify_subordinate(token, configuration, "did:web:school.example", NOW)


def test_fetch_addresses_and_answer_text():
    assert fetch_address("https://r.example/fetch", "did:web:a.example:x") == "https://r.example/fetch?sub=did%3Aweb%3Aa.example%3Ax"
    assert fetch_address("https://r.example/f?x=1", "did:key:z6Mk") == "https://r.example/f?x=1&sub=did%3Akey%3Az6Mk"
    assert statement_text(b' "a.b.c" \n') == "a.b.c"
    with pytest.raises(FederationError):
        statement_text("é".encode())
