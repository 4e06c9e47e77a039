"""Plans (zoho-billing-api.md §4.4): list with ``filter_by``/``product_id``, get by plan code, create,
update, delete, mark active/inactive."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import catalogue, serialize
from . import listing
from .actions import act

FILTERS = ("PlanStatus.All", "PlanStatus.ACTIVE", "PlanStatus.INACTIVE")
SORT_COLUMNS = {"created_time": lambda p: p.created_time, "name": lambda p: listing.text_key(p.name),
                "plan_code": lambda p: p.plan_code, "recurring_price": lambda p: p.recurring_price}


@api.route("/plans", ["GET"], scope="plans.READ")
def list_plans(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="PlanStatus.All", sort_columns=SORT_COLUMNS,
                          default_sort="created_time")
    wanted = query.filter_value
    product_id = request.args.get("product_id")
    with ctx.store.transaction() as store:
        rows = [p for p in store.plans.values()
                if (wanted == "all" or p.status == wanted) and (not product_id or p.product_id == product_id)]
        rows = listing.sort(rows, SORT_COLUMNS[query.sort_column], query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(plans=[serialize.plan(store, p, full=False) for p in chunk], page_context=context)


@api.route("/plans/<plan_code>", ["GET"], scope="plans.READ")
def get_plan(ctx: RequestContext, request, plan_code: str):
    with ctx.store.transaction() as store:
        return ok(plan=serialize.plan(store, store.get_plan(plan_code)))


# Messages: the recorded replies ("The plan has been added.", "The plan details have been updated.",
# "The plan has been deleted."), where plans.yml says "created" and "has been updated".
@api.route("/plans", ["POST"], scope="plans.CREATE")
def create_plan(ctx: RequestContext, request):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        plan = catalogue.save_plan(store, body)
        return ok("The plan has been added.", 201, plan=serialize.plan(store, plan))


@api.route("/plans/<plan_code>", ["PUT"], scope="plans.UPDATE")
def update_plan(ctx: RequestContext, request, plan_code: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        plan = catalogue.save_plan(store, body, store.get_plan(plan_code))
        return ok("The plan details have been updated.", plan=serialize.plan(store, plan))


@api.route("/plans/<plan_code>", ["DELETE"], scope="plans.DELETE")
def delete_plan(ctx: RequestContext, request, plan_code: str):
    return act(ctx, "get_plan", plan_code, catalogue.delete_plan, "The plan has been deleted.")


def _mark(ctx: RequestContext, plan_code: str, status: str):
    return act(ctx, "get_plan", plan_code, lambda store, item: catalogue.set_plan_status(store, item, status),
               f"The plan has been marked as {status}.")


@api.route("/plans/<plan_code>/markasactive", ["POST"], scope="plans.CREATE")
def mark_active(ctx: RequestContext, request, plan_code: str):
    return _mark(ctx, plan_code, "active")


@api.route("/plans/<plan_code>/markasinactive", ["POST"], scope="plans.CREATE")
def mark_inactive(ctx: RequestContext, request, plan_code: str):
    return _mark(ctx, plan_code, "inactive")
