"""The call log: counts per endpoint template and the recent calls, without secrets."""


def test_counts_per_endpoint_template_and_recent_calls(sandbox, http, auth):
    sandbox.clear_calls()
    http.get(sandbox.api_base + "/infratest/echo", headers=auth)
    http.get(sandbox.base_url + "/api/v1/infratest/echo", headers=auth, params={"page": 2})
    http.post(sandbox.api_base + "/infratest/echo/1/act", headers=auth)
    http.post(sandbox.api_base + "/infratest/echo/2/act", headers=auth)
    http.get(sandbox.api_base + "/nowhere", headers=auth)
    sandbox.access_token()
    log = sandbox.calls()
    assert log["counts"] == {
        "GET /billing/v1/infratest/echo": 1,
        "GET /api/v1/infratest/echo": 1,
        "POST /billing/v1/infratest/echo/{item_id}/act": 2,
        "GET /billing/v1/nowhere": 1,
        "POST /oauth/v2/token": 1,
    }
    assert log["total"] == 6
    second = log["calls"][1]
    assert second["method"] == "GET" and second["path"] == "/api/v1/infratest/echo"
    assert second["query_string"] == "page=2" and second["status"] == 200
    assert second["duration_ms"] >= 0
    assert log["calls"][4]["status"] == 404
    oauth_call = log["calls"][5]
    assert "sandbox-demo-secret" not in oauth_call["query_string"]
    assert "1000.sandbox.demo.refresh" not in oauth_call["query_string"]


def test_control_calls_are_not_logged_and_clear_works(sandbox, http, auth):
    http.get(sandbox.api_base + "/infratest/echo", headers=auth)
    sandbox.control("GET", "health")
    assert "GET /__sandbox/health" not in sandbox.calls()["counts"]
    sandbox.clear_calls()
    assert sandbox.calls() == {"total": 0, "counts": {}, "calls": []}
