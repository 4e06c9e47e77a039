"""What a change of plan, quantity or add-ons will cost: worked out the way Zoho bills it.

Zoho Billing documents ``POST /subscriptions/compute`` only in its Postman collection (no reply
shape), so the portal works the figures out itself, following Zoho's proration (its help pages, and
the sandbox's ``domain/lifecycle.change_now``), in the subscription's own currency:

- The lines of a term: the plan at the subscription's own price when it stays the same plan (else at
  the customer's price: ``catalog.CustomerPrices``) times its quantity, and each recurring add-on at
  its price for the quantity chosen; the subscription's coupon comes off the lines it covers.
- A change applied now credits the unused part of the current term (the term's amount before tax,
  times the days left over the term's days) in a credit note carrying the current plan's tax, and
  invoices the new lines over the same days in one line carrying the new plan's tax. A change of
  billing interval instead starts a new term today and invoices it in full, line by line.
- The credit note, then any credit the customer already has, pays the invoice; what remains is due
  now (charged to the card on file, or owed). A credit larger than the invoice stays as credit.
- A change applied at the end of the term, or to a subscription not billed yet (a trial, one that
  starts later), charges and credits nothing now.

Every amount is rounded to the cent half up, line by line, as Zoho does; the figures are therefore
what the invoice will say. Nothing here is ever sent to Zoho: the change reaches Zoho as plan and
add-on codes and quantities only. Figures the portal cannot know (a currency without a price list)
are left out, and the page says so.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

from zoho_client.models import Addon, Coupon, Money, Plan, Subscription

from services.catalog import CustomerPrices
from services.policy import subscriptions as subscription_policy
from services.texts import subscriptions as words

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal(100)

NOW = "now"
END_OF_TERM = "end_of_term"
UPGRADE, DOWNGRADE, SAME = "upgrade", "downgrade", "same"


@dataclass(frozen=True)
class Selection:
    """What the customer picked: a plan code, its quantity, and add-on quantities (0 = none)."""

    plan_code: str
    quantity: int
    addons: tuple[tuple[str, int], ...]

    def addon_quantities(self) -> dict[str, int]:
        return {code: qty for code, qty in self.addons if qty > 0}


@dataclass(frozen=True)
class PreviewLine:
    """One line of the subscription after the change, for one term."""

    name: str
    quantity: int
    unit_price: Money | None
    amount: Money | None


@dataclass(frozen=True)
class Preview:
    subscription_id: str
    selection: Selection
    changes_plan: bool  # False: the same plan with other quantities or add-ons
    current_plan_name: str
    new_plan_name: str
    direction: str  # UPGRADE, DOWNGRADE or SAME
    timing: str  # NOW or END_OF_TERM
    effective_on: date | None
    current_amount: Money | None  # Zoho's figure for one term now (tax included)
    new_amount: Money | None  # one term after the change, tax included
    lines: tuple[PreviewLine, ...]  # the new term's lines, before the coupon and tax
    invoice_now: Money | None  # the invoice the change raises now (tax included)
    credit_now: Money | None  # the credit note for the unused part of the term (tax included)
    credit_applied: Money | None  # credit the customer already has, used on that invoice
    due_now: Money | None  # what is left to pay now
    credit_left: Money | None  # what the credit note leaves on the account
    next_billing_on: date | None
    new_interval: int | None
    new_interval_unit: str | None
    unchanged: bool
    notes: tuple[str, ...]

    @property
    def applies_now(self) -> bool:
        return self.timing == NOW

    @property
    def priced(self) -> bool:
        return self.new_amount is not None


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_interval(start: date, interval: int, unit: str | None) -> date:
    unit = (unit or "months").lower()
    interval = max(int(interval or 1), 1)
    if unit.startswith("week"):
        return start + timedelta(weeks=interval)
    if unit.startswith("day"):
        return start + timedelta(days=interval)
    months = interval * (12 if unit.startswith("year") else 1)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def tax(amount: Decimal, rate: Decimal) -> Decimal:
    return cents(amount * rate / HUNDRED) if rate else ZERO


def coupon_discount(coupon: Coupon | None, amount: Decimal) -> Decimal:
    if coupon is None or coupon.discount_value is None or amount <= 0:
        return ZERO
    if (coupon.discount_by or "").lower().startswith("percent"):
        return cents(amount * coupon.discount_value / HUNDRED)
    return min(cents(coupon.discount_value), amount)


def coupon_covers(coupon: Coupon | None, addon: Addon | None) -> bool:
    """Whether the coupon's discount reaches an add-on's line (Zoho's ``apply_to_addons``)."""
    scope = (coupon.apply_to_addons or "") if coupon else ""
    if addon is None or scope in ("", "none"):
        return False
    if scope == "select":
        return any(ref.code == addon.addon_code for ref in coupon.addons)
    return scope == "all" or (scope == "all_recurring") == subscription_policy.is_recurring_addon(addon)


@dataclass(frozen=True)
class _Line:
    code: str
    name: str
    price: Decimal | None
    quantity: int
    covered: bool
    rate: Decimal

    @property
    def amount(self) -> Decimal | None:
        return None if self.price is None else cents(self.price * self.quantity)


def tax_rates(sub: Subscription, customer_tax: Decimal | None):
    """The tax rate of a line billed under ``code``: the rate the subscription's line for it carries
    now (Zoho shows on each line the tax its next term charges); for a plan or add-on not on the
    subscription yet, the customer's own tax when it has one, else the rate the plan line carries
    (the organization's default tax on a domestic sale, none abroad)."""
    current = {sub.plan.plan_code: sub.plan.tax_percentage} if sub.plan else {}
    current.update({a.addon_code: a.tax_percentage for a in sub.addons})
    plan_rate = (sub.plan.tax_percentage if sub.plan else None) or ZERO

    def rate(code: str) -> Decimal:
        if code in current:
            return current[code] or ZERO
        return customer_tax if customer_tax is not None else plan_rate

    return rate


def estimate(sub: Subscription, new_plan: Plan, selection: Selection, *, current_plan: Plan | None,
             prices: CustomerPrices, addons: Mapping[str, Addon], coupon: Coupon | None,
             customer_tax: Decimal | None, unused_credits: Money | None, today: date,
             downgrade_at_end_of_term: bool) -> Preview:
    """The preview of changing ``sub`` to ``selection``. ``current_plan``: the catalogue's entry of the
    subscription's plan; ``addons``: the catalogue's add-ons by code (every one the selection names);
    ``coupon``: the catalogue's coupon the subscription carries; ``customer_tax``: the customer's own
    tax rate, if it has one; ``unused_credits``: the customer's credit that Zoho applies to new invoices."""
    currency = sub.currency_code or (sub.amount.currency if sub.amount else prices.currency)
    rate = tax_rates(sub, customer_tax)
    same_plan = sub.plan is not None and sub.plan.plan_code == new_plan.plan_code
    quantities = selection.addon_quantities()
    plan_price = sub.plan.price.amount if same_plan and sub.plan.price is not None else prices.plan(new_plan)
    lines = [_Line(new_plan.plan_code, new_plan.name or new_plan.plan_code, plan_price, selection.quantity, True,
                   rate(new_plan.plan_code))]
    for code, qty in quantities.items():
        addon = addons.get(code)
        if addon is not None and not subscription_policy.is_recurring_addon(addon):
            continue  # billed once, never part of a term
        lines.append(_Line(code, (addon.name if addon else None) or code,
                           prices.addon_unit(addon, qty) if addon is not None else None, qty,
                           coupon_covers(coupon, addon), rate(code)))
    priced = all(line.price is not None for line in lines) and currency == prices.currency

    current_lines = {a.addon_code: a.quantity or 0 for a in sub.addons}
    unchanged = same_plan and (sub.plan.quantity or 1) == selection.quantity and current_lines == quantities
    old_net = _net_of(sub)

    new_net = new_amount_total = None
    if priced:
        gross = sum((line.amount for line in lines), ZERO)
        discount = coupon_discount(coupon, sum((line.amount for line in lines if line.covered), ZERO))
        new_net = gross - discount
        new_amount_total = _term_total(lines, discount)

    direction = _direction(old_net, new_net, sub, current_plan, new_plan, selection)
    billed_yet = subscription_policy.is_billed_yet(sub)
    timing = END_OF_TERM if billed_yet and direction == DOWNGRADE and downgrade_at_end_of_term else NOW
    interval_changes = (new_plan.interval, (new_plan.interval_unit or "").lower()) != (
        sub.interval, (sub.interval_unit or "").lower())

    def money(value: Decimal | None) -> Money | None:
        return Money(value, currency) if value is not None and currency else None

    notes: list[str] = []
    invoice = credit = applied = due = left = None
    effective_on: date | None = today
    next_billing = sub.next_billing_at
    term_start, term_end = sub.current_term_starts_at, sub.current_term_ends_at
    if unchanged:
        pass
    elif not billed_yet:
        invoice = credit = due = ZERO
        next_billing = sub.trial_ends_at or sub.next_billing_at
        notes.append(words.preview_nothing_now_trial(next_billing))
    elif timing == END_OF_TERM:
        invoice = credit = due = ZERO
        effective_on = term_end or sub.next_billing_at
        next_billing = effective_on
        notes.append(words.PREVIEW_NOTHING_NOW_END_OF_TERM)
    elif priced and old_net is not None and term_start and term_end:
        term_days = max((term_end - term_start).days, 1)
        remaining = max((term_end - today).days, 0)
        fraction = Decimal(remaining) / Decimal(term_days)
        credit_base = cents(old_net * fraction)
        credit = credit_base + tax(credit_base, rate(sub.plan.plan_code) if sub.plan else ZERO)
        if interval_changes:
            invoice = new_amount_total
            next_billing = add_interval(today, new_plan.interval or 1, new_plan.interval_unit)
            notes.append(words.PREVIEW_NEW_TERM_TODAY)
        else:
            charge_base = cents(new_net * fraction)
            invoice = charge_base + tax(charge_base, rate(new_plan.plan_code))
            notes.append(words.preview_days_left(remaining, term_days))
        available = unused_credits.amount if unused_credits is not None and unused_credits.currency == currency \
            else ZERO
        after_note = invoice - credit
        applied = min(max(after_note, ZERO), max(available, ZERO))
        due = max(after_note - applied, ZERO)
        left = max(credit - invoice, ZERO)
    if not priced and not unchanged:
        notes.append(words.preview_not_priced(currency))

    return Preview(
        subscription_id=sub.subscription_id, selection=selection, changes_plan=not same_plan,
        current_plan_name=(sub.plan.name if sub.plan else None) or sub.plan_name or words.YOUR_CURRENT_PLAN,
        new_plan_name=new_plan.name or new_plan.plan_code, direction=direction, timing=timing,
        effective_on=effective_on, current_amount=sub.amount, new_amount=money(new_amount_total),
        lines=tuple(PreviewLine(line.name, line.quantity, money(line.price), money(line.amount)) for line in lines),
        invoice_now=money(invoice), credit_now=money(credit), credit_applied=money(applied) if applied else None,
        due_now=money(due), credit_left=money(left) if left else None, next_billing_on=next_billing,
        new_interval=new_plan.interval, new_interval_unit=new_plan.interval_unit, unchanged=unchanged,
        notes=tuple(notes),
    )


def _net_of(sub: Subscription) -> Decimal | None:
    """One term of the subscription after its coupon and before tax: Zoho's ``amount`` less its taxes."""
    if sub.amount is None:
        return None
    taxes = sum((t.tax_amount.amount for t in sub.taxes if t.tax_amount is not None), ZERO)
    return sub.amount.amount - taxes


def _term_total(lines: list[_Line], discount: Decimal) -> Decimal:
    """One term of ``lines`` as its invoice adds it up: the coupon comes off the plan line, then each
    line's tax is rounded on its own."""
    total = ZERO
    for index, line in enumerate(lines):
        base = max(line.amount - discount, ZERO) if index == 0 else line.amount
        total += base + tax(base, line.rate)
    return total


def _direction(old_net: Decimal | None, new_net: Decimal | None, sub: Subscription, current_plan: Plan | None,
               new_plan: Plan, selection: Selection) -> str:
    if old_net is not None and new_net is not None:
        return UPGRADE if new_net > old_net else DOWNGRADE if new_net < old_net else SAME
    # Unpriced (a currency without a price list): the catalogue's own prices still tell the direction.
    if sub.plan is None:
        return SAME
    if sub.plan.plan_code == new_plan.plan_code:
        now, then = Decimal(sub.plan.quantity or 1), Decimal(selection.quantity)
    elif current_plan is None or current_plan.recurring_price is None or new_plan.recurring_price is None:
        return SAME
    else:
        now = current_plan.recurring_price * (sub.plan.quantity or 1)
        then = new_plan.recurring_price * selection.quantity
    return UPGRADE if then > now else DOWNGRADE if then < now else SAME


@dataclass(frozen=True)
class FirstCharge:
    """What subscribing to a plan charges first, and when (``on`` is None: today)."""

    amount: Money | None  # tax included; None when the portal cannot know it
    on: date | None
    includes_setup_fee: bool = False

    @property
    def due_today(self) -> bool:
        return self.on is None


def first_charge(plan: Plan, *, trial: Subscription | None, prices: CustomerPrices, addons: Mapping[str, Addon],
                 coupon: Coupon | None, customer_tax: Decimal | None, today: date, trial_days: int = 0) -> FirstCharge:
    """The first charge of ``plan``: for a running ``trial``, one term at the trial's end (its own
    figure when it stays on its plan; else the trial's lines on the new plan); otherwise a term that
    starts today, with the plan's setup fee (or after ``trial_days`` of free trial)."""
    if trial is not None:
        day = trial.trial_ends_at or trial.next_billing_at
        if trial.plan is not None and trial.plan.plan_code == plan.plan_code:
            return FirstCharge(trial.amount, day)
        selection = Selection(plan.plan_code, trial.plan.quantity if trial.plan and trial.plan.quantity else 1,
                              tuple((a.addon_code, a.quantity or 0) for a in trial.addons))
        preview = estimate(trial, plan, selection, current_plan=None, prices=prices, addons=addons, coupon=coupon,
                           customer_tax=customer_tax, unused_credits=None, today=today, downgrade_at_end_of_term=False)
        return FirstCharge(preview.new_amount, day)
    price = prices.plan(plan)
    rate = customer_tax or ZERO
    if trial_days > 0:
        amount = None if price is None else price + tax(price, rate)
        return FirstCharge(prices.money(amount), today + timedelta(days=trial_days))
    setup = prices.setup_fee(plan) or ZERO
    if plan.setup_fee and not setup:
        return FirstCharge(None, None, True)  # a setup fee the portal cannot price in this currency
    amount = None if price is None else price + setup + tax(price + setup, rate)
    return FirstCharge(prices.money(amount), None, bool(setup))
