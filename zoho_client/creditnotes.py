from __future__ import annotations

from .http import PDF
from .models import CreditNote, Transaction
from .pagination import MAX_PER_PAGE, Page
from .resource import Resource
from .transactions import TransactionsResource

ONE = "/creditnotes/{creditnote_id}"


class CreditNotesResource(Resource):
    def get(self, creditnote_id: str) -> CreditNote:
        payload = self._call("GET", ONE, path_params={"creditnote_id": creditnote_id})
        # Zoho Billing's spec says "credit_note"; the Books shape is "creditnote".
        return self._one(payload, ("credit_note", "creditnote"), CreditNote.from_api)

    def list(self, customer_id: str, *, page: int = 1, per_page: int = MAX_PER_PAGE) -> Page[Transaction]:
        """A customer's credit notes as transaction rows; ``get()`` each one for its details.

        Zoho Billing documents no credit-note list, so this is ``GET /transactions`` with
        ``filter_by=TransactionType.CREDIT`` (zoho-billing-api.md §4.8).
        """
        return TransactionsResource(self._http).list(customer_id, "CREDIT", page=page, per_page=per_page)

    def pdf(self, creditnote_id: str) -> bytes:
        return self._http._request("GET", ONE, path_params={"creditnote_id": creditnote_id}, accept=PDF)
