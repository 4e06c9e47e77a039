"""Customers through plain HTTP: created, read, found by CRM reference, listed, updated, marked
inactive and active, deleted; and what a customer's transactions keep it from."""
from __future__ import annotations

import pytest

from tests.sandbox.s2_helpers import Api


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def test_customer_round_trip(api):
    created = api.ok("POST", "/customers", 201, json={"display_name": "Round Trip Ltd", "email": "rt@round.example",
                                                      "currency_code": "eur", "payment_terms": "15"})
    assert created["message"] == "The customer has been added."
    customer = created["customer"]
    cid = customer["customer_id"]
    assert (customer["currency_code"], customer["payment_terms"], customer["payment_terms_label"]) == ("EUR", 15, "Net 15")
    assert api.ok("GET", f"/customers/{cid}")["customer"] == customer
    assert cid in [c["customer_id"] for c in api.ok("GET", "/customers", params={"search_text": "Round Trip"})["customers"]]
    updated = api.ok("PUT", f"/customers/{cid}", json={"company_name": "Round Trip Holdings", "is_portal_enabled": "true"})
    assert updated["customer"]["company_name"] == "Round Trip Holdings" and updated["customer"]["is_portal_enabled"] is True
    api.ok("POST", f"/customers/{cid}/markasinactive")
    assert cid in [c["customer_id"] for c in api.ok("GET", "/customers", params={"filter_by": "Status.Inactive"})["customers"]]
    api.ok("POST", f"/customers/{cid}/markasactive")
    assert api.ok("DELETE", f"/customers/{cid}")["message"] == "The customer has been deleted."
    gone = api.call("GET", f"/customers/{cid}")
    assert (gone.status_code, gone.json()["code"]) == (400, 3004)


def test_a_customer_with_transactions_cannot_be_deleted(api):
    acme = api.customer_named("Acme Studio")["customer_id"]
    resp = api.call("DELETE", f"/customers/{acme}")
    assert resp.status_code == 400 and resp.json()["code"] == 1003
    assert api.ok("GET", f"/customers/{acme}")["customer"]["display_name"] == "Acme Studio"


@pytest.mark.parametrize("reference, kind, name", [
    ("2926914000000461001", "zcrm_account_id", "Acme Studio"),
    ("2926914000000461001", None, "Acme Studio"),
    ("2926914000000461077", "zcrm_contact_id", "Lone Wolf Freelance"),
    ("2926914000000461077", None, "Lone Wolf Freelance"),
])
def test_a_crm_synced_customer_is_found_by_its_crm_id(reader, reference, kind, name):
    params = {"reference_id_type": kind} if kind else None
    customer = reader.ok("GET", f"/customers/reference/{reference}", params=params)["customer"]
    assert customer["display_name"] == name and customer["is_linked_with_zohocrm"] is True
    assert reference in (customer["zcrm_account_id"], customer["zcrm_contact_id"])


def test_crm_references_that_do_not_match_are_zohos_unknown_customer(reader):
    wrong_kind = reader.call("GET", "/customers/reference/2926914000000461001",
                             params={"reference_id_type": "zcrm_contact_id"})
    assert (wrong_kind.status_code, wrong_kind.json()["code"]) == (400, 3004)
    unknown = reader.call("GET", "/customers/reference/1")
    assert (unknown.status_code, unknown.json()["code"]) == (400, 3004)
    bad_kind = reader.call("GET", "/customers/reference/1", params={"reference_id_type": "zcrm_lead_id"})
    assert (bad_kind.status_code, bad_kind.json()["code"]) == (400, 2)
    linked = reader.ok("GET", "/customers", params={"filter_by": "Status.Crm"})["customers"]
    assert sorted(c["display_name"] for c in linked) == ["Acme Studio", "Lone Wolf Freelance"]
