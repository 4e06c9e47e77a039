"""Measured against Zoho's OpenAPI files: every operation they describe is served, and a tour that
calls each one successfully gets replies that validate against the operation's documented schema
(with the real-service exceptions listed in tests/sandbox/openapi.py)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from tests.sandbox import openapi
from tests.sandbox.s2_helpers import Api

OPERATIONS_IN_THE_FILES = 116


def test_every_operation_of_the_openapi_files_is_served(sandbox, auth, http):
    """Each operation, called with placeholder ids and an empty body, is routed to a handler: its
    answer is never Zoho's "Invalid URL Passed" (404/5) or "method not allowed" (405/37)."""
    ops = openapi.operations()
    assert len(ops) == OPERATIONS_IN_THE_FILES
    unserved = []
    for file, method, path in ops:
        resp = http.request(method, sandbox.api_base + re.sub(r"\{[^}]+\}", "0", path), headers=auth, json={}, timeout=30)
        body = resp.json()
        assert resp.status_code < 500, (method, path, body)
        if (resp.status_code, body["code"]) in ((404, 5), (405, 37)):
            unserved.append(f"{method} {path} ({file})")
    assert not unserved, f"{len(unserved)} of {len(ops)} operations are not served: {unserved}"


class Tour:
    """Calls operations by their documented path template and validates each reply."""

    def __init__(self, sandbox, headers) -> None:
        self.sandbox = sandbox
        self.api = Api(sandbox, headers)
        self.documented = {(method, openapi.template_key(path)): (file, path)
                           for file, method, path in openapi.operations()}
        self.validated: set[tuple[str, str]] = set()

    def __call__(self, method: str, template: str, status: int = 200, *, params=None, json=None, files=None,
                 data=None, **ids) -> dict:
        key = (method, openapi.template_key(template))
        file, path = self.documented[key]
        resp = self.api.session.request(method, self.api.base + template.format(**ids), params=params, json=json,
                                        files=files, data=data, headers=self.api.headers, timeout=30)
        assert resp.status_code == status, (method, template, resp.status_code, resp.text[:500])
        body = resp.json()
        assert body["code"] == 0, body
        openapi.validate(body, file, openapi.response_schema(file, method, path, status))
        self.validated.add(key)
        return body


