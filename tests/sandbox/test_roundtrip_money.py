"""Invoices, payments, credit notes and refunds through plain HTTP: each created, read, listed,
updated and deleted or voided, and after every step every derived figure (invoice and credit-note
balances, payment excess, the customer's outstanding and unused credits, /transactions) agrees."""
from __future__ import annotations

import pytest

from tests.sandbox.ledger import check_books
from tests.sandbox.s2_helpers import Api


@pytest.fixture
def api(sandbox, auth):
    return Api(sandbox, auth)


@pytest.fixture
def wolf(api):
    """Lone Wolf Freelance: offline, no card, tax-exempt (totals are what the lines say)."""
    return api.customer_named("Lone Wolf Freelance")["customer_id"]


def _invoice(api, customer_id: str, *items, **extra) -> dict:
    body = {"customer_id": customer_id, "invoice_items": list(items), **extra}
    return api.ok("POST", "/invoices", 201, json=body)["invoice"]


def test_every_demo_customers_books_balance(api):
    for row in api.ok("GET", "/customers")["customers"]:
        check_books(api, row["customer_id"])


def test_invoice_round_trip_from_draft_to_paid_void_reopened_and_deleted(api, sandbox, wolf):
    before = check_books(api, wolf)["customer"]
    created = api.ok("POST", "/invoices", 201, json={"customer_id": wolf, "reference_number": "PO-7", "invoice_items": [
        {"code": "onboarding"}, {"name": "Consulting", "price": 120, "quantity": 2, "description": "2 hours"}]})
    assert created["message"] == "The invoice has been created."
    inv = created["invoice"]
    iid = inv["invoice_id"]
    assert (inv["status"], inv["total"], inv["balance"], inv["reference_number"]) == ("draft", 439.0, 439.0, "PO-7")
    assert [i["name"] for i in inv["invoice_items"]] == ["Onboarding session", "Consulting"]
    assert iid in [i["invoice_id"] for i in api.invoices_of(wolf, filter_by="Status.Draft")]
    assert check_books(api, wolf)["customer"]["outstanding"] == before["outstanding"]  # a draft owes nothing yet

    updated = api.ok("PUT", f"/invoices/{iid}", json={"invoice_items": [{"name": "Consulting", "price": 120,
                                                                          "quantity": 2}], "notes": "Thanks"})
    assert updated["message"] == "Invoice information has been updated."
    assert (updated["invoice"]["total"], updated["invoice"]["notes"]) == (240.0, "Thanks")
    added = api.ok("POST", f"/invoices/{iid}/lineitems", json={"invoice_items": [{"name": "Travel", "price": "10.50"}]})
    assert added["invoice"]["total"] == 250.5
    travel = next(i for i in added["invoice"]["invoice_items"] if i["name"] == "Travel")
    api.ok("DELETE", f"/invoices/{iid}/lineitems/{travel['item_id']}")

    assert api.ok("POST", f"/invoices/{iid}/status/sent")["message"] == "Invoice status has been changed to Sent."
    sent = api.ok("GET", f"/invoices/{iid}")["invoice"]
    assert sent["status"] in ("sent", "overdue") and sent["balance"] == 240.0
    locked = api.call("POST", f"/invoices/{iid}/lineitems", json={"invoice_items": [{"name": "x", "price": 1}]})
    assert (locked.status_code, locked.json()["code"]) == (400, 102028)
    books = check_books(api, wolf)
    assert books["customer"]["outstanding"] == pytest.approx(before["outstanding"] + 240)

    payment = api.ok("POST", "/payments", 201, json={"customer_id": wolf, "payment_mode": "banktransfer", "amount": 300,
                                                      "invoices": [{"invoice_id": iid, "amount_applied": 240}]})["payment"]
    assert (payment["amount"], payment["unused_amount"]) == (300.0, 60.0)
    assert api.ok("GET", f"/invoices/{iid}")["invoice"]["status"] == "paid"
    books = check_books(api, wolf)
    assert books["customer"]["unused_credits"] == pytest.approx(before["unused_credits"] + 60)

    undeletable = api.call("DELETE", f"/invoices/{iid}")
    assert (undeletable.status_code, undeletable.json()["code"]) == (400, 4001)

    assert api.ok("POST", f"/invoices/{iid}/void")["message"] == "Invoice status has been changed to Void."
    void = api.ok("GET", f"/invoices/{iid}")["invoice"]
    assert (void["status"], void["balance"], void["payments"]) == ("void", 0, [])
    assert api.ok("GET", f"/payments/{payment['payment_id']}")["payment"]["unused_amount"] == 300.0
    books = check_books(api, wolf)
    assert books["customer"]["unused_credits"] == pytest.approx(before["unused_credits"] + 300)
    assert books["customer"]["outstanding"] == pytest.approx(before["outstanding"])

    api.ok("POST", f"/invoices/{iid}/converttoopen")
    assert api.ok("GET", f"/invoices/{iid}")["invoice"]["balance"] == 240.0
    reapplied = api.ok("PUT", f"/payments/{payment['payment_id']}", json={
        "invoices": [{"invoice_id": iid, "amount_applied": 240}], "reference_number": "NEFT-42"})["payment"]
    assert (reapplied["unused_amount"], reapplied["reference_number"]) == (60.0, "NEFT-42")
    check_books(api, wolf)

    assert api.ok("DELETE", f"/payments/{payment['payment_id']}")["message"] == "The payment has been deleted."
    assert api.call("GET", f"/payments/{payment['payment_id']}").status_code == 404
    assert api.ok("GET", f"/invoices/{iid}")["invoice"]["balance"] == 240.0
    assert api.ok("DELETE", f"/invoices/{iid}")["message"] == "The invoice has been deleted."
    assert (api.call("GET", f"/invoices/{iid}").status_code, api.call("GET", f"/invoices/{iid}").json()["code"]) == (404, 1002)
    after = check_books(api, wolf)["customer"]
    assert (after["outstanding"], after["unused_credits"]) == (before["outstanding"], before["unused_credits"])


