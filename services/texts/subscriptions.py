"""What customers read about their subscriptions: status words, buttons, refusals, outcomes."""
from __future__ import annotations

from datetime import date

from services.formatting import format_date, format_money, format_number, format_percent
from services.texts import LazyText, _, _l, ngettext
from zoho_client.models import Money

# Status badges (the policy picks one by the subscription's state).
TRIAL = _l("Free trial")
SUBSCRIBED = _l("Subscribed")
ACTIVE = _l("Active")
STARTS_LATER = _l("Starts later")
PAYMENT_FAILED = _l("Payment failed")
UNPAID = _l("Payment overdue")
CANCELLED = _l("Cancelled")
CANCELLED_UNPAID = _l("Cancelled (unpaid)")
EXPIRED = _l("Expired")
TRIAL_ENDED = _l("Trial ended")
NOT_STARTED = _l("Not started")


def trial_days_left(days: int) -> str:
    return ngettext("Trial — %(count)s day left", "Trial — %(count)s days left", days)


def cancels_on(day: date | None) -> str:
    return _("Cancels on %(day)s", day=format_date(day)) if day else _("Cancels at end of term")


def _day(value: date | None, fallback: str) -> str:
    return format_date(value) if value else fallback


# The sentence under a subscription's name.
def sentence_trial(ends: date | None) -> str:
    return _("Free trial until %(day)s. Subscribe before then to keep using it.",
             day=_day(ends, _("the end of the trial")))


def sentence_trial_converts(ends: date | None, amount: Money | None, last_four: str | None) -> str:
    return _("Your card ending %(last_four)s will be charged %(amount)s on %(day)s, when your trial ends.",
             day=_day(ends, _("the end of the trial")), last_four=last_four or "····",
             amount=format_money(amount) if amount else _("the plan's price"))


def sentence_active(renews: date | None) -> str:
    return _("Active, renews on %(day)s.", day=format_date(renews)) if renews else _("Active.")


def sentence_non_renewing(ends: date | None) -> str:
    return _("Active until %(day)s, then it ends: it won't renew.", day=_day(ends, _("the end of the term")))


def sentence_future(starts: date | None) -> str:
    return _("Starts on %(day)s.", day=format_date(starts)) if starts else _("Starts later.")


SENTENCE_PAYMENT_FAILED = _l("Your last payment didn't go through. Update your card or pay now to keep this "
                             "subscription running.")
SENTENCE_UNPAID = _l("A payment is overdue, so this subscription won't renew until it is paid.")


def sentence_cancelled(on: date | None) -> str:
    return _("Cancelled on %(day)s.", day=format_date(on)) if on else _("Cancelled.")


def sentence_expired(on: date | None) -> str:
    return _("Ended on %(day)s.", day=format_date(on)) if on else _("Ended.")


def sentence_trial_expired(on: date | None) -> str:
    return _("The free trial ended on %(day)s.", day=format_date(on)) if on else _("The free trial ended.")


SENTENCE_NOT_STARTED = _l("This subscription couldn't be started. Subscribe again to choose a plan.")

# Buttons.
BUTTON_SUBSCRIBE = _l("Subscribe")
BUTTON_SUBSCRIBE_AGAIN = _l("Subscribe again")
BUTTON_CHANGE_PLAN = _l("Change plan")
BUTTON_CANCEL = _l("Cancel subscription")
BUTTON_KEEP = _l("Keep my subscription")
BUTTON_REACTIVATE = _l("Reactivate")
BUTTON_DROP_SCHEDULED_CHANGE = _l("Keep my current plan")

# Refusals: what a request for an action the subscription's state does not allow is told.
REFUSED_SUBSCRIBE = _l("This subscription is already running; change its plan instead.")
REFUSED_CHANGE_ENDED = _l("This subscription has ended. Subscribe again to choose a plan.")
REFUSED_CHANGE_PAYMENT_FAILED = _l("A payment for this subscription failed. Pay the open invoice or update your "
                                   "card before changing the plan.")


def refused_change_while_ending(ends: date | None) -> str:
    return _("This subscription is set to end on %(day)s. Keep it first, then change its plan.",
             day=_day(ends, _("the end of the term")))


REFUSED_CHANGE = _l("This subscription's plan can't be changed in its current state.")
REFUSED_CANCEL_ENDED = _l("This subscription has already ended.")


def refused_cancel_already_ending(ends: date | None) -> str:
    return _("This subscription already ends on %(day)s.", day=_day(ends, _("the end of the term")))


