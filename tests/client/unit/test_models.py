import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from zoho_client import ZohoBadResponse
from zoho_client.models import (
    Addon, Card, ChurnSettings, CreditNote, Customer, Event, HostedPage, Invoice, Money, Organization, Payment,
    Plan, Product, Subscription, Transaction, parse_timestamp,
)

RECORDED = Path("/work/shared/zoho-recorded")


def recorded(name):
    path = RECORDED / name
    if not path.exists():
        pytest.skip(f"recorded response {name} not available")
    return json.loads(path.read_text())


def test_timestamp_without_colon_offset_is_aware():
    ts = parse_timestamp("2015-10-06T07:24:28+0800")
    assert ts == datetime(2015, 10, 6, 7, 24, 28, tzinfo=timezone(timedelta(hours=8)))
    assert ts.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("text,offset", [
    ("2024-03-12T08:40:00-0700", timedelta(hours=-7)),
    ("2024-03-12T08:40:00+05:30", timedelta(hours=5, minutes=30)),
    ("2024-03-12T08:40:00Z", timedelta(0)),
    ("2024-03-12T08:40:00.123+0000", timedelta(0)),
])
def test_timestamp_offsets(text, offset):
    assert parse_timestamp(text).utcoffset() == offset


@pytest.mark.parametrize("text", ["2024-03-12T08:40:00", "12/03/2024 08:40", "2024-13-12T08:40:00+0000", "soon"])
def test_naive_or_garbled_timestamps_raise(text):
    with pytest.raises(ZohoBadResponse):
        parse_timestamp(text)


def test_recorded_customer_parses_with_decimals_dates_and_empty_strings():
    cust = Customer.from_api(recorded("customers/187955000000050001-get-200.json")["customer"])
    assert cust.customer_id == "187955000000050001"
    assert cust.unused_credits == Money(Decimal("0.0"), "USD")
    assert cust.company_name is None  # "" → None
    assert cust.billing_address is None  # all-empty address → None
    assert cust.created_time.utcoffset() == timedelta(hours=8)


def test_recorded_lists_parse():
    for name, key, model in [
        ("customers-get-200.json", "customers", Customer),
        ("plans-get-200.json", "plans", Plan),
        ("addons-get-200.json", "addons", Addon),
        ("products-get-200.json", "products", Product),
        ("subscriptions-get-200.json", "subscriptions", Subscription),
        ("organizations-get-200.json", "organizations", Organization),
    ]:
        rows = recorded(name)[key]
        parsed = [model.from_api(row) for row in rows]
        assert parsed and all(isinstance(p, model) for p in parsed)


def test_recorded_subscription_money_is_exact():
    sub = Subscription.from_api(recorded("subscriptions-get-200.json")["subscriptions"][0])
    assert sub.amount == Money(Decimal("99999.99"), "USD")
    assert sub.expires_at is None
    assert sub.current_term_ends_at == date(2015, 11, 6)
    assert sub.customer_id == "187955000000053001"


def test_invoice_with_items_taxes_coupons_credits_payments():
    inv = Invoice.from_api({
        "invoice_id": "9001", "invoice_number": "INV-384", "date": "2024-03-01", "due_date": "2024-03-15",
        "status": "partially_paid", "currency_code": "EUR", "total": 370, "balance": "120.50",
        "invoice_items": [{"item_id": "1", "code": "pro", "name": "Pro", "price": "50", "quantity": 2,
                           "item_total": 100.0, "discount_amount": 0}],
        "taxes": [{"tax_name": "VAT", "tax_amount": "19.13"}],
        "coupons": [{"coupon_code": "TEN", "coupon_name": "Ten", "discount_amount": 10}],
        "credits": [{"creditnote_id": "77", "creditnotes_number": "CN-1", "credited_date": "2024-03-02",
                     "credited_amount": 5.5}],
        "payments": [{"payment_id": "55", "payment_mode": "creditcard", "date": "2024-03-03", "amount": 244.0}],
        "subscriptions": [{"subscription_id": "300"}],
        "payment_expected_date": "", "unknown_future_field": {"x": 1},
    })
    assert inv.balance == Money(Decimal("120.50"), "EUR")
    assert inv.invoice_items[0].price == Money(Decimal("50"), "EUR")
    assert inv.taxes[0].tax_amount == Money(Decimal("19.13"), "EUR")
    assert inv.coupons[0].discount_amount.amount == Decimal("10")
    assert inv.credits[0].creditnote_number == "CN-1"
    assert inv.payments[0].amount == Money(Decimal("244.0"), "EUR")
    assert inv.invoice_date == date(2024, 3, 1)
    assert inv.payment_expected_date is None
    assert inv.subscription_ids == ("300",)
    assert inv.is_payable