def test_invoice_numbers_send_and_email_go_to_the_outbox(api, sandbox, wolf):
    own = api.ok("POST", "/invoices", 201, params={"ignore_auto_number_generation": "true", "send": "true"},
                 json={"customer_id": wolf, "invoice_number": "WOLF-001", "invoice_items": [{"name": "Audit", "price": 80}]})
    inv = own["invoice"]
    assert (inv["invoice_number"], inv["status"], inv["is_emailed"]) == ("WOLF-001", "sent", True)
    taken = api.call("POST", "/invoices", params={"ignore_auto_number_generation": True},
                     json={"customer_id": wolf, "invoice_number": "WOLF-001", "invoice_items": [{"name": "x", "price": 1}]})
    assert (taken.status_code, taken.json()["code"]) == (400, 1001)
    mailed = api.ok("POST", f"/invoices/{inv['invoice_id']}/email", json={
        "to_mail_ids": ["sam@lonewolf.example"], "cc_mail_ids": ["books@lonewolf.example"], "subject": "Your invoice",
        "body": "Please pay"})
    assert mailed["message"] == "Your invoice has been sent."
    emails = [e for e in sandbox.outbox() if e["id"] == inv["invoice_id"]]
    assert [e["to_mail_ids"] for e in emails] == [["hello@lonewolf.example"], ["sam@lonewolf.example"]]
    assert emails[1]["subject"] == "Your invoice" and emails[1]["cc_mail_ids"] == ["books@lonewolf.example"]
    comments = api.ok("GET", f"/invoices/{inv['invoice_id']}")["invoice"]["comments"]
    assert any("sam@lonewolf.example" in c["description"] for c in comments)
    bad = api.call("POST", f"/invoices/{inv['invoice_id']}/email", json={"to_mail_ids": ["not-an-address"]})
    assert bad.status_code == 400 and bad.json()["code"] == 4


