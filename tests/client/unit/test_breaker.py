"""Circuit breaker: trips after 5 consecutive failures, fails fast for 30 s, one half-open probe."""
import threading

import pytest

from zoho_client import ZohoCircuitOpen, ZohoClient, ZohoNotFound, ZohoUnavailable
from zoho_client.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker

from .fakes import ACCOUNTS, API, in_threads, json_reply, ok, scripted_session, token_reply

URL = API + "/customers/1"
CUSTOMER = {"customer_id": "1", "currency_code": "USD"}
DOWN = json_reply({"code": 1000, "message": "Internal error"}, 500)


@pytest.fixture
def single_try_client(make_scripted_zoho, adapter):
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", token_reply())
    return make_scripted_zoho(max_retries=0)


def trip(scripted_zoho, adapter):
    adapter.add("GET", URL, *[DOWN] * 5)
    for _ in range(5):
        with pytest.raises(ZohoUnavailable):
            scripted_zoho.customers.get("1")


def test_five_consecutive_5xx_open_the_circuit_and_calls_make_no_request(single_try_client, adapter, clock):
    trip(single_try_client, adapter)
    assert single_try_client.breaker.state == OPEN
    before = len(adapter.calls("GET"))
    for _ in range(3):
        with pytest.raises(ZohoCircuitOpen):
            single_try_client.customers.get("1")
    assert len(adapter.calls("GET")) == before
    clock.advance(29.9)
    with pytest.raises(ZohoCircuitOpen):
        single_try_client.customers.get("1")
    assert len(adapter.calls("GET")) == before


def test_half_open_probe_success_closes(single_try_client, adapter, clock):
    trip(single_try_client, adapter)
    clock.advance(30)
    assert single_try_client.breaker.state == HALF_OPEN
    adapter.add("GET", URL, ok(customer=CUSTOMER), ok(customer=CUSTOMER))
    single_try_client.customers.get("1")
    assert single_try_client.breaker.state == CLOSED
    single_try_client.customers.get("1")


def test_half_open_probe_failure_reopens_for_another_cooldown(single_try_client, adapter, clock):
    trip(single_try_client, adapter)
    clock.advance(30)
    adapter.add("GET", URL, DOWN)
    with pytest.raises(ZohoUnavailable):
        single_try_client.customers.get("1")
    assert single_try_client.breaker.state == OPEN
    with pytest.raises(ZohoCircuitOpen):
        single_try_client.customers.get("1")


def test_business_4xx_do_not_count(single_try_client, adapter):
    missing = json_reply({"code": 3004, "message": "Please enter a valid reference for the customer"}, 400)
    adapter.add("GET", URL, DOWN, DOWN, DOWN, DOWN, missing, DOWN, DOWN)
    for _ in range(4):
        with pytest.raises(ZohoUnavailable):
            single_try_client.customers.get("1")
    with pytest.raises(ZohoNotFound):
        single_try_client.customers.get("1")
    for _ in range(2):
        with pytest.raises(ZohoUnavailable):
            single_try_client.customers.get("1")
    assert single_try_client.breaker.state == CLOSED


def test_timeouts_count_as_failures(single_try_client, adapter):
    import requests
    adapter.add("GET", URL, sticky=requests.ReadTimeout("slow"))
    for _ in range(5):
        with pytest.raises(ZohoUnavailable):
            single_try_client.customers.get("1")
    assert single_try_client.breaker.state == OPEN


def test_only_one_probe_while_half_open():
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, cooldown=30, clock=lambda: now[0])
    breaker.record(success=False, probe=False)
    now[0] = 31
    assert breaker.acquire() is True
    with pytest.raises(ZohoCircuitOpen):
        breaker.acquire()
    breaker.release(True)  # a probe that never reached Zoho gives the turn back
    assert breaker.acquire() is True


def test_concurrent_calls_are_not_serialized(zoho_config):
    """Ten calls through a closed breaker are in flight at the same time: each answer waits until all
    ten requests have arrived, which calls made one after another never would."""
    session, adapter = scripted_session()
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", token_reply())
    all_arrived = threading.Barrier(10)

    def answer_once_all_arrived(request, timeout):
        all_arrived.wait(timeout=30)
        return ok(customer=CUSTOMER)

    adapter.add("GET", URL, sticky=answer_once_all_arrived)
    client = ZohoClient(zoho_config, session=session)
    client.tokens.access_token()
    results, errors = in_threads(lambda: client.customers.get("1"), 10)
    assert errors == [] and len(results) == 10
    assert len(adapter.calls("GET")) == 10
