"""Credit notes (zoho-billing-api.md §4.8): get (JSON or PDF) under Zoho's key ``creditnote``, and a
list by customer under ``creditnotes`` (Zoho Books' shape; Billing documents only /transactions).

The key: credit-notes.yml names the single object ``credit_note`` in its example reply, while Zoho's
Books/Invoice APIs on the same platform, and Zoho's own webhook payloads, say ``creditnote``. The
sandbox sends both keys with the same object so that a client written against either works.
"""
from __future__ import annotations

from ..core import RequestContext, api, ok
from ..domain import serialize
from . import listing, pdf_answer

FILTERS = ("Status.All", "Status.Open", "Status.Closed", "Status.Void")
SORT_COLUMNS = {"date": lambda n: (n.date, int(n.creditnote_id)), "total": lambda n: n.total,
                "balance": lambda n: n.balance, "creditnote_number": lambda n: n.number,
                "created_time": lambda n: (n.created_time, int(n.creditnote_id))}


@api.route("/creditnotes", ["GET"], scope="creditnotes.READ")
def list_creditnotes(ctx: RequestContext, request):
    query = listing.parse(request, filters=FILTERS, default_filter="Status.All", sort_columns=SORT_COLUMNS,
                          default_sort="date", default_order="D")
    status = query.filter_value
    customer_id = request.args.get("customer_id")
    with ctx.store.transaction() as store:
        candidates = listing.of_customer(store, customer_id, "creditnotes", store.creditnotes)
        rows = [n for n in candidates if status == "all" or n.status == status]
        rows = listing.sort(rows, SORT_COLUMNS[query.sort_column], query.sort_order)
        chunk, context = listing.page_of(rows, query)
        return ok(creditnotes=[serialize.creditnote(store, n, full=False) for n in chunk], page_context=context)


@api.route("/creditnotes/<creditnote_id>", ["GET"], scope="creditnotes.READ")
def get_creditnote(ctx: RequestContext, request, creditnote_id: str):
    with ctx.store.transaction() as store:
        body = serialize.creditnote(store, store.get_creditnote(creditnote_id))
        if pdf_answer.wants_pdf(request):
            return pdf_answer.creditnote_pdf(ctx, store, body)
        return ok(creditnote=body, credit_note=body)
