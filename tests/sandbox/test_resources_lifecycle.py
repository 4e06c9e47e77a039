"""Writes and time over HTTP: payments, cancel/reactivate, plan changes, trials and renewals, and
that every endpoint agrees afterwards. Each test gets the demo seed back (fixture ``sandbox``)."""
from __future__ import annotations

import pytest

from tests.sandbox.s2_helpers import Api


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def _events(sandbox, event_type: str) -> list[dict]:
    resp = Api(sandbox, sandbox.auth_headers()).ok("GET", "/events", params={"filter_by": f"EventType.{event_type}"})
    return resp["events"]


def test_customer_update_addresses_and_custom_fields(api):
    acme = api.customer_named("Acme Studio")
    body = api.ok("PUT", f"/customers/{acme['customer_id']}", json={
        "display_name": "Acme Studio", "phone": "+1 555 0100",
        "billing_address": {"attention": "Accounts", "street": "99 New Rd", "city": "Salem", "state": "OR",
                            "zip": "97301", "country": "U.S.A"},
        "shipping_address": {"street": "Dock 2"},
        "custom_fields": [{"label": "VAT ID", "value": "EU123"}, {"index": 2, "value": "Grace"}]})
    assert body["message"] == "Customer information has been saved."
    saved = api.ok("GET", f"/customers/{acme['customer_id']}")["customer"]
    assert saved["billing_address"]["street"] == "99 New Rd" and saved["billing_address"]["zip"] == "97301"
    assert saved["shipping_address"]["street"] == "Dock 2" and saved["shipping_address"]["city"] == "Portland"
    assert {f["label"]: f["value"] for f in saved["custom_fields"]} == {"VAT ID": "EU123", "Account manager": "Grace"}
    assert saved["phone"] == "+1 555 0100" and saved["updated_time"] >= acme["updated_time"]
    bad = api.call("PUT", f"/customers/{acme['customer_id']}", json={"display_name": ""})
    assert bad.status_code == 400 and bad.json()["code"] == 4
    missing = api.call("PUT", "/customers/187955000000000000", json={"display_name": "x"})
    assert (missing.status_code, missing.json()["code"]) == (400, 3004)


def test_contact_person_create_update_delete(api):
    wolf = api.customer_named("Lone Wolf Freelance")
    base = f"/customers/{wolf['customer_id']}/contactpersons"
    created = api.ok("POST", base, 201, json={"first_name": "Kim", "last_name": "Ode", "email": "kim@lonewolf.example"})
    person_id = created["contact_person"]["contactperson_id"]
    api.ok("PUT", f"{base}/{person_id}", json={"phone": "+61 8 5555 0000"})
    assert api.ok("GET", f"{base}/{person_id}")["contact_person"]["phone"] == "+61 8 5555 0000"
    api.ok("DELETE", f"{base}/{person_id}")
    assert api.call("GET", f"{base}/{person_id}").status_code == 404
    assert api.call("POST", base, json={"first_name": "No mail"}).status_code == 400


def test_collect_without_card_and_with_declining_card(api, sandbox):
    wolf = api.customer_named("Lone Wolf Freelance")
    open_invoice = api.invoices_of(wolf["customer_id"], filter_by="Status.Unpaid")[0]
    no_card = api.call("POST", f"/invoices/{open_invoice['invoice_id']}/collect", json={})
    assert no_card.status_code == 400 and no_card.json()["code"] == 1004
    kowalski = api.customer_named("Kowalski Bakery")
    overdue = api.invoices_of(kowalski["customer_id"], filter_by="Status.OverDue")[0]
    declined = api.call("POST", f"/invoices/{overdue['invoice_id']}/collect", json={})
    assert declined.status_code == 400 and declined.json()["code"] == 1005 and "declined" in declined.json()["message"]
    assert _events(sandbox, "payment_declined")
    assert api.ok("GET", f"/invoices/{overdue['invoice_id']}")["invoice"]["status"] == "overdue"


