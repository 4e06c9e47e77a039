"""Ownership, checked in one place: an id from a URL must be one of the signed-in customer's own.

The read model checks every id against the customer's own id sets (built from lists fetched with
the customer's id) **before** any call that carries the id, so a foreign id never reaches Zoho;
after a detail call it checks the object's ``customer_id`` again. Unknown and foreign ids fail the
same way, and pages turn ``NotOwned`` into a 404 that never confirms the object exists.
"""
from __future__ import annotations

from typing import Collection


class NotOwned(LookupError):
    """The id is not one of the signed-in customer's (or does not exist): a 404, never a 403."""

    def __init__(self, kind: str, object_id: object) -> None:
        # The id stays out of the message: the message may be logged or shown.
        super().__init__(f"no such {kind} for this customer")
        self.kind = kind
        self.object_id = object_id


def require_listed(kind: str, object_id: object, owned_ids: Collection[str]) -> str:
    """``object_id`` when it is in the customer's own ids; NotOwned otherwise (before any detail call)."""
    if not isinstance(object_id, str) or object_id not in owned_ids:
        raise NotOwned(kind, object_id)
    return object_id


def require_customer(kind: str, object_id: str, found_customer_id: str | None, customer_id: str) -> None:
    """Defence in depth after a detail call: the object Zoho returned names this customer."""
    if found_customer_id != customer_id:
        raise NotOwned(kind, object_id)
