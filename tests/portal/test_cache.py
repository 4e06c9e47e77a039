"""The in-process billing cache: TTL, single-flight, stale-if-error, immutability, isolation."""
from __future__ import annotations

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from services.cache import (
    BillingCache,
    CacheKey,
    MutableValueError,
    begin_request,
    customer_key,
    ensure_immutable,
    stale_as_of,
)
from services.cache_backends import MemoryBackend
from services.fanout import FanOut
from zoho_client.errors import ZohoBadResponse, ZohoNotFound, ZohoRateLimited, ZohoUnavailable

ORG = "10234695"


class FakeClock:
    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


class Counter:
    """A loader that counts its calls and returns what it is told to."""

    def __init__(self, value=("v",), delay: float = 0.0) -> None:
        self.value = value
        self.delay = delay
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


@pytest.fixture
def clocks():
    return FakeClock(), FakeClock(1_700_000_000.0)


@pytest.fixture
def cache(clocks):
    mono, wall = clocks
    return BillingCache(ORG, ttl=60, stale_max_seconds=3600, clock=mono, wall_clock=wall,
                        backend=MemoryBackend(clock=mono))


@pytest.fixture(autouse=True)
def fresh_request():
    begin_request()


def test_a_fresh_value_is_served_without_calling_the_loader_again(cache):
    loader = Counter(("invoice",))
    key = cache.key("cust-a", "invoices", "unpaid", 1)
    assert cache.get_or_load(key, loader) == ("invoice",)
    assert cache.get_or_load(key, loader) == ("invoice",)
    assert loader.calls == 1


def test_a_value_expires_after_its_ttl(cache, clocks):
    mono, _ = clocks
    loader = Counter()
    key = cache.key("cust-a", "invoices")
    cache.get_or_load(key, loader)
    mono.now += 59
    cache.get_or_load(key, loader)
    assert loader.calls == 1
    mono.now += 2
    cache.get_or_load(key, loader)
    assert loader.calls == 2


def test_org_keys_live_ten_minutes_by_default(cache, clocks):
    mono, _ = clocks
    loader = Counter()
    key = cache.org_key("plans")
    cache.get_or_load(key, loader)
    mono.now += 599
    cache.get_or_load(key, loader)
    assert loader.calls == 1
    mono.now += 2
    cache.get_or_load(key, loader)
    assert loader.calls == 2


def test_twenty_concurrent_misses_make_one_load():
    cache = BillingCache(ORG)
    loader = Counter(("slow",), delay=0.3)
    key = cache.key("cust-a", "invoice", "1")
    barrier = threading.Barrier(20)

    def request():
        barrier.wait()
        return cache.get_or_load(key, loader)

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda _: request(), range(20)))
    assert loader.calls == 1
    assert results == [("slow",)] * 20


def test_concurrent_misses_on_different_keys_load_in_parallel():
    cache = BillingCache(ORG)
    # Each load waits until all five are loading: loads queued behind one another would break the barrier.
    all_loading = threading.Barrier(5)
    loader = Counter(("x",))

    def load():
        all_loading.wait(timeout=30)
        return loader()

    with ThreadPoolExecutor(5) as pool:
        list(pool.map(lambda i: cache.get_or_load(cache.key("cust-a", "r", i), load), range(5)))
    assert loader.calls == 5


def test_waiters_share_the_leaders_failure_and_fall_back_to_stale(cache, clocks):
    mono, wall = clocks
    key = cache.key("cust-a", "summary")
    cache.get_or_load(key, Counter(("old",)))
    mono.now += 61
    failing = Counter(ZohoUnavailable("down"), delay=0.2)
    barrier = threading.Barrier(10)

    def request():
        begin_request()
        barrier.wait()
        return cache.get_or_load(key, failing), stale_as_of()

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda _: request(), range(10)))
    assert failing.calls == 1
    assert {value for value, _ in results} == {("old",)}
    assert {moment for _, moment in results} == {datetime.fromtimestamp(wall.now, timezone.utc)}


@pytest.mark.parametrize("error", [ZohoUnavailable("down"), ZohoRateLimited("slow down"), ZohoBadResponse("garbled")])
def test_zoho_unavailability_serves_the_last_good_value_with_its_moment(cache, clocks, error):
    mono, wall = clocks
    key = cache.key("cust-a", "invoices", "all", 1)
    fetched_at = wall.now
    cache.get_or_load(key, Counter(("good",)))
    mono.now += 120
    wall.now += 120
    assert stale_as_of() is None
    assert cache.get_or_load(key, Counter(error)) == ("good",)
    assert stale_as_of() == datetime.fromtimestamp(fetched_at, timezone.utc)