def test_updatecard_page_pays_unpaid_subscription_back_to_live(api, sandbox):
    bright = api.customer_named("Brightside Dental")
    sub = api.subscriptions_of(bright["customer_id"])[0]
    assert sub["status"] == "unpaid" and bright["outstanding"] > 0
    resp = api.call("POST", "/hostedpages/updatecard", json={"subscription_id": sub["subscription_id"],
                                                              "redirect_url": "https://portal.example/done"})
    assert resp.status_code == 200
    page = resp.json()["hostedpage"]
    done = api.pay_hosted_page(page["url"])
    assert done.status_code == 302 and done.headers["Location"].startswith("https://portal.example/done?hostedpage_id=")
    flat = api.ok("GET", f"/hostedpages/{page['hostedpage_id']}")
    assert flat["status"] == "success" and flat["data"]["subscription"]["status"] == "live"
    assert flat["data"]["subscription"]["card"]["last_four_digits"] == "1111"
    after = api.ok("GET", f"/customers/{bright['customer_id']}")["customer"]
    assert after["outstanding"] == 0
    assert api.invoices_of(bright["customer_id"], filter_by="Status.OverDue") == []


def test_cancel_at_end_then_reactivate_then_cancel_now(api, sandbox):
    acme = api.customer_named("Acme Studio")
    sub_id = api.subscriptions_of(acme["customer_id"])[0]["subscription_id"]
    body = api.ok("POST", f"/subscriptions/{sub_id}/cancel", params={"cancel_at_end": "true"})
    assert body["message"] == "Your subscription will be canceled at the end of this term."
    assert body["subscription"]["status"] == "non_renewing"
    listed = api.ok("GET", "/subscriptions", params={"filter_by": "SubscriptionStatus.NON_RENEWING",
                                                      "customer_id": acme["customer_id"]})["subscriptions"]
    assert [s["subscription_id"] for s in listed] == [sub_id]
    live = api.call("POST", f"/subscriptions/{sub_id}/reactivate")
    assert live.status_code == 200 and live.json()["message"] == "Subscription has been reactivated successfully."
    assert live.json()["subscription"]["status"] == "live"
    again = api.call("POST", f"/subscriptions/{sub_id}/reactivate")
    assert again.status_code == 400 and again.json()["code"] == 1003
    now = api.ok("POST", f"/subscriptions/{sub_id}/cancel", params={"cancel_at_end": "false"})
    assert now["message"] == "Your subscription has been canceled."
    assert now["subscription"]["status"] == "cancelled" and now["subscription"]["cancelled_at"]
    types = {e["event_type"] for e in api.ok("GET", "/events")["events"]}
    assert {"subscription_cancellation_scheduled", "subscription_reactivated", "subscription_cancelled"} <= types


def test_non_renewing_becomes_cancelled_at_term_end(api, sandbox):
    athina = api.customer_named("Αθηνά Παπαδοπούλου")
    sub = api.subscriptions_of(athina["customer_id"])[0]
    assert sub["status"] == "non_renewing"
    sandbox.advance_clock(days=32)
    api.refresh(sandbox)
    after = api.ok("GET", f"/subscriptions/{sub['subscription_id']}")["subscription"]
    assert after["status"] == "cancelled" and after["cancelled_at"] == sub["current_term_ends_at"]
    cancelled = api.ok("GET", "/subscriptions", params={"filter_by": "SubscriptionStatus.CANCELLED",
                                                         "customer_id": athina["customer_id"]})["subscriptions"]
    assert [s["subscription_id"] for s in cancelled] == [sub["subscription_id"]]


@pytest.mark.parametrize("ends_with, status", [("unpaid", "unpaid"), ("cancel", "cancelled_from_dunning")])
def test_dunning_ends_as_the_organizations_dunning_setting_says(api, sandbox, ends_with, status):
    kowalski = api.customer_named("Kowalski Bakery")
    sub = api.subscriptions_of(kowalski["customer_id"])[0]
    assert sub["status"] == "dunning"
    assert sandbox.control("POST", "dunning", json={"ends_with": ends_with}) == {"ends_with": ends_with}
    sandbox.advance_clock(days=7)
    api.refresh(sandbox)
    after = api.ok("GET", f"/subscriptions/{sub['subscription_id']}")["subscription"]
    assert after["status"] == status
    if status == "cancelled_from_dunning":
        assert after["cancelled_at"] and _events(sandbox, "subscription_cancelled")
    assert sandbox.control("GET", "dunning") == {"ends_with": ends_with}
    sandbox.reset()
    assert sandbox.control("GET", "dunning") == {"ends_with": "unpaid"}  # a reset brings Zoho's default back


