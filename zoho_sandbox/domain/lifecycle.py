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

from . import activities, billing, custom_fields, errors, fields, pricing, serialize, taxes
from .dates import add_interval
from .models import Card, Coupon, Customer, Invoice, Note, ScheduledChange, Subscription, SubscriptionItem
from .money import ZERO, money

DUNNING_DAYS = 7
ACTIVE_STATUSES = ("live", "non_renewing", "trial", "dunning", "unpaid", "future")
ENDED_STATUSES = ("cancelled", "cancelled_from_dunning", "expired", "trial_expired", "creation_failed")


# ---- building lines from request bodies --------------------------------------------------------

def plan_item(store, customer: Customer, body: dict | None, current: SubscriptionItem | None = None) -> SubscriptionItem:
    """The plan line a create/update body asks for; without a ``plan_code`` an update keeps the current plan."""
    if body is not None and not isinstance(body, dict):
        raise errors.invalid_field("plan")
    body = body or {}
    code = fields.ident(body, "plan_code")
    if not code:
        if current is None:
            raise errors.missing_field("plan_code")
        code = current.code
    plan = store.get_plan(code)
    product = store.products.get(plan.product_id)
    on_sale = plan.status == "active" and (product is None or product.status == "active")
    if not on_sale and (current is None or current.code != plan.plan_code):
        raise errors.not_allowed("The plan is inactive.")
    same_plan = current is not None and current.code == plan.plan_code
    price = fields.money(body, "price")
    if price is None:
        price = current.price if same_plan else pricing.plan_price(plan, customer.currency_code)
    quantity = fields.quantity(body, default=current.quantity if same_plan else Decimal(1))
    description = fields.text(body, "plan_description") or (current.description if same_plan else plan.description)
    return SubscriptionItem(plan.plan_code, plan.name, description, money(price), quantity)


def addon_items(store, customer: Customer, entries: list[dict], plan_code: str,
                current: list[SubscriptionItem] = ()) -> list[SubscriptionItem]:
    """Addon lines from a body's ``addons[{addon_code, quantity, price, addon_description}]``. An addon
    made inactive stays sellable to a subscription that already has it (``current``)."""
    kept = {a.code for a in current}
    items = []
    for entry in entries:
        code = fields.required_ident(entry, "addon_code")
        addon = store.get_addon(code)
        if addon.status != "active" and addon.addon_code not in kept:
            raise errors.not_allowed(f"The addon {addon.addon_code} is inactive.")
        if not pricing.addon_applies(addon, plan_code):
            raise errors.not_allowed(f"The addon {addon.addon_code} is not applicable to the plan {plan_code}.")
        quantity = fields.quantity(entry, default=Decimal(1))
        price = fields.money(entry, "price")
        if price is None:
            price = pricing.addon_price(addon, customer.currency_code, quantity)
        description = fields.text(entry, "addon_description") or addon.description
        items.append(SubscriptionItem(addon.addon_code, addon.name, description, price, quantity))
    return items


def _recurring(store, items: list[SubscriptionItem]) -> list[SubscriptionItem]:
    return [a for a in items if store.addons.get(a.code) is None or store.addons[a.code].type == "recurring"]


# ---- invoices for terms -----------------------------------------------------------------------

def term_invoice(store, sub: Subscription, transaction_type: str, start: date, end: date, *,
                 include_one_time: bool = False, setup_fee: Decimal = ZERO, emit: bool = True) -> Invoice:
    customer = store.customers[sub.customer_id]
    period = f"Charges for this duration (from {start:%d-%b-%Y} to {(end - timedelta(days=1)):%d-%b-%Y})"
    coupon = pricing.active_coupon(store, sub)
    lines, discount = pricing.priced_lines(
        store, customer, sub.plan, sub.addons if include_one_time else _recurring(store, sub.addons), period,
        setup_fee=setup_fee, coupon=coupon)
    if coupon is not None and sub.coupon_cycles_left > 0:
        sub.coupon_cycles_left -= 1
    items = billing.items_from(store, lines, sub.product_id)
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


def charge_if_online(store, sub: Subscription, inv: Invoice, *, raise_on_decline: bool):
    if inv.balance <= 0 or not sub.auto_collect:
        return None
    card = store.cards.get(sub.card_id) if sub.card_id else None
    if card is None or card.status != "active":
        return None
    return billing.charge_invoice(store, inv, card, raise_on_decline=raise_on_decline)


