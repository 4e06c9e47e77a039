"""What each resource call puts on the wire: method, path, query and body."""
import json
from decimal import Decimal

import pytest

from zoho_client import ZohoBadResponse

from .fakes import API, ok

SUB = {"subscription_id": "5", "status": "live", "currency_code": "USD"}
PAGE = {"page": 1, "per_page": 200, "has_more_page": False}
HOSTED = {"hostedpage_id": "ab" * 32, "status": "fresh", "url": "https://x/2-ab/checkout", "action": "x"}


def body(seen):
    return json.loads(seen.body.decode())


def test_subscriptions_list_asks_for_every_status_by_default(scripted_zoho, adapter):
    adapter.add("GET", API + "/subscriptions", ok(subscriptions=[SUB], page_context=PAGE),
                ok(subscriptions=[], page_context=PAGE))
    scripted_zoho.subscriptions.list(customer_id="c1")
    scripted_zoho.subscriptions.list(customer_id="c1", filter_by="SubscriptionStatus.LIVE")
    first, second = adapter.calls("GET")
    assert first.query["filter_by"] == ["SubscriptionStatus.All"] and first.query["customer_id"] == ["c1"]
    assert second.query["filter_by"] == ["SubscriptionStatus.LIVE"]


@pytest.mark.parametrize("at_end,sent", [(True, "true"), (False, "false")])
def test_cancel_sends_cancel_at_end_in_the_query(scripted_zoho, adapter, at_end, sent):
    adapter.add("POST", API + "/subscriptions/5/cancel", ok(subscription=SUB))
    scripted_zoho.subscriptions.cancel("5", at_end=at_end)
    seen = adapter.calls("POST", "/cancel")[0]
    assert seen.query == {"cancel_at_end": [sent]} and seen.body is None


def test_cancel_requires_a_real_boolean(scripted_zoho):
    with pytest.raises(TypeError):
        scripted_zoho.subscriptions.cancel("5", at_end="yes")


def test_update_builds_plan_and_addons(scripted_zoho, adapter):
    adapter.add("PUT", API + "/subscriptions/5", ok(subscription=SUB))
    scripted_zoho.subscriptions.update("5", plan="business-monthly", addons=["seat", {"addon_code": "storage", "quantity": 2}],
                                end_of_term=True, coupon_code="TEN")
    seen = adapter.calls("PUT")[0]
    assert seen.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert body(seen) == {"plan": {"plan_code": "business-monthly"},
                          "addons": [{"addon_code": "seat"}, {"addon_code": "storage", "quantity": 2}],
                          "end_of_term": True, "coupon_code": "TEN"}


def test_create_needs_exactly_one_customer_reference(scripted_zoho):
    with pytest.raises(ValueError):
        scripted_zoho.subscriptions.create(plan="p")
    with pytest.raises(ValueError):
        scripted_zoho.subscriptions.create(plan="p", customer_id="1", customer={"display_name": "x"})


def test_add_note_accepts_both_reply_shapes(scripted_zoho, adapter):
    note = {"note_id": "n1", "description": "hi", "commented_time": "2024-01-01T00:00:00+0800"}
    adapter.add("POST", API + "/subscriptions/5/notes", ok(note={"notes": [note]}), ok(note=note), ok(note={}))
    assert scripted_zoho.subscriptions.add_note("5", "hi").note_id == "n1"
    assert scripted_zoho.subscriptions.add_note("5", "hi").note_id == "n1"
    assert body(adapter.calls("POST", "/notes")[0]) == {"description": "hi"}
    with pytest.raises(ZohoBadResponse):
        scripted_zoho.subscriptions.add_note("5", "hi")


def test_invoices_list_maps_status_to_filter_by(scripted_zoho, adapter):
    adapter.add("GET", API + "/invoices", ok(invoices=[], page_context=PAGE))
    scripted_zoho.invoices.list(customer_id="c1", status="Unpaid", sort_column="date", sort_order="D")
    assert adapter.calls("GET")[0].query == {"customer_id": ["c1"], "filter_by": ["Status.Unpaid"],
                                             "sort_column": ["date"], "sort_order": ["D"],
                                             "page": ["1"], "per_page": ["200"]}
    with pytest.raises(ValueError):
        scripted_zoho.invoices.list(status="Paid", filter_by="Status.Paid")


def test_collect_posts_the_card(scripted_zoho, adapter):
    adapter.add("POST", API + "/invoices/9/collect",
                ok(payment={"payment_id": "p", "amount": 10, "currency_code": "USD"}))
    payment = scripted_zoho.invoices.collect("9", "card-1")
    assert payment.payment_id == "p"
    assert body(adapter.calls("POST", "/collect")[0]) == {"card_id": "card-1"}


@pytest.mark.parametrize("call,filter_by", [
    (lambda c: c.transactions.list("c1", "REFUND"), "TransactionType.REFUND"),
    (lambda c: c.payments.list_for_customer("c1"), "TransactionType.PAYMENT"),
    (lambda c: c.creditnotes.list("c1"), "TransactionType.CREDIT"),
])
def test_payment_and_credit_lists_come_from_transactions(scripted_zoho, adapter, call, filter_by):
    adapter.add("GET", API + "/transactions", ok(transactions=[], page_context=PAGE))
    call(scripted_zoho)
    assert adapter.calls("GET")[0].query["filter_by"] == [filter_by]


