"""Payments (zoho-billing-api.md §4.7): get by id, and list by customer (key ``payments``), the list
that third-party clients use although Zoho's Billing spec documents ``/transactions`` instead."""
from __future__ import annotations

from ..core import RequestContext, api, ok
from ..domain import serialize
from . import listing

FILTERS = ("PaymentMode.All", "PaymentMode.Check", "PaymentMode.Cash", "PaymentMode.BankTransfer",
           "PaymentMode.CreditCard", "PaymentMode.AutoTransaction", "PaymentMode.Others")
SORT_COLUMNS = {"date": lambda p: (p.date, int(p.payment_id)), "amount": lambda p: p.amount,
                "created_time": lambda p: (p.created_time, int(p.payment_id))}


@api.route("/payments", ["GET"], scope="payments.READ")
def list_payments(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="PaymentMode.All", sort_columns=SORT_COLUMNS,
                          default_sort="date", default_order="D")
    mode = query.filter_value
    customer_id = request.args.get("customer_id")
    with ctx.store.transaction() as store:
        candidates = listing.of_customer(store, customer_id, "payments", store.payments)
        rows = [p for p in candidates if mode == "all" or p.payment_mode == mode]
        rows = listing.sort(rows, SORT_COLUMNS[query.sort_column], query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(payments=[serialize.payment(store, p) for p in chunk], page_context=context)


@api.route("/payments/<payment_id>", ["GET"], scope="payments.READ")
def get_payment(ctx: RequestContext, request, payment_id: str):
    with ctx.store.transaction() as store:
        return ok(payment=serialize.payment(store, store.get_payment(payment_id)))
