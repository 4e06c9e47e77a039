"""Work that must happen only once the request's transaction commits, and never if it rolls back:
sending the mail that carries a new link, waking the webhook worker for an event just recorded.

Callbacks wait in the session's ``info`` (so the pipeline's one commit also covers them) and run
right after a commit; a rollback drops them (and tells ``on_rollback``, when given).
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from extensions import db

_WAITING = "portal_after_commit"


def after_commit(callback: Callable[[], None], on_rollback: Callable[[], None] | None = None) -> None:
    db.session.info.setdefault(_WAITING, []).append((callback, on_rollback))


@event.listens_for(Session, "after_commit")
def _run_waiting(session: Session) -> None:
    for callback, _ in session.info.pop(_WAITING, []):
        callback()


@event.listens_for(Session, "after_rollback")
def _drop_waiting(session: Session) -> None:
    for _, on_rollback in session.info.pop(_WAITING, []):
        if on_rollback is not None:
            on_rollback()
