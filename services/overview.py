"""Where each subscription stands, in a line: Home's overview, and the banner of one whose payment failed.

The overview lists every subscription that has not ended, with what the customer needs to know at a
glance: the plan and its state, the next bill (amount and day), the trial's end, a change or an end
scheduled for the end of the term, and the card that will be charged. The subscriptions policy
decides each of these; the sentences come from ``services/texts``.

A subscription in payment trouble also gets a banner: what failed and when, what is due, and what
happens next, beside the buttons to update the card and to pay now.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from zoho_client.models import Money, Subscription

from services.billing_models import ScheduledChange, SubscriptionDetail
from services.context import CustomerContext
from services.policy import StatusView, invoices as invoice_policy, subscriptions as policy
from services.texts import subscriptions as words


@dataclass(frozen=True)
class SubscriptionLine:
    subscription: Subscription
    status: StatusView
    bill: str | None  # "Next bill $59.00 on Dec 20, 2026"
    trial: str | None  # "Trial ends on Dec 5, 2026": a trial that needs the customer to subscribe
    ending: str | None  # "Ends on Dec 20, 2026; it won't renew"
    ends_on: date | None  # the day it ends, when an end is scheduled
    changes: tuple[ScheduledChange, ...]  # a change of plan, quantity or add-ons waiting for the term's end
    card: str  # the card that will be charged, or how the customer pays instead


@dataclass(frozen=True)
class PaymentProblem:
    subscription_id: str
    plan_name: str | None
    status: StatusView
    headline: str  # what failed, and when
    next_step: str  # what happens next
    amount_due: tuple[Money, ...]  # the subscription's open invoices, per currency
    invoice_id: str | None  # the oldest of them: the one "Pay now" pays


def plan_name(sub: Subscription) -> str | None:
    return (sub.plan.name if sub.plan else None) or sub.plan_name or sub.name


def subscription_lines(details: Iterable[SubscriptionDetail], today: date) -> tuple[SubscriptionLine, ...]:
    """One line per subscription that has not ended, in Zoho's order."""
    lines = []
    for detail in details:
        sub = detail.subscription
        if policy.is_ended(sub):
            continue
        bill = policy.next_bill(sub, today, detail.next_amount)
        if bill is None:
            bill_text = None
        elif policy.is_trial(sub):
            bill_text = words.first_bill(*bill)
        else:
            bill_text = words.next_bill(*bill)
        lines.append(SubscriptionLine(
            subscription=sub, status=policy.status_view(sub, today), bill=bill_text,
            trial=words.trial_ends(sub.trial_ends_at) if policy.needs_card_to_continue(sub) else None,
            ending=words.ends_without_renewing(policy.ends_on(sub)) if policy.is_cancellation_scheduled(sub) else None,
            ends_on=policy.ends_on(sub) if policy.is_cancellation_scheduled(sub) else None,
            changes=tuple(change for change in detail.scheduled_changes if not (change.cancels or change.is_price)),
            card=_card_words(sub),
        ))
    return tuple(lines)


def _card_words(sub: Subscription) -> str:
    if policy.charges_card(sub):
        return words.card_charged(sub.card.last_four_digits)
    if sub.auto_collect is False:
        return str(words.NO_CARD_PAY_BY_INVOICE)
    return str(words.NO_CARD_YET)


def payment_problems(ctx: CustomerContext, details: Iterable[SubscriptionDetail]) -> tuple[PaymentProblem, ...]:
    """A banner for each subscription whose payment failed (Zoho is retrying it, or has given up)."""
    troubled = [detail.subscription for detail in details if policy.has_payment_trouble(detail.subscription)]
    if not troubled:
        return ()
    owed_by_subscription = _owed_invoices_by_subscription(ctx)
    return tuple(_problem(sub, owed_by_subscription.get(sub.subscription_id, ()), ctx.today()) for sub in troubled)


def _owed_invoices_by_subscription(ctx: CustomerContext) -> dict[str, list]:
    """The customer's invoices still owed, oldest first, by the subscription they bill (their details
    name it; the list rows do not)."""
    owed = [row for row in ctx.billing.invoice_index().rows if invoice_policy.is_owed(row)]
    found: dict[str, list] = {}
    for invoice in ctx.fanout.map(ctx.billing.invoice, [row.invoice_id for row in owed]):
        for subscription_id in invoice.subscription_ids[:1]:
            found.setdefault(subscription_id, []).append(invoice)
    for invoices in found.values():
        invoices.sort(key=lambda i: (i.invoice_date or date.max, i.invoice_id))
    return found


def _problem(sub: Subscription, owed: list, today: date) -> PaymentProblem:
    oldest = owed[0] if owed else None
    totals: dict[str, Decimal] = {}
    for invoice in owed:
        totals[invoice.balance.currency] = totals.get(invoice.balance.currency, Decimal(0)) + invoice.balance.amount
    due = tuple(Money(amount, currency) for currency, amount in sorted(totals.items()))
    card = sub.card.last_four_digits if policy.charges_card(sub) else None
    name = plan_name(sub)
    headline = words.payment_failed_headline(oldest.balance if oldest else sub.amount,
                                             oldest.invoice_date if oldest else None, card)
    next_step = words.payment_overdue_next(name) if policy.stopped_for_unpaid_bill(sub) \
        else words.payment_failed_next(name)
    return PaymentProblem(subscription_id=sub.subscription_id, plan_name=name, status=policy.status_view(sub, today),
                          headline=headline, next_step=next_step, amount_due=due,
                          invoice_id=oldest.invoice_id if oldest else None)