REFUSED_CANCEL_AT_TERM_END = _l("This subscription can't be set to end with its term; it can only be cancelled now.")
REFUSED_UNDO = _l("This subscription isn't set to end, so there is nothing to undo.")
REFUSED_REACTIVATE = _l("This subscription is active; there is nothing to reactivate.")
REFUSED_DROP_SCHEDULED_CHANGE = _l("There is no scheduled change to remove.")
REFUSED_RETENTION = _l("That offer is not available for this subscription.")

# Forms and outcomes.
CHOOSE_OFFERED_PLAN = _l("Choose one of the plans offered.")
NO_CARD_ON_FILE = _l("There is no card on file. Enter a card on the secure payment page.")
NO_PAYMENT_PAGE = _l("The secure payment page couldn't be opened. Please try again.")
CHECKOUT_DECLINED = _l("The payment did not go through, so nothing was changed. You can try again with another card.")
CHECKOUT_LEFT = _l("You left the payment page, so nothing was changed.")
CHECKOUT_UNFINISHED = _l("The payment page has not been completed yet, so nothing was changed.")
QUANTITY_RANGE = _l("Enter a quantity between 1 and 10,000.")
ADDON_NOT_AVAILABLE = _l("One of the add-ons is not available with this plan.")
ALREADY_YOUR_PLAN = _l("That is already your plan: nothing to change.")
SCHEDULED_CHANGE_REMOVED = _l("The scheduled change has been removed; your subscription stays as it is.")
CHOOSE_WHEN = _l("Choose when the subscription should end.")
CHOOSE_LISTED_REASON = _l("Choose one of the reasons listed.")
REASON_REQUIRED = _l("Please tell us why you are cancelling.")
CANCELLED_NOW = _l("Your subscription has been cancelled.")
REASON_NOT_SAVED = _l("(We couldn't save your reason with it, but the cancellation is done.)")
CANCEL_OPTION_LABELS = {"end_of_term": _l("At the end of the current term"), "immediately": _l("Immediately")}
CANCEL_TRIAL_NOW = (_l("Your free trial ends today and access stops now."), _l("You will not be charged."))


def _plan(name: str | None) -> str:
    return name or _("your plan")


def trial_continues(day: date | None, plan_name: str | None, last_four: str | None, amount: Money | None) -> str:
    return _("You're subscribed to %(plan)s. Your card ending %(last_four)s will be charged %(amount)s on %(day)s, "
             "when your trial ends.", day=_day(day, _("the end of the trial")), plan=_plan(plan_name),
             last_four=last_four or "····", amount=format_money(amount) if amount else _("the plan's price"))


def welcome_trial(plan_name: str | None, ends: date | None) -> str:
    return _("Welcome to %(plan)s. Your free trial runs until %(day)s.", plan=_plan(plan_name),
             day=_day(ends, _("the end of the trial")))


def welcome_subscribed(plan_name: str | None, next_bill: date | None) -> str:
    return _("You're subscribed to %(plan)s. The next bill is on %(day)s.", plan=_plan(plan_name),
             day=_day(next_bill, _("the end of the current term")))


def welcome_recorded(plan_name: str | None, status_label: str) -> str:
    return _("Your subscription to %(plan)s is recorded (%(status)s).", plan=_plan(plan_name), status=status_label)


def change_scheduled(plan_name: str, day: date | None) -> str:
    return _("Your change to %(plan)s is scheduled for %(day)s. Until then nothing changes.", plan=plan_name,
             day=_day(day, _("the end of the current term")))


def changed_now(plan_name: str, *, invoiced: bool) -> str:
    message = _("Your subscription is now on %(plan)s.", plan=plan_name)
    if invoiced:
        message += " " + _("We've invoiced the difference for the rest of this term.")
    return message


def cancel_trial_at_end(ends: date | None) -> tuple[str, ...]:
    return (_("Your free trial continues until %(day)s, then the subscription ends.",
              day=_day(ends, _("the end of the trial"))), _("You will not be charged."))


def cancel_at_term_end(ends: date | None) -> tuple[str, ...]:
    return (_("You keep full access until %(day)s. The subscription then ends and does not renew.",
              day=_day(ends, _("the end of the current term"))),
            _("Nothing more is charged. What you have already paid for the current term is not refunded."),
            _("Until then you can undo this with “Keep my subscription”."))


def cancel_now(remaining_days: int, term_end: date | None) -> tuple[str, ...]:
    if remaining_days:
        # Written first: pybabel's extractor loses a plural whose call holds another marked call.
        until = _day(term_end, _("the end of the current term"))
        unused = ngettext("The unused %(count)s day of the current term (until %(day)s) is not refunded or credited.",
                          "The unused %(count)s days of the current term (until %(day)s) are not refunded or "
                          "credited.", remaining_days, day=until)
    else:
        unused = _("Nothing of the current term is refunded or credited.")
    return (_("The subscription ends today and access stops now; nothing more is charged."), unused,
            _("Invoices already issued stay payable."))


