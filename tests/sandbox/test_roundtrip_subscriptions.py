"""Subscriptions through plain HTTP beyond their lifecycle: one-time charges and addons, card and
coupon changes, contact persons, reference, salesperson, custom fields, line descriptions, the
renewal date, recent activities, and the full round trip from create to delete."""
from __future__ import annotations

import pytest

from tests.sandbox.ledger import check_books
from tests.sandbox.s2_helpers import Api


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def _acme(api) -> tuple[str, dict]:
    acme = api.customer_named("Acme Studio")["customer_id"]
    return acme, api.subscriptions_of(acme)[0]


def test_subscription_round_trip_create_read_list_update_delete(api):
    wolf = api.customer_named("Lone Wolf Freelance")["customer_id"]
    sub = api.ok("POST", "/subscriptions", 201, json={"customer_id": wolf, "plan": {"plan_code": "pro-monthly"},
                                                       "auto_collect": False, "reference_id": "WOLF-PRO"})["subscription"]
    sid = sub["subscription_id"]
    assert sub["status"] == "trial"
    assert api.ok("GET", f"/subscriptions/{sid}")["subscription"]["reference_id"] == "WOLF-PRO"
    assert sid in [s["subscription_id"] for s in api.subscriptions_of(wolf)]
    updated = api.ok("PUT", f"/subscriptions/{sid}", json={"plan": {"plan_code": "pro-monthly", "quantity": 2}})
    assert updated["subscription"]["plan"]["quantity"] == 2
    assert api.ok("DELETE", f"/subscriptions/{sid}")["message"] == "The subscription has been deleted."
    gone = api.call("GET", f"/subscriptions/{sid}")
    assert (gone.status_code, gone.json()["code"]) == (404, 1002)
    assert sid not in [s["subscription_id"] for s in api.subscriptions_of(wolf)]
    assert "subscription_deleted" in {e["event_type"] for e in api.ok("GET", "/events")["events"]}
    _, acme_sub = _acme(api)
    billed = api.call("DELETE", f"/subscriptions/{acme_sub['subscription_id']}")
    assert billed.status_code == 400 and billed.json()["code"] == 1003


def test_one_time_charge_is_invoiced_and_charged_to_the_card(api):
    acme, sub = _acme(api)
    body = api.ok("POST", f"/subscriptions/{sub['subscription_id']}/charge",
                  json={"amount": "25.50", "description": "Extra import"})
    assert body["message"] == "One time charge has been added successfully."
    inv = body["invoice"]
    assert (inv["total"], inv["status"], inv["subscription_id"]) == (25.5, "paid", sub["subscription_id"])
    assert inv["invoice_items"][0]["description"] == "Extra import" and inv["payments"]
    check_books(api, acme)
    refused = api.call("POST", f"/subscriptions/{sub['subscription_id']}/charge", json={"amount": 0})
    assert refused.status_code == 400 and refused.json()["code"] == 4
    unbilled = api.call("POST", f"/subscriptions/{sub['subscription_id']}/charge",
                        json={"amount": 5, "add_to_unbilled_charges": "true"})
    assert unbilled.status_code == 400


def test_a_charge_to_a_declining_card_raises_nothing(api):
    kowalski = api.customer_named("Kowalski Bakery")["customer_id"]
    sub = api.subscriptions_of(kowalski)[0]
    before = len(api.invoices_of(kowalski))
    declined = api.call("POST", f"/subscriptions/{sub['subscription_id']}/charge", json={"amount": 10})
    assert declined.status_code == 400 and declined.json()["code"] == 1005
    assert len(api.invoices_of(kowalski)) == before


def test_buying_a_one_time_addon_with_a_coupon(api):
    acme, sub = _acme(api)
    body = api.ok("POST", f"/subscriptions/{sub['subscription_id']}/buyonetimeaddon",
                  json={"addons": [{"addon_code": "onboarding", "quantity": 2}], "coupon_code": "FLAT5"})
    assert body["message"] == "One-time addon has been purchased successfully."
    inv = body["invoice"]
    assert inv["invoice_items"][0]["code"] == "onboarding" and inv["invoice_items"][0]["quantity"] == 2
    assert inv["coupons"][0]["coupon_code"] == "FLAT5" and inv["total"] == 2 * 199 - 5
    assert inv["status"] == "paid"
    recurring = api.call("POST", f"/subscriptions/{sub['subscription_id']}/buyonetimeaddon",
                         json={"addons": [{"addon_code": "extra-storage"}]})
    assert recurring.status_code == 400 and recurring.json()["code"] == 1003
    check_books(api, acme)


