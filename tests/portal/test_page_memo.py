"""A page is rendered again only when something it shows changed (``views/page_memo.py``, and Home's
view reused while its cached data is the same: ``services/billing.ReadsMemo``); whatever changed, the
customer sees it, and every answer carries its own request's CSRF token."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from flask import template_rendered
from jinja2 import DictLoader, Environment

from tests.i18n.test_locale_selection import choose, html_lang
from tests.support.demo import ACME, ACME_ID, LONE_WOLF
from tests.support.forms import csrf_of, html_of, text_of
from views.page_memo import plan_for

# Every page a customer comes back to that the portal renders through ``render_page``.
REUSED_PAGES = ("portal/home.html", "portal/invoices.html", "portal/invoice.html", "portal/payments.html",
                "portal/payment.html", "portal/credit_notes.html", "portal/credit_note.html",
                "portal/subscriptions.html", "portal/subscription.html")


@pytest.fixture
def renders(app):
    """The names of the templates ``app`` renders (a reused page renders none)."""
    seen: list[str] = []

    def note(sender, template, context, **extra):
        seen.append(template.name)

    template_rendered.connect(note, app)
    yield seen
    template_rendered.disconnect(note, app)


def test_home_is_rendered_once_while_nothing_it_shows_changes(signed_in, renders):
    client = signed_in(ACME)
    pages = [client.get("/") for _ in range(3)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert renders.count("portal/home.html") == 1
    assert len({re.sub(r'name="csrf_token" value="[^"]+"', "", html_of(p)) for p in pages}) == 1


def test_a_change_in_zoho_shows_on_home_once_the_cache_hears_of_it(app, signed_in, sandbox_api, renders):
    client = signed_in(ACME)
    assert "Acme Renamed Ltd" not in text_of(client.get("/"))
    sandbox_api.put(f"/customers/{ACME_ID}", {"company_name": "Acme Renamed Ltd"})
    app.extensions["billing"].cache.invalidate_customer(ACME_ID)  # what Zoho's webhook makes happen
    assert "Acme Renamed Ltd" in text_of(client.get("/"))
    assert renders.count("portal/home.html") == 2


def test_a_reused_page_carries_the_requests_own_csrf_token_and_signing_out_with_it_works(app, signed_in):
    client, other = signed_in(ACME), signed_in(ACME)
    client.get("/")
    page = html_of(client.get("/"))
    assert "csrf-slot-" not in page
    token, others_token = csrf_of(page), csrf_of(html_of(other.get("/")))
    assert token != others_token
    assert client.post("/logout", data={"csrf_token": others_token}).status_code == 400
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 302  # signed out: to the sign-in page
    assert other.get("/").status_code == 200


def test_a_message_shows_once_on_a_page_that_was_being_reused(signed_in):
    client = signed_in(ACME)
    client.get("/")
    client.get("/")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Your card was updated.")]
    assert "Your card was updated." in text_of(client.get("/"))
    assert "Your card was updated." not in text_of(client.get("/"))


def test_home_counts_a_due_date_from_the_organizations_new_day(app, signed_in):
    client = signed_in(LONE_WOLF)
    days = int(re.search(r"\(due in (\d+) days\)", text_of(client.get("/"))).group(1))
    assert days > 1
    client.get("/")
    # The organization's calendar moves on a day (the app's clock; the sandbox keeps its own).
    app.extensions["clock"] = lambda: datetime.now(timezone.utc) + timedelta(days=1)
    later = text_of(client.get("/"))
    assert f"(due in {days - 1} day" in later and f"(due in {days} days)" not in later


def test_a_new_language_is_shown_on_a_page_that_was_being_reused(signed_in):
    client = signed_in(ACME)
    client.get("/invoices")
    assert html_lang(client.get("/invoices")) == "en"
    assert choose(client, "de", "/invoices", token_from="/invoices").status_code == 303
    page = client.get("/invoices")
    assert html_lang(page) == "de" and "Rechnungen" in text_of(page)


@pytest.mark.parametrize("template", REUSED_PAGES)
def test_the_pages_customers_come_back_to_read_only_what_their_reuse_checks(app, template):
    plan = plan_for(app.jinja_env, template)
    assert plan.refused is None, plan.refused
    assert "summary" in plan_for(app.jinja_env, "portal/home.html").names


@pytest.mark.parametrize("source, why", [
    ("{{ request.path }}", "reads request"),
    ("{% if session.get('x') %}x{% endif %}", "reads session"),
    ("{{ items | random }}", "unclassified filters: random"),
    ("{% include name %}", "page.html chooses a template at run time"),
])
def test_a_template_reading_anything_else_is_rendered_afresh_every_time(source, why):
    env = Environment(loader=DictLoader({"page.html": source}))
    env.globals.update(request=object(), session={})
    assert plan_for(env, "page.html").refused == why


def test_a_template_reading_only_its_values_and_known_helpers_is_reusable():
    env = Environment(loader=DictLoader({
        "base.html": "<title>{{ _('Home') }}</title>{% block body %}{% endblock %}",
        "page.html": "{% extends 'base.html' %}{% block body %}{{ total | money }} {{ url_for('x') }}"
                     "{% include 'row.html' %}{% endblock %}",
        "row.html": "{{ row.name }}",
    }))
    env.globals.update(_=str, url_for=str)
    env.filters["money"] = str
    plan = plan_for(env, "page.html")
    assert plan.refused is None and {"total", "row"} <= set(plan.names) and "_" not in plan.names


def test_the_sign_in_and_security_link_is_marked_current_on_its_own_pages_only(signed_in):
    client = signed_in(ACME)
    current = re.compile(r'<a class="user-link" href="/account" aria-current="page">')
    assert current.search(html_of(client.get("/account")))
    assert current.search(html_of(client.get("/account/password")))
    assert not current.search(html_of(client.get("/")))
    assert '<a class="user-link" href="/account">' in html_of(client.get("/"))
