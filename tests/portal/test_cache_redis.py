"""The billing cache over a real Redis: shared values, cluster single-flight, stale store, invalidation."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.cache import BillingCache, begin_request, stale_as_of
from services.cache_redis import FORMAT_VERSION, NAMESPACE, RedisBackend
from tests.portal.test_cache import ORG, Counter
from zoho_client.errors import ZohoUnavailable


@pytest.fixture(autouse=True)
def fresh_request():
    begin_request()


def two_workers(redis_client, **kwargs):
    """Two caches as two gunicorn workers would have: separate processes' state, one Redis."""
    return (BillingCache(ORG, backend=RedisBackend(redis_client), **kwargs),
            BillingCache(ORG, backend=RedisBackend(redis_client), **kwargs))


def test_a_value_stored_by_one_worker_is_served_by_another(redis_client):
    first, second = two_workers(redis_client)
    loader = Counter(("shared",))
    key = first.key("cust-a", "summary")
    assert first.get_or_load(key, loader) == ("shared",)
    assert second.get_or_load(second.key("cust-a", "summary"), loader) == ("shared",)
    assert loader.calls == 1
    assert first.backend_name == "RedisBackend"


def test_twenty_concurrent_misses_across_two_workers_make_one_load(redis_client):
    workers = two_workers(redis_client)
    loader = Counter(("once",), delay=0.3)
    barrier = threading.Barrier(20)

    def request(i):
        cache = workers[i % 2]
        barrier.wait()
        return cache.get_or_load(cache.key("cust-a", "invoice", "7"), loader)

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(request, range(20)))
    assert loader.calls == 1
    assert results == [("once",)] * 20


def test_values_expire_after_their_ttl(redis_client):
    cache = BillingCache(ORG, ttl=0.2, backend=RedisBackend(redis_client))
    loader = Counter()
    key = cache.key("cust-a", "invoices")
    cache.get_or_load(key, loader)
    cache.get_or_load(key, loader)
    time.sleep(0.3)
    cache.get_or_load(key, loader)
    assert loader.calls == 2


def test_the_last_good_value_in_redis_is_served_when_zoho_fails(redis_client):
    first, second = two_workers(redis_client, ttl=0.1, stale_max_seconds=60)
    first.get_or_load(first.key("cust-a", "summary"), Counter(("good",)))
    time.sleep(0.2)
    # Another worker, with nothing in its own memory, serves the shared last-good copy.
    assert second.get_or_load(second.key("cust-a", "summary"), Counter(ZohoUnavailable("down"))) == ("good",)
    assert stale_as_of() is not None


def test_waiting_workers_fail_fast_when_the_holders_load_fails(redis_client):
    first, second = two_workers(redis_client)
    failing = Counter(ZohoUnavailable("down"), delay=0.3)
    never = Counter(("never",))
    with ThreadPoolExecutor(2) as pool:
        holder = pool.submit(first.get_or_load, first.key("cust-a", "summary"), failing)
        time.sleep(0.05)
        waiter = pool.submit(second.get_or_load, second.key("cust-a", "summary"), never)
        with pytest.raises(ZohoUnavailable):
            holder.result()
        with pytest.raises(ZohoUnavailable):
            waiter.result()
    assert (failing.calls, never.calls) == (1, 0)


def test_invalidation_by_one_worker_reaches_all(redis_client):
    first, second = two_workers(redis_client)
    a_invoices, a_subs, b_invoices = Counter(), Counter(), Counter()
    first.get_or_load(first.key("cust-a", "invoices", "all", 1), a_invoices)
    first.get_or_load(first.key("cust-a", "subscriptions"), a_subs)
    first.get_or_load(first.key("cust-b", "invoices", "all", 1), b_invoices)
    second.invalidate("cust-a", "invoices")
    first.get_or_load(first.key("cust-a", "invoices", "all", 1), a_invoices)
    first.get_or_load(first.key("cust-a", "subscriptions"), a_subs)
    first.get_or_load(first.key("cust-b", "invoices", "all", 1), b_invoices)
    assert (a_invoices.calls, a_subs.calls, b_invoices.calls) == (2, 1, 1)
    second.invalidate_customer("cust-a")
    first.get_or_load(first.key("cust-a", "subscriptions"), a_subs)
    assert a_subs.calls == 2


