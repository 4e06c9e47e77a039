"""Price lists (Zoho Billing's "Price Lists" API, ``/pricebooks``): list and get. The lists are the
catalogue's prices per currency (``domain/pricebooks.py``); the sandbox serves no writes to them."""
from __future__ import annotations

from ..core import RequestContext, api, ok
from ..domain import pricebooks, serialize
from . import listing

FILTERS = ("Status.All", "Status.Active", "Status.Inactive")
SORT_COLUMNS = {"name": lambda code: code, "created_time": lambda code: code}


@api.route("/pricebooks", ["GET"], scope="products.READ")
def list_pricebooks(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="Status.All", sort_columns=SORT_COLUMNS,
                          default_sort="name")
    with ctx.store.transaction() as store:
        rows = [] if query.filter_value == "inactive" else pricebooks.currencies(store)
        rows = listing.sort(rows, SORT_COLUMNS[query.sort_column], query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(pricebooks=[serialize.pricebook(store, code, full=False) for code in chunk], page_context=context)


@api.route("/pricebooks/<pricebook_id>", ["GET"], scope="products.READ")
def get_pricebook(ctx: RequestContext, request, pricebook_id: str):
    with ctx.store.transaction() as store:
        return ok(pricebook=serialize.pricebook(store, pricebooks.currency_of(store, pricebook_id)))
