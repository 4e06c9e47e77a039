"""Money, dates and states as people read them; totals are exact Decimals (checklist D 49)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.billing import expiring_cards, outstanding_of, trials_of
from services.billing_models import InvoiceRow
from services.formatting import format_date, format_datetime, format_money
from services.policy import invoices as invoice_policy, subscriptions as subscription_policy
from services.policy.cards import expires_on
from zoho_client.models import Card, Money


@pytest.mark.parametrize("money, locale, expected", [
    (Money(Decimal("1234.5"), "USD"), "en_US", "$1,234.50"),
    (Money(Decimal("1234.5"), "EUR"), "de_DE", "1.234,50\xa0€"),
    (Money(Decimal("2497.5"), "INR"), "en_IN", "₹2,497.50"),
    (Money(Decimal("1200"), "JPY"), "ja_JP", "￥1,200"),
    (Money(Decimal("-19"), "USD"), "en_US", "-$19.00"),
    (None, "en_US", "—"),
])
def test_money_is_formatted_by_currency_and_locale(money, locale, expected):
    assert format_money(money, locale) == expected


def test_dates_and_moments():
    assert format_date(date(2026, 11, 25), "en_US") == "Nov 25, 2026"
    assert format_date(date(2026, 11, 25), "en_GB") == "25 Nov 2026"
    assert format_date(None) == "—"
    moment = datetime(2026, 11, 25, 6, 5, tzinfo=timezone.utc)
    assert format_datetime(moment, "Australia/Perth", "en_US", "short") == "11/25/26, 2:05\u202fPM"
    assert format_datetime(moment, None, "en_US", "short") == "11/25/26, 6:05\u202fAM"
    assert format_datetime(moment, "Not/AZone", "en_US", "short") == "11/25/26, 6:05\u202fAM"


@pytest.mark.parametrize("words, status, label, tone", [
    (invoice_policy.invoice_status, "overdue", "Overdue", "danger"),
    (invoice_policy.invoice_status, "paid", "Paid", "success"),
    (invoice_policy.invoice_status, "partially_paid", "Partly paid", "warning"),
    (invoice_policy.invoice_status, "sent", "Unpaid", "warning"),
    (invoice_policy.invoice_status, "void", "Void", "neutral"),
    (invoice_policy.credit_note_status, "open", "Available", "success"),
    (invoice_policy.payment_status, "success", "Received", "success"),
    (invoice_policy.payment_status, "failure", "Failed", "danger"),
    (invoice_policy.invoice_status, "something_new", "Unknown", "neutral"),
    (invoice_policy.payment_status, None, "Unknown", "neutral"),
])
def test_states_in_plain_words(words, status, label, tone):
    view = words(status)
    assert (view.label, view.tone) == (label, tone)


class _Sub:
    subscription_id, plan_name, plan, name, card, auto_collect, amount = "s", "Starter", None, "x", None, True, None
    next_billing_at = activated_at = current_term_starts_at = current_term_ends_at = None
    cancelled_at = expires_at = coupon = None

    def __init__(self, status, trial_ends_at=None, expires_at=None):
        self.status, self.trial_ends_at, self.expires_at = status, trial_ends_at, expires_at


def test_a_trial_label_counts_the_days():
    sub = _Sub("trial", date(2026, 12, 7))
    assert subscription_policy.status_view(sub, date(2026, 11, 25)).label == "Trial — 12 days left"
    assert subscription_policy.status_view(sub, date(2026, 12, 6)).label == "Trial — 1 day left"
    assert subscription_policy.status_view(sub).label == "Free trial"


@pytest.mark.parametrize("status, label, tone", [
    ("live", "Active", "success"),
    ("dunning", "Payment failed", "danger"),
    ("unpaid", "Payment overdue", "danger"),
    ("cancelled_from_dunning", "Cancelled (unpaid)", "neutral"),
    ("trial_expired", "Trial ended", "neutral"),
])
def test_subscription_states_never_show_zohos_words(status, label, tone):
    view = subscription_policy.status_view(_Sub(status))
    assert (view.label, view.tone) == (label, tone)
    assert status not in view.sentence


def test_a_scheduled_cancellation_says_when():
    view = subscription_policy.status_view(_Sub("non_renewing", expires_at=date(2026, 12, 20)))
    assert view.label == "Cancels on Dec 20, 2026" and view.tone == "warning"


def test_payment_modes():
    assert invoice_policy.payment_mode_label("banktransfer") == "Bank transfer"
    # Zoho records any card charge as an "autotransaction", a renewal's or a payment the customer made.
    assert invoice_policy.payment_mode_label("autotransaction") == "Card"
    assert invoice_policy.payment_mode_label(None) == "Payment"


def _card(month, year, status="active"):
    return Card("card1", "c1", status, "4242", month, year, "test_gateway", None, None, None, None, None, None, None,
                None, None)


def test_cards_expiring_within_thirty_days_warn():
    from zoho_client.models import CardSummary

    class Sub:
        subscription_id, status, auto_collect = "sub1", "live", True

        def __init__(self, month, year, card_id="card1", status="live"):
            self.card = CardSummary(card_id, "4242", "test_gateway", month, year)
            self.status = status

    today = date(2026, 11, 25)
    (notice,) = expiring_cards([Sub(11, 2026), Sub(3, 2028, "card2")], today)
    assert notice.expires_on == date(2026, 11, 30) and not notice.expired
    assert notice.expiry_text == "at the end of this month" and notice.subscription_id == "sub1"
    assert expiring_cards([Sub(12, 2026)], today) == ()  # 36 days away
    (soon,) = expiring_cards([Sub(2, 2027)], date(2027, 1, 31))
    assert soon.expiry_text == "at the end of February 2027"
    assert expiring_cards([Sub(1, 2027)], today) == ()  # 67 days away
    (old,) = expiring_cards([Sub(9, 2026)], today)
    assert old.expired
    assert expiring_cards([Sub(11, 2026, status="cancelled")], today) == ()  # nothing charges it any more
    assert len(expiring_cards([Sub(11, 2026), Sub(11, 2026)], today)) == 1  # one notice per card
    assert expires_on(_card(2, 2028)) == date(2028, 2, 29)


def test_trials():
    class Sub:
        subscription_id, status, plan_name, plan, name = "s", "trial", "Starter", None, "x"
        trial_ends_at = date(2026, 12, 1)

    (trial,) = trials_of([Sub()], date(2026, 11, 25))
    assert trial.days_left == 6 and trial.plan_name == "Starter"


money_amounts = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("1000000"), places=2,
                            allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(money_amounts, st.sampled_from(["USD", "EUR", "INR"]),
                          st.sampled_from(["sent", "overdue", "partially_paid", "paid", "void", "draft"])),
                max_size=40))
def test_outstanding_totals_are_exact_decimals(rows):
    invoices = [InvoiceRow(f"i{n}", f"INV-{n}", status, date(2026, 1, 1) + timedelta(days=n),
                           date(2026, 2, 1) + timedelta(days=n), Money(amount, cur), Money(amount, cur))
                for n, (amount, cur, status) in enumerate(rows)]
    outstanding = outstanding_of(invoices)
    expected: dict[str, Decimal] = {}
    count = 0
    for amount, cur, status in rows:
        if status not in ("paid", "void", "draft") and amount > 0:
            expected[cur] = expected.get(cur, Decimal("0")) + amount
            count += 1
    assert {m.currency: m.amount for m in outstanding.totals} == expected
    assert all(isinstance(m.amount, Decimal) for m in outstanding.totals)
    assert [m.currency for m in outstanding.totals] == sorted(expected)
    assert outstanding.count == count
    # The displayed figure is the exact sum, to the cent.
    for total in outstanding.totals:
        assert format_money(total, "en_US").replace(",", "").lstrip("$€₹").endswith(f"{total.amount:.2f}")


def test_template_filters_are_registered(app):
    with app.app_context():
        template = app.jinja_env.from_string(
            "{{ m|money }} {{ d|date }} {{ invoice_status(s).label }} {{ invoice_status(s).tone }} "
            "{{ 'check'|payment_mode_label }} {{ t|datetime('short') }}")
        out = template.render(m=Money(Decimal("5"), "USD"), d=date(2026, 1, 2), s="overdue",
                              t=datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc))
    # The moment is told in the organization's time zone once its profile is cached (the suite's
    # shared Redis may hold it from an earlier test: Perth, UTC+8), else in UTC.
    assert out in ("$5.00 Jan 2, 2026 Overdue danger Cheque 1/2/26, 3:04\u202fAM",
                   "$5.00 Jan 2, 2026 Overdue danger Cheque 1/2/26, 11:04\u202fAM")
