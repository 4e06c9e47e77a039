"""Invalidations that reach every worker when each keeps its own cache (no ``REDIS_URL``).

An invalidation bumps the owner's row in ``cache_generations`` (the customer's, or the
organization's), in the transaction that commits the request's (or the webhook worker's) work. A
worker learns the current generations of a customer with that customer's next signed-in request, in
the same keyed lookup as the session check (``services/sessions.py``), and drops its own copies when
they moved (``BillingCache.observe``). So a webhook received by one worker, or a payment made on
another, shows on every worker's next page, without a query of its own.

The bump waits for the commit, and survives a rollback: a write that failed still invalidated
(Zoho may have changed), and the pipeline commits its audit row after a rollback.
"""
from __future__ import annotations

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from db.shared import CacheGeneration
from extensions import db

PENDING = "portal_cache_generations"


class DatabaseBus:
    def publish(self, scope: str) -> None:
        if has_app_context():
            db.session.info.setdefault(PENDING, set()).add(scope)


def _upsert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


@event.listens_for(Session, "before_commit")
def _bump_generations(session: Session) -> None:
    scopes = session.info.pop(PENDING, None)
    if not scopes:
        return
    table = CacheGeneration.__table__
    insert = _upsert(session.get_bind().dialect.name)
    for scope in sorted(scopes):  # one order everywhere: two transactions never wait on each other
        statement = insert(table).values(scope=scope, generation=1)
        session.execute(statement.on_conflict_do_update(index_elements=[table.c.scope],
                                                        set_={"generation": table.c.generation + 1}))
