from __future__ import annotations

from typing import Iterator

from .models import Transaction
from .pagination import MAX_PER_PAGE, Page
from .resource import Resource

TYPES = frozenset({"All", "INVOICE", "PAYMENT", "CREDIT", "REFUND"})


class TransactionsResource(Resource):
    def list(self, customer_id: str, type: str = "All", *, page: int = 1,
             per_page: int = MAX_PER_PAGE) -> Page[Transaction]:
        """A customer's transactions, optionally of one ``type`` (``PAYMENT``, ``CREDIT``, ``INVOICE``, ``REFUND``)."""
        if type not in TYPES:
            raise ValueError(f"unknown transaction type {type!r}; one of {sorted(TYPES)}")
        return self._page("/transactions", "transactions", Transaction.from_api, page=page, per_page=per_page,
                          params={"customer_id": customer_id, "filter_by": f"TransactionType.{type}"})

    def iter_all(self, customer_id: str, type: str = "All", *, per_page: int = MAX_PER_PAGE) -> Iterator[Transaction]:
        return self._all(lambda n: self.list(customer_id, type, page=n, per_page=per_page))