def cancelled_at_end(day: date | None) -> str:
    return _("Your subscription will end on %(day)s.", day=_day(day, _("the end of the current term")))


def retention_sentence(coupon, currency: str | None) -> str:
    """``coupon`` is the catalog's coupon: its discount and for how many bills it applies."""
    value = coupon.discount_value
    if (coupon.discount_by or "").lower().startswith("percent"):
        off = _("%(percent)s off", percent=format_percent(value))  # 10%, 10 %: the locale's way
    else:
        off = _("%(amount)s off", amount=format_money(Money(value, currency)) if currency else format_number(value))
    kind = (coupon.type or "").lower()
    if kind == "forever":
        span = _("every bill from now on")
    elif kind == "duration" and coupon.duration and coupon.duration != 1:
        span = _("your next %(count)s bills", count=coupon.duration)
    else:
        span = _("your next bill")
    return _("Stay with us and get %(off)s %(span)s.", off=off, span=span)


def retention_applied(title: str) -> str:
    return _("Thank you for staying. %(offer)s has been applied to your subscription.", offer=title)


def kept(renews_on: date | None) -> str:
    return _("Your subscription will continue and renew as usual on %(day)s. Nothing is charged now.",
             day=_day(renews_on, _("the end of the current term")))


def reactivation_sentences(amount: Money | None, last_four: str | None) -> tuple[str, ...]:
    price = format_money(amount) if amount else _("the current price")
    if last_four:
        paid = _("Its price, %(price)s, is charged to the card ending %(last_four)s now.", price=price,
                 last_four=last_four)
    else:
        paid = _("Its price, %(price)s, is invoiced to you now.", price=price)
    return (_("A new term starts today."), paid)


def reactivated(next_bill: date | None) -> str:
    return _("Your subscription is active again. The next bill is on %(day)s.",
             day=_day(next_bill, _("the end of the current term")))

# Changes waiting for the end of the term. They are kept in the read model's cache, which every
# language shares: so they stay lazy (``_l`` with values, the amount formatted when shown).
CHANGE_CANCELS = _l("The subscription cancels at the end of the current term")
CHANGE_SCHEDULED = _l("A change to the subscription is scheduled")


def change_plan(current: str, new: str) -> LazyText:
    return _l("Plan changes from %(current)s to %(new)s", current=current, new=new)


def change_quantity(current, new) -> LazyText:
    return _l("Quantity changes from %(current)s to %(new)s", current=current, new=new)


def change_addon_added(name: str) -> LazyText:
    return _l("Add-on %(name)s is added", name=name)


def change_addon_removed(name: str) -> LazyText:
    return _l("Add-on %(name)s is removed", name=name)


def change_addon_quantity(name: str, current, new) -> LazyText:
    return _l("Add-on %(name)s quantity changes from %(current)s to %(new)s", name=name, current=current, new=new)


def change_price(amount: Money) -> LazyText:
    return _l("The price becomes %(amount)s", amount=LazyText(format_money, amount))

PAY_ON_SECURE_PAGE = _l("Enter a card on the secure payment page")
CHOOSE_A_REASON = _l("Choose a reason")
PREFER_NOT_TO_SAY = _l("Prefer not to say")


def pay_with_card_on_file(last_four: str | None) -> str:
    return _("The card on file ending %(last_four)s", last_four=last_four or "····")


def addon_price(price: Money, unit_name: str | None, interval_unit: str | None) -> str:
    """``€5.00 per 50 GB, every month``: one unit of an add-on, for each term it is billed."""
    period = {"monthly": _("every month"), "yearly": _("every year"), "weekly": _("every week")}.get(
        (interval_unit or "").lower(), "")
    text = _("%(price)s per %(unit)s", price=format_money(price), unit=unit_name) if unit_name else format_money(price)
    return f"{text}, {period}" if period else text


def available_with(plan_names: list[str]) -> str:
    return _("Available with %(plans)s", plans=", ".join(plan_names))
ALREADY_SUBSCRIBED = _l("You're already subscribed: here is your subscription.")


# The preview of a change (services/plan_preview.py).
YOUR_CURRENT_PLAN = _l("your current plan")
PREVIEW_NOTHING_NOW_END_OF_TERM = _l("Nothing is charged or credited now: the change happens when the current term "
                                     "ends.")
