"""Bad input gets a report with a plain sentence, never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallet.verify import Status, verify_credential, verify_presentation
from tests.wallet.verify.verify_helpers import clone, env, signed_ob3

BASE = signed_ob3()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**12) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
KEYS = ["@context", "type", "issuer", "credentialSubject", "proof", "validFrom", "validUntil", "issuanceDate", "id"]
PROOF_KEYS = ["type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue", "created", "expires", "jws", "@context", "previousProof"]


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KEYS), json_values)
def test_any_value_in_a_credential_field_gives_a_report(key: str, value) -> None:
    doc = clone(BASE)
    doc[key] = value
    report = verify_credential(doc, env())
    assert report.status in Status and report.summary


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PROOF_KEYS), json_values)
def test_any_value_in_a_proof_field_gives_a_report(key: str, value) -> None:
    doc = clone(BASE)
    doc["proof"][key] = value
    report = verify_credential(doc, env())
    # JSON null and [] are "no value": JSON-LD drops them, so the signed graph is unchanged
    assert report.status is not Status.VERIFIED or doc["proof"] == BASE["proof"] or value in (None, [])


@settings(max_examples=60, deadline=None, database=None)
@given(json_values)
def test_any_json_as_credential_or_presentation(value) -> None:
    assert verify_credential(value if isinstance(value, (dict, str)) else {"x": value}, env()).summary
    assert verify_presentation(value if isinstance(value, (dict, str)) else {"x": value}, env()).summary
