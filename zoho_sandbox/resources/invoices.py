"""Invoices (zoho-billing-api.md §4.6): list with filters, sorting and date ranges; get (JSON or
PDF); create, update, delete; collect the balance against a card on file. The other actions on an
invoice are in invoice_actions.py."""
from __future__ import annotations

from datetime import date

from ..core import RequestContext, api, ok, options, read_json_body
from ..domain import billing, errors, fields, invoicing, serialize
from ..domain.dates import parse_date
from ..domain.models import Invoice
from . import listing, pdf_answer
from .actions import act

FILTERS = ("Status.All", "Status.Sent", "Status.Draft", "Status.OverDue", "Status.Paid", "Status.Void",
           "Status.Unpaid", "Status.PartiallyPaid", "Status.Viewed", "InvoiceDate.ThisMonth",
           "InvoiceDate.PreviousMonth")
SORT_COLUMNS = {
    "customer_name": lambda store, i: listing.text_key(store.customers[i.customer_id].display_name),
    "invoice_number": lambda store, i: i.number,
    "number": lambda store, i: i.number,
    "date": lambda store, i: (i.invoice_date, int(i.invoice_id)),
    "invoice_date": lambda store, i: (i.invoice_date, int(i.invoice_id)),
    "due_date": lambda store, i: (i.due_date, int(i.invoice_id)),
    "total": lambda store, i: i.total,
    "balance": lambda store, i: i.balance,
    "created_time": lambda store, i: (i.created_time, int(i.invoice_id)),
}


def _matches_status(inv: Invoice, filter_by: str, today: date) -> bool:
    group, value = filter_by.split(".", 1)
    if group == "InvoiceDate":
        month_start = today.replace(day=1)
        if value == "ThisMonth":
            return inv.invoice_date >= month_start
        previous = (month_start.replace(day=1) - __import__("datetime").timedelta(days=1)).replace(day=1)
        return previous <= inv.invoice_date < month_start
    status = inv.status_on(today)
    if value == "All":
        return True
    if value in ("Sent", "Viewed"):
        # "Sent" is every invoice that went out and is still open and not yet due.
        return status in ("sent", "partially_paid")
    if value == "Unpaid":
        return status in ("sent", "overdue", "partially_paid")
    return status == {"Draft": "draft", "OverDue": "overdue", "Paid": "paid", "Void": "void",
                      "PartiallyPaid": "partially_paid"}[value]


def _date_arg(request, *names: str) -> date | None:
    for name in names:
        raw = request.args.get(name)
        if raw:
            try:
                return parse_date(raw)
            except ValueError:
                raise errors.invalid_parameter(name, raw)
    return None


@api.route("/invoices", ["GET"], scope="invoices.READ")
def list_invoices(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="Status.All", sort_columns=SORT_COLUMNS,
                          default_sort="created_time", default_order="D")
    customer_id = request.args.get("customer_id")
    subscription_id = request.args.get("subscription_id")
    number = request.args.get("invoice_number") or request.args.get("number")
    search = (request.args.get("search_text") or "").casefold()
    # Date ranges are not in Zoho's Billing spec; the sandbox takes Zoho Books' names for them.
    date_start = _date_arg(request, "date_start", "invoice_date_start")
    date_end = _date_arg(request, "date_end", "invoice_date_end")
    due_start = _date_arg(request, "due_date_start")
    due_end = _date_arg(request, "due_date_end")
    with ctx.store.transaction() as store:
        today = store.today()
        candidates = listing.of_customer(store, customer_id, "invoices", store.invoices)
        rows = [i for i in candidates
                if _matches_status(i, query.filter_by, today)
                and (not subscription_id or i.subscription_id == subscription_id)
                and (not number or i.number == number)
                and (not search or search in i.number.casefold()
                     or search in store.customers[i.customer_id].display_name.casefold())
                and (date_start is None or i.invoice_date >= date_start)
                and (date_end is None or i.invoice_date <= date_end)
                and (due_start is None or i.due_date >= due_start)
                and (due_end is None or i.due_date <= due_end)]
        key = SORT_COLUMNS[query.sort_column]
        rows = listing.sort(rows, lambda i: key(store, i), query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(invoices=[serialize.invoice(store, i, full=False) for i in chunk],
                  page_context=listing.with_report_name(context, "Invoices"))


@api.route("/invoices/<invoice_id>", ["GET"], scope="invoices.READ")
def get_invoice(ctx: RequestContext, request, invoice_id: str):
    with ctx.store.transaction() as store:
        body = serialize.invoice(store, store.get_invoice(invoice_id))
        if pdf_answer.wants_pdf(request):
            return pdf_answer.invoice_pdf(ctx, store, body)
        return ok(invoice=body)


@api.route("/invoices/<invoice_id>/collect", ["POST"], scope="invoices.CREATE")
def collect(ctx: RequestContext, request, invoice_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        inv = store.get_invoice(invoice_id)
        if inv.is_void or inv.balance <= 0:
            raise errors.not_allowed("The invoice has already been paid." if not inv.is_void else "The invoice is void.")
        if fields.ident(body, "account_id"):
            raise errors.not_allowed("Bank account payments are not available in this organization.")
        card_id = fields.ident(body, "card_id")
        if card_id:
            card = store.get_card(inv.customer_id, card_id)
        else:
            sub = store.subscriptions.get(inv.subscription_id) if inv.subscription_id else None
            card = store.cards.get(sub.card_id) if sub and sub.card_id else None
            if card is None or card.status != "active":
                card = billing.primary_card(store, inv.customer_id)
        payment = billing.charge_invoice(store, inv, card, raise_on_decline=True)
        return ok("The customer payment has been recorded.", payment=serialize.payment(store, payment))


def query_flag(request, body: dict, name: str) -> bool:
    """A flag invoices.yml passes in the query (``send``, ``ignore_auto_number_generation``)."""
    return fields.flag(options(request, body, name), name)


@api.route("/invoices", ["POST"], scope="invoices.CREATE")
def create_invoice(ctx: RequestContext, request):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        inv = invoicing.create(store, body, own_number=query_flag(request, body, "ignore_auto_number_generation"),
                               send=query_flag(request, body, "send"))
        return ok("The invoice has been created.", 201, invoice=serialize.invoice(store, inv))


@api.route("/invoices/<invoice_id>", ["PUT"], scope="invoices.UPDATE")
def update_invoice(ctx: RequestContext, request, invoice_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        inv = invoicing.update(store, store.get_invoice(invoice_id), body,
                               own_number=query_flag(request, body, "ignore_auto_number_generation"))
        return ok("Invoice information has been updated.", invoice=serialize.invoice(store, inv))


@api.route("/invoices/<invoice_id>", ["DELETE"], scope="invoices.DELETE")
def delete_invoice(ctx: RequestContext, request, invoice_id: str):
    return act(ctx, "get_invoice", invoice_id, invoicing.delete, "The invoice has been deleted.")
