"""The API pipeline: auth header and token errors, organization, prefixes, envelope, scopes."""
import pytest

from zoho_sandbox.testing import ORGANIZATION_ID

from tests.support.sandbox_api import upstream_calls

PREFIXES = ("/billing/v1", "/subscriptions/v1", "/api/v1")
NOT_AUTHORIZED = {"code": 57, "message": "You are not authorized to perform this operation"}


@pytest.mark.parametrize("header", [None, "", "Zoho-oauthtoken", "Zoho-oauthtoken   ", "Bearer", "Basic abc",
                                    "Zoho-authtoken abc", "Zoho-oauthtokenabc"])
def test_missing_or_garbled_authorization_is_401_code_14(sandbox, http, header):
    headers = {} if header is None else {"Authorization": header}
    resp = http.get(sandbox.api_base + "/infratest/echo", headers=headers)
    assert resp.status_code == 401
    assert resp.json()["code"] == 14
    assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"


@pytest.mark.parametrize("scheme", ["Zoho-oauthtoken", "zoho-oauthtoken", "ZOHO-OAUTHTOKEN", "Bearer", "bearer", "BEARER"])
def test_zoho_oauthtoken_and_bearer_schemes_are_accepted_in_any_case(sandbox_server, http, scheme):
    token = sandbox_server.access_token()
    resp = http.get(sandbox_server.api_base + "/infratest/echo", headers={"Authorization": f"{scheme}  {token}"})
    assert resp.status_code == 200, resp.text
    unknown = http.get(sandbox_server.api_base + "/infratest/echo", headers={"Authorization": f"{scheme} 1000.nope.nope"})
    assert unknown.status_code == 401 and unknown.json() == NOT_AUTHORIZED


def test_unknown_token_is_401_code_57(sandbox, http):
    resp = http.get(sandbox.api_base + "/infratest/echo",
                    headers={"Authorization": "Zoho-oauthtoken 1000.00000000000000000000000000000000.00000000000000000000000000000000"})
    assert resp.status_code == 401
    assert resp.json() == NOT_AUTHORIZED


def test_organization_from_header_query_or_default(sandbox, http, token):
    auth = {"Authorization": f"Zoho-oauthtoken {token}"}
    by_header = http.get(sandbox.api_base + "/infratest/echo",
                         headers={**auth, "X-com-zoho-subscriptions-organizationid": ORGANIZATION_ID})
    by_query = http.get(sandbox.api_base + "/infratest/echo", headers=auth, params={"organization_id": ORGANIZATION_ID})
    by_default = http.get(sandbox.api_base + "/infratest/echo", headers=auth)
    for resp in (by_header, by_query, by_default):
        assert resp.status_code == 200, resp.text
        assert resp.json()["echo"]["organization_id"] == ORGANIZATION_ID


@pytest.mark.parametrize("where", ["header", "query"])
def test_another_organization_is_400_code_6041(sandbox, http, token, where):
    auth = {"Authorization": f"Zoho-oauthtoken {token}"}
    if where == "header":
        resp = http.get(sandbox.api_base + "/infratest/echo", headers={**auth, "X-com-zoho-subscriptions-organizationid": "999"})
    else:
        resp = http.get(sandbox.api_base + "/infratest/echo", headers=auth, params={"organization_id": "999"})
    assert resp.status_code == 400
    assert resp.json() == {"code": 6041, "message": "This user is not associated with the CompanyID/CompanyName:999."}


def test_all_three_prefixes_answer_alike(sandbox, http, auth):
    bodies = []
    for prefix in PREFIXES:
        resp = http.get(sandbox.base_url + prefix + "/infratest/echo", headers=auth)
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
        bodies.append(resp.json())
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["code"] == 0 and bodies[0]["message"] == "success"


def test_unknown_path_is_404_envelope(sandbox, http, auth):
    for url in (sandbox.api_base + "/no-such-thing", sandbox.base_url + "/api/v1/infratest/echo/x/y/z", sandbox.base_url + "/elsewhere"):
        resp = http.get(url, headers=auth)
        assert resp.status_code == 404
        assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
        assert resp.json() == {"code": 5, "message": "Invalid URL Passed"}


def test_wrong_method_is_405_envelope(sandbox, http, auth):
    resp = http.delete(sandbox.api_base + "/infratest/echo", headers=auth)
    assert resp.status_code == 405
    assert resp.json()["code"] == 37


def test_handler_crash_is_500_code_1000_and_the_server_keeps_going(sandbox, http, auth):
    resp = http.get(sandbox.api_base + "/infratest/boom", headers=auth)
    assert resp.status_code == 500
    assert resp.json() == {"code": 1000, "message": "Internal Error"}
    assert http.get(sandbox.api_base + "/infratest/echo", headers=auth).status_code == 200
    assert "deliberate failure for the 500 test" in "".join(sandbox.output)


def test_api_error_raised_by_a_handler_is_zohos_envelope(sandbox, http, auth):
    resp = http.get(sandbox.api_base + "/infratest/refuse", headers=auth)
    assert resp.status_code == 400
    assert resp.json() == {"code": 3004, "message": "Please enter a valid reference for the customer"}


@pytest.mark.parametrize("scope, read_ok, action_ok", [
    ("ZohoSubscriptions.customers.READ", True, False),
    ("ZohoSubscriptions.customers.CREATE", False, True),
    ("ZohoSubscriptions.customers.ALL", True, True),
    ("ZohoSubscriptions.invoices.READ,ZohoSubscriptions.customers.UPDATE", False, False),
    ("ZohoSubscriptions.fullaccess.all", True, True),
])
def test_scope_check_and_actions_need_create(sandbox, http, scope, read_ok, action_ok):
    headers = sandbox.auth_headers(sandbox.mint_token(scope))
    read = http.get(sandbox.api_base + "/infratest/echo", headers=headers)
    action = http.post(sandbox.api_base + "/infratest/echo/42/act", headers=headers)
    assert (read.status_code == 200) == read_ok
    assert (action.status_code == 200) == action_ok
    for resp in (read, action):
        if resp.status_code != 200:
            assert resp.status_code == 401 and resp.json() == NOT_AUTHORIZED


def test_configured_latency_slows_api_calls_only(sandbox, http, auth):
    sandbox.set_latency(300)
    assert http.get(sandbox.api_base + "/infratest/echo", headers=auth).status_code == 200
    [call] = upstream_calls(sandbox, "/infratest/echo")
    assert call["duration_ms"] >= 300  # as the sandbox timed it
    # The control API is never slowed: with a minute of latency it still answers within its timeout.
    sandbox.set_latency(60_000)
    assert http.get(sandbox.base_url + "/__sandbox/health", timeout=30).json()["status"] == "ok"
