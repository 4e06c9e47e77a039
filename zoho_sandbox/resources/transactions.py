"""GET /transactions: a customer's invoices, payments and credit notes in one list (scope
customers.READ per customers.yml). ``amount`` is a string, as in Zoho's spec."""
from __future__ import annotations

from ..core import RequestContext, api, ok
from ..domain import serialize
from . import listing

KINDS = {
    "All": {"invoice", "payment", "creditnote", "refund"},
    "INVOICE": {"invoice"},
    "PAYMENT": {"payment"},
    "CREDIT": {"creditnote"},
    "REFUND": {"refund"},
}
FILTERS = tuple(f"TransactionType.{k}" for k in KINDS)


@api.route("/transactions", ["GET"], scope="customers.READ")
def list_transactions(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="TransactionType.All", sort_columns=("date",),
                          default_sort="date", default_order="D")
    customer_id = request.args.get("customer_id")
    with ctx.store.transaction() as store:
        if customer_id:
            store.get_customer(customer_id)
        rows = serialize.transaction_rows(store, customer_id, KINDS[query.filter_by.split(".", 1)[1]])
        if query.sort_order == "A":
            rows.reverse()
        chunk, context = listing.page_of(rows, query)
        return ok(transactions=chunk, page_context=context)
