"""Whatever the bytes, parsing ends in credentials or in an InputError: never a crash.

Hypothesis throws random bytes, random JSON, and damaged copies of real credentials
(JSON, JWT, a baked PNG) at :func:`wallet.formats.parse`, and reads every summary and
document of what comes back.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallet.errors import InputError
from wallet.formats import parse
from wallet.formats.details import details_of

EDTECH = "vectors/1EdTech__digital-credentials-public-validator"
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "@context", "credentialSubject", "issuer", "name", "achievement", "badge",
                         "recipient", "verifiableCredential", "validFrom", "issuanceDate", "creditsEarned",
                         "alignment", "image", "evidence", "result", "x"]), inner, max_size=6),
    max_leaves=25,
)
credential_types = st.sampled_from(["VerifiableCredential", "OpenBadgeCredential", "ClrCredential",
                                    "EndorsementCredential", "VerifiablePresentation", "Assertion"])


def _read_everything(data: bytes) -> None:
    try:
        creds = parse(data)
    except InputError as exc:
        assert exc.message and exc.message[0].isupper()
        return
    for cred in creds:
        assert isinstance(cred.title, str)
        assert isinstance(cred.document, dict)
        details_of(cred)
        for when in (cred.summary.issued, cred.summary.valid_from, cred.summary.valid_until):
            assert when is None or when.tzinfo is not None


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(data):
    _read_everything(data)


@FUZZ
@given(json_values, st.lists(credential_types, min_size=1, max_size=2))
def test_random_credential_shaped_json(value, types):
    doc = value if isinstance(value, dict) else {"x": value}
    doc = {**doc, "type": types}
    _read_everything(json.dumps(doc).encode())


def _mutations(original: bytes):
    return st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255), st.booleans()).map(
        lambda m: original[: m[0]] if m[2] else original[: m[0]] + bytes([m[1]]) + original[m[0] + 1:]
    )


@FUZZ
@given(st.data())
def test_damaged_real_credentials(interop, bake, data):
    sources = [
        (interop / "peer-vcjs/stack/ou-cs-certificate.json").read_bytes(),
        (interop / EDTECH / "clr20/simple.jwt").read_bytes(),
        bake.png((interop / EDTECH / "ob20/simple.jwt").read_text()),
        bake.svg((interop / "peer-vcjs/stack/ou-pm-1.json").read_text(), element="credential"),
    ]
    original = data.draw(st.sampled_from(sources))
    _read_everything(data.draw(_mutations(original)))
