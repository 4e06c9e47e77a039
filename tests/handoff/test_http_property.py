"""Hypothesis: no token string, by GET or POST, makes /handoff answer 500 (or raise: the app is in
testing mode, so an unexpected exception would propagate and fail the test)."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.handoff import tokens

_ip = itertools.count(1)
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
def property_app(sandbox, tmp_path_factory):
    import flask_migrate

    from app import create_app
    from tests.conftest import portal_settings
    from tests.handoff.conftest import handoff_overrides

    database = f"sqlite:///{tmp_path_factory.mktemp('property') / 'portal.db'}"
    app = create_app(portal_settings(sandbox, **handoff_overrides(DATABASE_URL=database)))
    with app.app_context():
        flask_migrate.upgrade()
    return app


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(token=token_strings, method=st.sampled_from(["GET", "POST"]))
def test_no_token_string_causes_a_500(property_app, token, method):
    client = property_app.test_client()
    n = next(_ip)
    client.environ_base["REMOTE_ADDR"] = f"10.200.{n // 256 % 256}.{n % 256}"
    if method == "GET":
        response = client.get("/handoff", query_string={"token": token})
    else:
        response = client.post("/handoff", data={"token": token})
    assert response.status_code in (303, 400, 503), response.status_code
    assert response.status_code != 303  # none of these is a valid token
