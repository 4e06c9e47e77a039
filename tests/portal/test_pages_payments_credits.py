"""Payments (list, detail, receipt) and credit notes (list, detail, PDF) through the test client."""
from __future__ import annotations

import re

from tests.support.demo import ACME, FRESH, NORTHWIND, PRIYA
from tests.support.forms import text_of


def test_the_payments_list_links_each_payment_its_invoice_and_receipt(portal, sandbox_api):
    client = portal.client_for(PRIYA)
    page = client.get("/payments")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for payment_id in sandbox_api.transaction_ids(portal.customer(PRIYA).customer_id, "PAYMENT"):
        assert f'href="/payments/{payment_id}"' in html and f'href="/payments/{payment_id}/receipt"' in html
    assert re.search(r'href="/invoices/\d+">Invoice INV-\d+</a>', html)
    assert "₹" in html and ">Received</span>" in html


def test_a_payment_shows_mode_reference_and_the_invoices_it_paid(portal, sandbox_api):
    client = portal.client_for(PRIYA)
    payment_id = sandbox_api.transaction_ids(portal.customer(PRIYA).customer_id, "PAYMENT")[0]
    text = text_of(client.get(f"/payments/{payment_id}"))
    for expected in ("Paid with", "Bank transfer", "Reference", "NEFT-", "Invoices this payment paid", "INV-"):
        assert expected in text, expected


def test_a_card_payment_shows_the_last_four_digits(portal, sandbox_api):
    client = portal.client_for(ACME)
    payment_id = sandbox_api.transaction_ids(portal.customer(ACME).customer_id, "PAYMENT")[0]
    assert "card ending 4242" in text_of(client.get(f"/payments/{payment_id}"))


def test_the_receipt_names_both_parties_and_the_amount(portal, sandbox_api):
    client = portal.client_for(PRIYA)
    payment_id = sandbox_api.transaction_ids(portal.customer(PRIYA).customer_id, "PAYMENT")[0]
    text = text_of(client.get(f"/payments/{payment_id}/receipt"))
    for expected in ("Payment receipt", "received", "Priya Sharma Consulting", "14 Marine Drive",
                     "Harbourline Software Pty Ltd", "Perth, Western Australia, 6000"):
        assert expected in text, expected


def test_the_receipt_downloads_as_a_pdf_with_the_payment_and_what_it_paid(portal, sandbox_api):
    import io

    from pypdf import PdfReader

    client = portal.client_for(PRIYA)
    payment_id = sandbox_api.transaction_ids(portal.customer(PRIYA).customer_id, "PAYMENT")[0]
    payment = sandbox_api.get(f"/payments/{payment_id}")["payment"]
    assert f'href="/payments/{payment_id}/receipt.pdf"' in client.get(f"/payments/{payment_id}/receipt").get_data(
        as_text=True)
    response = client.get(f"/payments/{payment_id}/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=receipt-{payment['date']}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Payment receipt", "Priya Sharma Consulting", "Harbourline Software Pty Ltd", "Bank transfer",
                     payment["invoices"][0]["invoice_number"]):
        assert expected in text, expected
    assert "₹" in text  # the amounts in the customer's currency, through the Unicode font


def test_no_payments_yet_says_what_to_do(portal):
    text = text_of(portal.client_for(FRESH).get("/payments"))
    assert "No payments yet" in text and "When you pay an invoice" in text


def test_payment_paging_is_bounded(portal):
    client = portal.client_for(PRIYA)
    assert client.get("/payments?page=2").status_code == 200
    assert client.get("/payments?page=0").status_code == 400


def test_credit_notes_show_what_is_still_available_never_as_negative_invoices(portal, sandbox_api):
    client = portal.client_for(NORTHWIND)
    page = client.get("/credit-notes")
    html, text = page.get_data(as_text=True), text_of(page)
    assert page.status_code == 200 and "Available to use" in text and "Still available" in text
    assert not re.search(r"[-−]\s*\$", text), "a credit is never shown as a negative amount"
    credit_ids = sandbox_api.transaction_ids(portal.customer(NORTHWIND).customer_id, "CREDIT")
    for credit_id in credit_ids:
        assert f'href="/credit-notes/{credit_id}"' in html and f'href="/credit-notes/{credit_id}/pdf"' in html
    detail = text_of(client.get(f"/credit-notes/{credit_ids[0]}"))
    assert "What was credited" in detail and "Total credit" in detail and "Still available" in detail


def test_the_credit_note_pdf_is_a_download(portal, sandbox_api):
    client = portal.client_for(NORTHWIND)
    credit_id = sandbox_api.transaction_ids(portal.customer(NORTHWIND).customer_id, "CREDIT")[0]
    response = client.get(f"/credit-notes/{credit_id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert re.fullmatch(r"attachment; filename=CN-\d+\.pdf", response.headers["Content-Disposition"])


def test_no_credit_notes_says_how_credits_work(portal):
    text = text_of(portal.client_for(ACME).get("/credit-notes"))
    assert "No credit notes" in text and "used towards your next invoices" in text
