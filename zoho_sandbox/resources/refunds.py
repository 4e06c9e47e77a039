"""Refunds (refunds.yml): of a payment, of a credit note's balance, and one refund by id."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import payments, serialize

SAVED = "The refund information has been saved."


@api.route("/payments/<payment_id>/refunds", ["POST"], scope="payments.CREATE")
def refund_payment(ctx: RequestContext, request, payment_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        refund = payments.refund_payment(store, store.get_payment(payment_id), body)
        return ok(SAVED, 201, refund=serialize.refund(store, refund))


@api.route("/creditnotes/<creditnote_id>/refunds", ["POST"], scope="creditnotes.CREATE")
def refund_creditnote(ctx: RequestContext, request, creditnote_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        refund = payments.refund_creditnote(store, store.get_creditnote(creditnote_id), body)
        return ok(SAVED, 201, refund=serialize.refund(store, refund))


@api.route("/creditnotes/refunds/<refund_id>", ["GET"], scope="creditnotes.READ")
def get_refund(ctx: RequestContext, request, refund_id: str):
    with ctx.store.transaction() as store:
        return ok(refund=serialize.refund(store, store.get_refund(refund_id)))
