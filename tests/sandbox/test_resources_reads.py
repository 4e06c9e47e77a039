"""Read endpoints over HTTP against the demo seed: envelopes, keys, quirks, filters, sorting, paging."""
from __future__ import annotations

import re

import pytest

from tests.sandbox.s2_helpers import Api

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$")


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def test_organizations_list_and_get(api):
    orgs = api.ok("GET", "/organizations")["organizations"]
    assert [o["organization_id"] for o in orgs] == ["10234695"]
    org = api.ok("GET", "/organizations/10234695")["organization"]
    for field in ("name", "contact_name", "email", "phone", "website", "time_zone", "currency_code"):
        assert org[field], field
    assert org["address"]["city"] and org["address"]["street_address1"] and org["address"]["zip"]
    assert org["time_zone"] == "Australia/Perth"


def test_customers_list_defaults_and_page_context(api):
    body = api.ok("GET", "/customers")
    assert body["page_context"] == {"page": 1, "per_page": 200, "has_more_page": False,
                                    "report_name": "All Contacts", "applied_filter": "Status.All",
                                    "sort_column": "customer_id", "sort_order": "A"}
    ids = [c["customer_id"] for c in body["customers"]]
    assert ids == sorted(ids, key=int) and len(ids) >= 10
    assert all(re.fullmatch(r"\d{18}", i) for i in ids)
    assert all(TIMESTAMP.match(c["created_time"]) and c["created_time"].endswith("+0800") for c in body["customers"])


def test_customer_filters_email_search_and_status(api):
    acme = api.ok("GET", "/customers", params={"email": "BILLING@acme.example"})["customers"]
    assert [c["display_name"] for c in acme] == ["Acme Studio"]
    found = api.ok("GET", "/customers", params={"search_text": "söhne"})["customers"]
    assert [c["display_name"] for c in found] == ["Müller & Söhne GmbH"]
    inactive = api.ok("GET", "/customers", params={"filter_by": "Status.Inactive"})
    assert [c["display_name"] for c in inactive["customers"]] == ["Quiet Harbor Co"]
    assert inactive["page_context"]["applied_filter"] == "Status.Inactive"
    non_subscribers = api.ok("GET", "/customers", params={"filter_by": "Status.NonSubscribers"})["customers"]
    assert "Quiet Harbor Co" in [c["display_name"] for c in non_subscribers]
    portal = api.ok("GET", "/customers", params={"filter_by": "Status.PortalEnabled"})["customers"]
    assert [c["display_name"] for c in portal] == ["Acme Studio"]


def test_invalid_filter_and_sort_are_400_code_2(api):
    for path, params in (("/customers", {"filter_by": "Status.Bogus"}), ("/invoices", {"filter_by": "Nope"}),
                         ("/subscriptions", {"filter_by": "SubscriptionStatus.PAUSED"}),
                         ("/invoices", {"sort_column": "colour"}), ("/invoices", {"sort_order": "sideways"})):
        resp = api.call("GET", path, params=params)
        assert resp.status_code == 400 and resp.json()["code"] == 2, (path, resp.text)


@pytest.mark.parametrize("page, per_page, served", [
    ("zero", "zero", (1, 200)), ("0", "-5", (1, 200)), ("", "", (1, 200)), ("2.0", "3.0", (2, 3)),
    ("1.5", "abc", (1, 200)), ("99999999999999999999", "1e400", (1, 200)), (" 2 ", " 10 ", (2, 10))])
def test_page_and_per_page_are_read_leniently(reader, page, per_page, served):
    body = reader.ok("GET", "/invoices", params={"page": page, "per_page": per_page})
    assert (body["page_context"]["page"], body["page_context"]["per_page"]) == served
    assert len(body["invoices"]) <= served[1]


def test_not_found_quirks(api):
    expected = {"/customers/187955000000000000": (400, 3004), "/plans/nope": (400, 101002),
                "/addons/nope": (400, 102001), "/products/1": (400, 2006),
                "/subscriptions/187955000000000000": (404, 1002), "/invoices/1": (404, 1002),
                "/payments/1": (404, 1002), "/creditnotes/1": (404, 1002), "/hostedpages/" + "a" * 64: (404, 1002)}
    for path, (status, code) in expected.items():
        resp = api.call("GET", path)
        assert (resp.status_code, resp.json()["code"]) == (status, code), path
        assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert api.call("GET", "/subscriptions/187955000000000000").json()["message"] == "Subscription ID does not exist."
    assert api.call("GET", "/customers/1").json()["message"] == "Please enter a valid reference for the customer"


def test_subscriptions_default_filter_is_live(api):
    default = api.ok("GET", "/subscriptions")
    assert default["page_context"]["applied_filter"] == "SubscriptionStatus.LIVE"
    assert {s["status"] for s in default["subscriptions"]} == {"live"}
    everything = api.ok("GET", "/subscriptions", params={"filter_by": "SubscriptionStatus.All"})["subscriptions"]
    assert len(everything) > len(default["subscriptions"])
    for row in default["subscriptions"]:
        assert {"customer_name", "email", "plan_name"} <= set(row)


