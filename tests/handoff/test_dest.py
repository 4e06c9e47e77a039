"""``dest`` → the page: every contract value maps through one table to a registered endpoint, and
an endpoint not yet registered falls back to the closest page (logged), never a dead link."""
from __future__ import annotations

import logging

import pytest
from flask import Blueprint, Flask

from services.handoff import Destination
from views.handoff import DESTINATIONS, destination_url

READ_PAGES = {
    "home": "/", "invoices": "/invoices", "invoice": "/invoices/<invoice_id>", "subscriptions": "/subscriptions",
    "subscription": "/subscriptions/<subscription_id>",
}
WRITE_PAGES = {
    "subscribe": "/subscribe", "change_plan": "/subscriptions/<subscription_id>/change-plan",
    "cancel_subscription": "/subscriptions/<subscription_id>/cancel",
    "update_card": "/subscriptions/<subscription_id>/card", "profile": "/profile",
}


def portal_app(pages: dict[str, str]) -> Flask:
    app = Flask(__name__)
    portal = Blueprint("portal", __name__)
    for endpoint, rule in pages.items():
        portal.add_url_rule(rule, endpoint, lambda **kw: "")
    app.register_blueprint(portal)
    return app


def test_every_contract_destination_has_a_row():
    assert set(DESTINATIONS) == {"dashboard", "invoices", "invoice", "subscriptions", "subscription", "subscribe",
                                 "change-plan", "cancel", "update-card", "profile"}


@pytest.mark.parametrize(
    "dest, url",
    [
        ("dashboard", "/"), ("invoices", "/invoices"), ("invoice:2000000081001", "/invoices/2000000081001"),
        ("subscriptions", "/subscriptions"), ("subscription:77", "/subscriptions/77"), ("subscribe", "/subscribe"),
        ("change-plan:77", "/subscriptions/77/change-plan"), ("cancel:77", "/subscriptions/77/cancel"),
        ("update-card:77", "/subscriptions/77/card"), ("profile", "/profile"),
    ],
)
def test_dest_routes_to_its_page_when_every_page_exists(dest, url):
    app = portal_app({**READ_PAGES, **WRITE_PAGES})
    with app.test_request_context():
        assert destination_url(Destination.parse(dest))[0] == url


@pytest.mark.parametrize(
    "dest, url",
    [
        ("subscribe", "/subscriptions"), ("change-plan:77", "/subscriptions/77"), ("cancel:77", "/subscriptions/77"),
        ("update-card:77", "/subscriptions/77"), ("profile", "/"),
    ],
)
def test_write_side_not_there_yet_falls_back_to_the_closest_page_and_logs(dest, url, caplog):
    app = portal_app(READ_PAGES)
    caplog.set_level(logging.INFO, logger="views.handoff")
    with app.test_request_context():
        assert destination_url(Destination.parse(dest))[0] == url
    assert any(getattr(r, "dest", None) == Destination.parse(dest).kind for r in caplog.records)


@pytest.mark.parametrize("dest", ["invoices", "invoice:5", "subscription:5", "cancel:5", "profile"])
def test_with_only_home_everything_lands_on_home(dest):
    app = portal_app({"home": "/"})
    with app.test_request_context():
        assert destination_url(Destination.parse(dest))[0] == "/"


def test_ids_are_url_quoted_not_interpreted():
    app = portal_app(READ_PAGES)
    with app.test_request_context():
        # the verifier only lets [A-Za-z0-9_-] through; the URL builder would still quote anything else
        assert destination_url(Destination("invoice", "a-b_C9"))[0] == "/invoices/a-b_C9"
