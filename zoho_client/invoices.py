from __future__ import annotations

from typing import Any, Iterator

from .http import PDF
from .models import Invoice, Payment
from .pagination import MAX_PER_PAGE, Page
from .resource import Resource

ONE = "/invoices/{invoice_id}"


class InvoicesResource(Resource):
    def list(self, *, customer_id: str | None = None, subscription_id: str | None = None,
             status: str | None = None, filter_by: str | None = None, sort_column: str | None = None,
             sort_order: str | None = None, page: int = 1, per_page: int = MAX_PER_PAGE,
             **params: Any) -> Page[Invoice]:
        """``status`` is a filter name (``Unpaid``, ``Paid``, ``OverDue``…) sent as ``filter_by=Status.<name>``;
        ``sort_order`` is ``A`` or ``D``."""
        if status is not None and filter_by is not None:
            raise ValueError("pass status or filter_by, not both")
        if status is not None:
            filter_by = f"Status.{status}"
        return self._page("/invoices", "invoices", Invoice.from_api, page=page, per_page=per_page, params={
            "customer_id": customer_id, "subscription_id": subscription_id, "filter_by": filter_by,
            "sort_column": sort_column, "sort_order": sort_order, **params,
        })

    def iter_all(self, *, per_page: int = MAX_PER_PAGE, **filters: Any) -> Iterator[Invoice]:
        return self._all(lambda n: self.list(page=n, per_page=per_page, **filters))

    def get(self, invoice_id: str) -> Invoice:
        payload = self._call("GET", ONE, path_params={"invoice_id": invoice_id})
        return self._one(payload, "invoice", Invoice.from_api)

    def pdf(self, invoice_id: str) -> bytes:
        """The invoice as PDF bytes (``Accept: application/pdf``; the reply's content type is checked)."""
        return self._http._request("GET", ONE, path_params={"invoice_id": invoice_id}, accept=PDF)

    def collect(self, invoice_id: str, card_id: str) -> Payment:
        """Charge the invoice's balance to a stored card.

        Never retried: a timeout or broken connection after sending raises ZohoOutcomeUnknown, and the
        caller must re-read the invoice and its payments before trying again.
        """
        payload = self._call("POST", ONE + "/collect", path_params={"invoice_id": invoice_id},
                             json={"card_id": card_id}, idempotent=False)
        return self._one(payload, "payment", Payment.from_api)
