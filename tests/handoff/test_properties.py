"""Properties of the verifier: whatever arrives, it answers with claims or a ``HandoffRefused`` (any
other exception would be a 500 in the view), and it answers the right one:

- a token not signed with the product's key is refused at or before the signature check, its claims
  never looked at;
- a correctly signed token with well-formed claims is accepted, and the claims it yields are the ones
  that were sent;
- a correctly signed token with odd claims is either accepted with exactly the claims sent, or
  refused by a check on its claims.
"""
from __future__ import annotations

import json
import string

import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.handoff import Destination, HandoffRefused, verify
from tests.support import handoff_tokens as tokens
from tests.support.handoff_tokens import NOW, make_config

CONFIG = make_config()
# What refuses a token before its signature is known to be good: its shape, its header, its signature.
BEFORE_THE_SIGNATURE = {"malformed", "header", "algorithm", "type", "signature"}
# What refuses a correctly signed token: one of its claims.
ON_THE_CLAIMS = {"missing_claim", "audience", "issuer", "claims", "not_yet_valid", "expired", "lifetime",
                 "return_url", "dest"}
PROPERTY = settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
b64_text = st.text(alphabet=string.ascii_letters + string.digits + "-_", max_size=60)
object_ids = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
well_formed_claims = st.fixed_dictionaries({
    "sub": object_ids,
    "jti": st.from_regex(r"[A-Za-z0-9._:-]{16,128}", fullmatch=True),
    "email": st.none() | st.from_regex(r"[a-z0-9.+-]{1,20}@[a-z0-9-]{1,20}\.[a-z]{2,6}", fullmatch=True),
    "dest": st.none() | st.sampled_from(["dashboard", "invoices", "subscriptions", "subscribe", "profile"])
    | st.builds(lambda kind, object_id: f"{kind}:{object_id}",
                st.sampled_from(["invoice", "subscription", "change-plan", "cancel", "update-card"]), object_ids),
    "return_url": st.none() | st.sampled_from([tokens.RETURN_URL + path for path in ("", "/billing", "/billing?tab=x")]),
    "age": st.integers(min_value=0, max_value=55),  # how long ago the token was minted, in seconds
})


def outcome(token) -> str:
    """The check that refused ``token``, or "ok"; anything else raised fails the test."""
    try:
        verify(token, CONFIG, now=NOW)
    except HandoffRefused as refusal:
        return refusal.check
    return "ok"


def signed(payload: dict, key=tokens.SECRET) -> str:
    return jwt.encode(payload, key, algorithm="HS256", headers={"typ": "handoff+jwt"})


def payload_of(claims: dict) -> dict:
    values = {k: v for k, v in claims.items() if k != "age" and v is not None}
    return tokens.claims(now=NOW - claims["age"], **values)


@PROPERTY
@given(st.text(max_size=300) | st.builds(lambda a, b, c: f"{a}.{b}.{c}", b64_text, b64_text, b64_text))
def test_any_string_not_signed_by_the_product_is_refused_before_its_claims_are_read(token):
    assert outcome(token) in BEFORE_THE_SIGNATURE


@PROPERTY
@given(header=st.dictionaries(st.sampled_from(["alg", "typ", "kid", "jku", "crit", "b64", "zip", "x"]), json_values),
       payload=json_values)
def test_any_header_and_payload_with_a_forged_signature_is_refused(header, payload):
    assert outcome(tokens.raw_token(header, payload, b"signature-bytes")) in BEFORE_THE_SIGNATURE


@PROPERTY
@given(claims=well_formed_claims, key=st.text(min_size=32, max_size=64).filter(lambda k: k != tokens.SECRET))
def test_well_formed_claims_signed_with_another_key_are_refused_for_the_signature(claims, key):
    assert outcome(signed(payload_of(claims), key=key)) == "signature"


@PROPERTY
@given(claims=well_formed_claims, signature=st.binary(min_size=1, max_size=64))
def test_a_good_token_with_its_signature_replaced_is_refused_for_the_signature(claims, signature):
    header, payload, _ = signed(payload_of(claims)).split(".")
    forged = f"{header}.{payload}.{tokens.b64(signature)}"
    assert outcome(forged) == "signature"


@PROPERTY
@given(claims=well_formed_claims)
def test_well_formed_claims_signed_by_the_product_are_accepted_as_sent(claims):
    payload = payload_of(claims)
    accepted = verify(signed(payload), CONFIG, now=NOW)
    assert (accepted.customer_id, accepted.jti, accepted.issued_at) == (payload["sub"], payload["jti"], payload["iat"])
    assert accepted.email == (payload["email"].lower() if "email" in payload else None)
    assert accepted.dest == Destination.parse(payload.get("dest"))
    assert accepted.return_url == payload.get("return_url")


@PROPERTY
@given(overrides=st.dictionaries(
    st.sampled_from(["iss", "aud", "sub", "iat", "exp", "nbf", "jti", "email", "dest", "return_url"]), json_values))
def test_correctly_signed_odd_claims_are_accepted_as_sent_or_refused_on_a_claim(overrides):
    payload = {**tokens.claims(now=NOW), **overrides}
    try:
        token = signed(payload)
    except (TypeError, ValueError):
        return  # not JSON-serialisable, so no product could send it either
    sent = json.loads(json.dumps(payload))
    try:
        accepted = verify(token, CONFIG, now=NOW)
    except HandoffRefused as refusal:
        assert refusal.check in ON_THE_CLAIMS, refusal
        return
    assert (accepted.customer_id, accepted.jti, accepted.issuer) == (sent["sub"], sent["jti"], sent["iss"])
    assert accepted.dest == Destination.parse(sent.get("dest"))
    assert accepted.return_url == sent.get("return_url")
