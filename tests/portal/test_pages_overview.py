"""Home (summary), subscriptions and the statement of account through the test client."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.support.demo import ACME, BRIGHTSIDE, FRESH, MUELLER, NORTHWIND, PRIYA
from tests.support.forms import text_of


def test_home_shows_the_person_company_credits_last_payment_and_vendor(portal):
    page = portal.client_for(ACME).get("/")
    text = text_of(page)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for expected in ("Welcome, Dana Whitfield", "Acme Studio LLC", "All paid", "Available credits", "$0.00",
                     "Last payment", "$59.00", "billing@acme.example", "+1 503 555 0100", "US-99-1234567",
                     "12 Harbour Rd", "Portland, Oregon, 97201", "Questions about your bill?", "Grace Okafor",
                     "billing@harbourline.example", "Level 9, 240 St Georges Terrace"):
        assert expected in text, expected


def test_home_of_a_customer_who_owes_shows_count_total_oldest_due_date_and_the_way_to_pay(portal):
    client = portal.client_for(BRIGHTSIDE)
    text = text_of(client.get("/"))
    match = re.search(r"Outstanding (\$[\d,.]+) (\d+) unpaid invoices?, the oldest due (\w{3} \d{1,2}, \d{4})", text)
    assert match, text[:2000]
    assert "See unpaid invoices" in text
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'href="/invoices/\d+/pay">Pay now</a>', html)


def test_home_in_another_currency_uses_its_own_symbol(portal):
    assert "₹" in text_of(portal.client_for(PRIYA).get("/"))
    assert "€0.00" in text_of(portal.client_for(MUELLER).get("/"))


def test_a_trial_without_a_card_offers_subscribe_and_one_with_a_card_is_subscribed(portal):
    html = portal.client_for(FRESH).get("/").get_data(as_text=True)
    assert re.search(r"Your \w+ trial ends in \d+ days?", html)
    assert re.search(r'href="/subscriptions/\d+/subscribe">Subscribe</a>', html)
    # Müller's trial carries a card Zoho charges when it ends: subscribed, nothing left to do.
    home = portal.client_for(MUELLER).get("/")
    text = text_of(home)
    assert "trial ends in" not in text and 'data-action="subscribe"' not in home.get_data(as_text=True)
    assert re.search(r"Pro Subscribed First bill €53\.55 on \w+ \d+, \d{4} Card ending 1881", text)


def test_a_card_expiring_within_30_days_is_a_warning(portal):
    text = text_of(portal.client_for(NORTHWIND).get("/"))
    assert re.search(r"Your card ending 9424 (expires|has expired)", text)


def test_subscriptions_list_and_detail(portal, sandbox_api):
    client = portal.client_for(ACME)
    listing = text_of(client.get("/subscriptions"))
    assert "Pro" in listing and "Active" in listing and "every month" in listing
    subscription_id = sandbox_api.subscription_ids(portal.customer(ACME).customer_id)[0]
    detail = text_of(client.get(f"/subscriptions/{subscription_id}"))
    for expected in ("Extra storage (add-on)", "Pro (plan)", "Current term", "Next bill", "Card ending 4242",
                     "Scheduled changes", "Plan changes from Pro to Business", "Total every month"):
        assert expected in detail, expected


def test_subscription_statuses_read_as_plain_words(portal, sandbox_api):
    client = portal.client_for(MUELLER)
    subscription_id = sandbox_api.subscription_ids(portal.customer(MUELLER).customer_id)[0]
    text = text_of(client.get(f"/subscriptions/{subscription_id}"))
    # The trial carries a card that Zoho charges when it ends: the page says so, in plain words.
    assert re.search(r"Subscribed Your card ending 1881 will be charged €53\.55 on \w+ \d+, \d{4}, when your trial "
                     r"ends\.", text)
    assert "Trial —" not in text and "First bill €53.55" in text


def test_the_statement_adds_up_from_opening_to_closing_balance(portal):
    page = portal.client_for(PRIYA).get("/statement?start=2026-01-01&end=2026-11-25")
    text = text_of(page)
    assert page.status_code == 200
    assert "Opening balance" in text and "Closing balance" in text and "Invoice INV-" in text
    assert "Payment" in text and 'href="/statement.pdf?start=2026-01-01&amp;end=2026-11-25"' in page.get_data(as_text=True)


def test_the_statement_defaults_to_this_year_so_far_in_the_organizations_calendar(portal):
    html = portal.client_for(ACME).get("/statement").get_data(as_text=True)
    today = datetime.now(ZoneInfo("Australia/Perth")).date()  # the demo organization's time zone
    assert f'value="{today.year}-01-01"' in html and f'value="{today.isoformat()}"' in html


def test_the_statement_pdf_is_a_download(portal):
    response = portal.client_for(ACME).get("/statement.pdf?start=2026-01-01&end=2026-11-25")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == "attachment; filename=statement-2026-01-01-2026-11-25.pdf"


@pytest.mark.parametrize("path", ["/statement?start=2026-05-01&end=2026-04-01", "/statement.pdf?start=2026-05-01&end=2026-04-01",
                                  "/statement.pdf", "/statement?start=yesterday&end=today"])
def test_a_bad_statement_range_is_explained_on_the_statement_page(portal, path):
    page = portal.client_for(ACME).get(path)
    assert page.status_code == 400 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'role="alert"' in html and "<h1>Statement of account</h1>" in html


def test_zoho_text_is_escaped_everywhere_it_shows(sandbox_api, signed_in):
    """The seed's notes carry markup; a customer whose names carry it too must see it as text."""
    hostile = '<script>alert("x")</script><img src=x onerror=alert(2)> & Co'
    customer = sandbox_api.demo_customer(PRIYA)
    sandbox_api.put(f"/customers/{customer.customer_id}", {
        "display_name": customer.display_name, "company_name": hostile,
        "billing_address": {"street": hostile, "city": "Mumbai", "country": "India"}})
    client = signed_in(PRIYA)
    payment_id = sandbox_api.transaction_ids(customer.customer_id, "PAYMENT")[0]
    for path in ("/", f"/payments/{payment_id}/receipt"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, path
