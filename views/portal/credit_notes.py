"""Credit notes: the list with what is still available, one credit note, its PDF."""
from __future__ import annotations

from flask import Response

from services.context import CustomerContext
from views.page_memo import render_page
from views.portal.downloads import attachment


def list_page(ctx: CustomerContext):
    listing = ctx.billing.credit_notes()
    return render_page("portal/credit_notes.html", credit_notes=listing.items, available_credits=listing.available)


def show(ctx: CustomerContext, creditnote_id: str):
    return render_page("portal/credit_note.html", credit_note=ctx.billing.credit_note(creditnote_id))


def pdf(ctx: CustomerContext, creditnote_id: str) -> Response:
    filename, content = ctx.billing.credit_note_pdf(creditnote_id)
    return attachment(filename, content, "application/pdf")