def test_subscriptions_by_customer_and_get(api):
    priya = api.customer_named("Priya Sharma Consulting")
    subs = api.subscriptions_of(priya["customer_id"])
    assert len(subs) == 2 and {s["currency_code"] for s in subs} == {"INR"}
    full = api.ok("GET", f"/subscriptions/{subs[0]['subscription_id']}")["subscription"]
    assert full["customer"]["customer_id"] == priya["customer_id"]
    assert full["plan"]["plan_code"] == "team-seat-monthly" and full["plan"]["quantity"] == 5
    assert full["sub_total"] == full["plan"]["total"] == 5 * 999
    assert full["plan"]["tax_name"] == "India GST" and full["plan"]["tax_percentage"] == 18
    assert full["taxes"] == [{"tax_id": full["plan"]["tax_id"], "tax_name": "India GST", "tax_amount": "899.10"}]
    assert full["amount"] == 5 * 999 + 899.10
    assert full["expires_at"] == "" and full["auto_collect"] is False and "card" not in full


def test_plans_addons_products_coupons(api):
    plans = api.ok("GET", "/plans")
    assert plans["page_context"]["applied_filter"] == "PlanStatus.All"
    active = api.ok("GET", "/plans", params={"filter_by": "PlanStatus.ACTIVE"})["plans"]
    assert "legacy-basic" not in [p["plan_code"] for p in active]
    assert len(active) == len(plans["plans"]) - 1
    plan = api.ok("GET", "/plans/pro-monthly")["plan"]
    assert plan["recurring_price"] == 49.0 and plan["trial_period"] == 14 and plan["interval_unit"] == "months"
    addons = api.ok("GET", "/addons", params={"filter_by": "AddonStatus.ONETIME"})["addons"]
    assert [a["addon_code"] for a in addons] == ["onboarding"]
    product_id = plan["product_id"]
    assert api.ok("GET", f"/products/{product_id}")["product"]["name"] == "Harbourline Cloud"
    by_product = api.ok("GET", "/plans", params={"product_id": product_id})["plans"]
    assert by_product and all(p["product_id"] == product_id for p in by_product)
    assert api.ok("GET", "/coupons/WELCOME10")["coupon"]["discount_value"] == 10.0


def test_invoice_list_filters_sorting_and_dates(api):
    ledger = api.customer_named("Big Ledger Corp")
    rows = api.invoices_of(ledger["customer_id"], sort_column="total", sort_order="A", per_page=5)
    assert [r["total"] for r in rows] == sorted(r["total"] for r in rows)
    by_date = api.invoices_of(ledger["customer_id"], sort_column="date", sort_order="D", per_page=20)
    assert [r["invoice_date"] for r in by_date] == sorted((r["invoice_date"] for r in by_date), reverse=True)
    window = api.invoices_of(ledger["customer_id"], date_start=by_date[5]["invoice_date"],
                             date_end=by_date[1]["invoice_date"])
    assert len(window) == 5
    bright = api.customer_named("Brightside Dental")
    overdue = api.invoices_of(bright["customer_id"], filter_by="Status.OverDue")
    assert overdue and all(r["status"] == "overdue" and r["balance"] > 0 for r in overdue)
    paid = api.invoices_of(bright["customer_id"], filter_by="Status.Paid")
    assert paid and all(r["status"] == "paid" and r["balance"] == 0 for r in paid)
    priya = api.customer_named("Priya Sharma Consulting")
    partial = api.invoices_of(priya["customer_id"], filter_by="Status.PartiallyPaid")
    assert len(partial) == 1 and 0 < partial[0]["balance"] < partial[0]["total"]
    sub_id = api.subscriptions_of(priya["customer_id"])[1]["subscription_id"]
    for_sub = api.ok("GET", "/invoices", params={"subscription_id": sub_id})["invoices"]
    assert for_sub and all(api.ok("GET", f"/invoices/{r['invoice_id']}")["invoice"]["subscription_id"] == sub_id
                           for r in for_sub)


def test_pagination_of_more_than_200_invoices(api):
    ledger = api.customer_named("Big Ledger Corp")
    first = api.ok("GET", "/invoices", params={"customer_id": ledger["customer_id"]})
    assert len(first["invoices"]) == 200 and first["page_context"]["has_more_page"] is True
    second = api.ok("GET", "/invoices", params={"customer_id": ledger["customer_id"], "page": 2})
    assert second["page_context"]["page"] == 2 and second["page_context"]["has_more_page"] is False
    ids = [r["invoice_id"] for r in first["invoices"] + second["invoices"]]
    assert len(ids) == len(set(ids)) > 200
    clamped = api.ok("GET", "/invoices", params={"customer_id": ledger["customer_id"], "per_page": 500})
    assert clamped["page_context"]["per_page"] == 200 and len(clamped["invoices"]) == 200
    small = api.ok("GET", "/invoices", params={"customer_id": ledger["customer_id"], "per_page": 50, "page": 3})
    assert [r["invoice_id"] for r in small["invoices"]] == ids[100:150]