def test_card_and_coupon_on_and_off(api):
    acme, sub = _acme(api)
    sid = sub["subscription_id"]
    card_id = api.ok("GET", f"/customers/{acme}/cards")["cards"][0]["card_id"]
    removed = api.ok("DELETE", f"/subscriptions/{sid}/card")
    assert removed["message"] == "Card has been successfully removed from the subscription."
    offline = api.ok("GET", f"/subscriptions/{sid}")["subscription"]
    assert "card" not in offline and offline["auto_collect"] is False
    again = api.call("DELETE", f"/subscriptions/{sid}/card")
    assert again.status_code == 400
    back = api.ok("POST", f"/subscriptions/{sid}/card", json={"card_id": card_id, "auto_collect": "true"})
    assert back["subscription"]["card"]["card_id"] == card_id and back["subscription"]["auto_collect"] is True
    foreign = api.ok("GET", f"/customers/{api.customer_named('Café Zürich AG')['customer_id']}/cards")["cards"][0]
    stolen = api.call("POST", f"/subscriptions/{sid}/card", json={"card_id": foreign["card_id"]})
    assert stolen.status_code == 404

    assert "coupon" not in offline  # WELCOME10's three terms are used up
    assert api.ok("POST", f"/subscriptions/{sid}/coupons/FLAT5")["message"] == \
        "The coupon has been added to the subscription."
    with_coupon = api.ok("GET", f"/subscriptions/{sid}")["subscription"]
    assert with_coupon["coupon"]["coupon_code"] == "FLAT5"
    assert with_coupon["amount"] == pytest.approx(sub["amount"] - 5)
    second = api.call("POST", f"/subscriptions/{sid}/coupons/WELCOME10")
    assert second.status_code == 400 and second.json()["code"] == 1003
    expired = api.call("POST", f"/subscriptions/{sid}/coupons/LAUNCH50")
    assert expired.status_code == 400
    api.ok("DELETE", f"/subscriptions/{sid}/coupons")
    assert api.ok("GET", f"/subscriptions/{sid}")["subscription"]["amount"] == sub["amount"]
    none_left = api.call("DELETE", f"/subscriptions/{sid}/coupons")
    assert none_left.status_code == 400


def test_reference_salesperson_contacts_custom_fields_and_descriptions(api):
    acme, sub = _acme(api)
    sid = sub["subscription_id"]
    assert api.ok("POST", f"/subscriptions/{sid}/reference", json={"reference_id": "ACME-2025"})["subscription"][
        "reference_id"] == "ACME-2025"
    assert api.call("POST", f"/subscriptions/{sid}/reference", json={}).status_code == 400
    person = api.ok("GET", f"/subscriptions/{sid}")["subscription"]["salesperson_name"]
    assert person == ""
    sales = api.ok("POST", f"/subscriptions/{sid}/salesperson", json={"salesperson_name": "Franklin"})
    assert sales["subscription"]["salesperson_name"] == "Franklin"
    contacts = api.ok("GET", f"/customers/{acme}/contactpersons")["contact_persons"]
    linked = api.ok("POST", f"/subscriptions/{sid}/contactpersons",
                    json={"contactpersons": [{"contactperson_id": c["contactperson_id"]} for c in contacts]})
    assert {c["contactperson_id"] for c in linked["subscription"]["contactpersons"]} == \
        {c["contactperson_id"] for c in contacts}
    other = api.ok("GET", f"/customers/{api.customer_named('Café Zürich AG')['customer_id']}/contactpersons")
    foreign = api.call("POST", f"/subscriptions/{sid}/contactpersons",
                       json={"contactpersons": [{"contactperson_id": other["contact_persons"][0]["contactperson_id"]}]})
    assert foreign.status_code == 404
    fields = api.ok("POST", f"/subscriptions/{sid}/customfields", json={"custom_fields": [{"label": "Region", "value": "US"}]})
    assert fields["data"]["custom_fields"] == [{"index": 1, "label": "Region", "value": "US", "data_type": "string"}]
    assert api.ok("GET", f"/subscriptions/{sid}")["subscription"]["custom_fields"][0]["value"] == "US"
    api.ok("POST", f"/subscriptions/{sid}/lineitems/extra-storage", json={"description": "100 GB in total"})
    addon = api.ok("GET", f"/subscriptions/{sid}")["subscription"]["addons"][0]
    assert addon["addon_description"] == "100 GB in total"
    unknown = api.call("POST", f"/subscriptions/{sid}/lineitems/not-on-it", json={"description": "x"})
    assert unknown.status_code == 400


