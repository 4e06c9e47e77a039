"""The figures a plan change's preview shows are the ones Zoho then bills: for an upgrade, a change of
quantity and a downgrade applied now, in US dollars, euros (Swiss VAT) and rupees (India GST), the
preview's charge equals the invoice Zoho raises, its credit the credit note, and its "due today" what
is left on that invoice once the credits are applied (what the card is charged, or what is owed)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.support.demo import ACME, CAFE, PRIYA
from tests.support.forms import csrf_of

FIGURE = re.compile(r'data-testid="([a-z-]+)">([^<]*)<')
# (customer, subscription's plan code, the changes in order: plan code, quantity, add-ons)
JOURNEYS = {
    "USD": (ACME, "pro-monthly", [("upgrade", "business-monthly", 1, {"extra-storage": 2}),
                                  ("quantity", "business-monthly", 3, {"extra-storage": 2}),
                                  ("downgrade", "starter-monthly", 1, {})]),
    "EUR": (CAFE, "pro-monthly", [("upgrade", "business-monthly", 1, {"priority-support": 1}),
                                  ("quantity", "business-monthly", 2, {"priority-support": 1}),
                                  ("downgrade", "starter-monthly", 1, {})]),
    "INR": (PRIYA, "team-seat-monthly", [("upgrade", "business-monthly", 1, {}),
                                         ("quantity", "business-monthly", 2, {}),
                                         ("downgrade", "starter-monthly", 1, {})]),
}


def _amount(text: str) -> Decimal:
    """``€1,234.50`` / ``−$3.00`` / ``Nothing`` as a Decimal (the page's own formatting, read back)."""
    if text.strip() == "Nothing":
        return Decimal("0")
    return Decimal(re.sub(r"[^0-9.]", "", text))


def _figures(html: str) -> dict[str, Decimal]:
    return {name: _amount(value) for name, value in FIGURE.findall(html) if name != "new-amount" and name != "today"}


def _documents(sandbox_api, customer_id: str) -> tuple[set[str], set[str]]:
    invoices = {row["invoice_id"] for row in sandbox_api.get("/invoices", customer_id=customer_id)["invoices"]}
    notes = {row["creditnote_id"] for row in sandbox_api.get("/creditnotes", customer_id=customer_id)["creditnotes"]}
    return invoices, notes


@pytest.mark.parametrize("currency", JOURNEYS)
def test_the_preview_of_each_change_is_what_zoho_invoices(make_app, sandbox_api, signed_in, currency):
    email, plan, changes = JOURNEYS[currency]
    app = make_app(DOWNGRADE_AT_END_OF_TERM=False)
    client = signed_in(email, client_app=app)
    client.set_cookie("portal_language", "en")  # the figures are read the English way (Café Zürich's language is German)
    customer_id = sandbox_api.customer_id(email)
    sid = next(s["subscription_id"] for s in sandbox_api.subscriptions(customer_id)
               if s["status"] == "live" and s["plan_code"] == plan)
    for kind, plan_code, quantity, addons in changes:
        choice = {"plan_code": plan_code, "quantity": str(quantity),
                  **{f"addon__{code}": str(qty) for code, qty in addons.items()}}
        preview = client.get(f"/subscriptions/{sid}/change-plan", query_string={"preview": "1", **choice})
        html = preview.get_data(as_text=True)
        assert preview.status_code == 200, (kind, html)
        shown = _figures(html)
        assert sandbox_api.subscription(sid)["currency_code"] == currency
        assert {"invoice-now", "due-now"} <= set(shown), (kind, shown)
        invoices_before, notes_before = _documents(sandbox_api, customer_id)

        confirmed = client.post(f"/subscriptions/{sid}/change-plan", data={**choice, "csrf_token": csrf_of(html)})
        assert confirmed.status_code == 303, (kind, confirmed.get_data(as_text=True))

        invoices_after, notes_after = _documents(sandbox_api, customer_id)
        (invoice_id,) = invoices_after - invoices_before
        invoice = sandbox_api.get(f"/invoices/{invoice_id}")["invoice"]
        assert invoice["currency_code"] == currency
        assert Decimal(str(invoice["total"])) == shown["invoice-now"], (kind, invoice["total"], shown)
        new_notes = notes_after - notes_before
        if "credit-now" in shown:
            (note_id,) = new_notes
            note = sandbox_api.get(f"/creditnotes/{note_id}")["creditnote"]
            assert Decimal(str(note["total"])) == shown["credit-now"], (kind, note["total"], shown)
        else:
            assert not new_notes
        paid_with_credits = Decimal(str(invoice["credits_applied"]))
        assert Decimal(str(invoice["total"])) - paid_with_credits == shown["due-now"], (kind, invoice, shown)
        if "credit-left" in shown:
            assert paid_with_credits == Decimal(str(invoice["total"]))
        now = sandbox_api.subscription(sid)
        assert (now["plan"]["plan_code"], int(now["plan"]["quantity"])) == (plan_code, quantity)
