"""Coupons: list with ``filter_by``, get by code, create, update, delete, mark active/inactive."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import catalogue, serialize
from . import listing
from .actions import act

FILTERS = ("CouponStatus.All", "CouponStatus.ACTIVE", "CouponStatus.INACTIVE", "CouponStatus.EXPIRED",
           "CouponStatus.MAXED_OUT")
SORT_COLUMNS = {"created_time": lambda c: c.created_time, "name": lambda c: listing.text_key(c.name),
                "coupon_code": lambda c: c.coupon_code}


@api.route("/coupons", ["GET"], scope="coupons.READ")
def list_coupons(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="CouponStatus.All", sort_columns=SORT_COLUMNS,
                          default_sort="created_time")
    wanted = query.filter_value
    with ctx.store.transaction() as store:
        today = store.today()
        rows = [c for c in store.coupons.values() if wanted == "all" or c.status_on(today) == wanted]
        rows = listing.sort(rows, SORT_COLUMNS[query.sort_column], query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(coupons=[serialize.coupon(store, c) for c in chunk], page_context=context)


@api.route("/coupons/<coupon_code>", ["GET"], scope="coupons.READ")
def get_coupon(ctx: RequestContext, request, coupon_code: str):
    with ctx.store.transaction() as store:
        return ok(coupon=serialize.coupon(store, store.get_coupon(coupon_code)))


# "The coupon has been added.": the real service says "added" where the OpenAPI files say "created"
# for every other catalogue item (recorded plans, addons, products); coupons.yml says "created" too.
@api.route("/coupons", ["POST"], scope="coupons.CREATE")
def create_coupon(ctx: RequestContext, request):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        coupon = catalogue.create_coupon(store, body)
        return ok("The coupon has been added.", 201, coupon=serialize.coupon(store, coupon))


@api.route("/coupons/<coupon_code>", ["PUT"], scope="coupons.UPDATE")
def update_coupon(ctx: RequestContext, request, coupon_code: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        coupon = catalogue.update_coupon(store, store.get_coupon(coupon_code), body)
        return ok("The coupon details have been updated.", coupon=serialize.coupon(store, coupon))


@api.route("/coupons/<coupon_code>", ["DELETE"], scope="coupons.DELETE")
def delete_coupon(ctx: RequestContext, request, coupon_code: str):
    return act(ctx, "get_coupon", coupon_code, catalogue.delete_coupon, "The coupon has been deleted.")


def _mark(ctx: RequestContext, coupon_code: str, status: str):
    return act(ctx, "get_coupon", coupon_code, lambda store, item: catalogue.set_coupon_status(store, item, status),
               f"The coupon has been marked as {status}.")


@api.route("/coupons/<coupon_code>/markasactive", ["POST"], scope="coupons.CREATE")
def mark_active(ctx: RequestContext, request, coupon_code: str):
    return _mark(ctx, coupon_code, "active")


@api.route("/coupons/<coupon_code>/markasinactive", ["POST"], scope="coupons.CREATE")
def mark_inactive(ctx: RequestContext, request, coupon_code: str):
    return _mark(ctx, coupon_code, "inactive")