def test_values_are_pickled_behind_a_format_version(redis_client):
    cache = BillingCache(ORG, backend=RedisBackend(redis_client))
    key = cache.key("cust-a", "summary")
    cache.get_or_load(key, Counter(("v1",)))
    raw = redis_client.get(f"{NAMESPACE}fresh:{key}")
    assert raw.startswith(FORMAT_VERSION)
    # An entry written by an older release (another prefix) is a miss, never unpickled.
    redis_client.set(f"{NAMESPACE}fresh:{key}", b"pbc0:" + raw[len(FORMAT_VERSION):])
    loader = Counter(("reloaded",))
    assert cache.get_or_load(key, loader) == ("reloaded",)
    assert loader.calls == 1


def test_customer_keys_in_redis_carry_org_and_customer(redis_client):
    cache = BillingCache(ORG, backend=RedisBackend(redis_client))
    cache.get_or_load(cache.key("cust-a", "invoices", "unpaid", 1), Counter())
    names = {k.decode() for k in redis_client.scan_iter(match=f"{NAMESPACE}fresh:{ORG}:*")}
    assert names == {f"{NAMESPACE}fresh:{ORG}:cust:cust-a:invoices:unpaid:1"}


def test_warm_reads_are_one_mget_and_reuse_decoded_values(redis_client):
    cache = BillingCache(ORG, backend=RedisBackend(redis_client))
    keys = [cache.key("cust-a", "r", i) for i in range(3)]
    for i, key in enumerate(keys):
        cache.get_or_load(key, Counter((i,)))
    first = cache.peek_many(keys + [cache.key("cust-a", "missing")])
    assert first == [(0,), (1,), (2,), None]
    # The same bytes in Redis: the very same objects, not fresh unpickled copies.
    assert all(a is b for a, b in zip(first[:3], cache.peek_many(keys)))
    # Another worker replaced one value: its new bytes are decoded.
    other = BillingCache(ORG, backend=RedisBackend(redis_client))
    other.invalidate("cust-a", "r")
    other.get_or_load(keys[0], Counter(("new",)))
    assert cache.peek_many(keys[:1]) == [("new",)]


def test_the_app_uses_redis_when_redis_url_is_set(make_app, redis_url):
    with_redis, without = make_app(REDIS_URL=redis_url), make_app()
    assert with_redis.extensions["billing"].cache.backend_name == "RedisBackend"
    assert without.extensions["billing"].cache.backend_name == "MemoryBackend"


def test_twenty_requests_over_two_instances_make_one_upstream_call(redis_client, zoho, sandbox, demo_customers):
    """Checklist U 36 across processes: two app instances sharing Redis, 20 parallel cold reads of one
    invoice → one GET /invoices/{id} in the sandbox's call log."""
    from services.billing import CustomerBilling
    from services.fanout import FanOut

    customer = demo_customers["Northwind Traders"]
    org = sandbox.ORGANIZATION_ID
    BillingCache(org, backend=RedisBackend(redis_client)).invalidate_customer(customer.customer_id)
    instances = [CustomerBilling(customer.customer_id, zoho, BillingCache(org, backend=RedisBackend(redis_client)),
                                 FanOut()) for _ in range(2)]
    invoice_id = instances[0].invoices().items[0].invoice_id
    instances[0]._cache.forget(instances[0]._cache.key(customer.customer_id, "invoices", "detail", invoice_id))
    sandbox.set_latency(150)
    sandbox.clear_calls()
    barrier = threading.Barrier(20)

    def request(i):
        barrier.wait()
        return instances[i % 2].invoice(invoice_id)

    try:
        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(request, range(20)))
    finally:
        sandbox.set_latency(0)
        BillingCache(org, backend=RedisBackend(redis_client)).invalidate_customer(customer.customer_id)
    assert {r.invoice_id for r in results} == {invoice_id}
    assert sandbox.calls()["counts"] == {"GET /billing/v1/invoices/{invoice_id}": 1}


def test_a_warm_signed_in_home_is_one_redis_round_trip(make_app, signed_in, redis_url, monkeypatch):
    """The session check and every cache read of a warm Home travel together (one command: a script)."""
    import redis

    client = signed_in(client_app=make_app(REDIS_URL=redis_url))
    for _ in range(2):
        assert client.get("/").status_code == 200  # warm: loaded, and decoded in this process
    trips = []
    real_command, real_execute = redis.Redis.execute_command, redis.client.Pipeline.execute
    monkeypatch.setattr(redis.Redis, "execute_command",
                        lambda self, *args, **kw: trips.append(args[0]) or real_command(self, *args, **kw))
    monkeypatch.setattr(redis.client.Pipeline, "execute",
                        lambda self, *args, **kw: trips.append("pipeline") or real_execute(self, *args, **kw))
    assert client.get("/").status_code == 200
    assert trips == ["EVALSHA"]
