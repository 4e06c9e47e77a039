"""Payments: the list, one payment, its receipt; and paying invoices (one, or all that are open).

``GET /invoices/<id>/pay`` shows the live amount and card with a fresh intent key; ``POST`` the same
URL charges once for that key. ``/invoices/pay-all`` does the same for every open invoice, oldest
due first. ``POST /invoices/<id>/pay/hosted`` sends the customer to the secure payment page instead.
"""
from __future__ import annotations

from flask import flash, render_template, request, url_for

from services.context import CustomerContext
from services.operations import cards as card_operations, payments as operations
from services.policy import cards as card_policy
from services.texts import payments as words
from views.page_memo import render_page
from views.portal.buttons import button
from views.portal.cards import send_to_payment_page
from views.portal.downloads import attachment
from views.portal.params import page_number, pager

# status → (HTTP status, audit outcome)
RESULT_STATUS = {
    "succeeded": (200, "succeeded"), "declined": (200, "declined"), "already_paid": (409, "already_paid"),
    "in_progress": (409, "in_progress"), "unknown": (202, "outcome_unknown"), "reconfirm": (409, "reconfirm"),
    "reconfirm_expired": (409, "reconfirm"), "no_card": (409, "no_card"), "not_charged": (200, "not_charged"),
    "refused": (409, "refused"),
}


def list_page(ctx: CustomerContext):
    page = page_number(request.args)
    payment_page = ctx.billing.payments(page)
    return render_page(
        "portal/payments.html",
        payment_page=payment_page,
        pager=pager(payment_page.page, payment_page.has_more,
                    lambda p: url_for("portal.payments", page=p) if p > 1 else url_for("portal.payments")),
    )


def show(ctx: CustomerContext, payment_id: str):
    return render_page("portal/payment.html", payment=ctx.billing.payment(payment_id))


def receipt(ctx: CustomerContext, payment_id: str):
    found = ctx.billing.receipt(payment_id)
    return render_template("portal/receipt.html", payment=found.payment, customer=found.customer,
                           organization=found.organization)


def receipt_pdf(ctx: CustomerContext, payment_id: str):
    filename, content = ctx.billing.receipt_pdf(payment_id)
    return attachment(filename, content, "application/pdf")


def _already_paid(invoice_id: str, invoice_number: str | None):
    return render_template("portal/pay_result.html", status="already_paid", invoice_id=invoice_id,
                           invoice_number=invoice_number, result=None), 409


def _mismatch(invoice_id: str | None):
    return render_template("portal/pay_result.html", status="mismatch", invoice_id=invoice_id,
                           invoice_number=None, result=None), 422


def update_card_button(ctx: CustomerContext, card):
    """A new card for the subscription whose payment was declined on ``card`` (the cards policy decides)."""
    if card is None or not card.declined or card.subscription_id is None:
        return None
    sub = ctx.billing.subscription(card.subscription_id).subscription
    return button([card_policy.decide_update_card(sub, ctx.actor)], subscription_id=card.subscription_id)


def pay_invoice(ctx: CustomerContext, invoice_id: str):
    if request.method == "GET":
        try:
            quote = operations.quote_invoice(ctx, invoice_id)
        except operations.NotPayable as done:
            return _already_paid(invoice_id, done.invoice_number)
        return render_template("portal/pay_confirm.html", quote=quote, notice=None,
                               update_card=update_card_button(ctx, quote.card))
    form = request.form
    try:
        result = operations.pay_invoice(ctx, invoice_id, intent_key=form.get("intent_key", ""),
                                        shown_amount=form.get("amount", ""), shown_currency=form.get("currency", ""),
                                        card_id=form.get("card_id") or None)
    except (operations.InvalidIntent, operations.IntentMismatch):
        ctx.report("refused_intent", invoice_id=invoice_id)
        return _mismatch(invoice_id)
    http_status, outcome = RESULT_STATUS[result.status]
    ctx.report(outcome, invoice_id=invoice_id, amount=str(result.amount.amount) if result.amount else None,
               currency=result.amount.currency if result.amount else None, payment_id=result.payment_id,
               intent=result.intent_key[:8] if result.intent_key else None)
    if result.status == "reconfirm":
        return render_template("portal/pay_confirm.html", quote=result.quote, notice=result,
                               update_card=update_card_button(ctx, result.quote.card)), http_status
    return render_template("portal/pay_result.html", status=result.status, invoice_id=invoice_id,
                           invoice_number=result.invoice_number, result=result), http_status


def pay_on_payment_page(ctx: CustomerContext, invoice_id: str):
    try:
        started = card_operations.start_invoice_payment(ctx, invoice_id)
    except operations.NotPayable as done:
        ctx.report("already_paid", invoice_id=invoice_id)
        return _already_paid(invoice_id, done.invoice_number)
    return send_to_payment_page(ctx, started)


def pay_all(ctx: CustomerContext):
    if request.method == "GET":
        quote = operations.quote_all(ctx)
        return render_template("portal/pay_all.html", quote=quote, changed=False,
                               update_card=update_card_button(ctx, quote.card))
    form = request.form
    shown = [operations.ShownInvoice(invoice_id=i, amount=form.get(f"amount_{i}", ""),
                                     currency=form.get(f"currency_{i}", "")) for i in form.getlist("invoice_id")]
    try:
        result = operations.pay_all(ctx, batch_key=form.get("batch_key", ""), shown=shown,
                                    card_id=form.get("card_id") or None)
    except (operations.InvalidIntent, operations.IntentMismatch):
        ctx.report("refused_intent")
        return _mismatch(None)
    if result.quote is not None:
        ctx.report("reconfirm")
        return render_template("portal/pay_all.html", quote=result.quote, changed=True,
                               update_card=update_card_button(ctx, result.quote.card)), 409
    stopped = result.stopped_at
    ctx.report("succeeded" if stopped is None else RESULT_STATUS[stopped.status][1],
               paid=[r.invoice_id for r in result.paid], stopped_at=stopped.invoice_id if stopped else None)
    if stopped is None:
        flash(words.ALL_PAID, "success")
    status = 200 if stopped is None or stopped.status in ("declined", "not_charged") else RESULT_STATUS[stopped.status][0]
    return render_template("portal/pay_all_result.html", result=result), status
