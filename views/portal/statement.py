"""The statement of account: every invoice, payment and credit note of a period, as a page or a PDF."""
from __future__ import annotations

from flask import render_template, request

from services.context import CustomerContext
from views.portal.downloads import attachment
from views.portal.params import date_range


def show(ctx: CustomerContext):
    chosen = date_range(request.args, ctx.today())
    if not chosen.is_valid:
        return render_template("portal/statement.html", range_form=chosen, statement=None), 400
    found = ctx.billing.statement(chosen.start, chosen.end)
    return render_template("portal/statement.html", range_form=chosen, statement=found)


def pdf(ctx: CustomerContext):
    chosen = date_range(request.args, ctx.today(), required=True)
    if not chosen.is_valid:
        return render_template("portal/statement.html", range_form=chosen, statement=None), 400
    filename, content = ctx.billing.statement_pdf(chosen.start, chosen.end)
    return attachment(filename, content, "application/pdf")
