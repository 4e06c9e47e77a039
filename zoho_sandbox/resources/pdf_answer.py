"""Answering an invoice or credit note as a PDF when the client asks for one (``accept=pdf`` or
``Accept: application/pdf``), with the headers Zoho sends (zoho-billing-api.md §4.6)."""
from __future__ import annotations

from werkzeug.wrappers import Response

from ..core import ApiError

PDF_CONTENT_TYPE = "application/pdf;charset=UTF-8"


def wants_pdf(request) -> bool:
    if (request.args.get("accept") or "").lower() == "pdf":
        return True
    accept = request.headers.get("Accept", "")
    return "application/pdf" in accept.lower()


def _renderer(ctx):
    module = getattr(ctx.sandbox, "pdf", None)
    if module is None:
        try:
            from .. import pdf as module  # S1's renderer
        except ImportError:
            raise ApiError(406, 1000, "PDF rendering is not available in this sandbox build.")
    return module


def _organization_dict(store) -> dict:
    from ..domain import serialize

    return serialize.organization(store)


def invoice_pdf(ctx, store, invoice_json: dict) -> Response:
    body = _renderer(ctx).render_invoice(invoice_json, _organization_dict(store))
    return _pdf(body, invoice_json["number"])


def creditnote_pdf(ctx, store, note_json: dict) -> Response:
    body = _renderer(ctx).render_creditnote(note_json, _organization_dict(store))
    return _pdf(body, note_json["creditnote_number"])


def _pdf(body: bytes, number: str) -> Response:
    response = Response(body, status=200)
    response.headers["Content-Type"] = PDF_CONTENT_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{number}.pdf"'
    return response