def precheck_card(store, sub_card: Card | None) -> None:
    """Refuse an API action up front when its immediate charge would be declined (nothing changes)."""
    if sub_card is not None:
        problem = billing.card_problem(sub_card, store.today())
        if problem:
            raise errors.payment_declined(problem)


def _touch(store, sub: Subscription) -> None:
    sub.updated_time = store.now()


def _emit_sub(store, event_type: str, sub: Subscription, invoice: Invoice | None = None) -> None:
    activities.record_event(store, sub, event_type)

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
    plan_body = fields.obj(body, "plan") or {}
    line = plan_item(store, customer, plan_body)
    plan = store.plans[line.code]
    addons = addon_items(store, customer, fields.objects(body, "addons"), plan.plan_code)

    card_id = fields.ident(body, "card_id")
    if card is None and card_id:
        card = store.get_card(customer.customer_id, card_id)
    if card is None:
        card = billing.primary_card(store, customer.customer_id)
    auto_collect = fields.flag(body, "auto_collect", default=card is not None)

    trial_days = fields.integer(plan_body, "trial_days", plan.trial_period, minimum=0)
    if fields.flag(plan_body, "exclude_trial"):
        trial_days = 0
    starts_at = fields.day(body, "starts_at") or store.today()
    if auto_collect and card is None and trial_days == 0 and starts_at <= store.today():
        raise errors.no_payment_method()
    if auto_collect and trial_days == 0 and starts_at <= store.today():
        precheck_card(store, card)

    coupon_code = fields.ident(body, "coupon_code")
    coupon = usable_coupon(store, coupon_code, plan.plan_code) if coupon_code else None
    cycles = fields.integer(plan_body, "billing_cycles", plan.billing_cycles, minimum=-1)
    setup_fee = fields.money(plan_body, "setup_fee", plan.setup_fee)
    if fields.flag(plan_body, "exclude_setup_fee"):
        setup_fee = ZERO
    contact_ids = contact_person_ids(store, customer, fields.objects(body, "contactpersons"))
    custom = custom_fields.as_sent(body.get("custom_fields"))
    now = store.now()
    sub = Subscription(
        subscription_id=store.new_id(), customer_id=customer.customer_id, product_id=plan.product_id,
        plan=line, addons=addons, status="live", interval=plan.interval, interval_unit=plan.interval_unit,
        currency_code=customer.currency_code, created_at=store.today(), created_time=now, updated_time=now,
        auto_collect=auto_collect, card_id=card.card_id if card else "",
        reference_id=fields.text(body, "reference_id"), salesperson_name=fields.text(body, "salesperson_name"),
        billing_cycles_left=cycles, setup_fee=setup_fee,
        payment_terms=customer.payment_terms, payment_terms_label=customer.payment_terms_label, source=source,
        custom_fields=custom, contactperson_ids=contact_ids,
    )
    if coupon:
        attach_coupon(sub, coupon)
    store.add_subscription(sub)
    activities.record(store, sub, activities.CREATED)
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


def attach_coupon(sub: Subscription, coupon: Coupon) -> None:
    """The coupon applies from the next invoice on, for as many terms as its type says."""
    sub.coupon_code = coupon.coupon_code
    sub.coupon_cycles_left = -1 if coupon.type == "forever" else (max(coupon.duration, 1) if coupon.type == "duration" else 1)
    coupon.redemption_count += 1


def usable_coupon(store, coupon_code: str, plan_code: str) -> Coupon:
    """The coupon if it can be applied now to a subscription on ``plan_code`` (else 400)."""
    coupon = store.get_coupon(coupon_code)
    if coupon.status_on(store.today()) != "active":
        raise errors.not_allowed("The coupon has expired or is inactive.")
    if not pricing.coupon_applies(store, coupon, plan_code):
        raise errors.not_allowed(f"The coupon {coupon.coupon_code} cannot be applied to the plan {plan_code}.")
    return coupon