def test_the_as_of_notice_belongs_to_one_request(cache, clocks):
    mono, _ = clocks
    key = cache.key("cust-a", "summary")
    cache.get_or_load(key, Counter(("good",)))
    mono.now += 61
    cache.get_or_load(key, Counter(ZohoUnavailable("down")))
    assert stale_as_of() is not None
    begin_request()
    assert stale_as_of() is None


def test_the_as_of_notice_reaches_the_request_from_the_fan_out_threads(cache, clocks):
    mono, wall = clocks
    fetched_at = datetime.fromtimestamp(wall.now, timezone.utc)
    summary, invoices = cache.key("cust-a", "summary"), cache.key("cust-a", "invoices")
    cache.get_or_load(summary, Counter(("good",)))
    mono.now += 61
    threads: list[str] = []

    def in_the_pool(key, loader):
        threads.append(threading.current_thread().name)
        return cache.get_or_load(key, loader)

    pool = FanOut(max_workers=2)
    try:
        results = pool.all({"summary": lambda: in_the_pool(summary, Counter(ZohoUnavailable("down"))),
                            "invoices": lambda: in_the_pool(invoices, Counter(("fresh",)))})
    finally:
        pool.shutdown()
    assert results == {"summary": ("good",), "invoices": ("fresh",)}
    assert len(threads) == 2 and all(name.startswith("billing-fanout") for name in threads)  # not run inline
    assert stale_as_of() == fetched_at


def test_a_cold_cache_reraises_the_outage(cache):
    with pytest.raises(ZohoUnavailable):
        cache.get_or_load(cache.key("cust-a", "summary"), Counter(ZohoUnavailable("down")))
    assert stale_as_of() is None


def test_last_good_data_older_than_the_stale_window_is_not_served(cache, clocks):
    mono, wall = clocks
    key = cache.key("cust-a", "summary")
    cache.get_or_load(key, Counter(("ancient",)))
    mono.now += 3601
    wall.now += 3601
    with pytest.raises(ZohoUnavailable):
        cache.get_or_load(key, Counter(ZohoUnavailable("down")))


def test_a_business_error_is_never_papered_over_with_stale_data(cache, clocks):
    mono, _ = clocks
    key = cache.key("cust-a", "invoice", "1")
    cache.get_or_load(key, Counter(("was there",)))
    mono.now += 61
    with pytest.raises(ZohoNotFound):
        cache.get_or_load(key, Counter(ZohoNotFound("gone")))


def test_a_failed_load_is_not_cached(cache):
    key = cache.key("cust-a", "summary")
    with pytest.raises(ZohoUnavailable):
        cache.get_or_load(key, Counter(ZohoUnavailable("down")))
    assert cache.get_or_load(key, Counter(("back",))) == ("back",)


@dataclass(frozen=True)
class FrozenRow:
    amount: object


@dataclass
class LooseRow:
    amount: int


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, {1}, FrozenRow([1]), LooseRow(1), (FrozenRow({}),), bytearray(b"x")])
def test_mutable_values_are_refused(cache, value):
    key = cache.key("cust-a", "x")
    with pytest.raises(MutableValueError):
        cache.get_or_load(key, lambda: value)
    # Nothing was stored: the next load runs.
    assert cache.get_or_load(key, Counter(("ok",))) == ("ok",)


def test_frozen_values_all_the_way_down_are_accepted():
    from datetime import date
    from decimal import Decimal

    ensure_immutable((FrozenRow(Decimal("1.10")), FrozenRow((date(2026, 1, 1), "x", None, frozenset({1})))))


def test_keys_always_name_the_organization_and_the_customer(cache):
    key = cache.key("cust-a", "invoices", "unpaid", 2)
    assert str(key) == f"{ORG}:cust:cust-a:invoices:unpaid:2"
    assert str(cache.org_key("plans")) == f"{ORG}:org:plans"
    with pytest.raises(ValueError):
        cache.key("", "invoices")
    with pytest.raises(ValueError):
        cache.key(None, "invoices")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cache.get_or_load(f"{ORG}:cust:cust-a:invoices", Counter())  # type: ignore[arg-type]


def test_keys_cannot_collide_by_smuggling_separators(cache):
    assert str(cache.key("a:b", "c")) != str(cache.key("a", "b:c"))
    assert str(cache.key("a", "b", "c:d")) != str(cache.key("a", "b:c", "d"))
    assert str(customer_key("1", "a", "x")) != str(customer_key("2", "a", "x"))


