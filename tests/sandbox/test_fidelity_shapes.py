"""Fidelity: responses validate against Zoho's OpenAPI component schemas (with the documented
real-service exceptions of tests/sandbox/openapi.py), and the field sets of the recorded real
responses appear in ours."""
from __future__ import annotations

import json

import pytest

from tests.sandbox.openapi import recorded_dir, validate
from tests.sandbox.s2_helpers import Api


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def test_customer_shapes(api):
    listed = api.ok("GET", "/customers")
    validate(listed, "customers.yml", "list-all-customers-response")
    one = api.ok("GET", f"/customers/{listed['customers'][0]['customer_id']}")
    validate(one, "customers.yml", "retrieve-a-customer-response")
    tx = api.ok("GET", "/transactions", params={"customer_id": listed["customers"][0]["customer_id"]})
    validate(tx, "customers.yml", "list-of-transactions-response")


def test_subscription_invoice_payment_creditnote_shapes(api):
    subs = api.ok("GET", "/subscriptions", params={"filter_by": "SubscriptionStatus.All"})
    validate(subs, "subscription.yml", "list-all-subscriptions-response")
    for row in subs["subscriptions"]:
        validate(api.ok("GET", f"/subscriptions/{row['subscription_id']}"), "subscription.yml",
                 "retrieve-a-subscription-response")
    invoices = api.ok("GET", "/invoices", params={"per_page": 40})
    validate(invoices, "invoices.yml", "list-all-invoices-response")
    for row in invoices["invoices"][:40]:
        validate(api.ok("GET", f"/invoices/{row['invoice_id']}"), "invoices.yml", "retrieve-an-invoice-response")
    for payment in api.ok("GET", "/payments", params={"per_page": 20})["payments"]:
        validate(api.ok("GET", f"/payments/{payment['payment_id']}"), "payments.yml", "retrieve-a-payment-response")
    for note in api.ok("GET", "/creditnotes")["creditnotes"]:
        body = api.ok("GET", f"/creditnotes/{note['creditnote_id']}")
        validate(body, "credit-notes.yml", "retreive-a-credit-note-response")
        assert body["credit_note"]["creditnote_id"] == note["creditnote_id"]


def test_taxed_shapes(api):
    """The taxed demo customers' objects: invoice taxes with number amounts, subscription taxes with
    string amounts (subscription.yml), customers with is_taxable/tax_id."""
    for name in ("Priya Sharma Consulting", "Café Zürich AG", "Αθηνά Παπαδοπούλου", "Müller & Söhne GmbH"):
        cid = api.customer_named(name)["customer_id"]
        validate(api.ok("GET", f"/customers/{cid}"), "customers.yml", "retrieve-a-customer-response")
        for row in api.subscriptions_of(cid):
            body = api.ok("GET", f"/subscriptions/{row['subscription_id']}")
            validate(body, "subscription.yml", "retrieve-a-subscription-response")
            assert body["subscription"]["taxes"] and all(isinstance(t["tax_amount"], str)
                                                         for t in body["subscription"]["taxes"])
        for row in api.invoices_of(cid):
            body = api.ok("GET", f"/invoices/{row['invoice_id']}")
            validate(body, "invoices.yml", "retrieve-an-invoice-response")
            assert body["invoice"]["taxes"] and all(isinstance(t["tax_amount"], float) for t in body["invoice"]["taxes"])


def test_catalogue_and_settings_shapes(api):
    validate(api.ok("GET", "/plans"), "plans.yml", "list-all-plans-response")
    validate(api.ok("GET", "/plans/pro-monthly"), "plans.yml", "retrieve-a-plan-response")
    validate(api.ok("GET", "/addons"), "addons.yml", "list-all-addons-response")
    validate(api.ok("GET", "/addons/extra-storage"), "addons.yml", "retrieve-an-addon-response")
    products = api.ok("GET", "/products")
    validate(products, "products.yml", "list-of-all-products-response")
    validate(api.ok("GET", f"/products/{products['products'][0]['product_id']}"), "products.yml",
             "retrieve-a-product-response")
    validate(api.ok("GET", "/coupons/WELCOME10"), "coupons.yml", "retrieve-a-coupon-response")
    validate(api.ok("GET", "/settings/preferences/churnmessages"), "settings.yml",
             "retrieve-churn-message-preferences-response")
    validate(api.ok("GET", "/settings/taxes"), "settings.yml", "retrieve-list-of-taxes-response")


