"""Actions on one invoice (invoices.yml): void and reopen, mark sent, email, write off and cancel
it, change its address and custom fields, apply credits, edit the items of a pending (draft)
invoice, attach a file; and the invoice's payments and applied credits, listed and removed
(Zoho's ``/invoices/{id}/payments`` and ``/creditsapplied``, whose replies invoices.yml describes)."""
from __future__ import annotations

from ..core import RequestContext, api, ok, read_json_body
from ..domain import billing, creditnotes, fields, invoicing, serialize
from .actions import act


def _act(ctx: RequestContext, invoice_id: str, action, message: str):
    return act(ctx, "get_invoice", invoice_id, action, message)


@api.route("/invoices/<invoice_id>/void", ["POST"], scope="invoices.CREATE")
def void(ctx: RequestContext, request, invoice_id: str):
    return _act(ctx, invoice_id, invoicing.void, "Invoice status has been changed to Void.")


@api.route("/invoices/<invoice_id>/status/void", ["POST"], scope="invoices.CREATE")
def status_void(ctx: RequestContext, request, invoice_id: str):
    return _act(ctx, invoice_id, invoicing.void, "Invoice status has been changed to Void.")


@api.route("/invoices/<invoice_id>/converttoopen", ["POST"], scope="invoices.CREATE")
def convert_to_open(ctx: RequestContext, request, invoice_id: str):
    return _act(ctx, invoice_id, invoicing.reopen, "Status of the invoice has been changed to open.")


@api.route("/invoices/<invoice_id>/status/sent", ["POST"], scope="invoices.CREATE")
def mark_sent(ctx: RequestContext, request, invoice_id: str):
    return _act(ctx, invoice_id, invoicing.mark_sent, "Invoice status has been changed to Sent.")


@api.route("/invoices/<invoice_id>/cancelwriteoff", ["POST"], scope="invoices.CREATE")
def cancel_write_off(ctx: RequestContext, request, invoice_id: str):
    return _act(ctx, invoice_id, invoicing.cancel_write_off, "The write off done for this invoice has been cancelled.")


@api.route("/invoices/<invoice_id>/writeoff", ["POST"], scope="invoices.CREATE")
def write_off(ctx: RequestContext, request, invoice_id: str):
    reason = fields.text(read_json_body(request), "reason").strip()
    return _act(ctx, invoice_id, lambda store, inv: invoicing.write_off(store, inv, reason),
                "Invoice has been written off..")


@api.route("/invoices/<invoice_id>/email", ["POST"], scope="invoices.CREATE")
def email(ctx: RequestContext, request, invoice_id: str):
    body = read_json_body(request)
    return _act(ctx, invoice_id, lambda store, inv: invoicing.email(store, inv, body), "Your invoice has been sent.")


