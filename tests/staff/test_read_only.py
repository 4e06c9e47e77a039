"""Read-only is the policy's answer for support staff, asked in one place: every write the portal
offers (the policy's list of actions, so a new action is covered without editing this file) is
refused with 403 during a support view and Zoho receives no call; every page shows its submit
buttons disabled with the reason; and no template can add a submit button that skips the question.

The app here is shared by the module (one SQLite database, one support view): the tests only look
and are refused.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.policy import Action
from tests.support.sandbox_api import SandboxAPI
from tests.support.settings import portal_settings
from tests.staff.conftest import ACME
from tests.support.staff import audit_rows, csrf, make_staff, signed_in_staff, start_view

ROOT = Path(__file__).resolve().parents[2]
NORTHWIND = "187955000000050033"


@pytest.fixture(scope="module")
def viewing(sandbox_server, smtp_server, make_sqlite_database):
    """(app, client viewing ACME, ACME's object ids) for the module."""
    from app import create_app
    from tests.fixtures.app import close_app

    sandbox_server.put_back_if_changed()
    app = create_app(portal_settings(sandbox_server, smtp_server, DATABASE_URL=make_sqlite_database()))
    client = signed_in_staff(app, make_staff(app))
    assert start_view(client, ACME).status_code == 303
    api = SandboxAPI(sandbox_server)
    ids = {
        "invoice_id": api.invoice_ids(ACME)[0],
        "subscription_id": api.subscription_ids(ACME)[0],
        "contactperson_id": api.contacts(ACME)[0]["contactperson_id"],
    }
    yield app, client, ids
    close_app(app)


def _write_rules(app, action: Action):
    """The URL rules whose POST performs ``action``; an action without a route of its own is offered on
    the page of the action that shares its button (views/portal/buttons.py)."""
    from views.portal.buttons import ACTION_PAGES

    def rules_for(wanted: Action):
        return [rule for rule in app.url_map.iter_rules()
                if getattr(app.view_functions[rule.endpoint], "route", None) is not None
                and app.view_functions[rule.endpoint].route.action is wanted and "POST" in rule.methods]

    rules = rules_for(action)
    if not rules and action in ACTION_PAGES:
        endpoint = ACTION_PAGES[action][0]
        rules = [rule for rule in app.url_map.iter_rules(endpoint) if "POST" in rule.methods]
    return rules


@pytest.mark.parametrize("action", list(Action), ids=lambda action: action.value)
def test_I21_every_write_is_refused_during_a_support_view_and_zoho_gets_no_call(viewing, sandbox, action):
    app, client, ids = viewing
    rules = _write_rules(app, action)
    assert rules, f"{action.value}: no route performs it, so this test can't prove it is refused"
    token = csrf(client, "/")
    for rule in rules:
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
        sandbox.clear_calls()
        before = len(audit_rows(app, "write."))
        response = client.post(url, data={"csrf_token": token, "intent_key": "k" * 32, "reason": "x",
                                          "plan_code": "any", "password": "whatever"})
        assert response.status_code == 403, (url, response.status_code)
        assert "Support is viewing this account" in response.get_data(as_text=True)
        writes = [c for c in sandbox.calls()["calls"] if c["method"] != "GET"]
        assert writes == [], (url, writes)
        (refused,) = audit_rows(app, "write.")[before:]
        assert refused.details["outcome"] == "refused_actor" and refused.actor.startswith("staff:")


SUBMIT = re.compile(r"<button[^>]*type=\"submit\"[^>]*>", re.S)
FORM = re.compile(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", re.S | re.I)


def _enabled_submits(html: str) -> list[str]:
    """Submit buttons of POST forms that are not disabled, leaving out the banner's own "End" and the
    header's language switcher (it changes the staff member's own language, nothing of the customer's)."""
    html = re.sub(r'<aside class="support-banner".*?</aside>', "", html, flags=re.S)
    html = re.sub(r'<form class="language-form language-form-header".*?</form>', "", html, flags=re.S)
    return [button for form in FORM.findall(html) for button in SUBMIT.findall(form) if "disabled" not in button]


def test_every_write_form_of_every_customer_page_shows_its_button_disabled_with_the_reason(viewing):
    app, client, ids = viewing
    pages = ["/", "/profile", "/profile/contacts/new", f"/profile/contacts/{ids['contactperson_id']}",
             f"/profile/contacts/{ids['contactperson_id']}/remove", f"/subscriptions/{ids['subscription_id']}",
             f"/subscriptions/{ids['subscription_id']}/cancel", f"/subscriptions/{ids['subscription_id']}/card",
             "/cards/add", f"/invoices/{ids['invoice_id']}", "/account", "/account/password", "/account/2fa",
             "/confirm-password"]
    checked = 0
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert _enabled_submits(html) == [], path
        disabled = re.findall(r'<button[^>]*disabled[^>]*aria-describedby="([^"]+)"', html)
        for reason_id in disabled:
            assert re.search(rf'id="{re.escape(reason_id)}">Support is viewing this account', html), (path, reason_id)
        checked += len(disabled)
    assert checked >= len(pages) - 2  # Home and an invoice may offer nothing at all


def test_no_template_has_a_write_button_that_skips_the_policy():
    """Every POST form in the customer's pages submits through ``forms.submit`` (or the policy's
    ``action_button``), which asks the policy about the person acting: a raw submit button would
    stay enabled during a support view."""
    offenders = []
    for path in sorted((ROOT / "templates" / "portal").rglob("*.html")) + sorted((ROOT / "templates" / "account").rglob("*.html")):
        for form in FORM.findall(path.read_text()):
            if SUBMIT.search(form):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


def test_the_scan_sees_a_raw_submit_button():
    form = '<form method="post" action="/x"><button type="submit" class="button">Pay</button></form>'
    assert FORM.findall(form) and SUBMIT.search(FORM.findall(form)[0])
