from __future__ import annotations

from typing import Any, Iterator, Mapping, Sequence

from .errors import ZohoBadResponse, ZohoValidationError
from .models import Note, Subscription
from .pagination import MAX_PER_PAGE, Page
from .resource import Resource

ONE = "/subscriptions/{subscription_id}"

# Zoho's list defaults to SubscriptionStatus.LIVE, which hides cancelled, trial, future and
# non-renewing subscriptions from a customer's own portal; ask for all of them unless told otherwise.
ALL_STATUSES = "SubscriptionStatus.All"

PlanSpec = str | Mapping[str, Any]
AddonSpec = str | Mapping[str, Any]


def plan_body(plan: PlanSpec) -> dict[str, Any]:
    return {"plan_code": plan} if isinstance(plan, str) else dict(plan)


def addons_body(addons: Sequence[AddonSpec]) -> list[dict[str, Any]]:
    return [{"addon_code": a} if isinstance(a, str) else dict(a) for a in addons]


class SubscriptionsResource(Resource):
    def list(self, *, customer_id: str | None = None, filter_by: str | None = ALL_STATUSES, page: int = 1,
             per_page: int = MAX_PER_PAGE, **params: Any) -> Page[Subscription]:
        return self._page("/subscriptions", "subscriptions", Subscription.from_api, page=page, per_page=per_page,
                          params={"customer_id": customer_id, "filter_by": filter_by, **params})

    def iter_all(self, *, per_page: int = MAX_PER_PAGE, **filters: Any) -> Iterator[Subscription]:
        return self._all(lambda n: self.list(page=n, per_page=per_page, **filters))

    def get(self, subscription_id: str) -> Subscription:
        payload = self._call("GET", ONE, path_params={"subscription_id": subscription_id})
        return self._one(payload, "subscription", Subscription.from_api)

    def create(self, *, plan: PlanSpec, customer_id: str | None = None, customer: Mapping[str, Any] | None = None,
               addons: Sequence[AddonSpec] | None = None, coupon_code: str | None = None,
               **fields: Any) -> Subscription:
        """Create a subscription (POST, never retried automatically)."""
        if (customer_id is None) == (customer is None):
            raise ValueError("pass exactly one of customer_id or customer")
        body: dict[str, Any] = {"plan": plan_body(plan), **fields}
        if customer_id is not None:
            body["customer_id"] = customer_id
        else:
            body["customer"] = dict(customer or {})
        if addons is not None:
            body["addons"] = addons_body(addons)
        if coupon_code is not None:
            body["coupon_code"] = coupon_code
        payload = self._call("POST", "/subscriptions", json=body)
        return self._one(payload, "subscription", Subscription.from_api)

    def update(self, subscription_id: str, *, plan: PlanSpec | None = None,
               addons: Sequence[AddonSpec] | None = None, end_of_term: bool | None = None,
               coupon_code: str | None = None, **fields: Any) -> Subscription:
        """Change plan, quantity or addons (``addons`` is the full desired list; omit one to drop it).

        ``end_of_term=True`` defers the change to the renewal (see ``scheduled_changes``).
        """
        body: dict[str, Any] = dict(fields)
        if plan is not None:
            body["plan"] = plan_body(plan)
        if addons is not None:
            body["addons"] = addons_body(addons)
        if end_of_term is not None:
            body["end_of_term"] = end_of_term
        if coupon_code is not None:
            body["coupon_code"] = coupon_code
        payload = self._call("PUT", ONE, path_params={"subscription_id": subscription_id}, json=body)
        return self._one(payload, "subscription", Subscription.from_api)

    def cancel(self, subscription_id: str, at_end: bool) -> Subscription:
        """Cancel now (``at_end=False``) or at the end of the current term (``at_end=True``)."""
        if not isinstance(at_end, bool):
            raise TypeError("at_end must be True or False")
        payload = self._call("POST", ONE + "/cancel", path_params={"subscription_id": subscription_id},
                             params={"cancel_at_end": at_end})
        return self._one(payload, "subscription", Subscription.from_api)

    def reactivate(self, subscription_id: str) -> Subscription:
        """Undo a cancellation scheduled for the end of the term (only from ``non_renewing``)."""
        payload = self._call("POST", ONE + "/reactivate", path_params={"subscription_id": subscription_id})
        return self._one(payload, "subscription", Subscription.from_api)

    def add_note(self, subscription_id: str, description: str) -> Note:
        payload = self._call("POST", ONE + "/notes", path_params={"subscription_id": subscription_id},
                             json={"description": description})
        return _note_from(payload)

    def scheduled_changes(self, subscription_id: str) -> Subscription | None:
        """The subscription as it will be after its pending end-of-term change, or None if none is pending."""
        try:
            payload = self._call("GET", ONE + "/scheduledchanges", path_params={"subscription_id": subscription_id})
        except ZohoValidationError:
            # Zoho documents no reply for "nothing pending"; the id is valid (an unknown one is
            # ZohoNotFound), so a refusal of this read means there is nothing to show.
            return None
        value = payload.get("subscription")
        if value in (None, "", {}):
            return None
        return self._one(payload, "subscription", Subscription.from_api)

    def delete_scheduled_changes(self, subscription_id: str) -> None:
        self._call("DELETE", ONE + "/scheduledchanges", path_params={"subscription_id": subscription_id})


def _note_from(payload: Mapping[str, Any]) -> Note:
    note = payload.get("note")
    # Zoho's spec shows {"note": {"notes": [ … ]}}; accept a bare note object as well.
    if isinstance(note, Mapping) and isinstance(note.get("notes"), list) and note["notes"]:
        return Note.from_api(note["notes"][-1])
    if isinstance(note, Mapping) and note.get("note_id"):
        return Note.from_api(note)
    raise ZohoBadResponse("Zoho's add-note reply has no note")