PREVIEW_NEW_TERM_TODAY = _l("The billing period changes, so a new term starts today and is invoiced in full; "
                            "the unused part of the current term is credited.")


def preview_nothing_now_trial(first_charge: date | None) -> str:
    if first_charge:
        return _("Nothing is charged now: the first charge is on %(day)s.", day=format_date(first_charge))
    return _("Nothing is charged now.")


def preview_days_left(remaining: int, term_days: int) -> str:
    return ngettext("%(count)s day of the current term's %(days)s is left: its unused part is credited and the new "
                    "price is charged for it.",
                    "%(count)s days of the current term's %(days)s are left: their unused part is credited and the "
                    "new price is charged for them.", remaining, days=term_days)


def preview_not_priced(currency: str | None) -> str:
    return _("We can't show the amounts in %(currency)s before you confirm; your invoice will show them.",
             currency=currency or _("your currency"))


def changed_items(plan_name: str, *, invoiced: bool) -> str:
    message = _("Your %(plan)s subscription has been updated.", plan=plan_name)
    if invoiced:
        message += " " + _("We've invoiced the difference for the rest of this term.")
    return message


def items_change_scheduled(plan_name: str, day: date | None) -> str:
    return _("Your update to %(plan)s is scheduled for %(day)s. Until then nothing changes.", plan=plan_name,
             day=_day(day, _("the end of the current term")))


# A subscription whose payment failed (Home's and the subscription page's banner).
def payment_failed_headline(amount: Money | None, on: date | None, last_four: str | None) -> str:
    what = format_money(amount) if amount else _("your last payment")
    if on and last_four:
        return _("The payment of %(amount)s on %(day)s didn't go through: your card ending %(last_four)s was "
                 "declined.", amount=what, day=format_date(on), last_four=last_four)
    if on:
        return _("The payment of %(amount)s on %(day)s didn't go through.", amount=what, day=format_date(on))
    return _("The payment of %(amount)s didn't go through.", amount=what)


def payment_failed_next(plan_name: str | None) -> str:
    return _("We'll try your card again over the next few days. To keep %(plan)s running, update your card or pay "
             "now.", plan=_plan(plan_name))


def payment_overdue_next(plan_name: str | None) -> str:
    return _("We've stopped retrying, and %(plan)s won't renew until this is paid. Paying now starts it again.",
             plan=_plan(plan_name))


# Home's overview of the subscriptions that have not ended.
NO_CARD_PAY_BY_INVOICE = _l("No card on file: we email you each invoice to pay.")
NO_CARD_YET = _l("No card on file yet.")


def card_charged(last_four: str | None) -> str:
    return _("Card ending %(last_four)s", last_four=last_four or "····")


def first_bill(amount: Money | None, day: date | None) -> str:
    return _("First bill %(amount)s on %(day)s", amount=format_money(amount) if amount else _("at the plan's price"),
             day=_day(day, _("the end of the trial")))


def next_bill(amount: Money | None, day: date | None) -> str:
    return _("Next bill %(amount)s on %(day)s", amount=format_money(amount) if amount else _("at the plan's price"),
             day=_day(day, _("the end of the current term")))


def trial_ends(day: date | None) -> str:
    return _("Trial ends on %(day)s", day=_day(day, _("the end of the trial")))


def ends_without_renewing(day: date | None) -> str:
    return _("Ends on %(day)s; it won't renew", day=_day(day, _("the end of the term")))


# Subscribing: what happens, and when.
DUE_TODAY_NOTHING = _l("Nothing")
DUE_TODAY_UNKNOWN = _l("The plan's first term, shown on the secure payment page")


def trial_charge_card(amount: Money | None, day: date | None, last_four: str | None) -> str:
    return _("Your card ending %(last_four)s will be charged %(amount)s on %(day)s, when your trial ends.",
             last_four=last_four or "····", amount=format_money(amount) if amount else _("the plan's price"),
             day=_day(day, _("the end of the trial")))


def trial_charge_new_card(amount: Money | None, day: date | None) -> str:
    return _("The card you enter on the secure payment page will be charged %(amount)s on %(day)s, when your trial "
             "ends.", amount=format_money(amount) if amount else _("the plan's price"),
             day=_day(day, _("the end of the trial")))


def charged_today(amount: Money | None, last_four: str | None) -> str:
    if last_four:
        return _("Your card ending %(last_four)s is charged %(amount)s today, and a new term starts.",
                 last_four=last_four, amount=format_money(amount) if amount else _("the plan's price"))
    return _("The card you enter on the secure payment page is charged %(amount)s today, and a new term starts.",
             amount=format_money(amount) if amount else _("the plan's price"))