def test_unknown_transaction_type_is_refused(scripted_zoho):
    with pytest.raises(ValueError):
        scripted_zoho.transactions.list("c1", "GIFT")


def test_credit_note_accepts_both_envelope_keys(scripted_zoho, adapter):
    cn = {"creditnote_id": "7", "currency_code": "USD", "total": 1}
    adapter.add("GET", API + "/creditnotes/7", ok(credit_note=cn), ok(creditnote=cn))
    assert scripted_zoho.creditnotes.get("7").creditnote_id == "7"
    assert scripted_zoho.creditnotes.get("7").creditnote_id == "7"


def test_customer_update_sends_only_known_fields(scripted_zoho, adapter):
    adapter.add("PUT", API + "/customers/1", ok(customer={"customer_id": "1", "phone": "1"}))
    scripted_zoho.customers.update("1", phone="1")
    assert body(adapter.calls("PUT")[0]) == {"phone": "1"}
    with pytest.raises(ValueError, match="outstanding"):
        scripted_zoho.customers.update("1", outstanding=0)


def test_unused_credits_reply(scripted_zoho, adapter):
    adapter.add("GET", API + "/customers/1/unusedcredits",
                ok(unused_credits=[{"creditnote_id": "7", "balance": 5.5, "currency_code": "EUR"}]), ok())
    credits = scripted_zoho.customers.unused_credits("1")
    assert credits[0].balance.amount == Decimal("5.5") and credits[0].balance.currency == "EUR"
    with pytest.raises(ZohoBadResponse):
        scripted_zoho.customers.unused_credits("1")


@pytest.mark.parametrize("call,path,expected", [
    (lambda c: c.hostedpages.new_subscription(customer_id="c", plan="p", redirect_url="https://r"),
     "/hostedpages/newsubscription", {"customer_id": "c", "plan": {"plan_code": "p"}, "redirect_url": "https://r"}),
    (lambda c: c.hostedpages.update_subscription("s", plan="p"), "/hostedpages/updatesubscription",
     {"subscription_id": "s", "plan": {"plan_code": "p"}}),
    (lambda c: c.hostedpages.update_card("s"), "/hostedpages/updatecard", {"subscription_id": "s"}),
    (lambda c: c.hostedpages.invoice_payment("i"), "/hostedpages/invoicepayment", {"invoice_id": "i"}),
    (lambda c: c.hostedpages.add_payment_method("c"), "/hostedpages/addpaymentmethod", {"customer_id": "c"}),
])
def test_hosted_page_bodies(scripted_zoho, adapter, call, path, expected):
    adapter.add("POST", API + path, ok(hostedpage=HOSTED))
    assert call(scripted_zoho).hostedpage_id == HOSTED["hostedpage_id"]
    assert body(adapter.calls("POST", path)[0]) == expected


def test_hosted_page_get_is_flat(scripted_zoho, adapter):
    adapter.add("GET", API + "/hostedpages/abc", ok(**HOSTED, data={"subscription": SUB}))
    page = scripted_zoho.hostedpages.get("abc")
    assert page.hostedpage_id == HOSTED["hostedpage_id"]
    assert page.subscription().subscription_id == "5"


def test_churn_messages_and_organization(scripted_zoho, adapter):
    adapter.add("GET", API + "/settings/preferences/churnmessages", ok(churn_messages_settings={
        "is_reason_mandatory": False, "churn_messages": [{"churn_message_id": "a", "label": "A", "index": 0}]}))
    adapter.add("GET", API + "/organizations/10234695", ok(organization={"organization_id": "10234695"}))
    assert scripted_zoho.settings.churn_messages().churn_messages[0].label == "A"
    assert scripted_zoho.organization.get().organization_id == "10234695"


def test_contact_person_create_drops_unset_fields(scripted_zoho, adapter):
    adapter.add("POST", API + "/customers/1/contactpersons",
                ok(contact_person={"contactperson_id": "cp", "email": "a@b.c"}))
    scripted_zoho.contactpersons.create("1", email="a@b.c", first_name="A")
    assert body(adapter.calls("POST")[-1]) == {"email": "a@b.c", "first_name": "A"}


def test_pricebooks_list_and_get_read_the_items_by_plan_or_addon_code(scripted_zoho, adapter):
    row = {"pricebook_id": "9", "name": "EUR prices", "currency_code": "EUR", "status": "active",
           "pricebook_type": "per_item", "is_increase": False, "percentage": 0, "decimal_place": 2}
    adapter.add("GET", API + "/pricebooks", ok(pricebooks=[row], page_context=PAGE))
    adapter.add("GET", API + "/pricebooks/9", ok(pricebook={**row, "pricebook_items": [
        {"pricebook_item_id": "91", "item_id": "5", "product_code": "pro-monthly", "pricebook_rate": 45.5},
        {"pricebook_item_id": "92", "item_id": "6", "product_code": "extra-storage", "pricebook_rate": "5"}]}))
    (listed,) = scripted_zoho.pricebooks.list(filter_by="Status.Active").items
    assert listed.pricebook_id == "9" and listed.items == ()
    assert adapter.calls("GET", "/pricebooks")[0].query["filter_by"] == ["Status.Active"]
    book = scripted_zoho.pricebooks.get("9")
    assert book.rate("pro-monthly") == Decimal("45.5") and book.rate("extra-storage") == Decimal("5")
    assert book.currency_code == "EUR" and book.rate("starter-monthly") is None
