"""Hosted pages (zoho-billing-api.md §4.10): create (key ``hostedpage``), get (flat: the page's
fields at the top level), list (key ``hosted_pages``). The page itself is served by S1's browser UI
at ``{base_url}/hostedpage/2-{id}/checkout``."""
from __future__ import annotations

from ..core import RequestContext, api, json_response, ok, read_json_body
from ..domain import hostedpages, serialize
from . import listing

CREATED = "Hosted page has been created successfully."


def _create(ctx: RequestContext, request, action: str, status: int = 201):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        page = hostedpages.create(store, action, body)
        return ok(CREATED, status, hostedpage=serialize.hostedpage(store, page))


@api.route("/hostedpages/newsubscription", ["POST"], scope="hostedpages.CREATE")
def new_subscription(ctx: RequestContext, request):
    return _create(ctx, request, "new_subscription")


@api.route("/hostedpages/updatesubscription", ["POST"], scope="hostedpages.CREATE")
def update_subscription(ctx: RequestContext, request):
    return _create(ctx, request, "update_subscription")


@api.route("/hostedpages/updatecard", ["POST"], scope="hostedpages.CREATE")
def update_card(ctx: RequestContext, request):
    # hosted-pages.yml gives this one create HTTP 200 where the others are 201.
    return _create(ctx, request, "update_card", status=200)


@api.route("/hostedpages/invoicepayment", ["POST"], scope="hostedpages.CREATE")
def invoice_payment(ctx: RequestContext, request):
    return _create(ctx, request, "invoice_payment")


@api.route("/hostedpages/addpaymentmethod", ["POST"], scope="hostedpages.CREATE")
def add_payment_method(ctx: RequestContext, request):
    return _create(ctx, request, "add_payment_method")


@api.route("/hostedpages/<hostedpage_id>", ["GET"], scope="hostedpages.READ")
def get_hostedpage(ctx: RequestContext, request, hostedpage_id: str):
    with ctx.store.transaction() as store:
        page = store.get_hostedpage(hostedpage_id)
        body = {"code": 0, "message": "success"}
        body.update(serialize.hostedpage(store, page, with_data=True))
        return json_response(body)


@api.route("/hostedpages", ["GET"], scope="hostedpages.READ")
def list_hostedpages(ctx: RequestContext, request):
    query = listing.parse(request, filters=("Status.All",), default_filter="Status.All",
                          sort_columns=("created_time",), default_sort="created_time", default_order="D")
    customer_id = request.args.get("customer_id")
    with ctx.store.transaction() as store:
        rows = [p for p in store.hostedpages.values() if not customer_id or p.customer_id == customer_id]
        rows = listing.sort(rows, lambda p: p.created_time, query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(hosted_pages=[serialize.hostedpage(store, p) for p in chunk], page_context=context)


@api.route("/hostedpages/buyonetimeaddon", ["POST"], scope="hostedpages.CREATE")
def buy_one_time_addon(ctx: RequestContext, request):
    return _create(ctx, request, "one_time_addon")


@api.route("/hostedpages/updatepaymentmethod", ["POST"], scope="hostedpages.CREATE")
def update_payment_method(ctx: RequestContext, request):
    return _create(ctx, request, "update_payment_method")
