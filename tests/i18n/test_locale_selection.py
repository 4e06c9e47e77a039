"""Which language a page is in, through HTTP: the person's own choice (saved on their portal user, or
in a cookie when signed out), then the customer's language in Zoho, then the browser's
Accept-Language, then English; ``<html lang>`` and the formats follow. The switcher brings the person
back to the page they were on, and only to a page of this site."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.support.accounts import client_for, login
from tests.support.demo import ACME, CAFE, PASSWORD
from tests.support.forms import post_form, text_of
from tests.support.staff import make_staff, signed_in_staff, start_view

# Pages are read as text with whitespace collapsed: Babel's no-break spaces read as spaces.
GERMAN_EUROS = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{2} €")  # 1.234,50 €
GERMAN_DAY = re.compile(r"\b\d{1,2}\. (?:Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\.? \d{4}\b")
ENGLISH_DAY = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}\b")


def html_lang(response) -> str:
    found = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert found, "no <html lang>"
    return found.group(1)


def choose(client, language: str, next_path: str = "/", token_from: str = "/login"):
    return post_form(client, "/language", {"language": language, "next": next_path}, token_from=token_from)


def test_english_is_the_default_without_any_preference(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert response.headers["Content-Language"] == "en"
    assert "Sign in" in text_of(response)


def test_the_browsers_language_is_used_best_match_first(client):
    cases = {"de": ("de", "Anmelden"), "pt": ("pt-PT", "Iniciar sessão"), "pt-BR,pt;q=0.9": ("pt-PT", "Iniciar sessão"),
             "es-MX": ("es", "Iniciar sesión"), "el, fr;q=0.8, de;q=0.5": ("fr", "Se connecter"),
             "el, ru": ("en", "Sign in")}
    for header, (lang, words) in cases.items():
        response = client.get("/login", headers={"Accept-Language": header})
        assert (html_lang(response), words in text_of(response)) == (lang, True), header
        assert "Accept-Language" in response.headers["Vary"]


def test_a_signed_out_visitors_choice_is_kept_in_a_cookie_and_beats_the_browser(client):
    response = choose(client, "fr", "/forgot")
    assert response.status_code == 303 and response.headers["Location"] == "/forgot"
    cookie = client.get_cookie("portal_language")
    assert cookie is not None and cookie.value == "fr" and cookie.http_only
    page = client.get("/login", headers={"Accept-Language": "de"})
    assert html_lang(page) == "fr"
    assert "Mot de passe oublié ?" in text_of(page)


def test_the_switcher_keeps_the_query_and_refuses_to_leave_the_site(client):
    assert choose(client, "de", "/login?next=%2Finvoices").headers["Location"] == "/login?next=%2Finvoices"
    for outside in ("//evil.example/login", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""):
        response = choose(client, "de", outside)
        assert response.status_code == 303 and response.headers["Location"] == "/", outside


def test_an_unknown_language_changes_nothing_and_says_so(client):
    choose(client, "es", "/login")
    response = choose(client, "xx-YY", "/login")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get_cookie("portal_language").value == "es"
    page = client.get("/login")
    assert html_lang(page) == "es"
    assert "Ese idioma no está disponible" in text_of(page)
    for garbage in ("xx", "de\r\nSet-Cookie: a=b", "../../etc/passwd", "ü" * 50):
        other = client_for(client.application)
        other.set_cookie("portal_language", garbage)
        answer = other.get("/login")
        assert answer.status_code == 200 and html_lang(answer) == "en", garbage


def test_a_signed_in_persons_choice_is_saved_on_their_user_and_beats_everything(app, signed_in):
    from db.models import PortalUser
    from extensions import db

    client = signed_in(ACME)
    response = choose(client, "es", "/invoices", token_from="/")
    assert response.status_code == 303 and response.headers["Location"] == "/invoices"
    page = client.get("/invoices", headers={"Accept-Language": "de"})
    assert html_lang(page) == "es" and "Facturas" in text_of(page)
    with app.app_context():
        user = db.session.execute(select(PortalUser).where(PortalUser.email == ACME)).scalar_one()
        assert user.preferred_language == "es"
    # Another browser, signed in afresh: the saved choice comes with the sign-in.
    other = client_for(app)
    assert login(other, ACME, PASSWORD).status_code == 303
    home = other.get("/", headers={"Accept-Language": "de"})
    assert html_lang(home) == "es" and "Resumen de facturación" in text_of(home)


def test_the_customers_language_in_zoho_comes_before_the_browsers(signed_in):
    client = signed_in(CAFE)  # Café Zürich AG: language "de" in Zoho
    home = client.get("/", headers={"Accept-Language": "fr"})
    text = text_of(home)
    assert html_lang(home) == "de"
    assert "Abrechnungsübersicht" in text
    assert GERMAN_EUROS.search(text), "no amount in euros written the German way"
    assert GERMAN_DAY.search(text) and not ENGLISH_DAY.search(text)
    # The person's own choice still wins.
    choose(client, "en", "/", token_from="/")
    again = client.get("/", headers={"Accept-Language": "fr"})
    assert html_lang(again) == "en" and "Billing overview" in text_of(again)


def test_formats_follow_the_language(signed_in):
    client = signed_in(CAFE)
    invoices = text_of(client.get("/invoices"))
    assert GERMAN_EUROS.search(invoices) and GERMAN_DAY.search(invoices)
    choose(client, "pt_PT", "/invoices", token_from="/")
    portuguese = text_of(client.get("/invoices"))
    assert re.search(r"\d,\d{2} €", portuguese) and re.search(r"\b\d{1,2}/\d{2}/\d{4}\b", portuguese)
    choose(client, "fr", "/invoices", token_from="/")
    french = text_of(client.get("/invoices"))
    assert re.search(r"\d,\d{2} €", french) and "Factures" in french


def test_the_staff_console_follows_the_switcher(app):
    client = client_for(app)
    choose(client, "de", "/staff/login", token_from="/staff/login")
    page = client.get("/staff/login")
    assert html_lang(page) == "de" and "Mitarbeiteranmeldung" in text_of(page)


def test_support_staff_read_a_customers_pages_in_their_own_language(app, sandbox_api):
    staff_client = signed_in_staff(app, make_staff(app))
    assert start_view(staff_client, sandbox_api.customer_id(CAFE)).status_code == 303
    english = staff_client.get("/", headers={"Accept-Language": "en"})
    assert html_lang(english) == "en" and "Billing overview" in text_of(english)
    choose(staff_client, "de", "/", token_from="/")
    german = staff_client.get("/")
    assert html_lang(german) == "de" and "Abrechnungsübersicht" in text_of(german)
