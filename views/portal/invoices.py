"""Invoices: the list (status tabs, sorting, paging), one invoice, its PDF, and a zip of a date range."""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Response, request, url_for

from services.context import CustomerContext
from services.invoice_zip import NoInvoicesInRange, TooManyInvoices
from services.policy import Action, invoices as invoice_policy, subscriptions as subscription_policy
from services.texts import invoices as words
from views.page_memo import render_page
from views.portal.buttons import Button, button
from views.portal.downloads import attachment
from views.portal.params import Sorting, choice, date_range, page_number, pager


@dataclass(frozen=True)
class StatusTab:
    key: str
    label: str
    empty_title: str
    empty_text: str
    url: str = ""
    current: bool = False


INVOICE_TABS = (
    StatusTab("all", words.TAB_ALL, words.EMPTY_ALL_TITLE, words.EMPTY_ALL_TEXT),
    StatusTab("unpaid", words.TAB_UNPAID, words.EMPTY_UNPAID_TITLE, words.EMPTY_UNPAID_TEXT),
    StatusTab("overdue", words.TAB_OVERDUE, words.EMPTY_OVERDUE_TITLE, words.EMPTY_OVERDUE_TEXT),
    StatusTab("paid", words.TAB_PAID, words.EMPTY_PAID_TITLE, words.EMPTY_PAID_TEXT),
    StatusTab("void", words.TAB_VOID, words.EMPTY_VOID_TITLE, words.EMPTY_VOID_TEXT),
)
INVOICE_STATUSES = tuple(tab.key for tab in INVOICE_TABS)
INVOICE_SORT_COLUMNS = ("date", "due_date", "number", "total", "balance")


def list_page(ctx: CustomerContext):
    return _invoice_list(ctx, zip_range=None, status=200)


def zip_download(ctx: CustomerContext):
    chosen = date_range(request.args, ctx.today(), required=True)
    if not chosen.is_valid:
        # The list again, with the form and its message where the customer typed the dates.
        return _invoice_list(ctx, zip_range=chosen, status=400)
    try:
        filename, content = ctx.billing.invoices_zip(chosen.start, chosen.end)
    except (TooManyInvoices, NoInvoicesInRange) as refused:
        return _invoice_list(ctx, zip_range=chosen.refused(str(refused)), status=422)
    return attachment(filename, content, "application/zip")


def _invoice_list(ctx: CustomerContext, zip_range, status: int):
    args = request.args if zip_range is None else {}
    status_key = choice(args, "status", INVOICE_STATUSES, "all")
    column = choice(args, "sort", INVOICE_SORT_COLUMNS, "date")
    order = choice(args, "order", ("asc", "desc"), "asc" if column == "number" else "desc")
    page = page_number(args)
    invoice_page = ctx.billing.invoices(status_key, column, order, page)

    def link(**changes) -> str:
        values = dict(status=status_key, sort=column, order=order, page=page) | changes
        defaults = {"status": "all", "page": 1}
        return url_for("portal.invoices", **{k: v for k, v in values.items() if defaults.get(k) != v})

    tabs = [
        replace(tab, url=url_for("portal.invoices", **({} if tab.key == "all" else {"status": tab.key})),
                current=tab.key == status_key)
        for tab in INVOICE_TABS
    ]
    return render_page(
        "portal/invoices.html",
        invoice_page=invoice_page,
        pay_all_button=pay_all_button(ctx),
        status_tabs=tabs,
        current_tab=next(tab for tab in tabs if tab.current),
        sorting=Sorting(column, order == "asc", lambda c, o: link(sort=c, order=o, page=1)),
        pager=pager(invoice_page.page, invoice_page.has_more, lambda p: link(page=p)),
        zip_range=zip_range or date_range({}, ctx.today()),
    ), status


def pay_all_button(ctx: CustomerContext):
    """Pay all, when the invoices policy allows it: something is owed and there is a card to charge
    that no subscription's payment was just declined on."""
    card = ctx.billing.card_on_file()
    declined = card is not None and any(subscription_policy.card_was_declined(d.subscription, card.card_id)
                                        for d in ctx.billing.running_subscriptions())
    decision = invoice_policy.decide_pay_all(ctx.billing.invoice_index().rows, ctx.actor, has_card=card is not None,
                                             card_declined=declined)
    return button([decision])


def pay_button(ctx: CustomerContext, invoice, *, has_card: bool) -> Button | None:
    """Pay one invoice: with the card on file, or on the secure payment page when there is none, or
    when the card on file is the one the invoice's subscription was just declined on."""
    running = {d.subscription.subscription_id: d.subscription for d in ctx.billing.running_subscriptions()}
    declined = False
    for subscription_id in invoice.subscription_ids:
        sub = running.get(subscription_id)
        card = ctx.billing.card_on_file(sub) if sub is not None else None
        declined = declined or subscription_policy.card_was_declined(sub, card.card_id if card else None)
    decisions = invoice_policy.decide_pay(invoice, ctx.actor, has_card=has_card, card_declined=declined)
    return button([decisions[Action.PAY_INVOICE], decisions[Action.PAY_ON_PAYMENT_PAGE]],
                  invoice_id=invoice.invoice_id)


def show(ctx: CustomerContext, invoice_id: str):
    invoice = ctx.billing.invoice(invoice_id)
    pay = pay_button(ctx, invoice, has_card=ctx.billing.card_on_file() is not None)
    return render_page("portal/invoice.html", invoice=invoice, pay_button=pay)


def pdf(ctx: CustomerContext, invoice_id: str) -> Response:
    filename, content = ctx.billing.invoice_pdf(invoice_id)
    return attachment(filename, content, "application/pdf")
