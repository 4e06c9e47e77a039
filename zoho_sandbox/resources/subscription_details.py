"""Changes to one subscription besides its lifecycle (subscription.yml): card, coupon, contact
persons, reference, salesperson, custom fields, line descriptions, renewal date; its recent
activities; deleting it; one-time charges and one-time addons."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import charges, custom_fields, errors, fields, lifecycle, serialize
from .actions import act


def _change(ctx: RequestContext, subscription_id: str, change, message: str, *, with_subscription: bool = True):
    show = (lambda store, sub: {"subscription": serialize.subscription(store, sub)}) if with_subscription else None
    return act(ctx, "get_subscription", subscription_id, change, message, show)


@api.route("/subscriptions/<subscription_id>", ["DELETE"], scope="subscriptions.DELETE")
def delete_subscription(ctx: RequestContext, request, subscription_id: str):
    return _change(ctx, subscription_id, lifecycle.delete, "The subscription has been deleted.", with_subscription=False)


@api.route("/subscriptions/<subscription_id>/recentactivities", ["GET"], scope="subscriptions.READ")
def recent_activities(ctx: RequestContext, request, subscription_id: str):
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        return ok(activities=[serialize.activity(store, a) for a in reversed(sub.activities)])


@api.route("/subscriptions/<subscription_id>/postpone", ["POST"], scope="subscriptions.CREATE")
def postpone(ctx: RequestContext, request, subscription_id: str):
    renewal_at = fields.day(read_json_body(request), "renewal_at")
    return _change(ctx, subscription_id, lambda store, sub: lifecycle.postpone(store, sub, renewal_at),
                   "Billing date of the subscription has been changed.")


@api.route("/subscriptions/<subscription_id>/card", ["POST"], scope="subscriptions.CREATE")
def update_card(ctx: RequestContext, request, subscription_id: str):
    body = read_json_body(request)
    card_id = fields.required_ident(body, "card_id")
    auto_collect = fields.flag(body, "auto_collect", True)

    def change(store, sub):
        lifecycle.set_card(store, sub, store.get_card(sub.customer_id, card_id), auto_collect)

    return _change(ctx, subscription_id, change, "Card has been updated successfully.")


@api.route("/subscriptions/<subscription_id>/card", ["DELETE"], scope="subscriptions.DELETE")
def remove_card(ctx: RequestContext, request, subscription_id: str):
    return _change(ctx, subscription_id, lifecycle.remove_card,
                   "Card has been successfully removed from the subscription.", with_subscription=False)


@api.route("/subscriptions/<subscription_id>/coupons/<coupon_code>", ["POST"], scope="subscriptions.CREATE")
def add_coupon(ctx: RequestContext, request, subscription_id: str, coupon_code: str):
    return _change(ctx, subscription_id, lambda store, sub: lifecycle.add_coupon(store, sub, coupon_code),
                   "The coupon has been added to the subscription.", with_subscription=False)


@api.route("/subscriptions/<subscription_id>/coupons", ["DELETE"], scope="subscriptions.DELETE")
def remove_coupon(ctx: RequestContext, request, subscription_id: str):
    return _change(ctx, subscription_id, lifecycle.remove_coupon,
                   "The coupon has been removed from the subscription.", with_subscription=False)


@api.route("/subscriptions/<subscription_id>/contactpersons", ["POST"], scope="subscriptions.CREATE")
def add_contact_persons(ctx: RequestContext, request, subscription_id: str):
    entries = fields.objects(read_json_body(request), "contactpersons")
    if not entries:
        raise errors.missing_field("contactpersons")

    def change(store, sub):
        ids = lifecycle.contact_person_ids(store, store.customers[sub.customer_id], entries)
        sub.contactperson_ids = list(dict.fromkeys(sub.contactperson_ids + ids))
        sub.updated_time = store.now()

    return _change(ctx, subscription_id, change, "The contact person's information has been added.")


@api.route("/subscriptions/<subscription_id>/lineitems/<code>", ["POST"], scope="subscriptions.CREATE")
def describe_line(ctx: RequestContext, request, subscription_id: str, code: str):
    body = read_json_body(request)
    if "description" not in body:
        raise errors.missing_field("description")
    description = fields.text(body, "description")
    return _change(ctx, subscription_id, lambda store, sub: lifecycle.describe_line(store, sub, code, description),
                   "Item description has been updated successfully.", with_subscription=False)


def _required_text(body: dict, name: str) -> str:
    if body.get(name) is None:
        raise errors.missing_field(name)
    return fields.text(body, name)


@api.route("/subscriptions/<subscription_id>/reference", ["POST"], scope="subscriptions.CREATE")
def update_reference(ctx: RequestContext, request, subscription_id: str):
    reference_id = _required_text(read_json_body(request), "reference_id")

    def change(store, sub):
        sub.reference_id, sub.updated_time = reference_id, store.now()

    return _change(ctx, subscription_id, change, "Subscription has been updated successfully.")


@api.route("/subscriptions/<subscription_id>/salesperson", ["POST"], scope="subscriptions.CREATE")
def update_salesperson(ctx: RequestContext, request, subscription_id: str):
    body = read_json_body(request)
    name = _required_text(body, "salesperson_name")
    salesperson_id = fields.ident(body, "salesperson_id")

    def change(store, sub):
        sub.salesperson_name, sub.salesperson_id, sub.updated_time = name, salesperson_id, store.now()

    return _change(ctx, subscription_id, change, "Sales Person has been updated successfully.")


@api.route("/subscriptions/<subscription_id>/customfields", ["POST"], scope="subscriptions.CREATE")
def update_custom_fields(ctx: RequestContext, request, subscription_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        sub.custom_fields = custom_fields.merge(sub.custom_fields, body)
        sub.updated_time = store.now()
        # subscription.yml describes ``data`` as an object; it carries the subscription's fields.
        return ok("Custom Fields Updated Successfully.", data={"custom_fields": [dict(f) for f in sub.custom_fields]})


@api.route("/subscriptions/<subscription_id>/charge", ["POST"], scope="subscriptions.CREATE")
def charge(ctx: RequestContext, request, subscription_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        inv = charges.charge(store, store.get_subscription(subscription_id), body)
        return ok("One time charge has been added successfully.", invoice=serialize.invoice(store, inv))


@api.route("/subscriptions/<subscription_id>/buyonetimeaddon", ["POST"], scope="subscriptions.CREATE")
def buy_one_time_addon(ctx: RequestContext, request, subscription_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        inv = charges.buy_one_time_addons(store, store.get_subscription(subscription_id), body)
        return ok("One-time addon has been purchased successfully.", invoice=serialize.invoice(store, inv))
