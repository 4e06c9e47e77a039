"""Products (zoho-billing-api.md §4.4): list, get, create, update, delete, mark active/inactive."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import catalogue, serialize
from . import listing
from .actions import act

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


# Messages: the recorded replies ("The product has been added.", "... details have been updated.",
# "... has been deleted."), where products.yml says "created".
@api.route("/products", ["POST"], scope="products.CREATE")
def create_product(ctx: RequestContext, request):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        product = catalogue.save_product(store, body)
        return ok("The product has been added.", 201, product=serialize.product(store, product))


@api.route("/products/<product_id>", ["PUT"], scope="products.UPDATE")
def update_product(ctx: RequestContext, request, product_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        product = catalogue.save_product(store, body, store.get_product(product_id))
        return ok("The product details have been updated.", product=serialize.product(store, product))


@api.route("/products/<product_id>", ["DELETE"], scope="products.DELETE")
def delete_product(ctx: RequestContext, request, product_id: str):
    return act(ctx, "get_product", product_id, catalogue.delete_product, "The product has been deleted.")


def _mark(ctx: RequestContext, product_id: str, status: str):
    return act(ctx, "get_product", product_id, lambda store, item: catalogue.set_product_status(store, item, status),
               f"The product has been marked as {status}.")


@api.route("/products/<product_id>/markasactive", ["POST"], scope="products.CREATE")
def mark_active(ctx: RequestContext, request, product_id: str):
    return _mark(ctx, product_id, "active")


@api.route("/products/<product_id>/markasinactive", ["POST"], scope="products.CREATE")
def mark_inactive(ctx: RequestContext, request, product_id: str):
    return _mark(ctx, product_id, "inactive")