def test_cards_contact_persons_hosted_pages_shapes(sandbox, auth):
    api = Api(sandbox, auth)
    acme = api.customer_named("Acme Studio")
    cid = acme["customer_id"]
    cards = api.ok("GET", f"/customers/{cid}/cards")
    validate(cards, "cards.yml", "list-all-active-credit-cards-of-a-customer-response")
    validate(api.ok("GET", f"/customers/{cid}/cards/{cards['cards'][0]['card_id']}"), "cards.yml",
             "retrieve-a-credit-card-information-response")
    people = api.ok("GET", f"/customers/{cid}/contactpersons")
    validate(people, "contact-persons.yml", "list-of-all-contact-persons-response")
    validate(api.ok("GET", f"/customers/{cid}/contactpersons/{people['contact_persons'][0]['contactperson_id']}"),
             "contact-persons.yml", "retrieve-a-contact-person-response")
    created = api.ok("POST", "/hostedpages/newsubscription", 201, json={
        "customer_id": cid, "plan": {"plan_code": "insights-monthly"}, "redirect_url": "https://portal.example/x"})
    validate(created, "hosted-pages.yml", "create-a-subscription-response")
    page = created["hostedpage"]
    assert len(page["hostedpage_id"]) == 64 and page["status"] == "fresh"
    assert page["url"] == f"{sandbox.base_url}/hostedpage/2-{page['hostedpage_id']}/checkout"
    assert api.pay_hosted_page(page["url"]).status_code == 302
    flat = api.ok("GET", f"/hostedpages/{page['hostedpage_id']}")
    assert "hostedpage" not in flat and flat["hostedpage_id"] == page["hostedpage_id"]
    validate(flat, "hosted-pages.yml", "retrieve-a-hosted-page-response")
    validate(api.ok("GET", "/hostedpages"), "hosted-pages.yml", "list-of-hostedpages-response")


RECORDED_PAIRS = [
    ("customers-get-200.json", "customers", "/customers", None),
    ("customers/187955000000050001-get-200.json", "customer", "/customers/{customer_id}", None),
    ("subscriptions-get-200.json", "subscriptions", "/subscriptions", None),
    ("subscriptions/187955000000053082-get-200.json", "subscription", "/subscriptions/{subscription_id}", None),
    ("plans-get-200.json", "plans", "/plans", None),
    ("plans/100-ammunition-get-200.json", "plan", "/plans/pro-monthly", None),
    ("addons-get-200.json", "addons", "/addons", None),
    ("addons/target-get-200.json", "addon", "/addons/onboarding", None),
    ("products-get-200.json", "products", "/products", None),
    ("products/187955000000050117-get-200.json", "product", "/products/{product_id}", None),
    ("organizations-get-200.json", "organizations", "/organizations", None),
]


def _fields(value) -> set[str]:
    """Dotted field paths of an object; list items contribute their union under ``name[]``."""
    out: set[str] = set()

    def walk(node, prefix):
        if isinstance(node, dict):
            for key, child in node.items():
                out.add(prefix + key)
                walk(child, prefix + key + ".")
        elif isinstance(node, list):
            for item in node:
                walk(item, prefix[:-1] + "[].")

    walk(value, "")
    return out


@pytest.mark.parametrize("recorded,key,path,_", RECORDED_PAIRS)
def test_recorded_field_sets_appear_in_ours(api, recorded, key, path, _):
    real = json.loads((recorded_dir() / recorded).read_text())
    ids = {"customer_id": api.customer_named("Acme Studio")["customer_id"]}
    ids["subscription_id"] = api.subscriptions_of(ids["customer_id"])[0]["subscription_id"]
    ids["product_id"] = api.ok("GET", "/products")["products"][0]["product_id"]
    ours = api.ok("GET", path.format(**ids))
    assert set(real) <= set(ours)
    real_fields, our_fields = _fields(real[key]), _fields(ours[key])
    # A recorded list item's fields must appear in ours (empty recorded lists say nothing).
    missing = real_fields - our_fields
    assert not missing, f"{recorded}: fields missing from our {key}: {sorted(missing)}"
    if "page_context" in real:
        assert set(real["page_context"]) <= set(ours["page_context"])