def test_reactivating_a_cancelled_subscription_invoices_and_charges(api):
    olga = api.customer_named("Ольга Иванова")
    sub = api.subscriptions_of(olga["customer_id"])[0]
    before = len(api.invoices_of(olga["customer_id"]))
    body = api.ok("POST", f"/subscriptions/{sub['subscription_id']}/reactivate")
    assert body["subscription"]["status"] == "live" and body["subscription"]["cancelled_at"] == ""
    invoices = api.invoices_of(olga["customer_id"], sort_column="created_time", sort_order="D")
    assert len(invoices) == before + 1 and invoices[0]["status"] == "paid"


def test_immediate_upgrade_prorates_with_credit_note_and_charges(api):
    cafe = api.customer_named("Café Zürich AG")
    sub = api.subscriptions_of(cafe["customer_id"])[0]
    before = {i["invoice_id"] for i in api.invoices_of(cafe["customer_id"])}
    body = api.ok("PUT", f"/subscriptions/{sub['subscription_id']}", json={"plan": {"plan_code": "business-monthly"}})
    assert body["message"] == "Subscription has been updated successfully."
    updated = body["subscription"]
    assert updated["plan"]["plan_code"] == "business-monthly" and updated["amount"] > sub["amount"]
    assert updated["current_term_ends_at"] == sub["current_term_ends_at"]
    new = [i for i in api.invoices_of(cafe["customer_id"]) if i["invoice_id"] not in before]
    assert len(new) == 1
    invoice = api.ok("GET", f"/invoices/{new[0]['invoice_id']}")["invoice"]
    assert invoice["transaction_type"] == "upgrade" and invoice["status"] == "paid"
    assert invoice["credits"] and invoice["credits_applied"] > 0 and invoice["payments"]
    note = api.ok("GET", f"/creditnotes/{invoice['credits'][0]['creditnote_id']}")["creditnote"]
    assert note["status"] == "closed" and note["balance"] == 0
    assert round(invoice["payment_made"] + invoice["credits_applied"], 2) == invoice["total"]


def test_quantity_addons_and_end_of_term_change(api, sandbox):
    priya = api.customer_named("Priya Sharma Consulting")
    seats = api.subscriptions_of(priya["customer_id"])[0]
    body = api.ok("PUT", f"/subscriptions/{seats['subscription_id']}", json={
        "plan": {"plan_code": "team-seat-monthly", "quantity": 8},
        "addons": [{"addon_code": "extra-storage", "quantity": 3}]})
    sub = body["subscription"]
    assert sub["plan"]["quantity"] == 8 and [a["addon_code"] for a in sub["addons"]] == ["extra-storage"]
    # Priya is charged India GST 18 %: sub_total is the lines, amount adds the tax (a string in taxes[]).
    assert sub["sub_total"] == 8 * 999 + 3 * 399
    assert [t["tax_amount"] for t in sub["taxes"]] == ["1654.02"]
    assert sub["amount"] == 8 * 999 + 3 * 399 + 1654.02
    bad = api.call("PUT", f"/subscriptions/{seats['subscription_id']}", json={"plan": {"plan_code": "no-such-plan"}})
    assert (bad.status_code, bad.json()["code"]) == (400, 101002)
    bad_addon = api.call("PUT", f"/subscriptions/{seats['subscription_id']}", json={"addons": [{"addon_code": "zzz"}]})
    assert (bad_addon.status_code, bad_addon.json()["code"]) == (400, 102001)

    acme = api.customer_named("Acme Studio")
    acme_sub = api.subscriptions_of(acme["customer_id"])[0]
    scheduled = api.ok("GET", f"/subscriptions/{acme_sub['subscription_id']}/scheduledchanges")["subscription"]
    assert scheduled["plan"]["plan_code"] == "business-monthly"
    assert acme_sub["plan_code"] == "pro-monthly"
    sandbox.advance_clock(days=32)
    api.refresh(sandbox)
    renewed = api.ok("GET", f"/subscriptions/{acme_sub['subscription_id']}")["subscription"]
    assert renewed["plan"]["plan_code"] == "business-monthly" and renewed["end_of_term"] is False
    assert renewed["current_term_starts_at"] == acme_sub["next_billing_at"]
    gone = api.call("GET", f"/subscriptions/{acme_sub['subscription_id']}/scheduledchanges")
    assert gone.status_code == 400


