"""The sandbox's hosted checkout (Zoho's card form stand-in) filled in over real HTTP, as a browser
does, and what the portal asked Zoho to charge."""
from __future__ import annotations

import re

import requests

from tests.support.demo import SUCCESS_CARD
from tests.support.forms import CSRF, local_path

NONCE = re.compile(r'name="nonce" value="([^"]+)"')


def complete_checkout(url: str, card: str = SUCCESS_CARD, action: str = "pay") -> str:
    """Fill in the hosted checkout form at ``url``; the address it sends the browser back to ("" if none)."""
    page = requests.get(url, timeout=10)
    assert page.status_code == 200, page.status_code
    nonce = NONCE.search(page.text).group(1)
    answer = requests.post(url, data={"nonce": nonce, "card_holder": "Test Person", "card_number": card,
                                      "expiry_month": "12", "expiry_year": "2030", "cvv": "123", "action": action},
                           allow_redirects=False, timeout=10)
    if answer.status_code == 302:
        return answer.headers["Location"]
    return ""


def add_card(client, card: str = SUCCESS_CARD) -> str:
    """Add a card for the signed-in customer through the add-card hosted page round trip; the result page."""
    token = CSRF.search(client.get("/cards/add").get_data(as_text=True)).group(1)
    started = client.post("/cards/add", data={"csrf_token": token})
    assert started.status_code == 303, started.status_code
    back = complete_checkout(started.headers["Location"], card)
    assert back.startswith("http://portal.test/hosted/return?"), back
    return client.get(local_path(back)).get_data(as_text=True)


def collects(sandbox, invoice_id: str | None = None) -> int:
    """How many ``POST /invoices/{id}/collect`` the sandbox received (for one invoice when given)."""
    calls = sandbox.calls()["calls"]
    return sum(1 for c in calls if c["method"] == "POST" and c["path"].endswith("/collect")
               and (invoice_id is None or f"/invoices/{invoice_id}/" in c["path"]))
