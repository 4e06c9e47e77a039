from __future__ import annotations

from .models import Payment, Transaction
from .pagination import MAX_PER_PAGE, Page
from .resource import Resource
from .transactions import TransactionsResource


class PaymentsResource(Resource):
    def get(self, payment_id: str) -> Payment:
        payload = self._call("GET", "/payments/{payment_id}", path_params={"payment_id": payment_id})
        return self._one(payload, "payment", Payment.from_api)

    def list_for_customer(self, customer_id: str, *, page: int = 1, per_page: int = MAX_PER_PAGE) -> Page[Transaction]:
        """A customer's payments as transaction rows; ``get()`` each one for its details.

        Zoho Billing documents no payments list, so this is ``GET /transactions`` with
        ``filter_by=TransactionType.PAYMENT`` (zoho-billing-api.md §4.7).
        """
        return TransactionsResource(self._http).list(customer_id, "PAYMENT", page=page, per_page=per_page)
