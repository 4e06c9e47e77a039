from __future__ import annotations

from typing import Any, Iterator

from .errors import ZohoBadResponse
from .models import Customer, UnusedCredit
from .pagination import MAX_PER_PAGE, Page
from .resource import Resource

# Fields a customer may change about themselves through the portal (zoho-billing-api.md §4.2).
UPDATABLE_FIELDS = frozenset({
    "display_name", "email", "salutation", "first_name", "last_name", "company_name", "phone", "mobile",
    "fax", "website", "billing_address", "shipping_address", "custom_fields", "notes", "is_portal_enabled",
    "payment_terms", "payment_terms_label", "currency_code", "tags", "is_taxable", "tax_id", "gst_no",
    "vat_reg_no", "twitter", "facebook", "skype",
})


class CustomersResource(Resource):
    def get(self, customer_id: str) -> Customer:
        payload = self._call("GET", "/customers/{customer_id}", path_params={"customer_id": customer_id})
        return self._one(payload, "customer", Customer.from_api)

    def list(self, *, page: int = 1, per_page: int = MAX_PER_PAGE, filter_by: str | None = None,
             email: str | None = None, search_text: str | None = None,
             sort_column: str | None = None, sort_order: str | None = None) -> Page[Customer]:
        params = dict(filter_by=filter_by, email=email, search_text=search_text,
                      sort_column=sort_column, sort_order=sort_order)
        return self._page("/customers", "customers", Customer.from_api, page=page, per_page=per_page, params=params)

    def iter_all(self, *, per_page: int = MAX_PER_PAGE, **filters: Any) -> Iterator[Customer]:
        return self._all(lambda n: self.list(page=n, per_page=per_page, **filters))

    def update(self, customer_id: str, **fields: Any) -> Customer:
        unknown = set(fields) - UPDATABLE_FIELDS
        if unknown:
            raise ValueError(f"not updatable customer fields: {', '.join(sorted(unknown))}")
        payload = self._call("PUT", "/customers/{customer_id}", path_params={"customer_id": customer_id}, json=fields)
        return self._one(payload, "customer", Customer.from_api)

    def unused_credits(self, customer_id: str) -> list[UnusedCredit]:
        """The customer's credit notes with an unapplied balance.

        ``GET /customers/{id}/unusedcredits`` is named by Zoho's Postman collection but its reply is not
        documented; we read a list under ``unused_credits`` (or ``creditnotes``) of credit-note rows.
        """
        payload = self._call("GET", "/customers/{customer_id}/unusedcredits", path_params={"customer_id": customer_id})
        for key in ("unused_credits", "creditnotes", "credit_notes"):
            rows = payload.get(key)
            if isinstance(rows, list):
                return [UnusedCredit.from_api(row) for row in rows]
        raise ZohoBadResponse("Zoho's unused-credits reply has no list of credits")