def contact_person_ids(store, customer: Customer, entries: list[dict]) -> list[str]:
    """``contactpersons[{contactperson_id}]``: each must be one of the customer's contact persons."""
    ids = []
    for entry in entries:
        person_id = fields.required_ident(entry, "contactperson_id")
        ids.append(store.get_contact_person(customer.customer_id, person_id).contactperson_id)
    return list(dict.fromkeys(ids))


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
    payment = charge_if_online(store, sub, inv, raise_on_decline=raise_on_decline)
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
    # Read and check everything first: a refused update changes nothing.
    card_id = fields.ident(body, "card_id")
    card = store.get_card(customer.customer_id, card_id) if card_id else None
    auto_collect = fields.flag(body, "auto_collect", sub.auto_collect)
    reference_id = fields.text(body, "reference_id", sub.reference_id)
    salesperson_name = fields.text(body, "salesperson_name", sub.salesperson_name)
    custom = custom_fields.as_sent(body["custom_fields"]) if "custom_fields" in body else sub.custom_fields
    end_of_term = fields.flag(body, "end_of_term")
    changes_lines = "plan" in body or "addons" in body
    if changes_lines:
        new_plan = plan_item(store, customer, fields.obj(body, "plan") or {}, current=sub.plan)
        if "addons" in body:
            new_addons = addon_items(store, customer, fields.objects(body, "addons"), new_plan.code, sub.addons)
        else:
            new_addons = list(sub.addons)
    coupon_code = fields.ident(body, "coupon_code")
    # The same code again is a new redemption once its terms have run out (it no longer applies).
    reapplies = coupon_code == sub.coupon_code and pricing.active_coupon(store, sub) is None
    coupon = usable_coupon(store, coupon_code, new_plan.code if changes_lines else sub.plan.code) \
        if coupon_code and (coupon_code != sub.coupon_code or reapplies) else None

    if card is not None:
        sub.card_id = card.card_id
    sub.auto_collect, sub.reference_id, sub.salesperson_name, sub.custom_fields = \
        auto_collect, reference_id, salesperson_name, custom
    if coupon is not None:
        attach_coupon(sub, coupon)
    if changes_lines:
        if end_of_term and sub.status not in ("trial", "future"):
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
    new_total = pricing.term_amounts(store, pricing.active_coupon(store, sub), new_plan, _recurring(store, new_addons))[2]
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
        precheck_card(store, card)
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
    charge_if_online(store, sub, inv, raise_on_decline=True)
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
        # Undoing a scheduled cancellation puts back the state the term is in: a trial stays a trial,
        # a term with an unpaid renewal is still in dunning.
        sub.status = status_of_term(store, sub)
        _touch(store, sub)
        _emit_sub(store, "subscription_reactivated", sub)
        return None
    if sub.status not in ("cancelled", "cancelled_from_dunning", "expired"):
        raise errors.not_allowed(
            "Only cancelled, expired or non-renewing subscriptions can be reactivated.")
    card = store.cards.get(sub.card_id) if sub.card_id else None
    if sub.auto_collect:
        precheck_card(store, card)
    sub.billing_cycles_left = max(sub.billing_cycles_left, -1)
    return _activate_paid_term(store, sub, store.today(), "reactivation", raise_on_decline=True,
                               emit_type="subscription_reactivated")


def status_of_term(store, sub: Subscription) -> str:
    """What a running subscription is, read from its term and its invoices: ``trial`` inside the
    trial, ``dunning`` while a charged renewal is unpaid, otherwise ``live``."""
    if sub.trial_ends_at is not None and sub.current_term_ends_at == sub.trial_ends_at \
            and store.today() < sub.trial_ends_at:
        return "trial"
    if sub.auto_collect and sub.card_id and open_invoices(store, sub):
        return "dunning"
    return "live"


def open_invoices(store, sub: Subscription) -> list[Invoice]:
    """The subscription's invoices with a balance, oldest first."""
    return [i for i in store.customer_objects(sub.customer_id, "invoices", store.invoices)
            if i.subscription_id == sub.subscription_id and i.balance > 0 and not i.is_void and not i.is_draft]


def activate_with_card(store, sub: Subscription, card: Card) -> Invoice | None:
    """A new card on a subscription that waits for one (trial expired, dunning): charge what is due."""
    sub.card_id = card.card_id
    sub.auto_collect = True
    _touch(store, sub)
    if sub.status == "trial_expired":
        return _activate_paid_term(store, sub, store.today(), "trial_end", raise_on_decline=False,
                                   emit_type="subscription_activation")
    if sub.status in ("dunning", "unpaid"):
        for inv in open_invoices(store, sub):
            if billing.charge_invoice(store, inv, card, raise_on_decline=False) is None:
                break
    return None


# ---- changes to a running subscription ---------------------------------------------------------