@api.route("/invoices/<invoice_id>/address", ["PUT"], scope="invoices.UPDATE")
def update_address(ctx: RequestContext, request, invoice_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        inv = store.get_invoice(invoice_id)
        invoicing.set_address(store, inv, body)
        shown = serialize.invoice(store, inv)
        return ok("Invoice address updated", invoice_address={"billing_address": shown["billing_address"],
                                                              "shipping_address": shown["shipping_address"]})


def _custom_fields(ctx: RequestContext, request, invoice_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        inv = store.get_invoice(invoice_id)
        invoicing.set_custom_fields(store, inv, body)
        return ok("Custom Fields Updated Successfully", custom_fields=[dict(f) for f in inv.custom_fields])


@api.route("/invoices/<invoice_id>/customfields", ["POST"], scope="invoices.CREATE")
def custom_fields(ctx: RequestContext, request, invoice_id: str):
    return _custom_fields(ctx, request, invoice_id)


# invoices.yml writes this one path with a singular "invoice" (PUT /invoice/{id}/customfields).
@api.route("/invoice/<invoice_id>/customfields", ["PUT"], scope="invoices.UPDATE")
def update_custom_fields(ctx: RequestContext, request, invoice_id: str):
    return _custom_fields(ctx, request, invoice_id)


@api.route("/invoices/<invoice_id>/credits", ["POST"], scope="invoices.CREATE")
def apply_credits(ctx: RequestContext, request, invoice_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        inv = store.get_invoice(invoice_id)
        applied = creditnotes.apply_to_invoice(store, inv, fields.objects(body, "apply_creditnotes"))
        rows = [{"creditnotes_invoice_id": c.creditnote_invoice_id, "creditnote_id": c.creditnote_id,
                 "invoice_id": inv.invoice_id, "amount_applied": c.amount, "date": serialize.d(c.credited_date),
                 "date_formatted": c.credited_date.strftime("%d %b %Y")} for c in applied]
        return ok("Credits have been applied to the invoice(s).", apply_creditnotes=rows)


@api.route("/invoices/<invoice_id>/creditsapplied", ["GET"], scope="invoices.READ")
def list_credits_applied(ctx: RequestContext, request, invoice_id: str):
    with ctx.store.transaction() as store:
        inv = store.get_invoice(invoice_id)
        return ok(credits=[{"creditnote_id": c.creditnote_id, "creditnotes_invoice_id": c.creditnote_invoice_id,
                            "creditnotes_number": store.creditnotes[c.creditnote_id].number,
                            "credited_date": serialize.d(c.credited_date), "amount_applied": c.amount}
                           for c in inv.credits])


@api.route("/invoices/<invoice_id>/creditsapplied/<creditnote_invoice_id>", ["DELETE"], scope="invoices.DELETE")
def delete_credit_applied(ctx: RequestContext, request, invoice_id: str, creditnote_invoice_id: str):
    return _act(ctx, invoice_id, lambda store, inv: billing.remove_credit_share(store, inv, creditnote_invoice_id),
                "Credits applied to an invoice have been deleted.")


@api.route("/invoices/<invoice_id>/payments", ["GET"], scope="invoices.READ")
def list_payments(ctx: RequestContext, request, invoice_id: str):
    with ctx.store.transaction() as store:
        inv = store.get_invoice(invoice_id)
        rows = []
        for share in inv.payments:
            payment = store.payments[share.payment_id]
            rows.append({"payment_id": payment.payment_id, "invoice_id": inv.invoice_id,
                         "invoice_payment_id": share.invoice_payment_id, "payment_mode": payment.payment_mode,
                         "description": payment.description, "date": serialize.d(payment.date),
                         "reference_number": payment.reference_number, "exchange_rate": 1, "amount": share.amount,
                         "online_transaction_id": payment.gateway_transaction_id,
                         "is_single_invoice_payment": len(payment.applications) == 1})
        return ok(payments=rows)


@api.route("/invoices/<invoice_id>/payments/<invoice_payment_id>", ["DELETE"], scope="invoices.DELETE")
def delete_payment_share(ctx: RequestContext, request, invoice_id: str, invoice_payment_id: str):
    """Zoho Invoice's "Delete a payment" from an invoice: the share comes off, the payment keeps it as excess."""
    return _act(ctx, invoice_id, lambda store, inv: billing.remove_payment_share(store, inv, invoice_payment_id),
                "The payment has been deleted.")


@api.route("/invoices/<invoice_id>/lineitems", ["POST"], scope="invoices.CREATE")
def add_line_items(ctx: RequestContext, request, invoice_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        inv = invoicing.add_items(store, store.get_invoice(invoice_id), body)
        return ok("Invoice information has been updated.", invoice=serialize.invoice(store, inv))


@api.route("/invoices/<invoice_id>/lineitems/<item_id>", ["DELETE"], scope="invoices.DELETE")
def delete_line_item(ctx: RequestContext, request, invoice_id: str, item_id: str):
    return _act(ctx, invoice_id, lambda store, inv: invoicing.delete_item(store, inv, item_id),
                "Invoice information has been updated.")


@api.route("/invoices/<invoice_id>/attachment", ["POST"], scope="invoices.CREATE")
def attach(ctx: RequestContext, request, invoice_id: str):
    with ctx.store.transaction() as store:
        invoicing.attach(store, store.get_invoice(invoice_id), request)
        return ok("Your file has been successfully attached to the invoice.")
