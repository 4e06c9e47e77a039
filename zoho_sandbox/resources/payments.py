"""Payments (zoho-billing-api.md §4.7): get by id, list by customer (key ``payments``, the list
third-party clients use although Zoho's Billing spec documents ``/transactions`` instead), and
create, update, delete (payments.yml). Refunds are in refunds.py."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import payments, serialize
from . import listing
from .actions import act

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


@api.route("/payments", ["POST"], scope="payments.CREATE")
def create_payment(ctx: RequestContext, request):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        payment = payments.create(store, body)
        return ok("The payment has been created.", 201, payment=serialize.payment(store, payment))


@api.route("/payments/<payment_id>", ["PUT"], scope="payments.UPDATE")
def update_payment(ctx: RequestContext, request, payment_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        payment = payments.update(store, store.get_payment(payment_id), body)
        return ok("The payment details have been updated.", payment=serialize.payment(store, payment))


@api.route("/payments/<payment_id>", ["DELETE"], scope="payments.DELETE")
def delete_payment(ctx: RequestContext, request, payment_id: str):
    return act(ctx, "get_payment", payment_id, payments.delete, "The payment has been deleted.")
