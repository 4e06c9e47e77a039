"""Hypothesis: no token string, by GET or POST, makes /handoff answer 500 (or raise: the app is in
testing mode, so an unexpected exception would propagate and fail the test)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import handoff_tokens as tokens
from tests.support.accounts import client_for
from tests.support.settings import portal_settings

b64_part = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=80)
token_strings = (
    st.text(max_size=400)
    | st.builds(lambda a, b, c: f"{a}.{b}.{c}", b64_part, b64_part, b64_part)
    | st.builds(lambda h, p: tokens.raw_token(h, p, b"sig"),
                st.dictionaries(st.sampled_from(["alg", "typ", "kid", "jku", "crit"]),
                                st.one_of(st.text(max_size=10), st.integers(), st.none()), max_size=4),
                st.dictionaries(st.sampled_from(["iss", "aud", "sub", "iat", "exp", "jti", "dest"]),
                                st.one_of(st.text(max_size=10), st.integers(), st.floats(), st.none()), max_size=7))
)


@pytest.fixture(scope="module")
def property_app(sandbox_server, make_sqlite_database):
    """One app for all the examples (Hypothesis runs them inside one test)."""
    from app import create_app

    return create_app(portal_settings(sandbox_server, DATABASE_URL=make_sqlite_database()))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(token=token_strings, method=st.sampled_from(["GET", "POST"]))
def test_no_token_string_causes_a_500(property_app, token, method):
    client = client_for(property_app)
    if method == "GET":
        response = client.get("/handoff", query_string={"token": token})
    else:
        response = client.post("/handoff", data={"token": token})
    assert response.status_code in (303, 400, 503), response.status_code
    assert response.status_code != 303  # none of these is a valid token
