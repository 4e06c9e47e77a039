"""Coupons: list with ``filter_by``, get by code."""
from __future__ import annotations

from ..core import RequestContext, api, ok
from ..domain import serialize
from . import listing

FILTERS = ("CouponStatus.All", "CouponStatus.ACTIVE", "CouponStatus.INACTIVE", "CouponStatus.EXPIRED")
SORT_COLUMNS = {"created_time": lambda c: c.created_time, "name": lambda c: listing.text_key(c.name),
                "coupon_code": lambda c: c.coupon_code}


@api.route("/coupons", ["GET"], scope="coupons.READ")
def list_coupons(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="CouponStatus.All", sort_columns=SORT_COLUMNS,
                          default_sort="created_time")
    wanted = query.filter_value
    with ctx.store.transaction() as store:
        rows = [c for c in store.coupons.values() if wanted == "all" or c.status == wanted]
        rows = listing.sort(rows, SORT_COLUMNS[query.sort_column], query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(coupons=[serialize.coupon(store, c) for c in chunk], page_context=context)


@api.route("/coupons/<coupon_code>", ["GET"], scope="coupons.READ")
def get_coupon(ctx: RequestContext, request, coupon_code: str):
    with ctx.store.transaction() as store:
        return ok(coupon=serialize.coupon(store, store.get_coupon(coupon_code)))