def test_credit_note_round_trip_apply_remove_void_refund(api, sandbox, wolf):
    target = _invoice(api, wolf, {"name": "Retainer", "price": 100})
    api.ok("POST", f"/invoices/{target['invoice_id']}/status/sent")
    created = api.ok("POST", "/creditnotes", 201, json={"customer_id": wolf, "reference_number": "GOODWILL",
                                                         "creditnote_items": [{"code": "goodwill", "name": "Goodwill",
                                                                               "price": 50, "quantity": 1}]})
    assert created["message"] == "Credit Note created successfully."
    note = created["credit_note"]
    nid = note["creditnote_id"]
    assert created["creditnote"] == note and (note["status"], note["total"], note["balance"]) == ("open", 50.0, 50.0)
    assert nid in [n["creditnote_id"] for n in api.ok("GET", "/creditnotes", params={"customer_id": wolf})["creditnotes"]]
    check_books(api, wolf)

    applied = api.ok("POST", f"/creditnotes/{nid}/invoices", json={"invoices": [{"invoice_id": target["invoice_id"],
                                                                                  "amount_applied": 30}]})
    assert applied["invoices"][0]["amount_applied"] == 30.0
    assert api.ok("GET", f"/creditnotes/{nid}")["creditnote"]["balance"] == 20.0
    credits = api.ok("GET", f"/invoices/{target['invoice_id']}/creditsapplied")["credits"]
    assert [c["amount_applied"] for c in credits] == [30.0]
    books = check_books(api, wolf)
    assert next(i for i in books["invoices"] if i["invoice_id"] == target["invoice_id"])["balance"] == 70.0

    refused = api.call("POST", f"/creditnotes/{nid}/void")
    assert refused.status_code == 400 and refused.json()["code"] == 1003
    api.ok("DELETE", f"/invoices/{target['invoice_id']}/creditsapplied/{credits[0]['creditnotes_invoice_id']}")
    assert api.ok("GET", f"/creditnotes/{nid}")["creditnote"]["balance"] == 50.0
    check_books(api, wolf)

    on_invoice = api.ok("POST", f"/invoices/{target['invoice_id']}/credits", json={
        "apply_creditnotes": [{"creditnote_id": nid, "amount_applied": 50}]})
    assert on_invoice["apply_creditnotes"][0]["amount_applied"] == 50.0
    assert api.ok("GET", f"/creditnotes/{nid}")["creditnote"]["status"] == "closed"
    too_much = api.call("POST", f"/invoices/{target['invoice_id']}/credits", json={
        "apply_creditnotes": [{"creditnote_id": nid, "amount_applied": 1}]})
    assert too_much.status_code == 400
    api.ok("DELETE", f"/invoices/{target['invoice_id']}/creditsapplied/"
                     f"{on_invoice['apply_creditnotes'][0]['creditnotes_invoice_id']}")

    assert api.ok("POST", f"/creditnotes/{nid}/void")["message"] == "The credit note has been marked as void."
    void = api.ok("GET", f"/creditnotes/{nid}")["creditnote"]
    assert (void["status"], void["balance"]) == ("void", 0)
    check_books(api, wolf)
    api.ok("POST", f"/creditnotes/{nid}/converttoopen")

    refund = api.ok("POST", f"/creditnotes/{nid}/refunds", 201, json={"amount": 20, "description": "Cash back"})["refund"]
    assert refund["creditnote"]["creditnote_id"] == nid and refund["refund_mode"] == "cash"
    assert api.ok("GET", f"/creditnotes/refunds/{refund['refund_id']}")["refund"] == refund
    assert api.ok("GET", f"/creditnotes/{nid}")["creditnote"]["balance"] == 30.0
    over = api.call("POST", f"/creditnotes/{nid}/refunds", json={"amount": 31})
    assert over.status_code == 400
    books = check_books(api, wolf)
    assert refund["refund_id"] in [t["transaction_id"] for t in books["transactions"] if t["type"] == "refund"]

    api.ok("POST", f"/creditnotes/{nid}/email", json={"to_mail_ids": ["hello@lonewolf.example"]})
    assert any(e["kind"] == "creditnote" and e["id"] == nid for e in sandbox.outbox())
    kept = api.call("DELETE", f"/creditnotes/{nid}")
    assert kept.status_code == 400 and kept.json()["code"] == 1003
    spare = api.ok("POST", "/creditnotes", 201, json={"customer_id": wolf, "creditnote_items": [
        {"code": "x", "price": 5}]})["creditnote"]
    assert api.ok("DELETE", f"/creditnotes/{spare['creditnote_id']}")["message"] == "The credit note has been deleted."
    assert api.call("GET", f"/creditnotes/{spare['creditnote_id']}").status_code == 404
    check_books(api, wolf)


