"""The summary (Home), subscriptions and the statement of account."""
from __future__ import annotations

from flask import render_template, request

from services.billing import billing_for
from views.portal.access import customer_today, signed_in_customer_id
from views.portal_home import bp
from views.portal.downloads import attachment
from views.portal.entry_points import subscription_entry_points
from views.portal.params import date_range


@bp.get("/")
def home():
    return render_template("portal/home.html", summary=billing_for(signed_in_customer_id()).summary())


@bp.get("/subscriptions")
def subscriptions():
    return render_template("portal/subscriptions.html", subscriptions=billing_for(signed_in_customer_id()).subscriptions())


@bp.get("/subscriptions/<subscription_id>")
def subscription(subscription_id: str):
    detail = billing_for(signed_in_customer_id()).subscription(subscription_id)
    return render_template(
        "portal/subscription.html",
        subscription=detail.subscription,
        scheduled_changes=detail.scheduled_changes,
        card=detail.card,
        actions=subscription_entry_points(detail.subscription),
    )


@bp.get("/statement")
def statement():
    chosen = date_range(request.args, customer_today())
    if not chosen.is_valid:
        return render_template("portal/statement.html", range_form=chosen, statement=None), 400
    found = billing_for(signed_in_customer_id()).statement(chosen.start, chosen.end)
    return render_template("portal/statement.html", range_form=chosen, statement=found)


@bp.get("/statement.pdf")
def statement_pdf():
    chosen = date_range(request.args, customer_today(), required=True)
    if not chosen.is_valid:
        return render_template("portal/statement.html", range_form=chosen, statement=None), 400
    filename, content = billing_for(signed_in_customer_id()).statement_pdf(chosen.start, chosen.end)
    return attachment(filename, content, "application/pdf")
