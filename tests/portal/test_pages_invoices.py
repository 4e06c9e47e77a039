"""Invoice pages through the Flask test client against the sandbox: list, filters, sorting,
paging past Zoho's 200-row pages, detail, PDF and the zip of a date range."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.support.demo import ACME, BRIGHTSIDE, FRESH, LEDGER, PRIYA

INVOICE_LINK = re.compile(r'href="/invoices/(\d+)"')


def invoice_links(html: str) -> list[str]:
    return INVOICE_LINK.findall(html)


@pytest.fixture
def acme(portal):
    """Acme signed in on the module's portal."""
    return portal.client_for(ACME)


def test_the_list_shows_every_invoice_with_status_badges_and_money(acme, portal, sandbox_api):
    page = acme.get("/invoices")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    expected = sandbox_api.invoice_ids(portal.customer(ACME).customer_id)
    assert set(invoice_links(html)) == set(expected)
    assert 'class="badge badge-success">Paid</span>' in html
    assert "$59.00" in html
    assert page.headers["Cache-Control"] == "no-store"


def test_the_status_filter_keeps_only_that_status(portal):
    client = portal.client_for(BRIGHTSIDE)
    overdue = client.get("/invoices?status=overdue").get_data(as_text=True)
    paid = client.get("/invoices?status=paid").get_data(as_text=True)
    assert invoice_links(overdue) and ">Overdue</span>" in overdue and ">Paid</span>" not in overdue
    assert ">Overdue</span>" not in paid
    assert not set(invoice_links(overdue)) & set(invoice_links(paid))
    assert 'aria-current="page">Overdue</a>' in overdue


def test_a_filter_with_nothing_in_it_says_so_and_offers_the_way_back(acme):
    html = acme.get("/invoices?status=void").get_data(as_text=True)
    assert "No void invoices" in html and 'href="/invoices">See all invoices</a>' in html
    assert not invoice_links(html)


def test_sorting_by_number_ascending_and_the_header_offers_the_reverse(acme):
    html = acme.get("/invoices?sort=number&order=asc").get_data(as_text=True)
    numbers = re.findall(r'class="doc-link" href="/invoices/\d+">([^<]+)</a>', html)
    assert numbers == sorted(numbers)
    assert 'aria-sort="ascending"' in html
    assert "/invoices?sort=number&amp;order=desc" in html


def test_a_customer_with_more_than_200_invoices_pages_through_all_of_them(portal, sandbox_api):
    client = portal.client_for(LEDGER)
    expected = sandbox_api.invoice_ids(portal.customer(LEDGER).customer_id)
    assert len(expected) > 200
    seen, page = [], 1
    while True:
        html = client.get(f"/invoices?page={page}").get_data(as_text=True)
        seen += invoice_links(html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert len(seen) == len(expected) and set(seen) == set(expected)
    assert page > 8  # 25 a page: past Zoho's first 200-row page
    assert 'rel="prev"' in client.get(f"/invoices?page={page}").get_data(as_text=True)


@pytest.mark.parametrize("query", ["status=unknown", "sort=customer_name", "order=sideways", "page=0", "page=-1",
                                   "page=abc", "page=1001", "page=99999999999999999999"])
def test_query_values_no_link_produces_are_a_400_that_says_what_was_wrong(acme, query):
    page = acme.get(f"/invoices?{query}")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "use the links on the page" in html or "page must be a whole number" in html


def test_the_detail_page_shows_items_discounts_payments_balance_and_due_date(acme, portal, sandbox_api):
    oldest = sandbox_api.invoice_ids(portal.customer(ACME).customer_id)[-1]
    page = acme.get(f"/invoices/{oldest}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("Onboarding session", "Extra storage", "Includes coupon Welcome 10%", "Payments made",
                 "Balance due", "Due date", "Card", f'href="/invoices/{oldest}/pdf"'):
        assert text in html, text


def test_a_partly_paid_invoice_shows_what_is_left_and_the_bank_transfer(portal, sandbox_api):
    customer = portal.customer(PRIYA)
    client = portal.client_for(PRIYA)
    newest = sandbox_api.invoice_ids(customer.customer_id)[0]
    html = client.get(f"/invoices/{newest}").get_data(as_text=True)
    assert ">Partly paid</span>" in html and "Bank transfer" in html and "₹" in html


def test_the_pdf_is_streamed_from_zoho_as_a_download(acme, portal, sandbox_api):
    invoice_id = sandbox_api.invoice_ids(portal.customer(ACME).customer_id)[0]
    response = acme.get(f"/invoices/{invoice_id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert re.fullmatch(r'attachment; filename=INV-\d+\.pdf', response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"


def test_the_zip_holds_one_pdf_per_invoice_in_the_range(acme, portal, sandbox_api):
    customer_id = portal.customer(ACME).customer_id
    rows = sandbox_api.all_rows("/invoices", "invoices", customer_id=customer_id)
    dates = sorted(row["invoice_date"] for row in rows)
    response = acme.get(f"/invoices/zip?start={dates[0]}&end={dates[-1]}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert sorted(names) == sorted(f"{row['invoice_number']}.pdf" for row in rows)
    assert all(archive.read(name).startswith(b"%PDF") for name in names)


@pytest.mark.parametrize("query, message", [
    ("start=2026-03-01&end=2026-02-01", "The start date must be on or before the end date."),
    ("start=2026-02-30&end=2026-03-01", "Please enter the dates as year-month-day"),
    ("start=2026-01-01", "Please enter both a start date and an end date."),
    ("", "Please enter both a start date and an end date."),
    ("start=2010-01-01&end=2026-01-01", "Please choose a range of five years or less."),
])
def test_a_bad_zip_range_is_explained_on_the_invoices_page(acme, query, message):
    page = acme.get(f"/invoices/zip?{query}")
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert message in html and 'aria-invalid="true"' in html and "<h1>Invoices</h1>" in html


def test_a_range_without_invoices_is_explained_too(portal):
    page = portal.client_for(FRESH).get("/invoices/zip?start=2020-01-01&end=2020-12-31")
    assert page.status_code == 422
    assert "There are no invoices in that range." in page.get_data(as_text=True)


def test_too_many_invoices_for_one_zip_asks_for_a_shorter_range(portal):
    page = portal.client_for(LEDGER).get("/invoices/zip?start=2022-01-01&end=2026-11-25")
    assert page.status_code == 422
    assert "Please choose a shorter range." in page.get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(portal):
    response = portal.app.test_client().get("/invoices")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
