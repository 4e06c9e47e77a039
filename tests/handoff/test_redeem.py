"""Redemption: the stateful checks of section H (H12 replay, H17 identity mapping) at the service level."""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, select, text

from db.handoff import UsedHandoffToken
from services.handoff import HandoffRefused, redeem
from services.replay_store import DatabaseReplayStore, RedisReplayStore, build_replay_store
from tests.support import handoff_tokens as tokens
from tests.support.handoff_tokens import make_config
from tests.support.handoff_tokens import mint


@dataclass(frozen=True)
class FakeCustomer:
    customer_id: str
    status: str = "active"


CUSTOMERS = {"100001": FakeCustomer("100001"), "100002": FakeCustomer("100002", "inactive")}


class CountingLookup:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, customer_id: str):
        self.calls.append(customer_id)
        return CUSTOMERS.get(customer_id)


@pytest.fixture
def sqlite_engine(sqlite_database_url):
    """An engine on this test's SQLite database (the replay store's table is empty)."""
    engine = create_engine(sqlite_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(postgres_database_url):
    """An engine on the run's PostgreSQL database, emptied for this test."""
    engine = create_engine(postgres_database_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "redis"])
def store(request, sqlite_engine):
    if request.param == "sqlite":
        return DatabaseReplayStore(lambda: sqlite_engine)
    if request.param == "postgres":
        engine = request.getfixturevalue("postgres_engine")
        return DatabaseReplayStore(lambda: engine)
    return build_replay_store(request.getfixturevalue("redis_url"), engine=lambda: None)


def test_H12_replay_rejected(handoff_config, store):
    token, lookup = mint(), CountingLookup()
    grant = redeem(token, handoff_config, store, lookup)
    assert grant.claims.customer_id == "100001" and grant.customer.status == "active"
    with pytest.raises(HandoffRefused) as caught:
        redeem(token, handoff_config, store, lookup)
    assert caught.value.check == "replay"
    assert lookup.calls == ["100001"]  # a replay costs no Zoho call


def test_H12_ten_parallel_redemptions_one_winner(handoff_config, store):
    token = mint()
    barrier, results = threading.Barrier(10), []

    def attempt():
        barrier.wait()
        try:
            results.append(redeem(token, handoff_config, store, CountingLookup()).claims.jti)
        except HandoffRefused as refusal:
            results.append(refusal.check)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 10
    assert sum(1 for r in results if r != "replay") == 1, results


def test_H12_redis_unavailable_fails_closed(handoff_config, dead_redis_url):
    store = build_replay_store(dead_redis_url, engine=lambda: None)
    assert isinstance(store, RedisReplayStore)
    lookup = CountingLookup()
    with pytest.raises(HandoffRefused) as caught:
        redeem(mint(), handoff_config, store, lookup)
    assert caught.value.check == "replay_store_unavailable"
    assert lookup.calls == []


def test_H12_database_unavailable_fails_closed(handoff_config, tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}")
    with pytest.raises(HandoffRefused) as caught:
        redeem(mint(), handoff_config, DatabaseReplayStore(lambda: engine), CountingLookup())
    assert caught.value.check == "replay_store_unavailable"


def test_H12_redis_key_expires_after_exp_plus_leeway(handoff_config, redis_url):
    import redis

    store = build_replay_store(redis_url, engine=lambda: None)
    grant = redeem(mint(), handoff_config, store, CountingLookup())
    ttl = redis.Redis.from_url(redis_url).ttl("portal:handoff:jti:" + grant.claims.jti)
    assert 60 <= ttl <= 60 + 30 + 1


def test_H12_expired_rows_are_purged(sqlite_engine):
    now = [time.time()]
    store = DatabaseReplayStore(lambda: sqlite_engine, clock=lambda: now[0])
    assert store.claim("a" * 32, int(now[0]) + 90)
    now[0] += 120  # the first row is past its remember-until, and a minute has gone by
    assert store.claim("b" * 32, int(now[0]) + 90)
    with sqlite_engine.connect() as connection:
        assert connection.execute(select(UsedHandoffToken.jti)).scalars().all() == ["b" * 32]


def test_H12_replay_store_refuses_a_reused_jti_in_a_new_token(handoff_config, store):
    jti = uuid.uuid4().hex
    redeem(mint(jti=jti), handoff_config, store, CountingLookup())
    with pytest.raises(HandoffRefused) as caught:
        redeem(mint(jti=jti, dest="invoices"), handoff_config, store, CountingLookup())
    assert caught.value.check == "replay"


def test_H17_unknown_customer_refused(handoff_config, sqlite_engine):
    store = DatabaseReplayStore(lambda: sqlite_engine)
    with pytest.raises(HandoffRefused) as caught:
        redeem(mint(customer_id="999999"), handoff_config, store, CountingLookup())
    assert caught.value.check == "customer_unknown"


def test_H17_inactive_customer_refused(handoff_config, sqlite_engine):
    store = DatabaseReplayStore(lambda: sqlite_engine)
    with pytest.raises(HandoffRefused) as caught:
        redeem(mint(customer_id="100002"), handoff_config, store, CountingLookup())
    assert caught.value.check == "customer_inactive"


def test_bad_signature_never_reaches_the_replay_store_or_zoho(handoff_config, sqlite_engine):
    lookup = CountingLookup()
    with pytest.raises(HandoffRefused):
        redeem(mint(key="y" * 40), handoff_config, DatabaseReplayStore(lambda: sqlite_engine), lookup)
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM used_handoff_tokens")).scalar() == 0
    assert lookup.calls == []
