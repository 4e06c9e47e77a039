"""Rate limits per organization: per minute (44), per day (45), concurrency (1070)."""
from concurrent.futures import ThreadPoolExecutor

ECHO = "/billing/v1/infratest/echo"


def test_per_minute_limit_is_429_code_44_until_the_next_minute(sandbox, http, auth):
    sandbox.set_rate_limits(enabled=True, per_minute=5, reset_counters=True)
    seconds_into_minute = int(sandbox.control("GET", "clock")["now"][17:19])
    sandbox.advance_clock(seconds=60 - seconds_into_minute)  # the start of a fresh minute
    statuses = [http.get(sandbox.base_url + ECHO, headers=auth).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    resp = http.get(sandbox.base_url + ECHO, headers=auth)
    assert resp.status_code == 429
    assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert resp.json()["code"] == 44 and resp.json()["message"]
    sandbox.advance_clock(seconds=60)
    assert http.get(sandbox.base_url + ECHO, headers=auth).status_code == 200


def test_daily_limit_is_429_code_45_until_the_next_day(sandbox, http, auth):
    sandbox.set_rate_limits(enabled=True, per_day=3, reset_counters=True)
    statuses = [http.get(sandbox.base_url + ECHO, headers=auth).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert http.get(sandbox.base_url + ECHO, headers=auth).json()["code"] == 45
    sandbox.advance_clock(days=1)
    # The old token died with the day (expires_in 3600): refresh as a client would.
    assert http.get(sandbox.base_url + ECHO, headers=sandbox.auth_headers()).status_code == 200


def test_concurrency_limit_is_429_code_1070(sandbox, auth):
    sandbox.set_rate_limits(enabled=True, max_concurrent=2, reset_counters=True)
    sandbox.set_latency(600)
    import requests

    def call(_):
        return requests.get(sandbox.base_url + ECHO, headers=auth, timeout=10)

    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(call, range(8)))
    ok = [r for r in replies if r.status_code == 200]
    refused = [r for r in replies if r.status_code == 429]
    assert len(ok) >= 2 and refused
    assert {r.json()["code"] for r in refused} == {1070}


def test_books_style_headers_and_no_limits_when_disabled(sandbox, http, auth):
    sandbox.set_rate_limits(enabled=True, per_day=50, reset_counters=True)
    first = http.get(sandbox.base_url + ECHO, headers=auth)
    second = http.get(sandbox.base_url + ECHO, headers=auth)
    assert first.headers["X-Rate-Limit-Limit"] == "50"
    assert int(first.headers["X-Rate-Limit-Remaining"]) - int(second.headers["X-Rate-Limit-Remaining"]) == 1
    sandbox.set_rate_limits(enabled=False, per_minute=1)
    assert [http.get(sandbox.base_url + ECHO, headers=auth).status_code for _ in range(3)] == [200] * 3


def test_rate_limit_settings_are_validated(sandbox, http):
    resp = http.post(sandbox.base_url + "/__sandbox/rate-limits", json={"per_minute": -1})
    assert resp.status_code == 400
    resp = http.post(sandbox.base_url + "/__sandbox/rate-limits", json={"bogus": 1})
    assert resp.status_code == 400
