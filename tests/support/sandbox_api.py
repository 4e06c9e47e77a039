"""The sandbox's own Zoho API, called directly with the demo credentials: to learn the demo objects'
ids and to check what Zoho holds after the portal acted (never through the portal's client)."""
from __future__ import annotations

import requests

from tests.support.demo import NEWCOMER, DemoCustomer


class SandboxAPI:
    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox
        self.session = requests.Session()
        self.session.headers.update(sandbox.auth_headers())

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self.session.request(method, self.sandbox.api_base + path, timeout=30, **kwargs)
        if response.status_code == 401:  # the sandbox's clock moved past the token's hour, or it was reset
            self.session.headers.update(self.sandbox.auth_headers())
            response = self.session.request(method, self.sandbox.api_base + path, timeout=30, **kwargs)
        response.raise_for_status()
        return response

    def get(self, path: str, **params) -> dict:
        return self._send("GET", path, params=params).json()

    def put(self, path: str, body: dict) -> dict:
        return self._send("PUT", path, json=body).json()

    def all_rows(self, path: str, key: str, **params) -> list[dict]:
        """Every row of a list endpoint, page after page."""
        rows, page = [], 1
        while True:
            body = self.get(path, page=page, per_page=200, **params)
            rows += body[key]
            if not body["page_context"]["has_more_page"]:
                return rows
            page += 1

    # -- customers ------------------------------------------------------------------------------

    def customer_id(self, email: str) -> str:
        rows = self.get("/customers", email=email)["customers"]
        assert len(rows) == 1, f"{email} is not one demo customer"
        return rows[0]["customer_id"]

    def demo_customer(self, email: str) -> DemoCustomer:
        found = [c for c in self.all_rows("/customers", "customers") if c["email"] == email]
        assert len(found) == 1, f"{email} is not one demo customer"
        return DemoCustomer(email, found[0]["customer_id"], found[0]["display_name"])

    def customer(self, customer_id: str) -> dict:
        return self.get(f"/customers/{customer_id}")["customer"]

    def contacts(self, customer_id: str) -> list[dict]:
        return self.get(f"/customers/{customer_id}/contactpersons")["contact_persons"]

    def add_newcomer(self) -> DemoCustomer:
        """A new active customer with no subscription, invoice or payment (a sandbox reset removes it)."""
        self._send("POST", "/customers", json={
            "display_name": "Empty Nest Ltd", "email": NEWCOMER, "currency_code": "USD",
            "first_name": "Noa", "last_name": "Berg"})
        return self.demo_customer(NEWCOMER)

    # -- what a customer has ---------------------------------------------------------------------

    def subscriptions(self, customer_id: str) -> list[dict]:
        return self.get("/subscriptions", customer_id=customer_id, filter_by="SubscriptionStatus.All")["subscriptions"]

    def subscription(self, subscription_id: str) -> dict:
        return self.get(f"/subscriptions/{subscription_id}")["subscription"]

    def first_subscription(self, email: str, status: str | None = None) -> str:
        rows = [r for r in self.subscriptions(self.customer_id(email)) if status is None or r["status"] == status]
        assert rows, (email, status)
        return rows[0]["subscription_id"]

    def subscription_ids(self, customer_id: str) -> list[str]:
        return [row["subscription_id"] for row in self.all_rows(
            "/subscriptions", "subscriptions", customer_id=customer_id, filter_by="SubscriptionStatus.All")]

    def invoice_ids(self, customer_id: str) -> list[str]:
        return [row["invoice_id"] for row in self.all_rows("/invoices", "invoices", customer_id=customer_id)
                if row["status"] != "draft"]

    def transaction_ids(self, customer_id: str, kind: str) -> list[str]:
        """``kind``: PAYMENT or CREDIT."""
        return [row["transaction_id"] for row in self.all_rows(
            "/transactions", "transactions", customer_id=customer_id, filter_by=f"TransactionType.{kind}")]


def upstream_calls(sandbox, fragment: str, method: str | None = None) -> list[dict]:
    """The recorded calls to the sandbox (of ``method`` when given) whose path or query string holds ``fragment``."""
    return [c for c in sandbox.calls()["calls"] if (fragment in c["path"] or fragment in c["query_string"])
            and (method is None or c["method"] == method)]
