"""The portal in each of its languages, in Debian's Chromium: a browser that asks for the language
(Accept-Language) signs in, reads Home, pays an invoice with the card on file and cancels a
subscription at the end of its term, then switches language with the header's switcher and stays on
the same page. Every page is saved at 1280 px and 375 px (``artifacts/screenshots/languages/``,
failing if one scrolls sideways: German's long words on a phone) and audited by axe-core (no serious
or critical violation). One browser session per language, on a portal of its own and the sandbox in
its demo state, so that each language pays and cancels for real."""
from __future__ import annotations

import re

import pytest

from services.texts import SUPPORTED_LOCALES, html_lang
from tests.e2e.test_accessibility import Audit
from tests.support.browser import Screenshots, Tab
from tests.support.demo import HARBOUR, PASSWORD

pytestmark = pytest.mark.browser

shoot = Screenshots("languages")

# What each step's page says, in the language under test.
EXPECTED = {
    "en": {"login": "Sign in", "home": "Billing overview", "paid": "Payment received", "cancelled": "Cancels on"},
    "pt_PT": {"login": "Iniciar sessão", "home": "Resumo da faturação", "paid": "Pagamento recebido",
              "cancelled": "Cancela em"},
    "es": {"login": "Iniciar sesión", "home": "Resumen de facturación", "paid": "Pago recibido",
           "cancelled": "Se cancela el"},
    "de": {"login": "Anmelden", "home": "Abrechnungsübersicht", "paid": "Zahlung eingegangen", "cancelled": "Endet am"},
    "fr": {"login": "Se connecter", "home": "Aperçu de la facturation", "paid": "Paiement reçu",
           "cancelled": "Prend fin le"},
}


# Small English words that no sentence of the other languages holds: one on a page is an English
# sentence that escaped translation. (The demo's own data, names and addresses, have none of them.)
ENGLISH = re.compile(r"\b(the|your|you|and|with|will|is|are|this)\b", re.IGNORECASE)


def english_left(page, locale: str) -> list[str]:
    if locale == "en":
        return []
    lines = page.inner_text("body").splitlines()
    return [line for line in lines if ENGLISH.search(line)]


def open_invoice(sandbox_api, customer_id: str) -> str:
    rows = sandbox_api.all_rows("/invoices", "invoices", customer_id=customer_id)
    return next(row["invoice_id"] for row in rows if float(row.get("balance") or 0) > 0)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_sign_in_home_pay_and_cancel_in_each_language(locale, browser, serve_portal, sandbox_api):
    words, lang = EXPECTED[locale], html_lang(locale)
    _, base = serve_portal(users=(HARBOUR,), PORTAL_ENV="development", CANCEL_OPTIONS="end_of_term,immediately")
    customer = sandbox_api.customer_id(HARBOUR)
    invoice, subscription = open_invoice(sandbox_api, customer), sandbox_api.first_subscription(HARBOUR)
    audit = Audit()
    tab = Tab(browser, locale=lang)
    page = tab.page
    try:
        page.goto(base + "/login")
        assert page.get_attribute("html", "lang") == lang
        assert words["login"] in page.inner_text("main")
        shoot(page, f"{locale}-login")
        untranslated = english_left(page, locale)
        page.fill("#email", HARBOUR)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url(base + "/")

        assert words["home"] in page.inner_text("h1, title") or words["home"] in page.title()
        shoot(page, f"{locale}-home")
        untranslated += english_left(page, locale)
        audit(page, f"{locale} home")

        page.goto(f"{base}/invoices/{invoice}/pay")
        shoot(page, f"{locale}-pay-confirm")
        untranslated += english_left(page, locale)
        audit(page, f"{locale} pay")
        page.click("#pay-with-card")
        page.wait_for_selector(f"text={words['paid']}")
        shoot(page, f"{locale}-pay-result")
        untranslated += english_left(page, locale)

        page.goto(f"{base}/subscriptions/{subscription}/cancel")
        shoot(page, f"{locale}-cancel")
        untranslated += english_left(page, locale)
        audit(page, f"{locale} cancel")
        page.check("input[name=when][value=end_of_term]")
        page.select_option("select[name=reason]", index=1)
        page.click("button[data-action=cancel_now]")
        page.wait_for_url(f"{base}/subscriptions/{subscription}")
        assert words["cancelled"] in page.inner_text("main")
        assert page.get_attribute("html", "lang") == lang
        shoot(page, f"{locale}-subscription-cancelled")
        untranslated += english_left(page, locale)
        assert not untranslated, f"English left on the {locale} pages: {untranslated}"
        assert sandbox_api.subscription(subscription)["status"] == "non_renewing"

        # The switcher in the header: another language, the same page.
        other = "de" if locale != "de" else "fr"
        page.select_option("#language-header", other)
        page.click(".language-form-header button[type=submit]")
        page.wait_for_load_state()
        assert page.url == f"{base}/subscriptions/{subscription}"
        assert page.get_attribute("html", "lang") == html_lang(other)
        assert not tab.problems, tab.problems
    finally:
        tab.close()
    audit.check()