def test_invoice_list_row_names():
    inv = Invoice.from_api({"invoice_id": "1", "number": "INV-1", "invoice_date": "2024-01-02",
                            "currency_code": "USD", "total": 1})
    assert inv.invoice_number == "INV-1" and inv.invoice_date == date(2024, 1, 2)


def test_float_money_has_no_binary_noise():
    inv = Invoice.from_api({"invoice_id": "1", "currency_code": "USD", "total": 0.1})
    assert inv.total.amount == Decimal("0.1")


def test_models_are_frozen():
    inv = Invoice.from_api({"invoice_id": "1", "currency_code": "USD", "total": 1})
    with pytest.raises(Exception):
        inv.total = None  # type: ignore[misc]


@pytest.mark.parametrize("data", [
    {"invoice_id": "", "currency_code": "USD"},
    {"currency_code": "USD"},
    {"invoice_id": None},
    {"invoice_id": True},
    {"invoice_id": "1", "currency_code": "USD", "total": "12,00"},
    {"invoice_id": "1", "currency_code": "USD", "total": "NaN"},
    {"invoice_id": "1", "currency_code": "USD", "total": True},
    {"invoice_id": "1", "due_date": "15/03/2024"},
    {"invoice_id": "1", "created_time": "2024-03-12 08:40"},
    {"invoice_id": "1", "invoice_items": {"not": "a list"}},
    {"invoice_id": "1", "total": 5},  # an amount without a currency
    {"invoice_id": "1", "has_attachment": "maybe"},
])
def test_malformed_values_raise_bad_response(data):
    with pytest.raises(ZohoBadResponse):
        Invoice.from_api(data)


def test_non_object_raises_bad_response():
    with pytest.raises(ZohoBadResponse):
        Customer.from_api(["not", "an", "object"])


def test_numeric_ids_become_strings_and_last_four_keeps_zeros():
    card = Card.from_api({"card_id": 9030000079226, "last_four_digits": 123, "expiry_month": "9"})
    assert card.card_id == "9030000079226"
    assert card.last_four_digits == "0123"
    assert card.expiry_month == 9


def test_transaction_amount_is_a_string_on_the_wire():
    txn = Transaction.from_api({"transaction_id": "1", "reference_id": "2", "date": "2016-09-30",
                                "type": "payment", "status": "active", "amount": "20.50"})
    assert txn.amount == Decimal("20.50") and txn.currency_code is None


def test_payment_and_credit_note():
    pay = Payment.from_api({"payment_id": "9", "amount": 450, "currency_code": "USD", "date": "2016-06-05",
                            "autotransaction": {"card_id": "7", "last_four_digits": "1111"},
                            "invoices": [{"invoice_id": "1", "amount_applied": 450}]})
    assert pay.amount == Money(Decimal("450"), "USD")
    assert pay.autotransaction.last_four_digits == "1111"
    assert pay.invoices[0].amount_applied.amount == 450
    cn = CreditNote.from_api({"creditnote_id": "5", "creditnote_number": "CN-29", "total": 450, "balance": 10,
                              "currency_code": "USD", "creditnote_items": [{"item_id": "1", "price": 100}],
                              "invoices": [{"invoice_id": "1", "amount": 450}]})
    assert cn.balance == Money(Decimal("10"), "USD") and cn.items[0].price.amount == 100


