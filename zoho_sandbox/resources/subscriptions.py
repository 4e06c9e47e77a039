"""Subscriptions (zoho-billing-api.md §4.5): list (default filter ``SubscriptionStatus.LIVE``), get,
create, update, cancel, reactivate, notes and scheduled changes. Missing ids are 404/1002."""
from __future__ import annotations

from datetime import date

from ..core import RequestContext, api, ok, options, read_json_body
from ..domain import errors, fields, lifecycle, serialize
from ..domain.models import Subscription
from . import listing
from ..domain.customers import create_customer

STATUS_FILTERS = {
    "All": None,
    "ACTIVE": ("live", "non_renewing", "trial", "dunning", "unpaid", "future"),
    "LIVE": ("live",),
    "FUTURE": ("future",),
    "TRIAL": ("trial",),
    "PAST_DUE": ("dunning",),
    "UNPAID": ("unpaid",),
    "NON_RENEWING": ("non_renewing",),
    "CANCELLED": ("cancelled", "cancelled_from_dunning"),
    "CANCELLED_FROM_DUNNING": ("cancelled_from_dunning",),
    "EXPIRED": ("expired",),
    "TRIAL_EXPIRED": ("trial_expired",),
    "CREATION_FAILED": ("creation_failed",),
    "IN_PROGRESS": ("live", "non_renewing", "dunning"),
}
FILTERS = tuple(f"SubscriptionStatus.{k}" for k in STATUS_FILTERS) + (
    "SubscriptionStatus.CANCELLED_THIS_MONTH", "SubscriptionStatus.CANCELLED_LAST_MONTH",
    "SubscriptionMode.ONLINE", "SubscriptionMode.OFFLINE")
SORT_COLUMNS = {
    "created_time": lambda store, s: s.created_time,
    "activated_at": lambda store, s: s.activated_at or date.min,
    "next_billing_at": lambda store, s: s.next_billing_at or date.max,
    "customer_name": lambda store, s: listing.text_key(store.customers[s.customer_id].display_name),
    "name": lambda store, s: listing.text_key(s.plan.name),
    "amount": lambda store, s: serialize.pricing.amounts(store, s)[2],
    "status": lambda store, s: s.status,
}


def _month_start(day: date, months_back: int) -> date:
    from ..domain.dates import add_months

    return add_months(day.replace(day=1), -months_back)


def _matches(store, sub: Subscription, filter_by: str) -> bool:
    group, value = filter_by.split(".", 1)
    if group == "SubscriptionMode":
        return sub.auto_collect == (value == "ONLINE")
    if value in ("CANCELLED_THIS_MONTH", "CANCELLED_LAST_MONTH"):
        if sub.cancelled_at is None or sub.status not in ("cancelled", "cancelled_from_dunning"):
            return False
        this_month = _month_start(store.today(), 0)
        if value == "CANCELLED_THIS_MONTH":
            return sub.cancelled_at >= this_month
        return _month_start(store.today(), 1) <= sub.cancelled_at < this_month
    statuses = STATUS_FILTERS[value]
    return statuses is None or sub.status in statuses