def test_one_customers_entry_never_serves_another(cache):
    cache.get_or_load(cache.key("cust-a", "invoice", "42"), Counter(("A's invoice",)))
    b_loader = Counter(("B's answer",))
    assert cache.get_or_load(cache.key("cust-b", "invoice", "42"), b_loader) == ("B's answer",)
    assert b_loader.calls == 1


def test_invalidate_customer_drops_only_that_customer(cache):
    a, b = Counter(("a",)), Counter(("b",))
    for loader, customer in ((a, "cust-a"), (b, "cust-b")):
        cache.get_or_load(cache.key(customer, "invoices"), loader)
        cache.get_or_load(cache.key(customer, "subscriptions"), loader)
    cache.invalidate_customer("cust-a")
    for loader, customer in ((a, "cust-a"), (b, "cust-b")):
        cache.get_or_load(cache.key(customer, "invoices"), loader)
        cache.get_or_load(cache.key(customer, "subscriptions"), loader)
    assert a.calls == 4
    assert b.calls == 2


def test_invalidate_one_resource_keeps_the_others(cache):
    invoices, subscriptions, invoice_detail = Counter(), Counter(), Counter()
    cache.get_or_load(cache.key("cust-a", "invoices", "all", 1), invoices)
    cache.get_or_load(cache.key("cust-a", "invoices", "unpaid", 1), invoices)
    cache.get_or_load(cache.key("cust-a", "invoicesx"), invoice_detail)
    cache.get_or_load(cache.key("cust-a", "subscriptions"), subscriptions)
    cache.invalidate("cust-a", "invoices")
    cache.get_or_load(cache.key("cust-a", "invoices", "all", 1), invoices)
    cache.get_or_load(cache.key("cust-a", "invoices", "unpaid", 1), invoices)
    cache.get_or_load(cache.key("cust-a", "invoicesx"), invoice_detail)
    cache.get_or_load(cache.key("cust-a", "subscriptions"), subscriptions)
    assert (invoices.calls, invoice_detail.calls, subscriptions.calls) == (4, 1, 1)


def test_a_load_that_raced_an_invalidation_is_not_stored(cache):
    key = cache.key("cust-a", "invoices")
    started, release = threading.Event(), threading.Event()

    def slow_old_read():
        started.set()
        release.wait(5)
        return ("before the payment",)

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(cache.get_or_load, key, slow_old_read)
        started.wait(5)
        cache.invalidate_customer("cust-a")
        release.set()
        assert pending.result() == ("before the payment",)
    assert cache.get_or_load(key, Counter(("after the payment",))) == ("after the payment",)


def test_the_stale_store_is_bounded(clocks):
    mono, wall = clocks
    backend = MemoryBackend(fresh_max_entries=10, stale_max_entries=10, clock=mono)
    cache = BillingCache(ORG, backend=backend, clock=mono, wall_clock=wall)
    for i in range(100):
        cache.get_or_load(cache.key(f"cust-{i}", "summary"), Counter((i,)))
    assert len(backend) <= 10
    mono.now += 61
    # Only the ten most recent customers still have a last-good copy.
    with pytest.raises(ZohoUnavailable):
        cache.get_or_load(cache.key("cust-0", "summary"), Counter(ZohoUnavailable("down")))
    assert cache.get_or_load(cache.key("cust-99", "summary"), Counter(ZohoUnavailable("down"))) == (99,)


def test_fifty_threads_of_mixed_operations_raise_nothing():
    """Checklist U 36: 50 threads x 10k mixed get/set/expire/invalidate operations."""
    backend = MemoryBackend(fresh_max_entries=200, stale_max_entries=200)
    cache = BillingCache(ORG, ttl=0.002, stale_max_seconds=1, backend=backend)
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(10_000):
                customer = f"c{rng.randrange(20)}"
                roll = rng.random()
                key = cache.key(customer, "r", rng.randrange(30))
                # A reader that joins a failing load shares its outage: that is single-flight, not a bug.
                if roll < 0.80:
                    try:
                        assert cache.get_or_load(key, lambda: (customer,)) == (customer,)
                    except ZohoUnavailable:
                        pass
                elif roll < 0.90:
                    try:
                        cache.get_or_load(key, _raise_unavailable)
                    except ZohoUnavailable:
                        pass
                elif roll < 0.95:
                    cache.invalidate(customer, "r")
                else:
                    cache.invalidate_customer(customer)
        except BaseException as error:  # collected, so that the assertion names it
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _raise_unavailable():
    raise ZohoUnavailable("down")