def test_subscription_nested_objects():
    sub = Subscription.from_api({
        "subscription_id": "1", "status": "live", "currency_code": "USD", "amount": 49.0,
        "plan": {"plan_code": "pro", "price": 49, "quantity": 1},
        "addons": [{"addon_code": "seat", "price": 5, "quantity": 3}],
        "coupon": {"coupon_code": "", "discount_amount": 0},
        "card": {"card_id": "c1", "last_four_digits": "4242"},
        "customer": {"customer_id": "cust", "display_name": "Acme", "email": "a@b.c"},
        "notes": [{"note_id": "n1", "description": "hi", "commented_time": "2024-01-01T00:00:00+0000"}],
    })
    assert sub.customer_id == "cust" and sub.customer_name == "Acme"
    assert sub.plan.price == Money(Decimal("49"), "USD")
    assert sub.addons[0].quantity == 3
    assert sub.coupon is None
    assert sub.card.last_four_digits == "4242"
    assert sub.notes[0].note_id == "n1"


def test_event_payload_string_is_parsed_and_read_only():
    ev = Event.from_api({"event_id": "1", "event_type": "payment_thankyou", "event_time": "2024-03-12T08:40:00+0000",
                         "payload": json.dumps({"data": {"payment": {"payment_id": "9"}}})})
    assert ev.payload["data"]["payment"]["payment_id"] == "9"
    with pytest.raises(TypeError):
        ev.payload["x"] = 1  # type: ignore[index]
    with pytest.raises(ZohoBadResponse):
        Event.from_api({"event_id": "1", "payload": "{not json"})


def test_hosted_page_and_churn_settings():
    page = HostedPage.from_api({"hostedpage_id": "ab" * 32, "status": "fresh", "url": "https://x/checkout",
                                "action": "update_card", "expiring_time": "2024-03-12T09:40:00+0000", "data": {}})
    assert page.data is None and page.status == "fresh"
    churn = ChurnSettings.from_api({"is_reason_mandatory": True,
                                    "churn_messages": [{"churn_message_id": "price", "label": "Too pricey", "index": "0"}]})
    assert churn.churn_messages[0].index == 0 and churn.is_reason_mandatory is True


def test_hosted_page_data_parses_into_the_subscription_and_invoice_it_carries():
    page = HostedPage.from_api({
        "hostedpage_id": "cd" * 32, "status": "success", "action": "new_subscription",
        "data": {
            "subscription": {"subscription_id": "90001", "status": "live", "currency_code": "USD", "amount": 49.0,
                             "plan": {"plan_code": "pro", "price": 49.0, "quantity": 1},
                             "addons": [{"addon_code": "extra-storage", "price": 5.0, "quantity": 2}]},
            "invoice": {"invoice_id": "80001", "customer_id": "70001", "currency_code": "USD", "total": 59.0,
                        "balance": 0.0, "invoice_items": [{"item_id": "1", "name": "Pro", "price": 49.0,
                                                           "quantity": 1, "item_total": 49.0}],
                        "payments": [{"payment_id": "60001", "amount": 59.0, "date": "2026-11-25"}]},
        },
    })
    subscription, invoice = page.subscription(), page.invoice()
    assert subscription.subscription_id == "90001" and [a.addon_code for a in subscription.addons] == ["extra-storage"]
    assert invoice.invoice_id == "80001" and invoice.payments[0].payment_id == "60001"
    assert len(invoice.invoice_items) == 1


def test_plan_prices_are_decimals_without_currency():
    plan = Plan.from_api({"plan_code": "p", "recurring_price": 999999.99, "billing_cycles": -1})
    assert plan.recurring_price == Decimal("999999.99") and plan.renews_until_cancelled