def test_invoice_detail_payments_and_pdf(api):
    acme = api.customer_named("Acme Studio")
    row = api.invoices_of(acme["customer_id"], filter_by="Status.Paid")[0]
    inv = api.ok("GET", f"/invoices/{row['invoice_id']}")["invoice"]
    assert inv["payments"] and sum(p["amount"] for p in inv["payments"]) == inv["total"] == inv["payment_made"]
    payment = api.ok("GET", f"/payments/{inv['payments'][0]['payment_id']}")["payment"]
    assert payment["invoices"][0]["invoice_id"] == inv["invoice_id"] and payment["status"] == "success"
    assert payment["autotransaction"]["last_four_digits"] == "4242"
    for kwargs in ({"params": {"accept": "pdf"}}, {"headers": {"Accept": "application/pdf"}}):
        resp = api.call("GET", f"/invoices/{inv['invoice_id']}", **kwargs)
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == "application/pdf;charset=UTF-8"
        assert resp.headers["Content-Disposition"] == f'attachment; filename="{inv["number"]}.pdf"'
        assert resp.content.startswith(b"%PDF")
        from io import BytesIO

        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(BytesIO(resp.content)).pages)
        assert inv["number"] in text and "Acme Studio" in text


def test_payments_transactions_and_credit_notes(api):
    north = api.customer_named("Northwind Traders")
    cid = north["customer_id"]
    payments = api.ok("GET", "/payments", params={"customer_id": cid})["payments"]
    assert payments and all(p["customer_id"] == cid for p in payments)
    tx = api.ok("GET", "/transactions", params={"customer_id": cid, "filter_by": "TransactionType.PAYMENT"})
    assert {t["transaction_id"] for t in tx["transactions"]} == {p["payment_id"] for p in payments}
    assert all(isinstance(t["amount"], str) and t["type"] == "payment" for t in tx["transactions"])
    credits = api.ok("GET", "/transactions", params={"customer_id": cid, "filter_by": "TransactionType.CREDIT"})
    notes = [api.ok("GET", f"/creditnotes/{t['transaction_id']}")["creditnote"] for t in credits["transactions"]]
    assert {n["status"] for n in notes} == {"open", "closed"}
    assert sum(n["balance"] for n in notes) == north["unused_credits"] > 0
    listed = api.ok("GET", "/creditnotes", params={"customer_id": cid})["creditnotes"]
    assert {n["creditnote_id"] for n in listed} == {n["creditnote_id"] for n in notes}
    unused = api.ok("GET", f"/customers/{cid}/unusedcredits")
    assert unused["total_unused_credits"] == north["unused_credits"]
    resp = api.call("GET", f"/creditnotes/{notes[0]['creditnote_id']}", params={"accept": "pdf"})
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{notes[0]["creditnote_number"]}.pdf"'
    bad = api.call("GET", "/transactions", params={"filter_by": "TransactionType.GIFT"})
    assert bad.status_code == 400 and bad.json()["code"] == 2


def test_contact_persons_and_cards(api):
    acme = api.customer_named("Acme Studio")
    people = api.ok("GET", f"/customers/{acme['customer_id']}/contactpersons")["contact_persons"]
    assert len(people) == 3
    one = api.ok("GET", f"/customers/{acme['customer_id']}/contactpersons/{people[1]['contactperson_id']}")
    assert one["contact_person"]["customer_id"] == acme["customer_id"]
    cards = api.ok("GET", f"/customers/{acme['customer_id']}/cards")["cards"]
    assert [c["last_four_digits"] for c in cards] == ["4242"]
    card = api.ok("GET", f"/customers/{acme['customer_id']}/cards/{cards[0]['card_id']}")["card"]
    assert card["status"] == "active" and card["first_name"] == "Dana"
    wolf = api.customer_named("Lone Wolf Freelance")
    assert api.ok("GET", f"/customers/{wolf['customer_id']}/cards")["cards"] == []
    missing = api.call("GET", f"/customers/{acme['customer_id']}/cards/1")
    assert missing.status_code == 404 and missing.json()["code"] == 1002


def test_churn_messages_and_hosted_page_list(api):
    settings = api.ok("GET", "/settings/preferences/churnmessages")["churn_messages_settings"]
    assert len(settings["churn_messages"]) >= 3 and all(m["label"] for m in settings["churn_messages"])
    pages = api.ok("GET", "/hostedpages")
    assert isinstance(pages["hosted_pages"], list) and pages["page_context"]["per_page"] == 200


def test_every_api_prefix_serves_the_same(api, sandbox):
    legacy = api.session.get(sandbox.base_url + "/api/v1/plans/pro-monthly", headers=api.headers, timeout=30)
    assert legacy.json()["plan"] == api.ok("GET", "/plans/pro-monthly")["plan"]
