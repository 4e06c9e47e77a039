"""Invoices, payments and credit notes: lists, detail pages, receipts and downloads.

Each view reads its query, asks the signed-in customer's read model, and renders. Ownership is
checked inside the read model (``billing_for``): an id that is not this customer's raises
``NotOwned``, which is a 404 exactly like an unknown id.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Response, render_template, request, url_for

from services.billing import billing_for
from services.invoice_zip import NoInvoicesInRange, TooManyInvoices
from views.portal.access import customer_today, signed_in_customer_id
from views.portal_home import bp
from views.portal.downloads import attachment
from views.portal.params import Pager, Sorting, choice, date_range, page_number, pager


@dataclass(frozen=True)
class StatusTab:
    key: str
    label: str
    empty_title: str
    empty_text: str
    url: str = ""
    current: bool = False


INVOICE_TABS = (
    StatusTab("all", "All", "No invoices yet", "When we bill you, your invoices will show here."),
    StatusTab("unpaid", "Unpaid", "Nothing to pay", "You have no unpaid invoices. Thank you!"),
    StatusTab("overdue", "Overdue", "Nothing overdue", "None of your invoices is past its due date."),
    StatusTab("paid", "Paid", "No paid invoices yet", "Invoices you've paid will show here."),
    StatusTab("void", "Void", "No void invoices", "Invoices we cancel are marked void and show here."),
)
INVOICE_STATUSES = tuple(tab.key for tab in INVOICE_TABS)
INVOICE_SORT_COLUMNS = ("date", "due_date", "number", "total", "balance")


@bp.get("/invoices")
def invoices():
    return _invoice_list(zip_range=None, status=200)


@bp.get("/invoices/zip")
def invoices_zip():
    chosen = date_range(request.args, customer_today(), required=True)
    if not chosen.is_valid:
        # The list again, with the form and its message where the customer typed the dates.
        return _invoice_list(zip_range=chosen, status=400)
    try:
        filename, content = billing_for(signed_in_customer_id()).invoices_zip(chosen.start, chosen.end)
    except (TooManyInvoices, NoInvoicesInRange) as refused:
        return _invoice_list(zip_range=chosen.refused(str(refused)), status=422)
    return attachment(filename, content, "application/zip")


def _invoice_list(zip_range, status: int):
    args = request.args if zip_range is None else {}
    status_key = choice(args, "status", INVOICE_STATUSES, "all")
    column = choice(args, "sort", INVOICE_SORT_COLUMNS, "date")
    order = choice(args, "order", ("asc", "desc"), "asc" if column == "number" else "desc")
    page = page_number(args)
    invoice_page = billing_for(signed_in_customer_id()).invoices(status_key, column, order, page)

    def link(**changes) -> str:
        values = dict(status=status_key, sort=column, order=order, page=page) | changes
        defaults = {"status": "all", "page": 1}
        return url_for("portal.invoices", **{k: v for k, v in values.items() if defaults.get(k) != v})

    tabs = [
        replace(tab, url=url_for("portal.invoices", **({} if tab.key == "all" else {"status": tab.key})),
                current=tab.key == status_key)
        for tab in INVOICE_TABS
    ]
    return render_template(
        "portal/invoices.html",
        invoice_page=invoice_page,
        status_tabs=tabs,
        current_tab=next(tab for tab in tabs if tab.current),
        sorting=Sorting(column, order == "asc", lambda c, o: link(sort=c, order=o, page=1)),
        pager=pager(invoice_page.page, invoice_page.has_more, lambda p: link(page=p)),
        zip_range=zip_range or date_range({}, customer_today()),
    ), status


@bp.get("/invoices/<invoice_id>")
def invoice(invoice_id: str):
    return render_template("portal/invoice.html", invoice=billing_for(signed_in_customer_id()).invoice(invoice_id))


@bp.get("/invoices/<invoice_id>/pdf")
def invoice_pdf(invoice_id: str) -> Response:
    filename, content = billing_for(signed_in_customer_id()).invoice_pdf(invoice_id)
    return attachment(filename, content, "application/pdf")


@bp.get("/payments")
def payments():
    page = page_number(request.args)
    payment_page = billing_for(signed_in_customer_id()).payments(page)
    return render_template(
        "portal/payments.html",
        payment_page=payment_page,
        pager=pager(payment_page.page, payment_page.has_more,
                    lambda p: url_for("portal.payments", page=p) if p > 1 else url_for("portal.payments")),
    )


@bp.get("/payments/<payment_id>")
def payment(payment_id: str):
    return render_template("portal/payment.html", payment=billing_for(signed_in_customer_id()).payment(payment_id))


@bp.get("/payments/<payment_id>/receipt")
def payment_receipt(payment_id: str):
    billing = billing_for(signed_in_customer_id())
    receipt = billing.receipt(payment_id)
    return render_template("portal/receipt.html", payment=receipt.payment, customer=receipt.customer,
                           organization=receipt.organization)


@bp.get("/credit-notes")
def credit_notes():
    listing = billing_for(signed_in_customer_id()).credit_notes()
    return render_template("portal/credit_notes.html", credit_notes=listing.items, available_credits=listing.available)


@bp.get("/credit-notes/<creditnote_id>")
def credit_note(creditnote_id: str):
    return render_template("portal/credit_note.html",
                           credit_note=billing_for(signed_in_customer_id()).credit_note(creditnote_id))


@bp.get("/credit-notes/<creditnote_id>/pdf")
def credit_note_pdf(creditnote_id: str) -> Response:
    filename, content = billing_for(signed_in_customer_id()).credit_note_pdf(creditnote_id)
    return attachment(filename, content, "application/pdf")
