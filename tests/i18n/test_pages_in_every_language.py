"""Every kind of page, read in each language through HTTP: none shows a sentence left in English.

A page's text is searched for small English words that no sentence of the other languages holds
("the", "your", "with"…); the demo's own data (names, addresses, plan descriptions from Zoho) is
taken out first, since it is the customer's and is shown as it is."""
from __future__ import annotations

import re

import pytest

from services.texts import SUPPORTED_LOCALES
from tests.support.demo import ACME, NORTHWIND, PRIYA
from tests.support.forms import text_of

ENGLISH = re.compile(r"\b(the|your|you|and|with|will|is|are|this|has|been|nothing|there)\b", re.IGNORECASE)
OTHER_LANGUAGES = [locale for locale in SUPPORTED_LOCALES if locale != "en"]


def english_sentences(text: str, data: list[str]) -> list[str]:
    for value in data:
        text = text.replace(value, " ")
    return [match.group(0) for match in re.finditer(r"[^.!?:;·()]{0,60}\b(?:%s)\b[^.!?:;·()]{0,60}" % ENGLISH.pattern[3:-3],
                                                    text, re.IGNORECASE)]


def customer_data(sandbox_api, email: str) -> list[str]:
    """What the customer's pages show from Zoho as it is: the catalogue's plan and add-on names and
    descriptions, line items, payment descriptions, notes."""
    customer = sandbox_api.customer_id(email)
    values = []
    for kind in ("plans", "addons"):
        values += [v for item in sandbox_api.all_rows(f"/{kind}", kind) for v in (item.get("name"), item.get("description"))]
    for payment_id in sandbox_api.transaction_ids(customer, "PAYMENT"):
        values.append(sandbox_api.get(f"/payments/{payment_id}")["payment"].get("description"))
    for credit_id in sandbox_api.transaction_ids(customer, "CREDIT"):
        note = sandbox_api.get(f"/creditnotes/{credit_id}")["creditnote"]
        values += [v for item in note.get("line_items") or note.get("creditnote_items") or []
                   for v in (item.get("name"), item.get("description"))] + [note.get("notes")]
    for subscription in sandbox_api.subscriptions(customer):
        detail = sandbox_api.subscription(subscription["subscription_id"])
        plan = detail.get("plan") or {}
        values += [plan.get("name"), plan.get("description")]
        values += [v for addon in detail.get("addons") or [] for v in (addon.get("name"), addon.get("description"))]
    for invoice_id in sandbox_api.invoice_ids(customer):
        invoice = sandbox_api.get(f"/invoices/{invoice_id}")["invoice"]
        values += [v for item in invoice.get("invoice_items") or [] for v in (item.get("name"), item.get("description"))]
        values += [invoice.get("notes"), invoice.get("terms")]
    return sorted({v for v in values if v}, key=len, reverse=True)


@pytest.mark.parametrize("locale", OTHER_LANGUAGES)
def test_no_page_is_left_in_english(locale, make_app, signed_in, sandbox_api):
    # Both ways to cancel and a retention offer: the fullest cancel page.
    app = make_app(CANCEL_OPTIONS="end_of_term,immediately", RETENTION_COUPON_CODE="WELCOME10")
    pages = ["/", "/invoices", "/invoices?status=unpaid", "/payments", "/subscriptions", "/credit-notes",
             "/profile", "/statement", "/activity", "/account", "/account/password", "/account/2fa",
             "/cards/add", "/invoices/pay-all"]
    reader = sandbox_api
    acme = reader.customer_id(ACME)
    subscription = reader.first_subscription(ACME)
    invoice = reader.invoice_ids(acme)[-1]
    pages += [f"/invoices/{invoice}", f"/subscriptions/{subscription}", f"/subscriptions/{subscription}/cancel",
              f"/subscriptions/{subscription}/change-plan", f"/subscriptions/{subscription}/card",
              f"/invoices/{invoice}/pay"]
    payment = reader.transaction_ids(reader.customer_id(PRIYA), "PAYMENT")[0]
    credit = reader.transaction_ids(reader.customer_id(NORTHWIND), "CREDIT")[0]
    found = {}
    for email, paths in ((ACME, pages), (PRIYA, [f"/payments/{payment}", f"/payments/{payment}/receipt"]),
                         (NORTHWIND, [f"/credit-notes/{credit}"])):
        client = signed_in(email, client_app=app)
        data = customer_data(sandbox_api, email)
        for path in paths:
            response = client.get(path, headers={"Accept-Language": locale})
            assert response.status_code < 500, (path, response.status_code)
            if response.status_code != 303:
                left = english_sentences(text_of(response), data)
                if left:
                    found[path] = left
    assert not found, f"English left on the {locale} pages:\n" + "\n".join(f"{p}: {s}" for p, s in found.items())


@pytest.mark.parametrize("locale", OTHER_LANGUAGES)
def test_no_sign_in_page_is_left_in_english(locale, client):
    found = {}
    for path in ("/login", "/forgot", "/invite", "/reset", "/logout", "/staff/login", "/nowhere"):
        response = client.get(path, headers={"Accept-Language": locale})
        if response.status_code in (200, 404):
            left = english_sentences(text_of(response), [])
            if left:
                found[path] = left
    assert not found, f"English left on the {locale} pages:\n" + "\n".join(f"{p}: {s}" for p, s in found.items())


@pytest.mark.parametrize("locale", OTHER_LANGUAGES)
def test_no_staff_console_page_is_left_in_english(locale, app, sandbox_api):
    from tests.support.staff import make_staff, signed_in_staff

    staff = signed_in_staff(app, make_staff(app, "ada@support.example", role="admin", name="Ada Admin"))
    customer = sandbox_api.customer_id(ACME)
    found = {}
    for path in ("/staff/", "/staff/?q=acme", f"/staff/customers/{customer}", "/staff/team", "/staff/audit"):
        response = staff.get(path, headers={"Accept-Language": locale})
        assert response.status_code == 200, (path, response.status_code)
        # The audit log shows event names and details as recorded (identifiers, not sentences).
        left = [s for s in english_sentences(text_of(response), ["Ada Admin", "Acme Studio"]) if path != "/staff/audit"]
        if left:
            found[path] = left
    assert not found, f"English left on the {locale} pages:\n" + "\n".join(f"{p}: {s}" for p, s in found.items())