def test_a_waiter_gives_up_after_the_wait_timeout_and_serves_stale(clocks):
    cache = BillingCache(ORG, ttl=0.01, wait_timeout=0.2)
    key = cache.key("cust-a", "summary")
    cache.get_or_load(key, Counter(("old",)))
    time.sleep(0.02)
    loading, hang = threading.Event(), threading.Event()

    def stuck_load():
        loading.set()
        hang.wait(5)
        return ("new",)

    with ThreadPoolExecutor(2) as pool:
        leader = pool.submit(cache.get_or_load, key, stuck_load)
        assert loading.wait(30)  # the leader holds the load: the next reader must wait for it
        waiter = pool.submit(_in_request, cache.get_or_load, key, Counter(("never",)))
        value, as_of = waiter.result(timeout=30)
        hang.set()
        leader.result()
    assert value == ("old",)
    assert as_of is not None


def _in_request(function, *args):
    begin_request()
    return function(*args), stale_as_of()


def test_an_unreachable_redis_falls_back_to_in_process_and_logs_once(caplog):
    import redis

    from services.cache_redis import RedisBackend

    dead = redis.Redis(host="127.0.0.1", port=1, socket_timeout=0.2, socket_connect_timeout=0.2)
    cache = BillingCache(ORG, backend=RedisBackend(dead))
    loader = Counter(("page",))
    with caplog.at_level(logging.ERROR, logger="services.cache"):
        for _ in range(5):
            assert cache.get_or_load(cache.key("cust-a", "summary"), loader) == ("page",)
    assert loader.calls == 1  # the in-process fallback cached it
    assert cache.backend_name == "MemoryBackend"
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1


def test_cachekey_is_the_only_key_type():
    assert isinstance(customer_key(ORG, "c", "r"), CacheKey)


def test_a_recording_notes_every_value_read_also_in_fan_out_threads(cache):
    customer, invoices, cards = (cache.key("cust-a", r) for r in ("customer", "invoices", "cards"))
    cache.get_or_load(customer, Counter(("acme",)))
    pool = FanOut(max_workers=2)
    try:
        with cache.recording() as reads:
            cache.peek(customer)
            pool.all({"invoices": lambda: cache.get_or_load(invoices, Counter(("inv",))),
                      "cards": lambda: cache.get_or_load(cards, Counter(("card",)))})
    finally:
        pool.shutdown()
    assert reads.values == {str(customer): ("acme",), str(invoices): ("inv",), str(cards): ("card",)}
    assert cache.unchanged(reads)


def test_what_was_read_is_unchanged_until_an_entry_is_invalidated_reloaded_or_expires(cache, clocks):
    mono, _ = clocks
    customer, invoices = cache.key("cust-a", "customer"), cache.key("cust-a", "invoices")
    with cache.recording() as reads:
        cache.get_or_load(customer, Counter(("acme",)))
        cache.get_or_load(invoices, Counter(("inv",)))
    assert cache.unchanged(reads)
    cache.invalidate("cust-a", "invoices")
    assert not cache.unchanged(reads)  # gone
    cache.get_or_load(invoices, Counter(tuple(["inv"])))
    assert not cache.unchanged(reads)  # an equal value, but loaded again: another object
    with cache.recording() as again:
        cache.peek_many([customer, invoices])
    assert cache.unchanged(again)
    mono.now += 61
    assert not cache.unchanged(again)  # expired


def test_a_computation_that_read_last_good_data_is_never_reused(cache, clocks):
    mono, _ = clocks
    key = cache.key("cust-a", "invoices")
    cache.get_or_load(key, Counter(("good",)))
    mono.now += 61
    with cache.recording() as reads:
        assert cache.get_or_load(key, Counter(ZohoUnavailable("down"))) == ("good",)
    assert reads.stale and not cache.unchanged(reads)


def test_an_inner_recording_also_counts_for_the_outer_one(cache):
    customer, invoices = cache.key("cust-a", "customer"), cache.key("cust-a", "invoices")
    with cache.recording() as outer:
        cache.get_or_load(customer, Counter(("acme",)))
        with cache.recording() as inner:
            cache.get_or_load(invoices, Counter(("inv",)))
    assert set(inner.values) == {str(invoices)}
    assert set(outer.values) == {str(customer), str(invoices)}
