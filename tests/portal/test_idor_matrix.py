"""Checklist Z 24 and Z 27: customer A × every object id of customer B × every route that takes an
id → 404 (never 403), and Zoho is never asked about B's ids on A's behalf.

The same routes answer 200 for the owner (so a 404 here is ownership, not a broken route), and an
object B has just viewed (so it is cached) is still a 404 for A.
"""
from __future__ import annotations

import pytest

from tests.support.demo import NORTHWIND, PRIYA

ROUTES = {
    "invoice": ("/invoices/{id}", "/invoices/{id}/pdf"),
    "payment": ("/payments/{id}", "/payments/{id}/receipt"),
    "credit note": ("/credit-notes/{id}", "/credit-notes/{id}/pdf"),
    "subscription": ("/subscriptions/{id}",),
}
EVERY_ROUTE = tuple(route for routes in ROUTES.values() for route in routes)
UNKNOWN_IDS = ("1", "999999999999999999", "abc", "..%2F..%2Fcustomers", "%3Cscript%3E", "0" * 300)


def object_ids(reader, customer_id: str) -> dict[str, list[str]]:
    return {
        "invoice": reader.invoice_ids(customer_id),
        "payment": reader.transaction_ids(customer_id, "PAYMENT"),
        "credit note": reader.transaction_ids(customer_id, "CREDIT"),
        "subscription": reader.subscription_ids(customer_id),
    }


@pytest.fixture
def victim_ids(portal, sandbox_api):
    ids = object_ids(sandbox_api, portal.customer(NORTHWIND).customer_id)
    assert all(ids.values()), f"the demo customer should have every kind of object: {ids}"
    return ids


def test_the_owner_can_open_every_route_for_each_of_their_objects(portal, victim_ids):
    owner = portal.client_for(NORTHWIND)
    for kind, ids in victim_ids.items():
        for object_id in ids:
            for route in ROUTES[kind]:
                path = route.format(id=object_id)
                assert owner.get(path).status_code == 200, path


def test_another_customer_gets_404_for_every_id_of_theirs_on_every_route(portal, sandbox, victim_ids):
    intruder = portal.client_for(PRIYA)
    every_id = [object_id for ids in victim_ids.values() for object_id in ids]
    sandbox.clear_calls()
    answers = {}
    for object_id in every_id:
        for route in EVERY_ROUTE:
            path = route.format(id=object_id)
            response = intruder.get(path)
            answers[path] = response.status_code
            assert b"The link may be out of date" in response.data or response.status_code != 404, path
    assert set(answers.values()) == {404}, {path: status for path, status in answers.items() if status != 404}
    upstream = sandbox.calls()["calls"]
    leaked = [call for call in upstream for object_id in every_id
              if object_id in call["path"] or object_id in call["query_string"]]
    assert not leaked, f"Zoho was asked about the other customer's objects: {leaked[:3]}"


def test_unknown_and_malformed_ids_are_404_on_every_route(portal):
    client = portal.client_for(PRIYA)
    for object_id in UNKNOWN_IDS:
        for route in EVERY_ROUTE:
            path = route.format(id=object_id)
            assert client.get(path).status_code == 404, path


def test_an_object_cached_for_its_owner_is_still_404_for_someone_else(portal, victim_ids):
    owner, intruder = portal.client_for(NORTHWIND), portal.client_for(PRIYA)
    invoice_id = victim_ids["invoice"][0]
    assert owner.get(f"/invoices/{invoice_id}").status_code == 200  # now in the cache
    response = intruder.get(f"/invoices/{invoice_id}")
    assert response.status_code == 404
    assert invoice_id not in response.get_data(as_text=True)


def test_the_zip_and_statement_only_ever_hold_the_signed_in_customers_invoices(portal, victim_ids, sandbox_api):
    intruder = portal.client_for(PRIYA)
    mine = set(sandbox_api.invoice_ids(portal.customer(PRIYA).customer_id))
    page = intruder.get("/statement?start=2022-01-01&end=2026-12-31")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert not any(f"/invoices/{object_id}" in html for object_id in victim_ids["invoice"])
    assert all(f"/invoices/{object_id}" in html for object_id in mine)
