"""Small helpers for the resource and fidelity tests: a Zoho API caller over real HTTP."""
from __future__ import annotations

import re
from datetime import date

import requests


class Api:
    def __init__(self, sandbox, headers: dict[str, str]) -> None:
        self.base = sandbox.api_base
        self.headers = headers
        self.session = requests.Session()

    def call(self, method: str, path: str, *, params=None, json=None, headers=None) -> requests.Response:
        merged = dict(self.headers)
        merged.update(headers or {})
        return self.session.request(method, self.base + path, params=params, json=json, headers=merged, timeout=30)

    def get(self, path: str, **params) -> requests.Response:
        return self.call("GET", path, params=params)

    def ok(self, method: str, path: str, status: int = 200, **kw) -> dict:
        resp = self.call(method, path, **kw)
        assert resp.status_code == status, (resp.status_code, resp.text)
        assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
        body = resp.json()
        assert body["code"] == 0, body
        return body

    def customer_named(self, name: str) -> dict:
        rows = self.ok("GET", "/customers", params={"search_text": name})["customers"]
        matches = [c for c in rows if c["display_name"] == name]
        assert matches, f"no demo customer {name!r}"
        return matches[0]

    def subscriptions_of(self, customer_id: str) -> list[dict]:
        return self.ok("GET", "/subscriptions", params={"customer_id": customer_id,
                                                         "filter_by": "SubscriptionStatus.All"})["subscriptions"]

    def invoices_of(self, customer_id: str, **params) -> list[dict]:
        return self.ok("GET", "/invoices", params={"customer_id": customer_id, **params})["invoices"]

    def refresh(self, sandbox) -> None:
        """A new access token: moving the clock forward expires the old one (1 h lifetime)."""
        self.headers = sandbox.auth_headers()

    def pay_hosted_page(self, url: str, card_number: str = "4111111111111111") -> requests.Response:
        """Fill in the hosted page in the sandbox's browser UI, as a customer would."""
        page = self.session.get(url, timeout=30)
        assert page.status_code == 200, page.text[:300]
        nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
        return self.session.post(url, data={
            "nonce": nonce, "card_holder": "Pat Customer", "card_number": card_number,
            "expiry_month": "12", "expiry_year": str(date.today().year + 3), "cvv": "123"},
            allow_redirects=False, timeout=30)
