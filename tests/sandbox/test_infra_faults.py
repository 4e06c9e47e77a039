"""Every fault kind, as a real HTTP client sees it, and the count semantics."""
import http.client
import socket
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.sandbox_api import upstream_calls

ECHO = "/billing/v1/infratest/echo"


def test_reset_is_a_connection_error_before_any_byte(sandbox, http, auth):
    sandbox.add_fault(path=ECHO, kind="reset")
    with pytest.raises(requests.ConnectionError):
        http.get(sandbox.base_url + ECHO, headers=auth)
    # count 1 by default: the next call goes through
    assert http.get(sandbox.base_url + ECHO, headers=auth).status_code == 200


def test_reset_sends_rst_not_fin(sandbox, auth):
    sandbox.add_fault(path=ECHO, kind="reset")
    parts = urlsplit(sandbox.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(f"GET {ECHO} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth['Authorization']}\r\n\r\n".encode())
        with pytest.raises(ConnectionResetError):
            data = conn.recv(1024)
            # A FIN would read as b"" here instead of raising.
            assert data != b"", "connection closed with FIN, not reset"


def test_truncated_body_is_an_incomplete_read(sandbox, http, auth):
    sandbox.add_fault(path=ECHO, kind="truncate")
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)) as caught:
        http.get(sandbox.base_url + ECHO, headers=auth).json()
    assert "IncompleteRead" in repr(caught.value) or "incomplete" in repr(caught.value).lower()


def test_truncate_keeps_the_full_content_length(sandbox, auth):
    sandbox.add_fault(path=ECHO, kind="truncate")
    parts = urlsplit(sandbox.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    conn.request("GET", ECHO, headers=auth)
    resp = conn.getresponse()
    declared = int(resp.headers["Content-Length"])
    with pytest.raises(http.client.IncompleteRead) as caught:
        resp.read()
    assert len(caught.value.partial) == declared // 2
    conn.close()


def test_hang_times_the_client_out(sandbox, http, auth):
    sandbox.add_fault(path=ECHO, kind="hang", seconds=5)
    with pytest.raises(requests.Timeout):  # not the closed connection that ends the hang after 5 s
        http.get(sandbox.base_url + ECHO, headers=auth, timeout=0.5)


def test_hang_ends_with_a_closed_connection_after_its_seconds(sandbox, http, auth):
    sandbox.add_fault(path=ECHO, kind="hang", seconds=0.5)
    with pytest.raises(requests.ConnectionError):
        http.get(sandbox.base_url + ECHO, headers=auth, timeout=5)


def test_latency_fault_delays_then_answers(sandbox, http, auth):
    sandbox.add_fault(path=ECHO, kind="latency", latency_ms=400)
    resp = http.get(sandbox.base_url + ECHO, headers=auth)
    [call] = upstream_calls(sandbox, ECHO)
    assert resp.status_code == 200 and call["fault"] == "latency" and call["duration_ms"] >= 400


def test_non_json_is_a_200_html_page(sandbox, http, auth):
    sandbox.add_fault(path=ECHO, kind="non_json")
    resp = http.get(sandbox.base_url + ECHO, headers=auth)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ValueError):
        resp.json()


@pytest.mark.parametrize("spec, status, body", [
    ({"status": 429}, 429, {"code": 44}),
    ({"status": 429, "code": 45}, 429, {"code": 45}),
    ({"status": 429, "code": 1070}, 429, {"code": 1070}),
    ({"status": 500}, 500, {"code": 1000, "message": "Internal Error"}),
])
def test_status_faults_carry_zoho_bodies(sandbox, http, auth, spec, status, body):
    sandbox.add_fault(path=ECHO, kind="status", retry_after=7, **spec)
    resp = http.get(sandbox.base_url + ECHO, headers=auth)
    assert resp.status_code == status
    assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert resp.headers["Retry-After"] == "7"
    assert body.items() <= resp.json().items()


def test_503_is_a_load_balancer_html_page(sandbox, http, auth):
    sandbox.add_fault(path="/billing/v1/*", kind="status", status=503)
    resp = http.get(sandbox.base_url + ECHO, headers=auth)
    assert resp.status_code == 503
    assert resp.headers["Content-Type"] == "text/html"
    assert "Service Temporarily Unavailable" in resp.text
    assert "Retry-After" not in resp.headers


def test_count_method_and_path_matching(sandbox, http, auth):
    fault = sandbox.add_fault(path="/billing/v1/infratest/*", method="GET", kind="status", status=500, count=2)
    assert fault["count"] == 2 and fault["id"] >= 1
    # another prefix and another method do not match
    assert http.get(sandbox.base_url + "/api/v1/infratest/echo", headers=auth).status_code == 200
    assert http.post(sandbox.base_url + "/billing/v1/infratest/echo/1/act", headers=auth).status_code == 200
    assert [http.get(sandbox.base_url + ECHO, headers=auth).status_code for _ in range(3)] == [500, 500, 200]
    assert sandbox.control("GET", "faults")["faults"] == []


def test_minus_one_lasts_until_removed(sandbox, http, auth):
    fault = sandbox.add_fault(path=ECHO, kind="status", status=500, count=-1)
    assert [http.get(sandbox.base_url + ECHO, headers=auth).status_code for _ in range(4)] == [500] * 4
    listed = sandbox.control("GET", "faults")["faults"]
    assert listed[0]["hits"] == 4 and listed[0]["count"] == -1
    sandbox.control("DELETE", f"faults/{fault['id']}")
    assert http.get(sandbox.base_url + ECHO, headers=auth).status_code == 200


def test_faults_never_touch_the_control_api_and_can_hit_oauth(sandbox, http):
    sandbox.add_fault(path="*", kind="status", status=500, count=-1)
    assert http.get(sandbox.base_url + "/__sandbox/health").status_code == 200
    assert http.post(sandbox.accounts_url + "/oauth/v2/token").status_code == 500
    sandbox.clear_faults()


def test_faulted_calls_are_in_the_call_log(sandbox, http, auth):
    sandbox.clear_calls()
    sandbox.add_fault(path=ECHO, kind="reset")
    with pytest.raises(requests.ConnectionError):
        http.get(sandbox.base_url + ECHO, headers=auth)
    call = sandbox.calls()["calls"][-1]
    assert call["fault"] == "reset" and call["endpoint"] == "GET /billing/v1/infratest/echo"


@pytest.mark.parametrize("spec", [
    {"path": ECHO, "kind": "explode"},
    {"path": ECHO, "kind": "status", "status": 418},
    {"path": "no-slash", "kind": "reset"},
    {"path": ECHO, "kind": "reset", "count": 0},
])
def test_invalid_fault_specs_are_refused(sandbox, http, spec):
    resp = http.post(sandbox.base_url + "/__sandbox/faults", json=spec)
    assert resp.status_code == 400 and "error" in resp.json()


def test_reset_clears_faults(sandbox, http, auth):
    sandbox.add_fault(path=ECHO, kind="status", status=500, count=-1)
    sandbox.reset()
    assert http.get(sandbox.base_url + ECHO, headers=auth).status_code == 200