def test_refunding_a_card_payment_goes_through_a_credit_note_and_keeps_the_invoice_paid(api):
    acme = api.customer_named("Acme Studio")["customer_id"]
    payment = api.ok("GET", "/payments", params={"customer_id": acme})["payments"][0]
    invoice_id = payment["invoices"][0]["invoice_id"]
    refund = api.ok("POST", f"/payments/{payment['payment_id']}/refunds", 201,
                    json={"amount": "10.00", "description": "Partial refund"})
    assert refund["message"] == "The refund information has been saved."
    refund = refund["refund"]
    assert (refund["amount"], refund["refund_mode"], refund["payment_id"]) == (10.0, "autotransaction", payment["payment_id"])
    assert refund["autotransaction"]["card_id"] == payment["autotransaction"]["card_id"]
    note = api.ok("GET", f"/creditnotes/{refund['creditnote']['creditnote_id']}")["creditnote"]
    assert (note["total"], note["balance"], note["status"]) == (10.0, 0, "closed")
    after = api.ok("GET", f"/payments/{payment['payment_id']}")["payment"]
    assert after["amount_refunded"] == 10.0
    assert api.ok("GET", f"/invoices/{invoice_id}")["invoice"]["status"] == "paid"
    too_much = api.call("POST", f"/payments/{payment['payment_id']}/refunds", json={"amount": payment["amount"]})
    assert too_much.status_code == 400 and too_much.json()["code"] == 4
    undeletable = api.call("DELETE", f"/payments/{payment['payment_id']}")
    assert undeletable.status_code == 400 and undeletable.json()["code"] == 1003
    assert "payment_refunded" in {e["event_type"] for e in api.ok("GET", "/events")["events"]}
    check_books(api, acme)


def test_refunding_a_payments_excess_needs_no_credit_note(api, wolf):
    before = check_books(api, wolf)["customer"]["unused_credits"]
    payment = api.ok("POST", "/payments", 201, json={"customer_id": wolf, "payment_mode": "cash",
                                                      "amount": 100})["payment"]
    assert payment["invoices"] == [] and payment["unused_amount"] == 100.0
    assert check_books(api, wolf)["customer"]["unused_credits"] == pytest.approx(before + 100)
    refund = api.ok("POST", f"/payments/{payment['payment_id']}/refunds", 201, json={"amount": 40})["refund"]
    assert refund["creditnote"]["creditnote_id"] == "" and refund["refund_mode"] == "cash"
    assert api.ok("GET", f"/payments/{payment['payment_id']}")["payment"]["unused_amount"] == 60.0
    assert check_books(api, wolf)["customer"]["unused_credits"] == pytest.approx(before + 60)


def test_write_off_and_cancel_move_the_outstanding(api, wolf):
    inv = _invoice(api, wolf, {"name": "Old debt", "price": 75})
    api.ok("POST", f"/invoices/{inv['invoice_id']}/status/sent")
    before = check_books(api, wolf)["customer"]["outstanding"]
    api.ok("POST", f"/invoices/{inv['invoice_id']}/writeoff", json={"reason": "Uncollectable"})
    written = api.ok("GET", f"/invoices/{inv['invoice_id']}")["invoice"]
    assert (written["status"], written["balance"], written["write_off_amount"]) == ("paid", 0, 75.0)
    assert check_books(api, wolf)["customer"]["outstanding"] == pytest.approx(before - 75)
    api.ok("POST", f"/invoices/{inv['invoice_id']}/cancelwriteoff")
    assert api.ok("GET", f"/invoices/{inv['invoice_id']}")["invoice"]["balance"] == 75.0
    assert check_books(api, wolf)["customer"]["outstanding"] == pytest.approx(before)
    again = api.call("POST", f"/invoices/{inv['invoice_id']}/cancelwriteoff")
    assert again.status_code == 400 and again.json()["code"] == 1003


def test_removing_a_payment_from_an_invoice_leaves_it_as_excess(api):
    priya = api.customer_named("Priya Sharma Consulting")["customer_id"]
    paid = next(i for i in api.invoices_of(priya, filter_by="Status.Paid"))
    shares = api.ok("GET", f"/invoices/{paid['invoice_id']}/payments")["payments"]
    assert shares and shares[0]["amount"] == paid["total"]
    assert api.ok("DELETE", f"/invoices/{paid['invoice_id']}/payments/{shares[0]['invoice_payment_id']}")["message"] \
        == "The payment has been deleted."
    assert api.ok("GET", f"/invoices/{paid['invoice_id']}")["invoice"]["balance"] == paid["total"]
    assert api.ok("GET", f"/payments/{shares[0]['payment_id']}")["payment"]["unused_amount"] == paid["total"]
    check_books(api, priya)


def test_voiding_the_unpaid_renewal_of_a_dunning_subscription_brings_it_back_to_live(api):
    kowalski = api.customer_named("Kowalski Bakery")["customer_id"]
    sub = api.subscriptions_of(kowalski)[0]
    assert sub["status"] == "dunning"
    for inv in api.invoices_of(kowalski, filter_by="Status.Unpaid"):
        api.ok("POST", f"/invoices/{inv['invoice_id']}/void")
    assert api.ok("GET", f"/subscriptions/{sub['subscription_id']}")["subscription"]["status"] == "live"
    check_books(api, kowalski)


