"""Paying invoices with the card on file (issue 5): thin views over ``services.payments``.

``GET /invoices/<id>/pay`` shows the live amount and card with a fresh intent key; ``POST`` the same URL
charges once for that key. ``/invoices/pay-all`` does the same for every open invoice, oldest due first.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from services import payments
from services.billing import billing_for
from services.zoho import get_zoho
from views.portal_home import bp
from views.reauth import needs_recent_auth, reauth_response
from views.write_actions import report_outcome, write_action

# status → (HTTP status, audit outcome)
RESULT_STATUS = {
    "succeeded": (200, "succeeded"), "declined": (200, "declined"), "already_paid": (409, "already_paid"),
    "in_progress": (409, "in_progress"), "unknown": (202, "outcome_unknown"), "reconfirm": (409, "reconfirm"),
    "reconfirm_expired": (409, "reconfirm"), "no_card": (409, "no_card"), "not_charged": (200, "not_charged"),
    "refused": (409, "refused"),
}


def _cache():
    return current_app.extensions["billing"].cache


@bp.route("/invoices/<invoice_id>/pay", methods=["GET", "POST"])
@write_action("pay_invoice", back="portal.pay_invoice")
def pay_invoice(invoice_id: str):
    billing = billing_for(current_user.customer_id)
    if needs_recent_auth():
        report_outcome("reauth_required", invoice_id=invoice_id)
        return reauth_response(url_for("portal.pay_invoice", invoice_id=invoice_id))
    if request.method == "GET":
        try:
            quote = payments.quote_invoice(get_zoho(), billing, invoice_id)
        except payments.NotPayable as done:
            return render_template("portal/pay_result.html", status="already_paid", invoice_id=invoice_id,
                                   invoice_number=done.invoice_number, result=None), 409
        return render_template("portal/pay_confirm.html", quote=quote, notice=None)
    form = request.form
    try:
        result = payments.pay_invoice(
            get_zoho(), billing, invoice_id, intent_key=form.get("intent_key", ""),
            shown_amount=form.get("amount", ""), shown_currency=form.get("currency", ""),
            card_id=form.get("card_id") or None, cache=_cache())
    except (payments.InvalidIntent, payments.IntentMismatch):
        report_outcome("refused_intent", invoice_id=invoice_id)
        return render_template("portal/pay_result.html", status="mismatch", invoice_id=invoice_id,
                               invoice_number=None, result=None), 422
    http_status, outcome = RESULT_STATUS[result.status]
    report_outcome(outcome, invoice_id=invoice_id, amount=str(result.amount.amount) if result.amount else None,
                   currency=result.amount.currency if result.amount else None, payment_id=result.payment_id,
                   intent=result.intent_key[:8] if result.intent_key else None)
    if result.status == "reconfirm":
        return render_template("portal/pay_confirm.html", quote=result.quote, notice=result), http_status
    return render_template("portal/pay_result.html", status=result.status, invoice_id=invoice_id,
                           invoice_number=result.invoice_number, result=result), http_status


@bp.route("/invoices/pay-all", methods=["GET", "POST"])
@write_action("pay_all", back="portal.pay_all")
def pay_all():
    if needs_recent_auth():
        report_outcome("reauth_required")
        return reauth_response(url_for("portal.pay_all"))
    if request.method == "GET":
        quote = payments.quote_all(get_zoho(), current_user.customer_id)
        return render_template("portal/pay_all.html", quote=quote, changed=False)
    form = request.form
    ids = form.getlist("invoice_id")
    shown = [payments.ShownInvoice(invoice_id=i, amount=form.get(f"amount_{i}", ""),
                                   currency=form.get(f"currency_{i}", "")) for i in ids]
    try:
        result = payments.pay_all(get_zoho(), billing_for(current_user.customer_id), batch_key=form.get("batch_key", ""),
                                  shown=shown, card_id=form.get("card_id") or None, cache=_cache())
    except (payments.InvalidIntent, payments.IntentMismatch):
        report_outcome("refused_intent")
        return render_template("portal/pay_result.html", status="mismatch", invoice_id=None,
                               invoice_number=None, result=None), 422
    if result.quote is not None:
        report_outcome("reconfirm")
        return render_template("portal/pay_all.html", quote=result.quote, changed=True), 409
    stopped = result.stopped_at
    report_outcome("succeeded" if stopped is None else RESULT_STATUS[stopped.status][1],
                   paid=[r.invoice_id for r in result.paid], stopped_at=stopped.invoice_id if stopped else None)
    if stopped is None:
        flash("All your open invoices are paid. Thank you!", "success")
    status = 200 if stopped is None or stopped.status in ("declined", "not_charged") else RESULT_STATUS[stopped.status][0]
    return render_template("portal/pay_all_result.html", result=result), status
