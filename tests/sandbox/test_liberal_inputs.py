"""The sandbox accepts what Zoho accepts: clients written for the real service by other people send
null bodies, JSONString form fields, booleans as strings and paths with doubled slashes."""
from __future__ import annotations

import json

import pytest

from tests.sandbox.s2_helpers import Api


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


def _raw(api, method: str, path: str, data, content_type: str = "application/json", params=None):
    return api.session.request(method, api.base + path, data=data, params=params, timeout=30,
                               headers={**api.headers, "Content-Type": content_type})


@pytest.mark.parametrize("body", [b"null", b"", b"  \n", b"{}"])
def test_a_null_or_empty_body_is_an_empty_object(api, body):
    athina = api.customer_named("Αθηνά Παπαδοπούλου")
    sub = api.subscriptions_of(athina["customer_id"])[0]
    resp = _raw(api, "POST", f"/subscriptions/{sub['subscription_id']}/reactivate", body)
    assert resp.status_code == 200, resp.text
    assert resp.json()["subscription"]["status"] == "live"


@pytest.mark.parametrize("body", [b"{", b"[1, 2]", b'"text"', b"NaN", b'{"a": Infinity}', b"\xff\xfe{", b"[" * 5000])
def test_what_is_not_a_json_object_is_400_code_1038(reader, body):
    resp = _raw(reader, "POST", "/customers", body)
    assert resp.status_code == 400 and resp.json() == {"code": 1038, "message": "JSON is not well formed"}


def test_jsonstring_in_a_form_field_or_the_query_is_the_body(api):
    form = _raw(api, "POST", "/customers", {"JSONString": json.dumps({"display_name": "Form Co", "email": "f@form.example"})},
                content_type="application/x-www-form-urlencoded")
    assert form.status_code == 201, form.text
    assert form.json()["customer"]["display_name"] == "Form Co"
    query = _raw(api, "POST", "/customers", b"", params={"JSONString": json.dumps({"display_name": "Query Co",
                                                                                    "email": "q@query.example"})})
    assert query.status_code == 201, query.text
    assert api.customer_named("Query Co")["email"] == "q@query.example"


@pytest.mark.parametrize("path", ["/billing/v1//customers", "//billing/v1/customers", "/billing//v1/customers/",
                                  "/subscriptions/v1///customers"])
def test_doubled_slashes_in_the_path_are_one(sandbox_server, reader, http, path):
    resp = http.get(sandbox_server.base_url + path, headers=reader.headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert resp.json()["customers"]


@pytest.mark.parametrize("sent, status", [("true", "non_renewing"), ("TRUE", "non_renewing"), (True, "non_renewing"),
                                          ("false", "cancelled"), (False, "cancelled"), (0, "cancelled")])
def test_cancel_at_end_in_the_body_as_boolean_or_string(api, sent, status):
    acme = api.customer_named("Acme Studio")
    sub_id = api.subscriptions_of(acme["customer_id"])[0]["subscription_id"]
    body = api.ok("POST", f"/subscriptions/{sub_id}/cancel", json={"cancel_at_end": sent})
    assert body["subscription"]["status"] == status


def test_cancel_at_end_in_the_query_in_any_case(api):
    acme = api.customer_named("Acme Studio")
    sub_id = api.subscriptions_of(acme["customer_id"])[0]["subscription_id"]
    body = api.ok("POST", f"/subscriptions/{sub_id}/cancel", params={"cancel_at_end": "True"})
    assert body["subscription"]["status"] == "non_renewing"


def test_a_boolean_sent_as_the_string_false_is_false(api):
    body = api.ok("POST", "/subscriptions", 201, json={
        "customer": {"display_name": "Offline Co", "email": "o@offline.example", "is_portal_enabled": "false"},
        "plan": {"plan_code": "insights-monthly", "exclude_trial": "true"}, "auto_collect": "false"})
    assert body["subscription"]["auto_collect"] is False and body["subscription"]["status"] == "live"
    customer = api.ok("GET", f"/customers/{body['subscription']['customer_id']}")["customer"]
    assert customer["is_portal_enabled"] is False
    refused = api.call("POST", "/subscriptions", json={"customer_id": customer["customer_id"],
                                                       "plan": {"plan_code": "insights-monthly"}, "auto_collect": "maybe"})
    assert refused.status_code == 400 and refused.json()["code"] == 4


def test_numbers_and_ids_may_come_as_strings_or_numbers(api):
    wolf = api.customer_named("Lone Wolf Freelance")
    body = api.ok("POST", "/subscriptions", 201, json={
        "customer_id": int(wolf["customer_id"]), "auto_collect": False,
        "plan": {"plan_code": "team-seat-monthly", "quantity": "3", "price": "11.50", "exclude_trial": 1}})
    plan = body["subscription"]["plan"]
    assert (plan["quantity"], plan["price"], body["subscription"]["sub_total"]) == (3, 11.5, 34.5)


def test_put_customer_validates_currency_code_as_create_does(api):
    created = api.ok("POST", "/customers", 201, json={"display_name": "Currency Co", "email": "c@cur.example"})
    cid = created["customer"]["customer_id"]
    bad = api.call("PUT", f"/customers/{cid}", json={"currency_code": "XYZ"})
    assert bad.status_code == 400 and bad.json()["code"] == 4
    assert api.ok("GET", f"/customers/{cid}")["customer"]["currency_code"] == "USD"
    assert api.ok("PUT", f"/customers/{cid}", json={"currency_code": "eur"})["customer"]["currency_code"] == "EUR"
    acme = api.customer_named("Acme Studio")
    locked = api.call("PUT", f"/customers/{acme['customer_id']}", json={"currency_code": "EUR"})
    assert locked.status_code == 400 and locked.json()["code"] == 1003


def test_a_refused_customer_update_changes_nothing(api):
    acme = api.customer_named("Acme Studio")
    before = api.ok("GET", f"/customers/{acme['customer_id']}")["customer"]
    bad = api.call("PUT", f"/customers/{acme['customer_id']}", json={"display_name": "Renamed", "email": "no-at-sign"})
    assert bad.status_code == 400
    after = api.ok("GET", f"/customers/{acme['customer_id']}")["customer"]
    assert after == before


def test_reactivating_a_non_renewing_trial_puts_it_back_in_trial(api):
    mueller = api.customer_named("Müller & Söhne GmbH")
    sub = api.subscriptions_of(mueller["customer_id"])[0]
    assert sub["status"] == "trial"
    assert api.ok("POST", f"/subscriptions/{sub['subscription_id']}/cancel",
                  json={"cancel_at_end": True})["subscription"]["status"] == "non_renewing"
    back = api.ok("POST", f"/subscriptions/{sub['subscription_id']}/reactivate")["subscription"]
    assert back["status"] == "trial" and back["trial_ends_at"] == sub["trial_ends_at"]
    assert back["next_billing_at"] == sub["next_billing_at"]
