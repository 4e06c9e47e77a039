"""The server copes with 200 concurrent connections (rate limits off), none refused or dropped."""
import threading
from concurrent.futures import ThreadPoolExecutor

import requests


def test_two_hundred_concurrent_requests_all_answered(sandbox, auth):
    sandbox.set_latency(200)  # keeps every connection open at the same time
    start = threading.Barrier(200)

    def call(_):
        start.wait(10)
        return requests.get(sandbox.api_base + "/infratest/echo", headers=auth, timeout=30).status_code

    with ThreadPoolExecutor(200) as pool:
        statuses = list(pool.map(call, range(200)))
    assert statuses == [200] * 200
    assert sandbox.calls()["counts"]["GET /billing/v1/infratest/echo"] >= 200
