"""The shared back-off (checklist U33/U35 across workers): a 429's Retry-After or an open breaker
stops every client sharing the store, and one probe per window goes through."""
import pytest

from zoho_client import ZohoCircuitOpen, ZohoClient, ZohoRateLimited
from zoho_client.backoff import Backoff, Window

from .fakes import ACCOUNTS, API, json_reply, ok, token_reply

URL = API + "/customers/1"
CUSTOMER = {"customer_id": "1", "currency_code": "USD"}


class MemoryStore:
    """What Redis holds for the deployment (services/zoho_limits.RedisBackoffStore), in a dict."""

    def __init__(self):
        self.window, self.probes = None, set()

    @property
    def probe(self):
        """Someone's probe of the current window is out."""
        return self.window is not None and self.window.until in self.probes

    @probe.setter
    def probe(self, out):
        (self.probes.add if out else self.probes.discard)(self.window.until)

    def read(self):
        return self.window

    def open(self, window, keep_seconds):
        self.window = window

    def claim_probe(self, seconds, window):
        if window.until in self.probes:
            return False
        self.probes.add(window.until)
        return True

    def release_probe(self, window):
        self.probes.discard(window.until)

    def close(self):
        self.window = None


@pytest.fixture
def store():
    return MemoryStore()


@pytest.fixture
def make_shared(zoho_config, clock, transport, store):
    session, adapter = transport
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", sticky=token_reply())

    def make():
        return ZohoClient(zoho_config, session=session, sleep=clock.sleep, clock=clock, jitter=lambda: 0.5,
                          backoff=Backoff(store, clock=clock))

    return make


def limited(retry_after):
    return json_reply({"code": 44, "message": "API call limit exceeded"}, 429, **{"Retry-After": retry_after})


def test_a_429_stops_every_client_sharing_the_store_without_sleeping(make_shared, adapter, clock):
    first, second = make_shared(), make_shared()
    adapter.add("GET", URL, limited("2"), sticky=ok(customer=CUSTOMER))
    with pytest.raises(ZohoRateLimited):
        first.customers.get("1")
    assert clock.sleeps == []  # answered at once: the page serves last-good data
    with pytest.raises(ZohoRateLimited) as info:
        second.customers.get("1")  # another worker: no request at all during the window
    assert 0 < info.value.retry_after <= 2
    assert len(adapter.calls("GET")) == 1


def test_after_the_window_one_probe_goes_through_and_closes_it(make_shared, adapter, clock, store):
    first, second = make_shared(), make_shared()
    adapter.add("GET", URL, limited("2"), sticky=ok(customer=CUSTOMER))
    with pytest.raises(ZohoRateLimited):
        first.customers.get("1")
    clock.advance(2.5)
    store.probe = True  # someone else's probe is out: everyone else still waits
    with pytest.raises(ZohoRateLimited):
        second.customers.get("1")
    store.probe = False
    assert second.customers.get("1").customer_id == "1"  # the probe
    assert store.window is None and first.customers.get("1").customer_id == "1"
    assert len(adapter.calls("GET")) == 3


def test_retry_after_is_capped(zoho_config, clock, transport):
    session, adapter = transport
    adapter.add("POST", ACCOUNTS + "/oauth/v2/token", token_reply())
    backoff = Backoff(None, clock=clock, max_seconds=30)
    client = ZohoClient(zoho_config, session=session, sleep=clock.sleep, clock=clock, backoff=backoff)
    adapter.add("GET", URL, limited("3600"))
    with pytest.raises(ZohoRateLimited):
        client.customers.get("1")
    assert backoff.window.until - clock() == 30


def test_the_breaker_opening_opens_the_shared_back_off(make_shared, adapter, clock, store):
    first, second = make_shared(), make_shared()
    adapter.add("GET", URL, sticky=json_reply({"code": 1000, "message": "Internal Error"}, 500))
    for _ in range(2):
        with pytest.raises(Exception):
            first.customers.get("1")
    assert store.window is not None and store.window.kind == "unavailable"
    calls = len(adapter.calls("GET"))
    with pytest.raises(ZohoCircuitOpen):
        second.customers.get("1")
    assert len(adapter.calls("GET")) == calls


def test_a_window_is_never_shortened_by_a_later_shorter_one(clock):
    backoff = Backoff(None, clock=clock)
    backoff.rate_limited(20)
    backoff.rate_limited(2)
    assert backoff.window == Window(clock() + 20, "rate_limited")


@pytest.mark.parametrize("shared", [True, False], ids=["shared store", "one process"])
def test_a_caller_that_read_a_window_before_its_probe_reopened_it_cannot_probe_it_again(clock, store, shared):
    # Two workers read the same passed window; the first probes, meets another 429 and opens a new
    # window; the second, acting on what it read, must not send a second probe of the old one.
    first = Backoff(store if shared else None, clock=clock)
    first.rate_limited(2)
    second = Backoff(store, clock=clock) if shared else first
    clock.advance(2.5)
    passed = store.window if shared else first.window
    probe = first.before_call()
    assert probe == passed
    first.rate_limited(2)  # the probe met a 429: a new window
    assert not second._claim_probe(passed)
    clock.advance(2.5)
    assert second.before_call() is not None  # the new window's own probe
