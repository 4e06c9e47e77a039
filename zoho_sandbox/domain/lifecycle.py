"""The subscription lifecycle: create, change (now or at term end), cancel, reactivate, and what
the clock makes happen (trial ends, renewals, scheduled cancellations, dunning).

Readings of Zoho's behaviour where its documents are silent (also in docs/sandbox-seed.md):
- A trial ends on ``trial_ends_at``. With auto-collect and a card: invoice + charge -> ``live``
  (``subscription_activation``). Auto-collect without a card: ``trial_expired`` and no invoice
  (``subscription_expired``); adding a card through an ``updatecard`` hosted page starts a paid term.
  Offline (auto_collect false): the first invoice is sent, unpaid, and the subscription goes ``live``.
- A renewal (at ``next_billing_at``) invoices the next term and charges the card when auto-collect is
  on. A declined charge moves the subscription to ``dunning`` (``payment_declined``); still unpaid
  seven days later it becomes ``unpaid`` (``subscription_unpaid``) and stops renewing. Paying the
  invoice brings it back to ``live``.
- Immediate plan/quantity/addon changes prorate by days: a credit note for the unused part of the
  current term (applied to the new invoice, any rest stays as unused credit) and an invoice for the
  new lines over the same remaining days. A change of billing interval starts a new term today.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from . import billing, errors, pricing, serialize, taxes
from .dates import add_interval, parse_date
from .models import Card, Customer, Invoice, Note, ScheduledChange, Subscription, SubscriptionItem
from .money import ZERO, money

DUNNING_DAYS = 7
ACTIVE_STATUSES = ("live", "non_renewing", "trial", "dunning", "unpaid", "future")
ENDED_STATUSES = ("cancelled", "cancelled_from_dunning", "expired", "trial_expired", "creation_failed")


# ---- building lines from request bodies --------------------------------------------------------

def _quantity(value, field: str) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except Exception:
        raise errors.invalid_field(field)
    if quantity <= 0:
        raise errors.invalid_field(field)
    return quantity


def plan_item(store, customer: Customer, body: dict | None, current: SubscriptionItem | None = None) -> SubscriptionItem:
    if not isinstance(body, dict) or not body.get("plan_code"):
        if current is not None and isinstance(body, dict):
            body = {**body, "plan_code": current.code}
        else:
            raise errors.missing_field("plan_code")
    plan = store.get_plan(body["plan_code"])
    if plan.status != "active" and (current is None or current.code != plan.plan_code):
        raise errors.not_allowed("The plan is inactive.")
    same_plan = current is not None and current.code == plan.plan_code
    price = body.get("price")
    if price in (None, ""):
        price = current.price if same_plan else pricing.plan_price(plan, customer.currency_code)
    quantity = body.get("quantity")
    quantity = _quantity(quantity, "quantity") if quantity not in (None, "") else (current.quantity if same_plan else Decimal(1))
    description = body.get("plan_description") or (current.description if same_plan else plan.description)
    return SubscriptionItem(plan.plan_code, plan.name, description, money(price), quantity)


def addon_items(store, customer: Customer, body, plan_code: str) -> list[SubscriptionItem]:
    if body in (None, ""):
        return []
    if not isinstance(body, list):
        raise errors.invalid_field("addons")
    items = []
    for entry in body:
        if not isinstance(entry, dict) or not entry.get("addon_code"):
            raise errors.missing_field("addon_code")
        addon = store.get_addon(entry["addon_code"])
        if not addon.applicable_to_all_plans and plan_code not in addon.plan_codes:
            raise errors.not_allowed(f"The addon {addon.addon_code} is not applicable to the plan {plan_code}.")
        price = entry.get("price")
        price = money(price) if price not in (None, "") else pricing.addon_price(addon, customer.currency_code)
        quantity = _quantity(entry.get("quantity", 1) or 1, "quantity")
        items.append(SubscriptionItem(addon.addon_code, addon.name, entry.get("addon_description") or addon.description,
                                      price, quantity))
    return items


def _recurring(store, items: list[SubscriptionItem]) -> list[SubscriptionItem]:
    return [a for a in items if store.addons.get(a.code) is None or store.addons[a.code].type == "recurring"]


# ---- invoices for terms -----------------------------------------------------------------------

def term_invoice(store, sub: Subscription, transaction_type: str, start: date, end: date, *,
                 include_one_time: bool = False, setup_fee: Decimal = ZERO, emit: bool = True) -> Invoice:
    customer = store.customers[sub.customer_id]
    period = f"Charges for this duration (from {start:%d-%b-%Y} to {(end - timedelta(days=1)):%d-%b-%Y})"
    plan_tax = taxes.line_tax_for(store, customer, sub.plan.code)
    items = [billing.new_item(store, sub.plan.code, sub.plan.name, period, sub.plan.price, sub.plan.quantity,
                              product_id=sub.product_id, tax=plan_tax)]
    if setup_fee > 0:
        # Zoho has a separate setup_fee_tax_id; the sandbox taxes the setup fee like the plan.
        items.append(billing.new_item(store, sub.plan.code, f"{sub.plan.name} - Setup fee", "Setup fee",
                                      setup_fee, Decimal(1), product_id=sub.product_id, tax=plan_tax))
    for addon in (sub.addons if include_one_time else _recurring(store, sub.addons)):
        items.append(billing.new_item(store, addon.code, addon.name, addon.description or period, addon.price,
                                      addon.quantity, product_id=sub.product_id,
                                      tax=taxes.line_tax_for(store, customer, addon.code)))
    coupon = pricing.active_coupon(store, sub)
    discount = ZERO
    if coupon is not None:
        base = sum((i.item_total for i in items), ZERO)
        discount = pricing.coupon_discount(coupon, base)
        # Zoho shows the coupon on the invoice and spreads it over the lines; the sandbox takes it
        # off the plan line, which keeps item_total sums equal to the invoice total.
        items[0].discount_amount = min(discount, items[0].price * items[0].quantity)
        if sub.coupon_cycles_left > 0:
            sub.coupon_cycles_left -= 1
    inv = billing.create_invoice(store, customer, items, transaction_type, subscription_id=sub.subscription_id,
                                 invoice_date=start if start <= store.today() else store.today(),
                                 coupon=coupon, coupon_discount=discount, emit=emit)
    billing.apply_open_credits(store, inv)
    return inv


def _start_term(store, sub: Subscription, start: date) -> None:
    end = add_interval(start, sub.interval, sub.interval_unit)
    sub.current_term_starts_at = start
    sub.current_term_ends_at = end
    sub.last_billing_at = start
    sub.next_billing_at = end
    store.schedule(end, "term", sub.subscription_id)


def _charge_if_online(store, sub: Subscription, inv: Invoice, *, raise_on_decline: bool):
    if inv.balance <= 0 or not sub.auto_collect:
        return None
    card = store.cards.get(sub.card_id) if sub.card_id else None
    if card is None or card.status != "active":
        return None
    return billing.charge_invoice(store, inv, card, raise_on_decline=raise_on_decline)


def _precheck_card(store, sub_card: Card | None) -> None:
    """Refuse an API action up front when its immediate charge would be declined (nothing changes)."""
    if sub_card is not None:
        problem = billing.card_problem(sub_card, store.today())
        if problem:
            raise errors.payment_declined(problem)


def _touch(store, sub: Subscription) -> None:
    sub.updated_time = store.now()


def _emit_sub(store, event_type: str, sub: Subscription, invoice: Invoice | None = None) -> None:
    def data() -> dict:
        body = {"subscription": serialize.subscription(store, sub)}
        if invoice is not None:
            body["invoice"] = serialize.invoice(store, invoice)
        return body

    store.emit(event_type, data)


# ---- create ---------------------------------------------------------------------------------

def create(store, customer: Customer, body: dict, *, card: Card | None = None, source: str = "api") -> tuple[Subscription, Invoice | None]:
    if "plan" not in body:
        raise errors.missing_field("plan")
    line = plan_item(store, customer, body.get("plan"))
    plan = store.plans[line.code]
    addons = addon_items(store, customer, body.get("addons"), plan.plan_code)
    plan_body = body.get("plan") or {}

    if card is None and body.get("card_id"):
        card = store.get_card(customer.customer_id, str(body["card_id"]))
    if card is None:
        card = billing.primary_card(store, customer.customer_id)
    auto_collect = body.get("auto_collect")
    auto_collect = bool(card) if auto_collect is None else bool(auto_collect)

    trial_days = plan.trial_period
    if plan_body.get("trial_days") not in (None, ""):
        trial_days = int(plan_body["trial_days"])
    if plan_body.get("exclude_trial"):
        trial_days = 0
    try:
        starts_at = parse_date(body.get("starts_at")) or store.today()
    except ValueError:
        raise errors.invalid_field("starts_at")
    if auto_collect and card is None and trial_days == 0 and starts_at <= store.today():
        raise errors.no_payment_method()
    if auto_collect and trial_days == 0 and starts_at <= store.today():
        _precheck_card(store, card)

    coupon = None
    if body.get("coupon_code"):
        coupon = store.get_coupon(body["coupon_code"])
        if coupon.status != "active":
            raise errors.not_allowed("The coupon has expired or is inactive.")

    cycles = plan_body.get("billing_cycles")
    cycles = int(cycles) if cycles not in (None, "") else plan.billing_cycles
    setup_fee = money(plan_body["setup_fee"]) if plan_body.get("setup_fee") not in (None, "") else plan.setup_fee
    if plan_body.get("exclude_setup_fee"):
        setup_fee = ZERO
    now = store.now()
    sub = Subscription(
        subscription_id=store.new_id(), customer_id=customer.customer_id, product_id=plan.product_id,
        plan=line, addons=addons, status="live", interval=plan.interval, interval_unit=plan.interval_unit,
        currency_code=customer.currency_code, created_at=store.today(), created_time=now, updated_time=now,
        auto_collect=auto_collect, card_id=card.card_id if card else "",
        reference_id=str(body.get("reference_id") or ""), salesperson_name=str(body.get("salesperson_name") or ""),
        coupon_code=coupon.coupon_code if coupon else "",
        coupon_cycles_left=_coupon_cycles(coupon), billing_cycles_left=cycles, setup_fee=setup_fee,
        payment_terms=customer.payment_terms, payment_terms_label=customer.payment_terms_label, source=source,
        custom_fields=_custom_fields(body.get("custom_fields")),
        contactperson_ids=[str(c.get("contactperson_id")) for c in body.get("contactpersons") or []
                           if isinstance(c, dict) and c.get("contactperson_id")],
    )
    if coupon:
        coupon.redemption_count += 1
    store.add_subscription(sub)
    invoice = None
    if starts_at > store.today():
        sub.status = "future"
        sub.activated_at = starts_at
        sub.next_billing_at = starts_at
        store.schedule(starts_at, "start", sub.subscription_id)
        _emit_sub(store, "subscription_created", sub)
        return sub, None
    if trial_days > 0:
        sub.status = "trial"
        sub.trial_starts_at = starts_at
        sub.trial_ends_at = starts_at + timedelta(days=trial_days)
        sub.current_term_starts_at = starts_at
        sub.current_term_ends_at = sub.trial_ends_at
        sub.next_billing_at = sub.trial_ends_at
        store.schedule(sub.trial_ends_at, "term", sub.subscription_id)
        _emit_sub(store, "subscription_created", sub)
        return sub, None
    invoice = _activate_paid_term(store, sub, starts_at, "new", raise_on_decline=True, emit_type="subscription_created")
    return sub, invoice


def _coupon_cycles(coupon) -> int:
    if coupon is None:
        return 0
    if coupon.type == "forever":
        return -1
    if coupon.type == "duration":
        return max(coupon.duration, 1)
    return 1


def _custom_fields(value) -> list[dict]:
    fields = []
    for index, entry in enumerate(value or [], start=1):
        if isinstance(entry, dict):
            fields.append({"index": int(entry.get("index") or index), "label": str(entry.get("label") or ""),
                           "value": "" if entry.get("value") is None else str(entry.get("value")),
                           "data_type": str(entry.get("data_type") or "string")})
    return fields


def _activate_paid_term(store, sub: Subscription, start: date, transaction_type: str, *, raise_on_decline: bool,
                        emit_type: str) -> Invoice:
    """Start a paid term today: invoice (with setup fee on the first), charge when online, go live."""
    first = not sub.child_invoice_id
    sub.status = "live"
    sub.activated_at = sub.activated_at or start
    sub.cancelled_at = None
    sub.expires_at = None
    _start_term(store, sub, start)
    if sub.billing_cycles_left > 0:
        sub.billing_cycles_left -= 1
    inv = term_invoice(store, sub, transaction_type, start, sub.current_term_ends_at, include_one_time=first,
                       setup_fee=sub.setup_fee if first else ZERO)
    sub.child_invoice_id = sub.child_invoice_id or inv.invoice_id
    # One-time addons are billed once and are not part of the subscription afterwards.
    sub.addons = _recurring(store, sub.addons)
    _touch(store, sub)
    _emit_sub(store, emit_type, sub, inv)
    payment = _charge_if_online(store, sub, inv, raise_on_decline=raise_on_decline)
    if payment is None and inv.balance > 0 and sub.auto_collect and sub.card_id:
        _enter_dunning(store, sub)
    return inv


def _enter_dunning(store, sub: Subscription) -> None:
    sub.status = "dunning"
    _touch(store, sub)
    store.schedule(store.today() + timedelta(days=DUNNING_DAYS), "dunning_end", sub.subscription_id)


def back_to_live(store, sub: Subscription) -> None:
    """Every invoice of a dunning/unpaid subscription is settled: it is live again."""
    previous = sub.status
    sub.status = "live"
    _touch(store, sub)
    if previous == "unpaid" and sub.current_term_ends_at and sub.current_term_ends_at <= store.today():
        # An unpaid subscription stopped renewing; paying starts a fresh term.
        _start_term(store, sub, store.today())
    _emit_sub(store, "subscription_reactivated" if previous in ("dunning", "unpaid") else "subscription_activation", sub)


# ---- update (plan change, quantity, addons) -------------------------------------------------

def update(store, sub: Subscription, body: dict) -> tuple[str, Invoice | None]:
    """PUT /subscriptions/{id}. Returns (message, invoice raised by an immediate change or None)."""
    customer = store.customers[sub.customer_id]
    if sub.status in ENDED_STATUSES:
        raise errors.not_allowed("A cancelled or expired subscription cannot be updated. Reactivate it first.")
    invoice = None
    if "card_id" in body and body["card_id"]:
        sub.card_id = store.get_card(customer.customer_id, str(body["card_id"])).card_id
    if "auto_collect" in body:
        sub.auto_collect = bool(body["auto_collect"])
    if "reference_id" in body:
        sub.reference_id = str(body["reference_id"] or "")
    if "salesperson_name" in body:
        sub.salesperson_name = str(body["salesperson_name"] or "")
    if "custom_fields" in body:
        sub.custom_fields = _custom_fields(body["custom_fields"])
    if body.get("coupon_code"):
        coupon = store.get_coupon(body["coupon_code"])
        sub.coupon_code = coupon.coupon_code
        sub.coupon_cycles_left = _coupon_cycles(coupon)
    if "plan" in body or "addons" in body:
        new_plan = plan_item(store, customer, body.get("plan") if "plan" in body else {}, current=sub.plan)
        if "addons" in body:
            new_addons = addon_items(store, customer, body.get("addons"), new_plan.code)
        else:
            new_addons = list(sub.addons)
        if body.get("end_of_term") and sub.status not in ("trial", "future"):
            sub.scheduled_change = ScheduledChange(new_plan, new_addons, store.now())
            sub.end_of_term = True
            _touch(store, sub)
            return "Subscription has been updated successfully.", None
        invoice = change_now(store, sub, new_plan, new_addons)
    _touch(store, sub)
    return "Subscription has been updated successfully.", invoice


def _same_lines(a: SubscriptionItem, b: SubscriptionItem) -> bool:
    return (a.code, a.price, a.quantity) == (b.code, b.price, b.quantity)


def change_now(store, sub: Subscription, new_plan: SubscriptionItem, new_addons: list[SubscriptionItem]) -> Invoice | None:
    old_total = pricing.amounts(store, sub)[2]
    old_plan_name = sub.plan.name
    new_plan_obj = store.plans[new_plan.code]
    interval_changes = (new_plan_obj.interval, new_plan_obj.interval_unit) != (sub.interval, sub.interval_unit)
    new_recurring_total = pricing.sub_total(sub, new_plan, _recurring(store, new_addons))
    new_total = new_recurring_total - pricing.coupon_discount(pricing.active_coupon(store, sub), new_recurring_total)
    if _same_lines(sub.plan, new_plan) and [(a.code, a.price, a.quantity) for a in sub.addons] == \
            [(a.code, a.price, a.quantity) for a in new_addons]:
        return None
    event = "subscription_upgraded" if new_total >= old_total else "subscription_downgraded"

    if sub.status in ("trial", "future"):
        sub.plan, sub.addons = new_plan, new_addons
        sub.product_id = new_plan_obj.product_id
        sub.interval, sub.interval_unit = new_plan_obj.interval, new_plan_obj.interval_unit
        _touch(store, sub)
        _emit_sub(store, event, sub)
        return None

    card = store.cards.get(sub.card_id) if sub.card_id and sub.auto_collect else None
    if new_total > old_total:
        _precheck_card(store, card)
    today = store.today()
    start, end = sub.current_term_starts_at, sub.current_term_ends_at
    term_days = max((end - start).days, 1) if start and end else 1
    remaining = max((end - today).days, 0) if end else 0
    fraction = Decimal(remaining) / Decimal(term_days)
    credit_amount = money(old_total * fraction)

    customer = store.customers[sub.customer_id]
    # The credit is for the old plan's lines, so it carries the old plan's tax; the prorated charge the new one's.
    old_tax = taxes.line_tax_for(store, customer, sub.plan.code)
    sub.plan, sub.addons = new_plan, new_addons
    sub.product_id = new_plan_obj.product_id
    transaction_type = "upgrade" if event == "subscription_upgraded" else "downgrade"
    if interval_changes:
        sub.interval, sub.interval_unit = new_plan_obj.interval, new_plan_obj.interval_unit
        _start_term(store, sub, today)
        inv = term_invoice(store, sub, transaction_type, today, sub.current_term_ends_at, emit=False)
    else:
        charge = money(new_total * fraction)
        if charge <= 0 and credit_amount <= 0:
            _touch(store, sub)
            _emit_sub(store, event, sub)
            return None
        items = [billing.new_item(
            store, new_plan.code, new_plan.name,
            f"Prorated charges for {new_plan.name} from {today:%d-%b-%Y} to {(end - timedelta(days=1)):%d-%b-%Y}",
            charge, Decimal(1), product_id=sub.product_id, tax=taxes.line_tax_for(store, customer, new_plan.code))]
        inv = billing.create_invoice(store, customer, items, transaction_type, subscription_id=sub.subscription_id,
                                     emit=False)
    if credit_amount > 0:
        note = billing.create_credit_note(store, customer, [billing.credit_item(
            store, "unused-credit", f"Unused time on {old_plan_name}",
            f"Credit for the unused part of the current term ({remaining} of {term_days} days)", credit_amount,
            tax=old_tax)],
            reference_number=inv.number, subscription_id=sub.subscription_id)
    billing.apply_open_credits(store, inv)
    store.emit("invoice_created", lambda: {"invoice": serialize.invoice(store, inv)})
    _touch(store, sub)
    _emit_sub(store, event, sub, inv)
    _charge_if_online(store, sub, inv, raise_on_decline=True)
    return inv


# ---- cancel, reactivate -------------------------------------------------------------------------

def cancel(store, sub: Subscription, at_end: bool, reason: str = "") -> str:
    if sub.status in ENDED_STATUSES:
        raise errors.not_allowed("The subscription has already been canceled.")
    sub.cancel_reason = reason or sub.cancel_reason
    if at_end and sub.status in ("live", "non_renewing", "trial", "dunning"):
        sub.status = "non_renewing"
        _touch(store, sub)
        _emit_sub(store, "subscription_cancellation_scheduled", sub)
        return "Your subscription will be canceled at the end of this term."
    sub.status = "cancelled"
    sub.cancelled_at = store.today()
    sub.next_billing_at = None
    sub.scheduled_change = None
    sub.end_of_term = False
    _touch(store, sub)
    _emit_sub(store, "subscription_cancelled", sub)
    return "Your subscription has been canceled."


def reactivate(store, sub: Subscription) -> Invoice | None:
    if sub.status == "non_renewing":
        sub.status = "live"
        _touch(store, sub)
        _emit_sub(store, "subscription_reactivated", sub)
        return None
    if sub.status not in ("cancelled", "cancelled_from_dunning", "expired"):
        raise errors.not_allowed(
            "Only cancelled, expired or non-renewing subscriptions can be reactivated.")
    card = store.cards.get(sub.card_id) if sub.card_id else None
    if sub.auto_collect:
        _precheck_card(store, card)
    sub.billing_cycles_left = max(sub.billing_cycles_left, -1)
    return _activate_paid_term(store, sub, store.today(), "reactivation", raise_on_decline=True,
                               emit_type="subscription_reactivated")


def activate_with_card(store, sub: Subscription, card: Card) -> Invoice | None:
    """A new card on a subscription that waits for one (trial expired, dunning): charge what is due."""
    sub.card_id = card.card_id
    sub.auto_collect = True
    _touch(store, sub)
    if sub.status == "trial_expired":
        return _activate_paid_term(store, sub, store.today(), "trial_end", raise_on_decline=False,
                                   emit_type="subscription_activation")
    if sub.status in ("dunning", "unpaid"):
        for inv in store.customer_objects(sub.customer_id, "invoices", store.invoices):
            if inv.subscription_id == sub.subscription_id and inv.balance > 0 and not inv.is_void:
                if billing.charge_invoice(store, inv, card, raise_on_decline=False) is None:
                    break
    return None


def add_note(store, sub: Subscription, description: str, commented_by: str) -> Note:
    note = Note(store.new_id(), description, commented_by, store.now())
    sub.notes.append(note)
    _touch(store, sub)
    return note


# ---- the clock ----------------------------------------------------------------------------------

def run_due(store) -> None:
    """Everything due up to today, in date order (a jump of three months renews three times)."""
    today = store.today()
    while True:
        item = store.pop_due(today)
        if item is None:
            return
        day, kind, object_id = item
        sub = store.subscriptions.get(object_id)
        if sub is None:
            continue
        if kind == "term" and sub.current_term_ends_at == day:
            _term_ends(store, sub, day)
        elif kind == "start" and sub.status == "future" and sub.activated_at == day:
            _start_future(store, sub, day)
        elif kind == "dunning_end" and sub.status == "dunning":
            _dunning_ends(store, sub)


def _term_ends(store, sub: Subscription, day: date) -> None:
    if sub.status == "trial":
        _trial_ends(store, sub, day)
    elif sub.status == "non_renewing":
        sub.status = "cancelled"
        sub.cancelled_at = day
        sub.next_billing_at = None
        _touch(store, sub)
        _emit_sub(store, "subscription_cancelled", sub)
    elif sub.status in ("live", "dunning"):
        _renew(store, sub, day)


def _trial_ends(store, sub: Subscription, day: date) -> None:
    card = store.cards.get(sub.card_id) if sub.card_id else None
    if sub.auto_collect and (card is None or card.status != "active"):
        sub.status = "trial_expired"
        sub.expires_at = day
        sub.next_billing_at = None
        _touch(store, sub)
        _emit_sub(store, "subscription_expired", sub)
        return
    _activate_paid_term(store, sub, day, "trial_end", raise_on_decline=False, emit_type="subscription_activation")


def _start_future(store, sub: Subscription, day: date) -> None:
    _activate_paid_term(store, sub, day, "new", raise_on_decline=False, emit_type="subscription_activation")


def _renew(store, sub: Subscription, day: date) -> None:
    if sub.billing_cycles_left == 0:
        sub.status = "expired"
        sub.expires_at = day
        sub.next_billing_at = None
        _touch(store, sub)
        _emit_sub(store, "subscription_expired", sub)
        return
    change = sub.scheduled_change
    event = "subscription_renewed"
    if change is not None:
        old_total = pricing.amounts(store, sub)[2]
        plan_obj = store.plans[change.plan.code]
        sub.plan, sub.addons = change.plan, change.addons
        sub.product_id = plan_obj.product_id
        sub.interval, sub.interval_unit = plan_obj.interval, plan_obj.interval_unit
        sub.scheduled_change = None
        sub.end_of_term = False
        new_total = pricing.amounts(store, sub)[2]
        _emit_sub(store, "subscription_upgraded" if new_total >= old_total else "subscription_downgraded", sub)
    _start_term(store, sub, day)
    if sub.billing_cycles_left > 0:
        sub.billing_cycles_left -= 1
    inv = term_invoice(store, sub, "renewal", day, sub.current_term_ends_at)
    _touch(store, sub)
    _emit_sub(store, event, sub, inv)
    payment = _charge_if_online(store, sub, inv, raise_on_decline=False)
    if payment is None and inv.balance > 0 and sub.auto_collect and sub.card_id and sub.status != "dunning":
        _enter_dunning(store, sub)


def _dunning_ends(store, sub: Subscription) -> None:
    unpaid = [i for i in store.customer_objects(sub.customer_id, "invoices", store.invoices)
              if i.subscription_id == sub.subscription_id and i.balance > 0 and not i.is_void]
    if not unpaid:
        return
    sub.status = "unpaid"
    _touch(store, sub)
    _emit_sub(store, "subscription_unpaid", sub, unpaid[-1])