def test_a_tour_of_every_operation_validates_against_the_documented_replies(sandbox, auth):
    call = Tour(sandbox, auth)
    today = date.fromisoformat(sandbox.control("GET", "clock")["today"])

    # settings
    for path in ("/settings/taxes", "/settings/taxexemptions", "/settings/taxauthorities",
                 "/settings/preferences/churnmessages"):
        call("GET", path)

    # catalogue: products, plans, addons, coupons
    pid = call("POST", "/products", 201, json={"name": "Tour", "description": "For the tour"})["product"]["product_id"]
    spare = call("POST", "/products", 201, json={"name": "Spare"})["product"]["product_id"]
    call("GET", "/products")
    call("GET", "/products/{id}", id=pid)
    call("PUT", "/products/{id}", id=pid, json={"name": "Tour product"})
    call("POST", "/products/{id}/markasinactive", id=pid)
    call("POST", "/products/{id}/markasactive", id=pid)
    call("DELETE", "/products/{id}", id=spare)

    call("POST", "/plans", 201, json={"plan_code": "tour-plan", "name": "Tour", "recurring_price": 40, "interval": 1,
                                      "interval_unit": "months", "product_id": pid, "trial_period": 0})
    call("POST", "/plans", 201, json={"plan_code": "tour-spare", "name": "Spare", "recurring_price": 1, "interval": 1,
                                      "product_id": pid})
    call("GET", "/plans")
    call("GET", "/plans/{code}", code="tour-plan")
    call("PUT", "/plans/{code}", code="tour-plan", json={"name": "Tour plan"})
    call("POST", "/plans/{code}/markasinactive", code="tour-spare")
    call("POST", "/plans/{code}/markasactive", code="tour-spare")
    call("DELETE", "/plans/{code}", code="tour-spare")

    addon = {"unit_name": "seat", "price_brackets": [{"price": 5}], "product_id": pid}
    call("POST", "/addons", 201, json={"addon_code": "tour-seat", "name": "Seat", **addon})
    call("POST", "/addons", 201, json={"addon_code": "tour-setup", "name": "Setup", "type": "one_time", **addon})
    call("POST", "/addons", 201, json={"addon_code": "tour-spare", "name": "Spare", **addon})
    call("GET", "/addons")
    call("GET", "/addons/{code}", code="tour-seat")
    call("PUT", "/addons/{code}", code="tour-seat", json={"name": "Extra seat"})
    call("POST", "/addons/{code}/markasinactive", code="tour-spare")
    call("POST", "/addons/{code}/markasactive", code="tour-spare")
    call("DELETE", "/addons/{code}", code="tour-spare")

    coupon = {"type": "forever", "discount_by": "flat", "discount_value": 2, "product_id": pid}
    call("POST", "/coupons", 201, json={"coupon_code": "TOUR2", "name": "Tour", **coupon})
    call("POST", "/coupons", 201, json={"coupon_code": "SPARE2", "name": "Spare", **coupon})
    call("GET", "/coupons")
    call("GET", "/coupons/{code}", code="TOUR2")
    call("PUT", "/coupons/{code}", code="TOUR2", json={"name": "Tour coupon"})
    call("POST", "/coupons/{code}/markasinactive", code="SPARE2")
    call("POST", "/coupons/{code}/markasactive", code="SPARE2")
    call("DELETE", "/coupons/{code}", code="SPARE2")

    # customers, contact persons, cards
    cid = call("POST", "/customers", 201, json={"display_name": "Tour Co", "email": "tour@tour.example",
                                                "first_name": "Tia", "last_name": "Tour"})["customer"]["customer_id"]
    gone = call("POST", "/customers", 201, json={"display_name": "Gone Co", "email": "g@gone.example"})
    call("GET", "/customers")
    call("GET", "/customers/{id}", id=cid)
    call("PUT", "/customers/{id}", id=cid, json={"phone": "+61 8 5555 0101"})
    call("GET", "/customers/reference/{ref}", ref="2926914000000461001",
         params={"reference_id_type": "zcrm_account_id"})
    call("POST", "/customers/{id}/markasinactive", id=cid)
    call("POST", "/customers/{id}/markasactive", id=cid)
    call("DELETE", "/customers/{id}", id=gone["customer"]["customer_id"])
    person = call("POST", "/customers/{id}/contactpersons", 201, id=cid,
                  json={"first_name": "Ola", "email": "ola@tour.example"})["contact_person"]["contactperson_id"]
    call("GET", "/customers/{id}/contactpersons", id=cid)
    call("GET", "/customers/{id}/contactpersons/{pid}", id=cid, pid=person)
    call("PUT", "/customers/{id}/contactpersons/{pid}", id=cid, pid=person, json={"phone": "5550100"})

    for _ in range(2):
        page = call("POST", "/hostedpages/addpaymentmethod", 201, json={"customer_id": cid})["hostedpage"]
        assert call.api.pay_hosted_page(page["url"]).status_code == 200
    cards = call("GET", "/customers/{id}/cards", id=cid)["cards"]
    card, spare_card = cards[0]["card_id"], cards[1]["card_id"]
    call("GET", "/customers/{id}/cards/{card}", id=cid, card=card)

    # subscriptions
    sub = call("POST", "/subscriptions", 201, json={
        "customer_id": cid, "card_id": card, "plan": {"plan_code": "tour-plan"},
        "addons": [{"addon_code": "tour-seat", "quantity": 2}]})["subscription"]["subscription_id"]
    trial = call("POST", "/subscriptions", 201, json={"customer_id": cid, "auto_collect": False,
                                                      "plan": {"plan_code": "pro-monthly"}})["subscription"]
    call("GET", "/subscriptions", params={"customer_id": cid, "filter_by": "SubscriptionStatus.All"})
    call("GET", "/subscriptions/{id}", id=sub)
    call("PUT", "/subscriptions/{id}", id=sub, json={"plan": {"plan_code": "tour-plan", "quantity": 2},
                                                     "end_of_term": True})
    call("GET", "/subscriptions/{id}/scheduledchanges", id=sub)
    note = call("POST", "/subscriptions/{id}/notes", id=sub, json={"description": "On the tour"})["note"]["note_id"]
    call("DELETE", "/subscriptions/{id}/notes/{note}", id=sub, note=note)
    call("POST", "/subscriptions/{id}/autocollect", id=sub, json={"auto_collect": True})
    call("POST", "/subscriptions/{id}/reference", id=sub, json={"reference_id": "TOUR-1"})
    call("POST", "/subscriptions/{id}/salesperson", id=sub, json={"salesperson_name": "Franklin"})
    call("POST", "/subscriptions/{id}/customfields", id=sub, json={"custom_fields": [{"label": "Tier", "value": "A"}]})
    call("POST", "/subscriptions/{id}/lineitems/{code}", id=sub, code="tour-seat", json={"description": "Seats"})
    call("POST", "/subscriptions/{id}/contactpersons", id=sub, json={"contactpersons": [{"contactperson_id": person}]})
    call("POST", "/subscriptions/{id}/coupons/{code}", id=sub, code="TOUR2")
    call("DELETE", "/subscriptions/{id}/coupons", id=sub)
    call("DELETE", "/subscriptions/{id}/card", id=sub)
    call("POST", "/subscriptions/{id}/card", id=sub, json={"card_id": card, "auto_collect": True})
    call("POST", "/subscriptions/{id}/charge", id=sub, json={"amount": 12, "description": "Tour charge"})
    call("POST", "/subscriptions/{id}/buyonetimeaddon", id=sub, json={"addons": [{"addon_code": "tour-setup"}]})
    renewal = date.fromisoformat(call("GET", "/subscriptions/{id}", id=sub)["subscription"]["next_billing_at"])
    call("POST", "/subscriptions/{id}/postpone", id=sub, json={"renewal_at": (renewal + timedelta(days=3)).isoformat()})
    call("GET", "/subscriptions/{id}/recentactivities", id=sub)
    call("POST", "/subscriptions/{id}/cancel", id=sub, params={"cancel_at_end": "true"})
    call("POST", "/subscriptions/{id}/reactivate", id=sub)
    call("DELETE", "/subscriptions/{id}", id=trial["subscription_id"])

    # invoices, payments, credit notes, refunds
    draft = call("POST", "/invoices", 201, json={"customer_id": cid, "date": today.isoformat(),
                                                 "invoice_items": [{"code": "tour-plan", "quantity": 1}]})["invoice"]
    iid = draft["invoice_id"]
    call("GET", "/invoices", params={"customer_id": cid})
    call("GET", "/invoices/{id}", id=iid)
    call("PUT", "/invoices/{id}", id=iid, json={"customer_id": cid, "invoice_items": [
        {"code": "tour-plan"}, {"name": "Extra", "price": 10}]})
    extra = call("POST", "/invoices/{id}/lineitems", id=iid, json={"invoice_items": [{"name": "Usage", "price": 3}]})
    usage = next(i for i in extra["invoice"]["invoice_items"] if i["name"] == "Usage")["item_id"]
    call("DELETE", "/invoices/{id}/lineitems/{item}", id=iid, item=usage)
    call("PUT", "/invoice/{id}/customfields", id=iid, json={"custom_fields": [{"label": "PO", "value": "1"}]})
    call("POST", "/invoices/{id}/customfields", id=iid, json={"custom_fields": [{"label": "PO", "value": "2"}]})
    call("PUT", "/invoices/{id}/address", id=iid, json={"billing_address": {"street": "1 Tour Rd"}})
    call("POST", "/invoices/{id}/attachment", id=iid, files={"attachment": ("po.png", b"\x89PNG", "image/png")})
    call("POST", "/invoices/{id}/email", id=iid, json={"to_mail_ids": ["tour@tour.example"]})
    call("POST", "/invoices/{id}/writeoff", id=iid)
    call("POST", "/invoices/{id}/cancelwriteoff", id=iid)

    note_id = call("POST", "/creditnotes", 201, json={"customer_id": cid, "creditnote_items": [
        {"code": "tour-plan", "price": 15, "quantity": 1}]})["credit_note"]["creditnote_id"]
    call("GET", "/creditnotes/{id}", id=note_id)
    call("POST", "/creditnotes/{id}/email", id=note_id, json={"to_mail_ids": ["tour@tour.example"]})
    call("POST", "/creditnotes/{id}/invoices", id=note_id, json={"invoices": [{"invoice_id": iid, "amount_applied": 5}]})
    call("POST", "/invoices/{id}/credits", id=iid, json={"apply_creditnotes": [{"creditnote_id": note_id,
                                                                                 "amount_applied": 5}]})
    call("POST", "/creditnotes/{id}/refunds", 201, id=note_id, json={"amount": 5})
    throwaway = call("POST", "/creditnotes", 201, json={"customer_id": cid, "creditnote_items": [
        {"code": "x", "price": 1}]})["credit_note"]["creditnote_id"]
    call("POST", "/creditnotes/{id}/void", id=throwaway)
    call("POST", "/creditnotes/{id}/converttoopen", id=throwaway)
    call("DELETE", "/creditnotes/{id}", id=throwaway)

    balance = call("GET", "/invoices/{id}", id=iid)["invoice"]["balance"]
    payment = call("POST", "/payments", 201, json={"customer_id": cid, "payment_mode": "cash", "amount": balance + 4,
                                                   "invoices": [{"invoice_id": iid, "amount_applied": balance}]})
    payment_id = payment["payment"]["payment_id"]
    call("GET", "/payments/{id}", id=payment_id)
    call("PUT", "/payments/{id}", id=payment_id, json={"customer_id": cid, "payment_mode": "cash",
                                                       "amount": balance + 4, "reference_number": "TOUR"})
    refund = call("POST", "/payments/{id}/refunds", 201, id=payment_id, json={"amount": 6})["refund"]["refund_id"]
    call("GET", "/creditnotes/refunds/{id}", id=refund)
    call("GET", "/transactions", params={"customer_id": cid})
    spare_payment = call("POST", "/payments", 201, json={"customer_id": cid, "payment_mode": "check", "amount": 1})
    call("DELETE", "/payments/{id}", id=spare_payment["payment"]["payment_id"])

    call("POST", "/invoices/{id}/void", id=iid)
    call("POST", "/invoices/{id}/converttoopen", id=iid)
    to_collect = call("POST", "/invoices", 201, params={"send": "true"}, json={
        "customer_id": cid, "invoice_items": [{"name": "Collected", "price": 8}]})["invoice"]["invoice_id"]
    call("POST", "/invoices/{id}/collect", id=to_collect, json={"card_id": card})
    deletable = call("POST", "/invoices", 201, json={"customer_id": cid, "invoice_items": [{"name": "Tmp", "price": 1}]})
    call("DELETE", "/invoices/{id}", id=deletable["invoice"]["invoice_id"])

    # hosted pages
    created = [
        call("POST", "/hostedpages/newsubscription", 201, json={"customer_id": cid, "plan": {"plan_code": "tour-plan"}}),
        call("POST", "/hostedpages/updatesubscription", 201, json={"subscription_id": sub,
                                                                    "plan": {"plan_code": "tour-plan", "quantity": 3}}),
        call("POST", "/hostedpages/updatecard", json={"subscription_id": sub}),
        call("POST", "/hostedpages/buyonetimeaddon", 201, json={"subscription_id": sub,
                                                                 "addons": [{"addon_code": "tour-setup"}]}),
        call("POST", "/hostedpages/invoicepayment", 201, json={"invoice_id": iid}),
        call("POST", "/hostedpages/updatepaymentmethod", 201, json={"card_id": spare_card}),
    ]
    for body in created:
        page = body["hostedpage"]
        assert call.api.pay_hosted_page(page["url"]).status_code == 200
        assert call("GET", "/hostedpages/{id}", id=page["hostedpage_id"])["status"] == "success"
    call("GET", "/hostedpages")
    call("DELETE", "/customers/{id}/cards/{card}", id=cid, card=spare_card)
    call("DELETE", "/customers/{id}/contactpersons/{pid}", id=cid, pid=person)

    # events (what the tour raised)
    events = call("GET", "/events")["events"]
    call("GET", "/events/{id}", id=events[0]["event_id"])

    missing = set(call.documented) - call.validated
    assert not missing, f"the tour did not validate {sorted(missing)}"
