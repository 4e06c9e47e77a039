"""``dest`` → the page: every value of the handoff contract maps through one table to a page of the
real portal, and a name that is not one of the portal's endpoints fails loudly instead of landing
somewhere else."""
from __future__ import annotations

import pytest
from werkzeug.routing import BuildError

from services.handoff import Destination
from views import handoff
from views.handoff import DESTINATIONS, destination_url

CONTRACT = {"dashboard", "invoices", "invoice", "subscriptions", "subscription", "subscribe", "change-plan",
            "cancel", "update-card", "profile"}


def test_every_contract_destination_has_a_row():
    assert set(DESTINATIONS) == CONTRACT


@pytest.mark.parametrize("kind", sorted(CONTRACT))
def test_each_destination_is_a_page_of_the_portal_that_a_customer_can_open(app, kind):
    endpoint, id_value = DESTINATIONS[kind]
    rules = list(app.url_map.iter_rules(endpoint))
    assert rules, f"{kind} names {endpoint}, which the portal does not have"
    assert any("GET" in rule.methods and (id_value is None or id_value in rule.arguments) for rule in rules)


@pytest.mark.parametrize("dest, url", [
    ("dashboard", "/"), ("invoices", "/invoices"), ("invoice:2000000081001", "/invoices/2000000081001"),
    ("subscriptions", "/subscriptions"), ("subscription:77", "/subscriptions/77"), ("subscribe", "/subscribe"),
    ("change-plan:77", "/subscriptions/77/change-plan"), ("cancel:77", "/subscriptions/77/cancel"),
    ("update-card:77", "/subscriptions/77/card"), ("profile", "/profile"),
])
def test_dest_lands_on_its_page_of_the_real_portal(app, dest, url):
    with app.test_request_context():
        assert destination_url(Destination.parse(dest)) == (url, DESTINATIONS[Destination.parse(dest).kind][0])


def test_a_misspelt_endpoint_in_the_table_fails_loudly(app, monkeypatch):
    monkeypatch.setitem(handoff.DESTINATIONS, "invoices", ("portal.invoice_list", None))
    with app.test_request_context(), pytest.raises(BuildError):
        destination_url(Destination.parse("invoices"))


def test_ids_are_url_quoted_not_interpreted(app):
    with app.test_request_context():
        # the verifier only lets [A-Za-z0-9_-] through; the URL builder would still quote anything else
        assert destination_url(Destination("invoice", "a-b_C9"))[0] == "/invoices/a-b_C9"