@api.route("/subscriptions", ["GET"], scope="subscriptions.READ")
def list_subscriptions(ctx: RequestContext, request):
    # Without filter_by Zoho lists only live subscriptions (recorded): clients must ask for All.
    query = listing.parse(request, filters=FILTERS, default_filter="SubscriptionStatus.LIVE",
                          sort_columns=SORT_COLUMNS, default_sort="created_time")
    customer_id = request.args.get("customer_id")
    plan_code = request.args.get("plan_code")
    reference = request.args.get("reference_contains") or request.args.get("reference_id")
    search = (request.args.get("search_text") or "").casefold()
    with ctx.store.transaction() as store:
        candidates = listing.of_customer(store, customer_id, "subscriptions", store.subscriptions)
        rows = [s for s in candidates
                if _matches(store, s, query.filter_by)
                and (not plan_code or s.plan.code == plan_code)
                and (not reference or reference.casefold() in s.reference_id.casefold())
                and (not search or search in store.customers[s.customer_id].display_name.casefold()
                     or search in s.plan.name.casefold())]
        key = SORT_COLUMNS[query.sort_column]
        rows = listing.sort(rows, lambda s: key(store, s), query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(subscriptions=[serialize.subscription(store, s, full=False) for s in chunk], page_context=context)


@api.route("/subscriptions/<subscription_id>", ["GET"], scope="subscriptions.READ")
def get_subscription(ctx: RequestContext, request, subscription_id: str):
    with ctx.store.transaction() as store:
        return ok(subscription=serialize.subscription(store, store.get_subscription(subscription_id)))


@api.route("/subscriptions", ["POST"], scope="subscriptions.CREATE")
def create_subscription(ctx: RequestContext, request):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        customer_id = fields.ident(body, "customer_id")
        new_customer = fields.obj(body, "customer")
        if customer_id:
            customer = store.get_customer(customer_id)
        elif new_customer is not None:
            # Validate the plan before creating a customer so a bad body leaves nothing behind.
            plan_code = fields.ident(fields.obj(body, "plan") or {}, "plan_code")
            if not plan_code:
                raise errors.missing_field("plan_code")
            store.get_plan(plan_code)
            customer = create_customer(store, new_customer)
        else:
            raise errors.missing_field("customer_id")
        sub, _ = lifecycle.create(store, customer, body)
        return ok("Subscription has been created successfully.", 201,
                  subscription=serialize.subscription(store, sub))


@api.route("/subscriptions/<subscription_id>", ["PUT"], scope="subscriptions.UPDATE")
def update_subscription(ctx: RequestContext, request, subscription_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        message, _ = lifecycle.update(store, sub, body)
        return ok(message, subscription=serialize.subscription(store, sub))


@api.route("/subscriptions/<subscription_id>/cancel", ["POST"], scope="subscriptions.CREATE")
def cancel_subscription(ctx: RequestContext, request, subscription_id: str):
    body = read_json_body(request)
    # subscription.yml puts cancel_at_end in the query; clients also send it in the body, as true or "true".
    given = options(request, body, "cancel_at_end", "reason")
    at_end = fields.flag(given, "cancel_at_end")
    reason = fields.text(given, "reason")
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        message = lifecycle.cancel(store, sub, at_end, reason)
        return ok(message, subscription=serialize.subscription(store, sub))


@api.route("/subscriptions/<subscription_id>/reactivate", ["POST"], scope="subscriptions.CREATE")
def reactivate_subscription(ctx: RequestContext, request, subscription_id: str):
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        lifecycle.reactivate(store, sub)
        return ok("Subscription has been reactivated successfully.", subscription=serialize.subscription(store, sub))


@api.route("/subscriptions/<subscription_id>/scheduledchanges", ["GET"], scope="subscriptions.READ")
def scheduled_changes(ctx: RequestContext, request, subscription_id: str):
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        if sub.scheduled_change is None:
            raise errors.not_allowed("There are no scheduled changes for this subscription.")
        return ok(subscription=serialize.scheduled_changes(store, sub))


@api.route("/subscriptions/<subscription_id>/scheduledchanges", ["DELETE"], scope="subscriptions.DELETE")
def drop_scheduled_changes(ctx: RequestContext, request, subscription_id: str):
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        if sub.scheduled_change is None:
            raise errors.not_allowed("There are no scheduled changes for this subscription.")
        sub.scheduled_change = None
        sub.end_of_term = False
        sub.updated_time = store.now()
        return ok("The scheduled changes have been removed.")


@api.route("/subscriptions/<subscription_id>/notes", ["POST"], scope="subscriptions.CREATE")
def add_note(ctx: RequestContext, request, subscription_id: str):
    body = read_json_body(request)
    description = fields.text(body, "description").strip()
    commented_by = fields.text(body, "commented_by").strip() or "API"
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        if not description:
            raise errors.missing_field("description")
        note = lifecycle.add_note(store, sub, description, commented_by)
        return ok("Notes added.", note=serialize.note(store, note))


@api.route("/subscriptions/<subscription_id>/notes/<note_id>", ["DELETE"], scope="subscriptions.DELETE")
def delete_note(ctx: RequestContext, request, subscription_id: str, note_id: str):
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        note = next((n for n in sub.notes if n.note_id == note_id), None)
        if note is None:
            raise errors.invalid_field("note_id")
        sub.notes.remove(note)
        sub.updated_time = store.now()
        return ok("The note has been deleted.")


@api.route("/subscriptions/<subscription_id>/autocollect", ["POST"], scope="subscriptions.CREATE")
def autocollect(ctx: RequestContext, request, subscription_id: str):
    body = read_json_body(request)
    if body.get("auto_collect") is None:
        raise errors.missing_field("auto_collect")
    auto_collect = fields.flag(body, "auto_collect")
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        sub.auto_collect = auto_collect
        sub.updated_time = store.now()
        return ok("Auto charge Status has been changed successfully.", subscription=serialize.subscription(store, sub))
