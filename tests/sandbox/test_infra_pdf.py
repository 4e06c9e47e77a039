"""Invoice and credit note PDFs: real files that pypdf can read, showing what the invoice says."""
import io

import pytest
from pypdf import PdfReader

from zoho_sandbox.pdf import render_creditnote, render_invoice

ORG = {"organization_id": "10234695", "name": "Nordlicht Software GmbH", "email": "billing@nordlicht.example",
       "phone": "+49 30 1234567", "currency_symbol": "€",
       "address": {"street_address1": "Friedrichstraße 12", "street_address2": "", "city": "Berlin",
                   "state": "Berlin", "country": "Germany", "zip": "10117"}}

INVOICE = {
    "invoice_id": "903000000045001", "invoice_number": "INV-00384", "date": "2024-03-01", "due_date": "2024-03-15",
    "status": "partially_paid", "customer_name": "Acme Studio Łódź", "email": "billing@acme.example",
    "billing_address": {"attention": "Accounts", "street": "12 Harbour Rd", "city": "Portland", "state": "OR",
                        "zip": "97201", "country": "U.S.A"},
    "invoice_items": [
        {"name": "Pro plan", "description": "Monthly subscription — 1 Mar to 31 Mar", "price": 49.0, "quantity": 3,
         "discount_amount": 0, "item_total": 147.0},
        {"name": "Extra storage", "description": "100 GB add-on", "price": 10.0, "quantity": 1,
         "discount_amount": 0, "item_total": 10.0},
    ],
    "coupons": [{"coupon_code": "SPRING10", "coupon_name": "Spring 10%", "discount_amount": 15.7}],
    "taxes": [{"tax_name": "VAT (19%)", "tax_amount": 26.84}],
    "sub_total": 157.0, "total": 168.14, "payment_made": 100.0, "credits_applied": 20.0,
    "payments": [{"payment_id": "1", "payment_mode": "creditcard", "date": "2024-03-02", "amount": 100.0}],
    "credits": [{"creditnote_id": "2", "creditnotes_number": "CN-00029", "credited_date": "2024-03-03",
                 "credited_amount": 20.0}],
    "balance": 48.14, "currency_code": "EUR", "currency_symbol": "€",
    "notes": "Thank you for your business.", "terms": "Payable within 14 days.",
}

CREDITNOTE = {
    "creditnote_id": "903000000046001", "creditnote_number": "CN-00029", "date": "2024-03-03", "status": "open",
    "customer_name": "Acme Studio Łódź", "reference_number": "INV-00384",
    "creditnote_items": [{"name": "Pro plan", "description": "Downgrade proration", "price": 30.0, "quantity": 1,
                          "item_total": 30.0}],
    "invoices": [{"invoice_id": "903000000045001", "invoice_number": "INV-00384", "amount": 20.0}],
    "total": 30.0, "balance": 10.0, "currency_code": "EUR", "currency_symbol": "€",
}


def text_of(pdf_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_invoice_pdf_shows_the_invoice():
    data = render_invoice(INVOICE, ORG)
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    for expected in ("Nordlicht Software GmbH", "Friedrichstraße 12", "INVOICE", "INV-00384", "2024-03-01",
                     "2024-03-15", "PARTIALLY PAID", "Acme Studio Łódź", "Pro plan", "Extra storage",
                     "Spring 10%", "VAT (19%)", "€168.14", "€48.14", "CN-00029", "Thank you for your business."):
        assert expected in text, expected


def test_credit_note_pdf_shows_the_credit_note():
    text = text_of(render_creditnote(CREDITNOTE, ORG))
    for expected in ("CREDIT NOTE", "CN-00029", "€30.00", "€10.00", "INV-00384", "Acme Studio Łódź"):
        assert expected in text, expected


def test_many_items_flow_onto_more_pages():
    items = [{"name": f"Line {n}", "description": "usage", "price": 1.0, "quantity": 1, "item_total": 1.0}
             for n in range(80)]
    data = render_invoice({**INVOICE, "invoice_items": items}, ORG)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    assert "Line 79" in text_of(data) and "€48.14" in text_of(data)


def test_sparse_list_row_shape_still_renders():
    data = render_invoice({"number": "INV-7", "invoice_date": "2024-01-01", "total": 5, "balance": 5,
                           "currency_code": "USD"}, {"name": "Org"})
    text = text_of(data)
    assert "INV-7" in text and "5.00" in text


# -- end to end: the API serves these PDFs for the seeded documents -------------------------------

import requests  # noqa: E402


def _first(sandbox, auth, path, key):
    resp = requests.get(sandbox.api_base + path, headers=auth, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.json()[key], f"the demo seed has no {key}"
    return resp.json()[key][0]


@pytest.mark.parametrize("how", ["query", "header"])
def test_invoice_pdf_over_http(sandbox, auth, how):
    row = _first(sandbox, auth, "/invoices", "invoices")
    invoice = requests.get(sandbox.api_base + f"/invoices/{row['invoice_id']}", headers=auth, timeout=10).json()["invoice"]
    if how == "query":
        resp = requests.get(sandbox.api_base + f"/invoices/{row['invoice_id']}", headers=auth, params={"accept": "pdf"}, timeout=30)
    else:
        resp = requests.get(sandbox.api_base + f"/invoices/{row['invoice_id']}", headers={**auth, "Accept": "application/pdf"}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/pdf;charset=UTF-8"
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{invoice["invoice_number"]}.pdf"'
    text = text_of(resp.content)
    assert invoice["invoice_number"] in text
    assert f"{invoice['total']:,.2f}" in text


def test_credit_note_pdf_over_http(sandbox, auth):
    row = _first(sandbox, auth, "/creditnotes", "creditnotes")
    resp = requests.get(sandbox.api_base + f"/creditnotes/{row['creditnote_id']}", headers=auth, params={"accept": "pdf"}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/pdf;charset=UTF-8"
    text = text_of(resp.content)
    assert row["creditnote_number"] in text
    assert f"{row['total']:,.2f}" in text
