"""The OAuth token endpoint: Zoho's refresh grant, its HTTP-200 errors, throttle, expiry, revoke."""
import re

import pytest

from zoho_sandbox.testing import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN

GOOD = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN}


def token_url(sandbox):
    return sandbox.accounts_url + "/oauth/v2/token"


def test_refresh_grant_in_query_string(sandbox, http):
    resp = http.post(token_url(sandbox), params=GOOD)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
    body = resp.json()
    assert re.fullmatch(r"1000\.[0-9a-f]{32}\.[0-9a-f]{32}", body["access_token"])
    assert body == {"access_token": body["access_token"], "scope": "ZohoSubscriptions.fullaccess.all",
                    "api_domain": sandbox.base_url, "token_type": "Bearer", "expires_in": 3600}


def test_refresh_grant_in_form_body_gives_a_working_token(sandbox, http):
    body = http.post(token_url(sandbox), data=GOOD).json()
    resp = http.get(sandbox.api_base + "/events", headers=sandbox.auth_headers(body["access_token"]))
    assert resp.status_code == 200, resp.text


def test_json_body_is_not_read(sandbox, http):
    resp = http.post(token_url(sandbox), json=GOOD)
    assert resp.status_code == 200
    assert resp.json() == {"error": "invalid_client"}


@pytest.mark.parametrize("change, error", [
    ({"refresh_token": "1000.not.a-real-token"}, "invalid_code"),
    ({"refresh_token": ""}, "invalid_code"),
    ({"client_id": "1000.SOMEONEELSE"}, "invalid_client"),
    ({"client_secret": "wrong"}, "invalid_client"),
    ({"grant_type": "authorization_code"}, "unsupported_grant_type"),
])
def test_errors_are_http_200_with_an_error_field(sandbox, http, change, error):
    resp = http.post(token_url(sandbox), params={**GOOD, **change})
    assert resp.status_code == 200
    assert resp.json() == {"error": error}


def test_more_than_ten_tokens_in_ten_minutes_is_throttled_until_the_window_passes(sandbox, http):
    sandbox.set_rate_limits(enabled=True)
    for _ in range(10):
        assert "access_token" in http.post(token_url(sandbox), params=GOOD).json()
    resp = http.post(token_url(sandbox), params=GOOD)
    assert resp.status_code == 400
    assert resp.json() == {
        "error_description": "You have made too many requests continuously. Please try again after some time.",
        "error": "Access Denied", "status": "failure"}
    sandbox.advance_clock(seconds=601)
    assert "access_token" in http.post(token_url(sandbox), params=GOOD).json()


def test_token_expires_after_expires_in_by_the_sandbox_clock(sandbox, http, token):
    headers = sandbox.auth_headers(token)
    sandbox.advance_clock(seconds=3590)
    assert http.get(sandbox.api_base + "/events", headers=headers).status_code == 200
    sandbox.advance_clock(seconds=11)
    resp = http.get(sandbox.api_base + "/events", headers=headers)
    assert resp.status_code == 401
    assert resp.json() == {"code": 57, "message": "You are not authorized to perform this operation"}


def test_control_can_expire_every_live_token(sandbox, http, token):
    assert sandbox.expire_tokens() >= 1
    resp = http.get(sandbox.api_base + "/events", headers=sandbox.auth_headers(token))
    assert resp.status_code == 401 and resp.json()["code"] == 57
    # The refresh path works afterwards: a client recovers by refreshing.
    assert http.get(sandbox.api_base + "/events", headers=sandbox.auth_headers(sandbox.access_token())).status_code == 200


def test_revoked_access_token_stops_working(sandbox, http, token):
    resp = http.post(sandbox.accounts_url + "/oauth/v2/token/revoke", params={"token": token})
    assert resp.status_code == 200
    assert http.get(sandbox.api_base + "/events", headers=sandbox.auth_headers(token)).status_code == 401


def test_revoked_refresh_token_gives_invalid_code_until_reset(sandbox, http):
    http.post(sandbox.accounts_url + "/oauth/v2/token/revoke", params={"token": REFRESH_TOKEN})
    assert http.post(token_url(sandbox), params=GOOD).json() == {"error": "invalid_code"}
    sandbox.reset()
    assert "access_token" in http.post(token_url(sandbox), params=GOOD).json()


def test_tokens_survive_a_reset(sandbox, http, token):
    sandbox.reset()
    assert http.get(sandbox.api_base + "/events", headers=sandbox.auth_headers(token)).status_code == 200
