"""Addons (zoho-billing-api.md §4.4): list with ``filter_by``/``plan_code``/``product_id``, get by code,
create, update, delete, mark active/inactive."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import catalogue, serialize
from . import listing
from .actions import act

FILTERS = ("AddonStatus.All", "AddonStatus.ACTIVE", "AddonStatus.INACTIVE", "AddonStatus.ONETIME",
           "AddonStatus.RECURRING")
SORT_COLUMNS = {"created_time": lambda a: a.created_time, "name": lambda a: listing.text_key(a.name),
                "addon_code": lambda a: a.addon_code}


def _matches(addon, wanted: str) -> bool:
    return (wanted == "all" or (wanted in ("active", "inactive") and addon.status == wanted)
            or (wanted == "onetime" and addon.type == "one_time") or (wanted == "recurring" and addon.type == "recurring"))


@api.route("/addons", ["GET"], scope="addons.READ")
def list_addons(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="AddonStatus.All", sort_columns=SORT_COLUMNS,
                          default_sort="created_time")
    wanted = query.filter_value
    plan_code = request.args.get("plan_code")
    product_id = request.args.get("product_id")
    with ctx.store.transaction() as store:
        if plan_code:
            store.get_plan(plan_code)
        rows = [a for a in store.addons.values()
                if _matches(a, wanted) and (not product_id or a.product_id == product_id)
                and (not plan_code or a.applicable_to_all_plans or plan_code in a.plan_codes)]
        rows = listing.sort(rows, SORT_COLUMNS[query.sort_column], query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(addons=[serialize.addon(store, a, full=False) for a in chunk], page_context=context)


@api.route("/addons/<addon_code>", ["GET"], scope="addons.READ")
def get_addon(ctx: RequestContext, request, addon_code: str):
    with ctx.store.transaction() as store:
        return ok(addon=serialize.addon(store, store.get_addon(addon_code)))


# Messages: the recorded replies ("The addon has been added.", "The addon details have been updated.",
# "The addon has been deleted."), where addons.yml says "created".
@api.route("/addons", ["POST"], scope="addons.CREATE")
def create_addon(ctx: RequestContext, request):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        addon = catalogue.save_addon(store, body)
        return ok("The addon has been added.", 201, addon=serialize.addon(store, addon))


@api.route("/addons/<addon_code>", ["PUT"], scope="addons.UPDATE")
def update_addon(ctx: RequestContext, request, addon_code: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        addon = catalogue.save_addon(store, body, store.get_addon(addon_code))
        return ok("The addon details have been updated.", addon=serialize.addon(store, addon))


@api.route("/addons/<addon_code>", ["DELETE"], scope="addons.DELETE")
def delete_addon(ctx: RequestContext, request, addon_code: str):
    return act(ctx, "get_addon", addon_code, catalogue.delete_addon, "The addon has been deleted.")


def _mark(ctx: RequestContext, addon_code: str, status: str):
    return act(ctx, "get_addon", addon_code, lambda store, item: catalogue.set_addon_status(store, item, status),
               f"The addon has been marked as {status}.")


@api.route("/addons/<addon_code>/markasactive", ["POST"], scope="addons.CREATE")
def mark_active(ctx: RequestContext, request, addon_code: str):
    return _mark(ctx, addon_code, "active")


@api.route("/addons/<addon_code>/markasinactive", ["POST"], scope="addons.CREATE")
def mark_inactive(ctx: RequestContext, request, addon_code: str):
    return _mark(ctx, addon_code, "inactive")
