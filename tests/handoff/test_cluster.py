"""H12 across processes' worth of state: two app instances sharing one Redis (and one database),
ten simultaneous redemptions of one token → exactly one session."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from db.models import AuditEvent
from extensions import db
from services.replay_store import RedisReplayStore
from tests.support.accounts import client_for
from tests.support.handoff_tokens import mint


def test_H12_ten_parallel_redemptions_over_two_instances_sharing_redis_one_session(make_app, redis_url,
                                                                                   demo_customers):
    apps = [make_app(REDIS_URL=redis_url) for _ in range(2)]
    assert all(isinstance(app.extensions["handoff"].replay_store, RedisReplayStore) for app in apps)
    token = mint(customer_id=demo_customers["Müller & Söhne GmbH"].customer_id)
    clients = [client_for(apps[i % 2]) for i in range(10)]
    barrier, statuses = threading.Barrier(10), {}

    def redeem(i: int) -> None:
        barrier.wait()
        statuses[i] = clients[i].get(f"/handoff?token={token}").status_code

    threads = [threading.Thread(target=redeem, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses.values()) == [303] + [400] * 9, statuses
    signed_in = []
    for client in clients:
        with client.session_transaction() as session:
            signed_in.append(bool(session.get("_user_id")))
    assert signed_in.count(True) == 1
    with apps[0].app_context():
        logins = db.session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.event_type == "handoff_login")).scalar()
        reuses = db.session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.event_type == "authn_token_reuse")).scalar()
    assert (logins, reuses) == (1, 9)


def test_H12_two_instances_on_one_database_without_redis_also_one_session(make_app, demo_customers):
    apps = [make_app() for _ in range(2)]
    token = mint(customer_id=demo_customers["Müller & Söhne GmbH"].customer_id)
    clients = [client_for(apps[i % 2]) for i in range(10)]
    barrier, statuses = threading.Barrier(10), []

    def redeem(client) -> None:
        barrier.wait()
        statuses.append(client.get(f"/handoff?token={token}").status_code)

    threads = [threading.Thread(target=redeem, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [303] + [400] * 9, statuses
