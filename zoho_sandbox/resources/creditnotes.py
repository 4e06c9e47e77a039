"""Credit notes (zoho-billing-api.md §4.8): get (JSON or PDF) under Zoho's key ``creditnote``, a list
by customer under ``creditnotes`` (Zoho Books' shape; Billing documents only /transactions); create,
delete, void, reopen, email, apply to invoices (credit-notes.yml). Refunds are in refunds.py.

The key: credit-notes.yml names the single object ``credit_note`` in its example reply, while Zoho's
Books/Invoice APIs on the same platform, and Zoho's own webhook payloads, say ``creditnote``. The
sandbox sends both keys with the same object so that a client written against either works.
"""
from __future__ import annotations

from ..core import RequestContext, api, ok, options, read_json_body
from ..domain import creditnotes, fields, serialize
from . import listing, pdf_answer
from .actions import act

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


@api.route("/creditnotes", ["POST"], scope="creditnotes.CREATE")
def create_creditnote(ctx: RequestContext, request):
    body = read_json_body(request)
    own_number = fields.flag(options(request, body, "ignore_auto_number_generation"), "ignore_auto_number_generation")
    with ctx.store.transaction() as store:
        note = creditnotes.create(store, body, own_number=own_number)
        shown = serialize.creditnote(store, note)
        return ok("Credit Note created successfully.", 201, creditnote=shown, credit_note=shown)


def _act(ctx: RequestContext, creditnote_id: str, action, message: str):
    return act(ctx, "get_creditnote", creditnote_id, action, message)


@api.route("/creditnotes/<creditnote_id>", ["DELETE"], scope="creditnotes.DELETE")
def delete_creditnote(ctx: RequestContext, request, creditnote_id: str):
    return _act(ctx, creditnote_id, creditnotes.delete, "The credit note has been deleted.")


@api.route("/creditnotes/<creditnote_id>/void", ["POST"], scope="creditnotes.CREATE")
def void_creditnote(ctx: RequestContext, request, creditnote_id: str):
    return _act(ctx, creditnote_id, creditnotes.void, "The credit note has been marked as void.")


@api.route("/creditnotes/<creditnote_id>/converttoopen", ["POST"], scope="creditnotes.CREATE")
def reopen_creditnote(ctx: RequestContext, request, creditnote_id: str):
    return _act(ctx, creditnote_id, creditnotes.reopen, "Status of the credit note has been changed to open.")


@api.route("/creditnotes/<creditnote_id>/email", ["POST"], scope="creditnotes.CREATE")
def email_creditnote(ctx: RequestContext, request, creditnote_id: str):
    body = read_json_body(request)
    return _act(ctx, creditnote_id, lambda store, note: creditnotes.email(store, note, body),
                "Your creditnote has been sent.")


@api.route("/creditnotes/<creditnote_id>/invoices", ["POST"], scope="creditnotes.CREATE")
def apply_to_invoices(ctx: RequestContext, request, creditnote_id: str):
    body = read_json_body(request)
    with ctx.store.transaction() as store:
        note = store.get_creditnote(creditnote_id)
        applied = creditnotes.apply_to_invoices(store, note, fields.objects(body, "invoices"))
        return ok("Credits have been applied to the invoice(s).",
                  invoices=[{"invoice_id": a.invoice_id, "amount_applied": a.amount, "creditnotes_invoice_id":
                             a.creditnote_invoice_id} for a in _applications(note, applied)])


def _applications(note, credits):
    """The credit note's side of the credits just applied (same link ids)."""
    ids = {c.creditnote_invoice_id for c in credits}
    return [a for a in note.applications if a.creditnote_invoice_id in ids]
