"""Hosted pages through plain HTTP and the sandbox's checkout: the pages added for one-time addons
and for updating a payment method, and a checkout that asks for exactly what its invoice charges."""
from __future__ import annotations

import re

import pytest

from tests.sandbox.ledger import check_books
from tests.sandbox.s2_helpers import Api


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def _pay_label(api, url: str) -> str:
    page = api.session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:300]
    return re.search(r'<button class="pay"[^>]*>\s*([^<]+?)\s*<', page.text).group(1)


def test_buy_one_time_addon_page_charges_what_the_invoice_says(api, sandbox):
    acme = api.customer_named("Acme Studio")["customer_id"]
    sub = api.subscriptions_of(acme)[0]
    created = api.ok("POST", "/hostedpages/buyonetimeaddon", 201, json={
        "subscription_id": sub["subscription_id"], "addons": [{"addon_code": "onboarding"}], "coupon_code": "FLAT5",
        "redirect_url": "https://portal.example/done"})
    page = created["hostedpage"]
    assert (page["action"], page["status"]) == ("one_time_addon", "fresh")
    assert _pay_label(api, page["url"]) == "Pay $194.00"
    assert api.pay_hosted_page(page["url"]).status_code == 302
    done = api.ok("GET", f"/hostedpages/{page['hostedpage_id']}")
    assert done["status"] == "success"
    invoice = done["data"]["invoice"]
    assert (invoice["total"], invoice["status"]) == (194.0, "paid")
    assert invoice["payments"][0]["amount"] == 194.0
    check_books(api, acme)
    bad = api.call("POST", "/hostedpages/buyonetimeaddon", json={"subscription_id": sub["subscription_id"],
                                                                 "addons": [{"addon_code": "extra-storage"}]})
    assert bad.status_code == 400 and bad.json()["code"] == 1003


def test_new_subscription_page_asks_for_the_setup_fee_coupon_and_tax_its_invoice_has(api):
    wolf = api.customer_named("Lone Wolf Freelance")
    page = api.ok("POST", "/hostedpages/newsubscription", 201, json={
        "customer": {"display_name": "Perth Co", "email": "hi@perth.example",
                     "billing_address": {"country": "Australia"}},
        "plan": {"plan_code": "business-monthly"}, "coupon_code": "WELCOME10",
        "redirect_url": "https://portal.example/done"})["hostedpage"]
    # Business 99 + setup fee 49, less 10 % (14.80), plus Australian GST 10 % on 133.20 = 146.52.
    assert _pay_label(api, page["url"]) == "Pay $146.52"
    assert api.pay_hosted_page(page["url"]).status_code == 302
    invoice = api.ok("GET", f"/hostedpages/{page['hostedpage_id']}")["data"]["invoice"]
    assert invoice["total"] == 146.52 and invoice["status"] == "paid"
    assert wolf["customer_id"] != invoice["customer_id"]


def test_update_payment_method_page_replaces_the_card_in_place(api):
    acme = api.customer_named("Acme Studio")["customer_id"]
    card = api.ok("GET", f"/customers/{acme}/cards")["cards"][0]
    created = api.ok("POST", "/hostedpages/updatepaymentmethod", 201, json={"card_id": card["card_id"],
                                                                            "redirect_url": "https://portal.example/x"})
    page = created["hostedpage"]
    assert page["action"] == "update_payment_method"
    assert api.pay_hosted_page(page["url"]).status_code == 302
    done = api.ok("GET", f"/hostedpages/{page['hostedpage_id']}")
    assert done["status"] == "success" and done["data"]["card"]["card_id"] == card["card_id"]
    cards = api.ok("GET", f"/customers/{acme}/cards")["cards"]
    assert [(c["card_id"], c["last_four_digits"]) for c in cards] == [(card["card_id"], "1111")]
    sub = api.subscriptions_of(acme)[0]
    assert api.ok("GET", f"/subscriptions/{sub['subscription_id']}")["subscription"]["card"]["last_four_digits"] == "1111"
    for body in ({"account_id": "1"}, {"paypal_id": "2"}, {}):
        refused = api.call("POST", "/hostedpages/updatepaymentmethod", json=body)
        assert refused.status_code == 400
    unknown = api.call("POST", "/hostedpages/updatepaymentmethod", json={"card_id": "187955000000000000"})
    assert unknown.status_code == 404


def test_updating_the_declining_card_of_an_unpaid_subscription_collects_what_it_owes(api):
    bright = api.customer_named("Brightside Dental")["customer_id"]
    card = api.ok("GET", f"/customers/{bright}/cards")["cards"][0]
    assert card["last_four_digits"] == "0002"
    page = api.ok("POST", "/hostedpages/updatepaymentmethod", 201, json={"card_id": card["card_id"]})["hostedpage"]
    assert api.pay_hosted_page(page["url"]).status_code in (200, 302)
    sub = api.subscriptions_of(bright)[0]
    assert sub["status"] == "live"
    assert api.invoices_of(bright, filter_by="Status.Unpaid") == []
    check_books(api, bright)


def test_a_page_for_a_deleted_subscription_is_force_cancelled(api):
    wolf = api.customer_named("Lone Wolf Freelance")["customer_id"]
    sub = api.ok("POST", "/subscriptions", 201, json={"customer_id": wolf, "plan": {"plan_code": "pro-monthly"},
                                                       "auto_collect": False})["subscription"]
    page = api.ok("POST", "/hostedpages/updatecard", json={"subscription_id": sub["subscription_id"]})["hostedpage"]
    api.ok("DELETE", f"/subscriptions/{sub['subscription_id']}")
    assert api.ok("GET", f"/hostedpages/{page['hostedpage_id']}")["status"] == "force_cancelled"
    shown = api.session.get(page["url"], timeout=30)
    assert shown.status_code == 200 and "cancelled" in shown.text