def test_postponing_moves_the_renewal_and_the_clock_renews_then(api, sandbox):
    acme, sub = _acme(api)
    sid = sub["subscription_id"]
    earlier = api.call("POST", f"/subscriptions/{sid}/postpone", json={"renewal_at": sub["current_term_starts_at"]})
    assert earlier.status_code == 400 and earlier.json()["code"] == 4
    from datetime import date, timedelta
    later = (date.fromisoformat(sub["next_billing_at"]) + timedelta(days=10)).isoformat()
    moved = api.ok("POST", f"/subscriptions/{sid}/postpone", json={"renewal_at": later})
    assert moved["message"] == "Billing date of the subscription has been changed."
    assert (moved["subscription"]["next_billing_at"], moved["subscription"]["current_term_ends_at"]) == (later, later)
    invoices = len(api.invoices_of(acme))
    days_to_old = (date.fromisoformat(sub["next_billing_at"]) - date.fromisoformat(
        sandbox.control("GET", "clock")["today"])).days
    sandbox.advance_clock(days=days_to_old + 1)
    api.refresh(sandbox)
    assert len(api.invoices_of(acme)) == invoices  # nothing renews on the old date
    sandbox.advance_clock(days=10)
    api.refresh(sandbox)
    renewed = api.ok("GET", f"/subscriptions/{sid}")["subscription"]
    assert renewed["current_term_starts_at"] == later and len(api.invoices_of(acme)) == invoices + 1
    assert "billing_date_changed" in {e["event_type"] for e in api.ok("GET", "/events")["events"]}


def test_postponing_a_trial_extends_the_trial(api):
    mueller = api.customer_named("Müller & Söhne GmbH")["customer_id"]
    sub = api.subscriptions_of(mueller)[0]
    from datetime import date, timedelta
    later = (date.fromisoformat(sub["trial_ends_at"]) + timedelta(days=7)).isoformat()
    moved = api.ok("POST", f"/subscriptions/{sub['subscription_id']}/postpone", json={"renewal_at": later})["subscription"]
    assert (moved["status"], moved["trial_ends_at"], moved["next_billing_at"]) == ("trial", later, later)


def test_recent_activities_tell_the_subscriptions_story(api):
    acme, sub = _acme(api)
    sid = sub["subscription_id"]
    history = [a["description"] for a in api.ok("GET", f"/subscriptions/{sid}/recentactivities")["activities"]]
    assert history[-1] == "Subscription created"  # oldest last
    assert any(d.startswith("Invoice created - INV-") for d in history)
    assert any(d.startswith("Payment of USD") for d in history)
    api.ok("POST", f"/subscriptions/{sid}/cancel", json={"cancel_at_end": True})
    latest = api.ok("GET", f"/subscriptions/{sid}/recentactivities")["activities"][0]
    assert latest["description"] == "Subscription scheduled to be cancelled at the end of the term"
    assert latest["commented_by"] == "Zoho Billing" and latest["activity_id"]


def test_card_update_pays_what_an_unpaid_subscription_owes(api, sandbox):
    bright = api.customer_named("Brightside Dental")["customer_id"]
    sub = api.subscriptions_of(bright)[0]
    assert sub["status"] == "unpaid"
    page = api.ok("POST", "/hostedpages/addpaymentmethod", 201, json={"customer_id": bright})["hostedpage"]
    assert api.pay_hosted_page(page["url"]).status_code in (200, 302)
    new_card = next(c for c in api.ok("GET", f"/customers/{bright}/cards")["cards"] if c["last_four_digits"] == "1111")
    body = api.ok("POST", f"/subscriptions/{sub['subscription_id']}/card", json={"card_id": new_card["card_id"]})
    assert body["subscription"]["status"] == "live" and body["subscription"]["card"]["card_id"] == new_card["card_id"]
    assert api.invoices_of(bright, filter_by="Status.Unpaid") == []
    check_books(api, bright)
