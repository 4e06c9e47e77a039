"""Products (zoho-billing-api.md §4.4): list and get."""
from __future__ import annotations

from ..core import RequestContext, api, ok
from ..domain import serialize
from . import listing

FILTERS = ("ProductStatus.All", "ProductStatus.ACTIVE", "ProductStatus.INACTIVE")
SORT_COLUMNS = {"created_time": lambda p: p.created_time, "name": lambda p: listing.text_key(p.name),
                "product_id": lambda p: int(p.product_id)}


@api.route("/products", ["GET"], scope="products.READ")
def list_products(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="ProductStatus.All", sort_columns=SORT_COLUMNS,
                          default_sort="created_time")
    wanted = query.filter_value
    with ctx.store.transaction() as store:
        rows = [p for p in store.products.values() if wanted == "all" or p.status == wanted]
        rows = listing.sort(rows, SORT_COLUMNS[query.sort_column], query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(products=[serialize.product(store, p) for p in chunk], page_context=context)


@api.route("/products/<product_id>", ["GET"], scope="products.READ")
def get_product(ctx: RequestContext, request, product_id: str):
    with ctx.store.transaction() as store:
        return ok(product=serialize.product(store, store.get_product(product_id)))