def test_trial_end_with_card_goes_live_and_without_card_expires(api, sandbox):
    mueller = api.customer_named("Müller & Söhne GmbH")
    fresh = api.customer_named("Fresh Start Bakery")
    m_sub = api.subscriptions_of(mueller["customer_id"])[0]
    f_sub = api.subscriptions_of(fresh["customer_id"])[0]
    assert m_sub["status"] == f_sub["status"] == "trial"
    sandbox.advance_clock(days=15)
    api.refresh(sandbox)
    m_after = api.ok("GET", f"/subscriptions/{m_sub['subscription_id']}")["subscription"]
    assert m_after["status"] == "live" and m_after["activated_at"] == m_sub["next_billing_at"]
    m_invoices = api.invoices_of(mueller["customer_id"])
    assert len(m_invoices) == 1 and m_invoices[0]["status"] == "paid" and m_invoices[0]["currency_code"] == "EUR"
    f_after = api.ok("GET", f"/subscriptions/{f_sub['subscription_id']}")["subscription"]
    assert f_after["status"] == "trial_expired" and api.invoices_of(fresh["customer_id"]) == []
    types = {e["event_type"] for e in api.ok("GET", "/events")["events"]}
    assert {"subscription_activation", "invoice_created", "payment_thankyou", "subscription_expired"} <= types


def test_renewal_invoices_and_charges_and_offline_goes_overdue(api, sandbox):
    acme = api.customer_named("Acme Studio")
    wolf = api.customer_named("Lone Wolf Freelance")
    acme_before = len(api.invoices_of(acme["customer_id"]))
    sandbox.advance_clock(days=35)
    api.refresh(sandbox)
    acme_invoices = api.invoices_of(acme["customer_id"], sort_column="created_time", sort_order="D")
    assert len(acme_invoices) == acme_before + 1 and acme_invoices[0]["status"] == "paid"
    assert acme_invoices[0]["transaction_type"] == "renewal"
    wolf_customer = api.ok("GET", f"/customers/{wolf['customer_id']}")["customer"]
    overdue = api.invoices_of(wolf["customer_id"], filter_by="Status.OverDue")
    assert overdue and wolf_customer["outstanding"] == sum(i["balance"] for i in api.invoices_of(wolf["customer_id"]))


def test_create_subscription_with_new_customer_and_validation(api):
    body = api.ok("POST", "/subscriptions", 201, json={
        "customer": {"display_name": "New Co", "email": "new@newco.example"},
        "plan": {"plan_code": "starter-monthly"}, "auto_collect": False})
    assert body["message"] == "Subscription has been created successfully."
    assert body["subscription"]["status"] == "trial" and body["subscription"]["trial_ends_at"]
    assert api.customer_named("New Co")["email"] == "new@newco.example"
    wolf = api.customer_named("Lone Wolf Freelance")
    bad_plan = api.call("POST", "/subscriptions", json={"customer_id": wolf["customer_id"], "plan": {"plan_code": "x"}})
    assert (bad_plan.status_code, bad_plan.json()["code"]) == (400, 101002)
    missing = api.call("POST", "/subscriptions", json={"customer_id": wolf["customer_id"]})
    assert missing.status_code == 400 and missing.json()["code"] == 4
    no_customer = api.call("POST", "/subscriptions", json={"customer_id": "1", "plan": {"plan_code": "pro-monthly"}})
    assert (no_customer.status_code, no_customer.json()["code"]) == (400, 3004)


def test_notes_and_card_delete(api, sandbox):
    acme = api.customer_named("Acme Studio")
    sub_id = api.subscriptions_of(acme["customer_id"])[0]["subscription_id"]
    note = api.ok("POST", f"/subscriptions/{sub_id}/notes", json={"description": "Called about <b>SSO</b>"})["note"]
    notes = api.ok("GET", f"/subscriptions/{sub_id}")["subscription"]["notes"]
    assert note["note_id"] in [n["note_id"] for n in notes]
    api.ok("DELETE", f"/subscriptions/{sub_id}/notes/{note['note_id']}")
    card_id = api.ok("GET", f"/customers/{acme['customer_id']}/cards")["cards"][0]["card_id"]
    assert api.ok("DELETE", f"/customers/{acme['customer_id']}/cards/{card_id}")["message"] == \
        "The credit card has been deleted."
    assert api.ok("GET", f"/customers/{acme['customer_id']}/cards")["cards"] == []
    assert "card" not in api.ok("GET", f"/subscriptions/{sub_id}")["subscription"]
    assert _events(sandbox, "card_deleted")
