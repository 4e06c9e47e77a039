"""Taxes over HTTP: the catalogue, who is taxed, and that taxed money agrees on every endpoint
(invoice totals = sub_total + taxes, line taxes, credit notes, proration, customer balances, PDFs)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.sandbox.s2_helpers import Api
from tests.sandbox.test_fidelity_shapes import validate
from tests.sandbox.test_infra_pdf import text_of

CENT = Decimal("0.01")
CATALOGUE = {"Germany VAT": Decimal("19"), "Greece VAT": Decimal("24"), "Switzerland VAT": Decimal("8.1"),
             "India GST": Decimal("18"), "Australia GST": Decimal("10")}


def D(value) -> Decimal:
    return Decimal(str(value))


def line_tax(base, percentage) -> Decimal:
    return (D(base) * D(percentage) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def full_invoices(api, customer_id):
    return [api.ok("GET", f"/invoices/{row['invoice_id']}")["invoice"]
            for row in api.invoices_of(customer_id, per_page=200)]


def assert_taxed_document(doc, items_key, tax_amount_type):
    """sub_total = Σ item_total; each line's tax is its rate on item_total; taxes[] sums the lines per
    tax; total = sub_total + taxes; tax_amount has the type Zoho gives it in this object."""
    items = doc[items_key]
    assert D(doc["sub_total"]) == sum(D(i["item_total"]) for i in items)
    per_tax: dict[str, Decimal] = {}
    for item in items:
        if item["tax_id"]:
            assert CATALOGUE[item["tax_name"]] == D(item["tax_percentage"])
            per_tax[item["tax_id"]] = per_tax.get(item["tax_id"], Decimal(0)) + line_tax(item["item_total"],
                                                                                          item["tax_percentage"])
    assert {t["tax_id"]: D(t["tax_amount"]) for t in doc["taxes"]} == per_tax
    assert all(isinstance(t["tax_amount"], tax_amount_type) for t in doc["taxes"])
    assert D(doc["tax_total"]) == sum(per_tax.values(), Decimal(0))
    assert D(doc["total"]) == D(doc["sub_total"]) + sum(per_tax.values(), Decimal(0))


def test_tax_catalogue_settings_endpoints(api):
    body = api.ok("GET", "/settings/taxes")
    validate(body, "settings.yml", "retrieve-list-of-taxes-response")
    taxes = {t["tax_name"]: t for t in body["taxes"]}
    assert {name: D(t["tax_percentage"]) for name, t in taxes.items()} == CATALOGUE
    assert all(t["tax_id"].isdigit() and t["tax_type"] == "tax" for t in taxes.values())
    assert [t["tax_name"] for t in body["taxes"] if t["is_default_tax"]] == ["Australia GST"]
    exemptions = api.ok("GET", "/settings/taxexemptions")
    validate(exemptions, "settings.yml", "retrieve-list-of-tax-exemptions-response")
    assert [e["tax_exemption_code"] for e in exemptions["tax_exemptions"]] == ["GST FREE"]
    authorities = api.ok("GET", "/settings/taxauthorities")
    validate(authorities, "settings.yml", "retrieve-list-of-tax-authorities-response")
    assert {a["tax_authority_id"] for a in authorities["tax_authorities"]} == {t["tax_authority_id"] for t in taxes.values()}
    plan = api.ok("GET", "/plans/starter-monthly")["plan"]
    assert (plan["tax_id"], plan["tax_name"], plan["tax_percentage"]) == (
        taxes["Australia GST"]["tax_id"], "Australia GST", 10)
    assert api.ok("GET", "/plans/legacy-basic")["plan"]["tax_id"] == ""


def test_demo_customers_taxed_and_untaxed(api):
    expected = {"Müller & Söhne GmbH": "Germany VAT", "Αθηνά Παπαδοπούλου": "Greece VAT",
                "Café Zürich AG": "Switzerland VAT", "Priya Sharma Consulting": "India GST"}
    for name, tax_name in expected.items():
        customer = api.ok("GET", f"/customers/{api.customer_named(name)['customer_id']}")["customer"]
        assert customer["is_taxable"] is True and customer["tax_name"] == tax_name and customer["tax_id"].isdigit()
    wolf = api.ok("GET", f"/customers/{api.customer_named('Lone Wolf Freelance')['customer_id']}")["customer"]
    assert wolf["is_taxable"] is False and wolf["tax_id"] == "" and wolf["tax_exemption_code"] == "GST FREE"
    for name in ("Acme Studio", "Lone Wolf Freelance", "Big Ledger Corp"):
        for invoice in full_invoices(api, api.customer_named(name)["customer_id"])[:20]:
            assert invoice["taxes"] == [] and invoice["total"] == invoice["sub_total"]
            assert all(i["tax_id"] == "" and i["tax_percentage"] == 0 for i in invoice["invoice_items"])
    # The trial subscription already shows the VAT its first invoice will carry.
    mueller_sub = api.subscriptions_of(api.customer_named("Müller & Söhne GmbH")["customer_id"])[0]
    full = api.ok("GET", f"/subscriptions/{mueller_sub['subscription_id']}")["subscription"]
    assert full["taxes"] == [{"tax_id": full["plan"]["tax_id"], "tax_name": "Germany VAT", "tax_amount": "8.55"}]
    assert full["sub_total"] == 45 and full["amount"] == 53.55


@pytest.mark.parametrize("name", ["Αθηνά Παπαδοπούλου", "Café Zürich AG", "Priya Sharma Consulting"])
def test_taxed_invoices_total_is_sub_total_plus_taxes(api, name):
    customer = api.customer_named(name)
    invoices = full_invoices(api, customer["customer_id"])
    assert invoices
    for invoice in invoices:
        assert invoice["taxes"], invoice["invoice_number"]
        assert_taxed_document(invoice, "invoice_items", float)
        assert D(invoice["balance"]) == D(invoice["total"]) - D(invoice["payment_made"]) - D(invoice["credits_applied"])
    refreshed = api.ok("GET", f"/customers/{customer['customer_id']}")["customer"]
    assert D(refreshed["outstanding"]) == sum(D(i["balance"]) for i in invoices)


def test_proration_with_tax_keeps_balances_consistent(api):
    priya = api.customer_named("Priya Sharma Consulting")
    cid = priya["customer_id"]
    insights = next(s for s in api.subscriptions_of(cid) if s["plan_code"] == "insights-monthly")
    before = {i["invoice_id"] for i in api.invoices_of(cid, per_page=200)}
    changed = api.ok("PUT", f"/subscriptions/{insights['subscription_id']}",
                     json={"plan": {"plan_code": "business-monthly"}})
    new_id = next(i["invoice_id"] for i in api.invoices_of(cid, per_page=200) if i["invoice_id"] not in before)
    invoice = api.ok("GET", f"/invoices/{new_id}")["invoice"]
    assert invoice["transaction_type"] == "upgrade"
    assert_taxed_document(invoice, "invoice_items", float)
    assert [t["tax_name"] for t in invoice["taxes"]] == ["India GST (18%)"]

    notes = api.ok("GET", "/creditnotes", params={"customer_id": cid})["creditnotes"]
    assert notes
    note = api.ok("GET", f"/creditnotes/{notes[0]['creditnote_id']}")
    validate(note, "credit-notes.yml", "retreive-a-credit-note-response")
    note = note["creditnote"]
    assert_taxed_document(note, "creditnote_items", str)
    assert note["taxes"][0]["tax_name"] == "India GST (18%)"
    # The tax-inclusive credit went onto the tax-inclusive invoice.
    assert invoice["credits"] and invoice["credits"][0]["creditnote_id"] == note["creditnote_id"]
    assert D(invoice["credits_applied"]) == D(note["total"]) - D(note["balance"])

    customer = api.ok("GET", f"/customers/{cid}")["customer"]
    invoices = full_invoices(api, cid)
    assert D(customer["outstanding"]) == sum(D(i["balance"]) for i in invoices)
    assert D(customer["unused_credits"]) == sum(
        D(n["balance"]) for n in api.ok("GET", "/creditnotes", params={"customer_id": cid})["creditnotes"])
    sub = changed["subscription"]
    assert D(sub["amount"]) == D(sub["sub_total"]) + sum(D(t["tax_amount"]) for t in sub["taxes"])


def test_credit_note_left_with_balance_after_a_taxed_downgrade(api):
    cafe = api.customer_named("Café Zürich AG")
    cid = cafe["customer_id"]
    sub = api.subscriptions_of(cid)[0]
    api.ok("PUT", f"/subscriptions/{sub['subscription_id']}",
           json={"plan": {"plan_code": "starter-monthly"}, "addons": []})
    note_row = api.ok("GET", "/creditnotes", params={"customer_id": cid})["creditnotes"][0]
    note = api.ok("GET", f"/creditnotes/{note_row['creditnote_id']}")["creditnote"]
    assert_taxed_document(note, "creditnote_items", str)
    assert note["creditnote_items"][0]["tax_name"] == "Switzerland VAT" and note["balance"] > 0
    customer = api.ok("GET", f"/customers/{cid}")["customer"]
    assert D(customer["unused_credits"]) == D(note["balance"])
    assert D(customer["outstanding"]) == sum(D(i["balance"]) for i in full_invoices(api, cid)) == 0


def test_item_tax_applies_to_domestic_customers_and_customer_tax_wins(api):
    domestic = api.ok("POST", "/customers", 201, json={
        "display_name": "Fremantle Fish Co", "email": "accounts@fremantle-fish.example", "currency_code": "USD",
        "billing_address": {"street": "1 Mews Rd", "city": "Fremantle", "country": "Australia"}})["customer"]
    assert domestic["is_taxable"] is True and domestic["tax_id"] == ""
    abroad = api.ok("POST", "/customers", 201, json={
        "display_name": "Boston Bagels", "email": "ap@boston-bagels.example", "currency_code": "USD",
        "billing_address": {"street": "2 Tremont St", "city": "Boston", "country": "U.S.A"}})["customer"]
    for customer, expected in ((domestic, ["Australia GST (10%)"]), (abroad, [])):
        sub = api.ok("POST", "/subscriptions", 201, json={
            "customer_id": customer["customer_id"], "auto_collect": False,
            "plan": {"plan_code": "starter-monthly", "exclude_trial": True}})["subscription"]
        invoice = api.ok("GET", f"/invoices/{sub['child_invoice_id']}")["invoice"]
        assert [t["tax_name"] for t in invoice["taxes"]] == expected
        assert_taxed_document(invoice, "invoice_items", float)
    assert invoice["total"] == 19

    greece = next(t for t in api.ok("GET", "/settings/taxes")["taxes"] if t["tax_name"] == "Greece VAT")
    updated = api.ok("PUT", f"/customers/{abroad['customer_id']}", json={"tax_id": greece["tax_id"]})["customer"]
    assert updated["tax_name"] == "Greece VAT"
    bad = api.call("PUT", f"/customers/{abroad['customer_id']}", json={"tax_id": "187955000000099999"})
    assert bad.status_code == 400
    assert api.ok("GET", f"/customers/{abroad['customer_id']}")["customer"]["tax_id"] == greece["tax_id"]
    sub = api.ok("POST", "/subscriptions", 201, json={
        "customer_id": abroad["customer_id"], "auto_collect": False,
        "plan": {"plan_code": "insights-monthly"}})["subscription"]
    invoice = api.ok("GET", f"/invoices/{sub['child_invoice_id']}")["invoice"]
    assert [(t["tax_name"], t["tax_amount"]) for t in invoice["taxes"]] == [("Greece VAT (24%)", 6.96)]
    assert invoice["total"] == 35.96 and invoice["balance"] == 35.96


def test_taxed_invoice_and_credit_note_pdfs_show_the_tax(api, sandbox, auth):
    import requests

    athina = api.customer_named("Αθηνά Παπαδοπούλου")
    invoice = full_invoices(api, athina["customer_id"])[0]
    resp = requests.get(sandbox.api_base + f"/invoices/{invoice['invoice_id']}", headers=auth,
                        params={"accept": "pdf"}, timeout=30)
    assert resp.status_code == 200
    text = text_of(resp.content)
    assert "Greece VAT (24%)" in text and f"{invoice['taxes'][0]['tax_amount']:,.2f}" in text
    assert f"{invoice['sub_total']:,.2f}" in text and f"{invoice['total']:,.2f}" in text

    cafe = api.customer_named("Café Zürich AG")
    sub = api.subscriptions_of(cafe["customer_id"])[0]
    api.ok("PUT", f"/subscriptions/{sub['subscription_id']}", json={"plan": {"plan_code": "starter-monthly"}})
    note = api.ok("GET", "/creditnotes", params={"customer_id": cafe["customer_id"]})["creditnotes"][0]
    resp = requests.get(sandbox.api_base + f"/creditnotes/{note['creditnote_id']}", headers=auth,
                        params={"accept": "pdf"}, timeout=30)
    assert resp.status_code == 200
    assert "Switzerland VAT (8.1%)" in text_of(resp.content)