def test_invoice_address_custom_fields_and_attachment(api, wolf):
    inv = _invoice(api, wolf, {"name": "Design", "price": 10})
    iid = inv["invoice_id"]
    address = api.ok("PUT", f"/invoices/{iid}/address", json={"billing_address": {"street": "1 New St", "city": "Fremantle"}})
    assert address["invoice_address"]["billing_address"]["street"] == "1 New St"
    assert address["invoice_address"]["billing_address"]["zip"] == "6000"  # the rest as it was
    assert api.ok("GET", f"/customers/{wolf}")["customer"]["billing_address"]["street"] == "3/17 Beaufort St"
    fields = api.ok("POST", f"/invoices/{iid}/customfields", json={"custom_fields": [{"label": "PO", "value": "77"}]})
    assert fields["custom_fields"] == [{"index": 1, "label": "PO", "value": "77", "data_type": "string"}]
    api.ok("PUT", f"/invoice/{iid}/customfields", json={"custom_fields": [{"label": "po", "value": "78"}]})
    assert api.ok("GET", f"/invoices/{iid}")["invoice"]["custom_fields"][0]["value"] == "78"
    upload = api.session.post(f"{api.base}/invoices/{iid}/attachment", headers=api.headers, timeout=30,
                              files={"attachment": ("signed.pdf", b"%PDF-1.4 test", "application/pdf")},
                              data={"can_send_in_mail": "false"})
    assert upload.status_code == 200 and upload.json()["code"] == 0
    shown = api.ok("GET", f"/invoices/{iid}")["invoice"]
    assert shown["has_attachment"] is True and shown["documents"][0]["file_name"] == "signed.pdf"
    assert shown["can_send_in_mail"] is False
    exe = api.session.post(f"{api.base}/invoices/{iid}/attachment", headers=api.headers, timeout=30,
                           files={"attachment": ("run.exe", b"MZ", "application/octet-stream")})
    assert exe.status_code == 400 and exe.json()["code"] == 4


@pytest.mark.parametrize("body, code", [
    ({"payment_mode": "cash", "amount": 10, "invoices": [{"invoice_id": "187955000000000000", "amount_applied": 1}]}, 1002),
    ({"payment_mode": "autotransaction", "amount": 10}, 4),
    ({"payment_mode": "cash", "amount": -5}, 4),
    ({"payment_mode": "cash", "amount": 5, "invoices": [{"invoice_id": "{open}", "amount_applied": 6}]}, 4),
    ({"payment_mode": "cash", "amount": 5000, "invoices": [{"invoice_id": "{open}", "amount_applied": 5000}]}, 4),
    ({"payment_mode": "cash", "amount": 5, "invoices": [{"invoice_id": "{foreign}", "amount_applied": 1}]}, 4),
])
def test_payments_that_do_not_add_up_are_refused_and_change_nothing(api, wolf, body, code):
    open_invoice = api.invoices_of(wolf, filter_by="Status.Unpaid")[0]["invoice_id"]
    foreign = api.invoices_of(api.customer_named("Acme Studio")["customer_id"])[0]["invoice_id"]
    for entry in body.get("invoices", []):
        entry["invoice_id"] = entry["invoice_id"].format(open=open_invoice, foreign=foreign)
    before = check_books(api, wolf)
    resp = api.call("POST", "/payments", json={"customer_id": wolf, **body})
    assert resp.status_code in (400, 404) and resp.json()["code"] == code
    after = check_books(api, wolf)
    assert after["customer"] == before["customer"] and len(after["payments"]) == len(before["payments"])


def test_an_online_payments_amount_cannot_be_edited(api):
    acme = api.customer_named("Acme Studio")["customer_id"]
    payment = api.ok("GET", "/payments", params={"customer_id": acme})["payments"][0]
    resp = api.call("PUT", f"/payments/{payment['payment_id']}", json={"amount": 1})
    assert resp.status_code == 400 and resp.json()["code"] == 1003
    described = api.ok("PUT", f"/payments/{payment['payment_id']}", json={"description": "Card payment (checked)"})
    assert described["payment"]["description"] == "Card payment (checked)"
    assert described["payment"]["amount"] == payment["amount"]
