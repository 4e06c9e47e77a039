"""Property: whatever string (or signed JSON) arrives, the verifier answers with claims or a
``HandoffRefused``, never another exception (which would be a 500 in the view)."""
from __future__ import annotations

import json

import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.handoff import HandoffRefused, verify
from tests.support import handoff_tokens as tokens
from tests.support.handoff_tokens import NOW, make_config

CONFIG = make_config()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
b64_text = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=60)


def outcome(token) -> str:
    try:
        verify(token, CONFIG, now=NOW)
    except HandoffRefused as refusal:
        return refusal.check
    return "ok"


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300) | st.builds(lambda a, b, c: f"{a}.{b}.{c}", b64_text, b64_text, b64_text))
def test_any_string_is_refused_or_verified_never_crashes(token):
    outcome(token)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.dictionaries(st.sampled_from(["alg", "typ", "kid", "jku", "crit", "b64", "zip", "x"]), json_values),
       payload=json_values)
def test_any_json_header_and_payload_never_crashes(header, payload):
    token = tokens.raw_token(header, payload, b"signature-bytes")
    outcome(token)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=st.dictionaries(
    st.sampled_from(["iss", "aud", "sub", "iat", "exp", "nbf", "jti", "email", "dest", "return_url"]), json_values))
def test_correctly_signed_but_odd_claims_never_crash(overrides):
    payload = {**tokens.claims(now=NOW), **overrides}
    try:
        token = jwt.encode(payload, tokens.SECRET, algorithm="HS256", headers={"typ": "handoff+jwt"})
    except (TypeError, ValueError):
        return  # not JSON-serialisable, so no product could send it either
    result = outcome(token)
    if result == "ok":
        assert json.loads(json.dumps(payload))  # the accepted ones are well-formed by construction