def postpone(store, sub: Subscription, renewal_at) -> None:
    """Move the renewal (the end of the current term) later; subscription.yml: "can only be
    postponed and not preponed". A trial's end moves with it."""
    if sub.status not in ("live", "non_renewing", "trial"):
        raise errors.not_allowed("Only a live, trial or non-renewing subscription can be postponed.")
    current = sub.current_term_ends_at
    if renewal_at is None:
        raise errors.missing_field("renewal_at")
    if current is None or renewal_at <= current:
        raise errors.invalid_field("renewal_at")
    sub.current_term_ends_at = renewal_at
    if sub.status != "non_renewing":
        sub.next_billing_at = renewal_at
    if sub.status == "trial":
        sub.trial_ends_at = renewal_at
    store.schedule(renewal_at, "term", sub.subscription_id)
    _touch(store, sub)
    _emit_sub(store, "billing_date_changed", sub)


def delete(store, sub: Subscription) -> None:
    """A subscription that has billed anything (an invoice that is not void) cannot be deleted: its
    invoices would point nowhere. Its open hosted pages are force-cancelled."""
    if any(i.subscription_id == sub.subscription_id and not i.is_void
           for i in store.customer_objects(sub.customer_id, "invoices", store.invoices)):
        raise errors.not_allowed("A subscription with invoices cannot be deleted. Cancel it instead.")
    store.force_cancel_hostedpages(subscription_id=sub.subscription_id)
    store.emit("subscription_deleted", lambda: {"subscription": serialize.subscription(store, sub)})
    store.forget("subscriptions", store.subscriptions, sub.subscription_id, sub.customer_id)


def set_card(store, sub: Subscription, card: Card, auto_collect: bool) -> None:
    """The card future charges go to. A subscription waiting for a card (trial expired, dunning,
    unpaid) is charged what it owes at once, as with the update-card hosted page."""
    if sub.status in ("cancelled", "cancelled_from_dunning", "expired", "creation_failed"):
        raise errors.not_allowed("A cancelled or expired subscription cannot take a card. Reactivate it first.")
    if auto_collect and sub.status in ("trial_expired", "dunning", "unpaid"):
        precheck_card(store, card)
        activate_with_card(store, sub, card)
        return
    sub.card_id, sub.auto_collect = card.card_id, auto_collect
    _touch(store, sub)
    activities.record(store, sub, f"Card ending {card.last_four_digits} associated with the subscription")


def remove_card(store, sub: Subscription) -> None:
    """subscription.yml: "The subscription will become an offline subscription"."""
    if not sub.card_id:
        raise errors.not_allowed("No card is associated with this subscription.")
    sub.card_id, sub.auto_collect = "", False
    _touch(store, sub)
    activities.record(store, sub, "Card removed from the subscription")


def add_coupon(store, sub: Subscription, coupon_code: str) -> None:
    if sub.status in ENDED_STATUSES:
        raise errors.not_allowed("A coupon cannot be added to a cancelled or expired subscription.")
    if pricing.active_coupon(store, sub) is not None:
        raise errors.not_allowed("The subscription already has a coupon. Remove it first.")
    attach_coupon(sub, usable_coupon(store, coupon_code, sub.plan.code))
    _touch(store, sub)
    activities.record(store, sub, f"Coupon {sub.coupon_code} applied")


def remove_coupon(store, sub: Subscription) -> None:
    if pricing.active_coupon(store, sub) is None:
        raise errors.not_allowed("The subscription has no coupon.")
    activities.record(store, sub, f"Coupon {sub.coupon_code} removed")
    sub.coupon_code, sub.coupon_cycles_left = "", 0
    _touch(store, sub)


def describe_line(store, sub: Subscription, code: str, description: str) -> None:
    """Set the description of the plan's or an addon's line (it goes on the next invoices)."""
    line = sub.plan if sub.plan.code == code else next((a for a in sub.addons if a.code == code), None)
    if line is None:
        raise errors.invalid_field("plan_or_addon_code")
    line.description = description
    _touch(store, sub)


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
    payment = charge_if_online(store, sub, inv, raise_on_decline=False)
    if payment is None and inv.balance > 0 and sub.auto_collect and sub.card_id and sub.status != "dunning":
        _enter_dunning(store, sub)


def _dunning_ends(store, sub: Subscription) -> None:
    unpaid = open_invoices(store, sub)
    if not unpaid:
        return
    if store.dunning_ends_with == "cancel":
        sub.status = "cancelled_from_dunning"
        sub.cancelled_at = store.today()
        sub.next_billing_at = None
        sub.scheduled_change = None
        _touch(store, sub)
        _emit_sub(store, "subscription_cancelled", sub)
        return
    sub.status = "unpaid"
    _touch(store, sub)
    _emit_sub(store, "subscription_unpaid", sub, unpaid[-1])
