"""Hosted pages: created by the API, shown by S1's browser UI, completed with a card.

Lifetime: ``expiring_time`` is one hour after creation (Zoho does not document it). A page can be
completed while ``fresh``, ``read`` or ``failed`` (a retry after a decline) and not expired; afterwards completion changes nothing and
answers the page's current status with an ``error`` sentence.

On approval the card is saved on the customer and the page does its job through the same domain
code the API uses; ``data`` is filled like Zoho's (``subscription``, ``invoice`` with its payments,
and for ``invoice_payment`` also ``payment``; ``add_payment_method`` puts the new ``card``;
``update_payment_method`` replaces the details of an existing card, which keeps its id).
A decline (the UI says so, or the card ends in 0002) marks the page ``failed``, raises
``payment_declined`` and changes nothing else.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ..core import ApiError
from . import billing, charges, errors, fields, lifecycle, pricing, serialize
from .customers import create_customer, prospect
from .models import Card, Customer, HostedPage
from .money import CENT, ZERO, currency_symbol

LIFETIME = timedelta(hours=1)
ACTIONS = ("new_subscription", "update_subscription", "update_card", "invoice_payment", "add_payment_method",
           "one_time_addon", "update_payment_method")
TITLES = {
    "new_subscription": "Subscribe",
    "update_subscription": "Change your subscription",
    "update_card": "Update your card",
    "invoice_payment": "Pay invoice",
    "add_payment_method": "Add a payment method",
    "one_time_addon": "Buy add-ons",
    "update_payment_method": "Update your card",
}
# What a new-subscription page passes on to the subscription it creates.
SUBSCRIPTION_KEYS = ("plan", "addons", "coupon_code", "reference_id", "starts_at", "custom_fields", "salesperson_name")


def create(store, action: str, body: dict) -> HostedPage:
    """Check the body the way the real create does (unknown ids and codes fail now, not later).
    The page keeps only the checked parts of the body to do its job on completion."""
    page = HostedPage(hostedpage_id=store.new_hostedpage_id(), action=action, status="fresh",
                      created_time=store.now(), expiring_time=store.now() + LIFETIME, request={},
                      redirect_url=fields.text(body, "redirect_url").strip())
    _CHECKS[action](store, page, body)
    store.hostedpages[page.hostedpage_id] = page
    return page


def _check_new_subscription(store, page: HostedPage, body: dict) -> None:
    customer_id = fields.ident(body, "customer_id")
    new_customer = fields.obj(body, "customer")
    if customer_id:
        page.customer_id = store.get_customer(customer_id).customer_id
    elif new_customer is not None:
        if not fields.text(new_customer, "email").strip():
            raise errors.missing_field("email")
        page.request["customer"] = new_customer
    else:
        raise errors.missing_field("customer_id")
    page.request.update({k: body[k] for k in SUBSCRIPTION_KEYS if k in body})
    customer = _customer(store, page)
    plan = fields.obj(body, "plan")
    if plan is None:
        raise errors.missing_field("plan_code")
    line = lifecycle.plan_item(store, customer, plan)
    lifecycle.addon_items(store, customer, fields.objects(body, "addons"), line.code)
    if fields.ident(body, "coupon_code"):
        lifecycle.usable_coupon(store, fields.ident(body, "coupon_code"), line.code)
    fields.day(body, "starts_at")
    fields.integer(plan, "trial_days", minimum=0)
    fields.flag(plan, "exclude_trial")


def _subscription_of(store, page: HostedPage, body: dict):
    subscription_id = fields.required_ident(body, "subscription_id")
    sub = store.get_subscription(subscription_id)
    page.subscription_id, page.customer_id = sub.subscription_id, sub.customer_id
    return sub


def _check_update_subscription(store, page: HostedPage, body: dict) -> None:
    sub = _subscription_of(store, page, body)
    if sub.status in lifecycle.ENDED_STATUSES:
        raise errors.not_allowed("A cancelled or expired subscription cannot be updated.")
    page.request.update({k: body[k] for k in ("plan", "addons", "coupon_code", "end_of_term") if k in body})
    _update_lines(store, page)
    fields.flag(body, "end_of_term")


def _check_update_card(store, page: HostedPage, body: dict) -> None:
    _subscription_of(store, page, body)


def _check_one_time_addon(store, page: HostedPage, body: dict) -> None:
    sub = _subscription_of(store, page, body)
    page.request.update({k: body[k] for k in ("addons", "coupon_code") if k in body})
    charges.one_time_addons(store, sub, page.request)


def _check_invoice_payment(store, page: HostedPage, body: dict) -> None:
    invoice_id = fields.required_ident(body, "invoice_id")
    inv = store.get_invoice(invoice_id)
    if inv.is_void or inv.balance <= 0:
        raise errors.not_allowed("The invoice has already been paid.")
    page.invoice_id, page.customer_id = inv.invoice_id, inv.customer_id


def _check_add_payment_method(store, page: HostedPage, body: dict) -> None:
    customer_id = fields.required_ident(body, "customer_id")
    page.customer_id = store.get_customer(customer_id).customer_id


def _check_update_payment_method(store, page: HostedPage, body: dict) -> None:
    """hosted-pages.yml names a card, a bank account or a PayPal account; the sandbox has cards only."""
    if fields.ident(body, "account_id") or fields.ident(body, "paypal_id"):
        raise errors.not_allowed("Bank account and PayPal payment methods are not available in this organization.")
    card_id = fields.required_ident(body, "card_id")
    card = store.cards.get(card_id)
    if card is None or card.status != "active":
        raise ApiError(404, 1002, "Card does not exist.")
    page.card_id, page.customer_id = card.card_id, card.customer_id


_CHECKS = {
    "new_subscription": _check_new_subscription,
    "update_subscription": _check_update_subscription,
    "update_card": _check_update_card,
    "invoice_payment": _check_invoice_payment,
    "add_payment_method": _check_add_payment_method,
    "one_time_addon": _check_one_time_addon,
    "update_payment_method": _check_update_payment_method,
}


def is_expired(store, page: HostedPage) -> bool:
    return page.status in ("fresh", "read", "failed") and store.now() > page.expiring_time


def _customer(store, page: HostedPage) -> Customer:
    """The customer the page is for: an existing one, or the one a new-subscription page will create."""
    if page.customer_id:
        return store.customers[page.customer_id]
    return prospect(store, page.request["customer"])


def _update_lines(store, page: HostedPage):
    sub = store.subscriptions[page.subscription_id]
    customer = store.customers[sub.customer_id]
    plan = lifecycle.plan_item(store, customer, fields.obj(page.request, "plan") or {}, current=sub.plan)
    addons = lifecycle.addon_items(store, customer, fields.objects(page.request, "addons"), plan.code, sub.addons) \
        if "addons" in page.request else sub.addons
    return plan, addons


def _summed(lines: list[pricing.Line]) -> tuple[list[dict], Decimal]:
    """The checkout's rows for priced lines: one per line, the coupon's discount, one per tax, and the total."""
    rows = [{"description": f"{line.name} × {line.quantity:g}", "amount": (line.price * line.quantity).quantize(CENT)}
            for line in lines]
    discount = sum((row["amount"] for row in rows), ZERO) - sum((line.amount for line in lines), ZERO)
    if discount:
        rows.append({"description": "Coupon discount", "amount": -discount})
    by_tax: dict[str, list] = {}
    for line in lines:
        if line.tax is not None:
            entry = by_tax.setdefault(line.tax.tax_id, [f"{line.tax.tax_name} ({line.tax.tax_percentage.normalize():f}%)", ZERO])
            entry[1] += line.tax_amount
    rows += [{"description": label, "amount": amount} for label, amount in by_tax.values()]
    return rows, sum((row["amount"] for row in rows), ZERO)


def _lines(store, page: HostedPage) -> tuple[list[dict], Decimal, str, str]:
    """(rows, total, currency_code, customer_name) the page will charge, for the browser UI: the
    same priced lines, discounts and taxes as the invoice completing the page raises."""
    body = page.request
    customer = _customer(store, page)
    currency, name = customer.currency_code, customer.display_name
    if page.action == "new_subscription":
        plan_body = fields.obj(body, "plan") or {}
        plan = lifecycle.plan_item(store, customer, plan_body)
        addons = lifecycle.addon_items(store, customer, fields.objects(body, "addons"), plan.code)
        coupon_code = fields.ident(body, "coupon_code")
        coupon = store.coupons.get(coupon_code) if coupon_code else None
        catalogue_plan = store.plans[plan.code]
        setup_fee = ZERO if fields.flag(plan_body, "exclude_setup_fee") else \
            fields.money(plan_body, "setup_fee", catalogue_plan.setup_fee)
        lines, _ = pricing.priced_lines(store, customer, plan, addons, plan.name, setup_fee=setup_fee, coupon=coupon)
        rows, total = _summed(lines)
        trial = fields.integer(plan_body, "trial_days", catalogue_plan.trial_period)
        if fields.flag(plan_body, "exclude_trial"):
            trial = 0
        if trial > 0:
            rows.append({"description": f"Free trial: {trial} days, first charge after the trial", "amount": -total})
            total = ZERO
        return rows, total, currency, name
    if page.action == "update_subscription":
        plan, addons = _update_lines(store, page)
        lines, _ = pricing.priced_lines(store, customer, plan, addons, plan.name)
        rows, total = _summed(lines)
        rows[0]["description"] += " (per term)"
        return rows, total, currency, name
    if page.action == "one_time_addon":
        sub = store.subscriptions[page.subscription_id]
        items, coupon = charges.one_time_addons(store, sub, body)
        lines, _ = pricing.priced_lines(store, customer, None, items, "One-time addon", coupon=coupon)
        rows, total = _summed(lines)
        return rows, total, currency, name
    if page.action == "invoice_payment":
        inv = store.invoices[page.invoice_id]
        return [{"description": f"Invoice {inv.number}", "amount": inv.balance}], inv.balance, inv.currency_code, name
    if page.action == "update_card":
        sub = store.subscriptions[page.subscription_id]
        due = sum((i.balance for i in lifecycle.open_invoices(store, sub)), ZERO)
        rows = [{"description": f"New card for {sub.plan.name}", "amount": ZERO}]
        if due > 0:
            rows.append({"description": "Outstanding balance charged to the new card", "amount": due})
        return rows, due, currency, name
    if page.action == "update_payment_method":
        card = store.cards[page.card_id]
        return [{"description": f"Replace the card ending {card.last_four_digits}", "amount": ZERO}], ZERO, currency, name
    return [{"description": "Save a card for future payments", "amount": ZERO}], ZERO, currency, name


def _current_lines(store, page: HostedPage) -> tuple[list[dict], Decimal, str, str]:
    """``_lines``, or nothing to charge when what the page was for has gone (a plan deleted, a
    subscription deleted or cancelled meanwhile): completing it then fails with the reason."""
    try:
        return _lines(store, page)
    except (ApiError, KeyError):
        currency = store.organization.currency_code
        return [{"description": "This page can no longer be completed", "amount": ZERO}], ZERO, currency, ""


def summary(store, page: HostedPage) -> dict:
    lines, total, currency, name = _current_lines(store, page)
    return {
        "status": page.status,
        "action": page.action,
        "title": TITLES[page.action],
        "lines": lines,
        "total": total,
        "currency_code": currency,
        "currency_symbol": currency_symbol(currency),
        "customer_name": name,
        "redirect_url": page.redirect_url,
        "expired": is_expired(store, page),
    }


def mark_read(store, page: HostedPage) -> None:
    if page.status == "fresh" and not is_expired(store, page):
        page.status = "read"


def _redirect(page: HostedPage) -> str:
    # The redirect_url as given: the browser UI appends ``hostedpage_id`` when it redirects.
    return page.redirect_url


def cancel(store, page: HostedPage) -> dict:
    # A declined card leaves the page open for another card ("failed"); leaving it then is the
    # customer's last word on it, as on a page never paid: cancelled, not declined.
    if page.status in ("fresh", "read", "failed"):
        page.status = "cancelled"
        page.decided_time = store.now()
    return {"status": page.status, "redirect_url": _redirect(page)}


def _card_from(store, customer_id: str, card: dict) -> Card:
    last_four = str(card.get("last_four_digits") or "")[-4:]
    if len(last_four) != 4 or not last_four.isdigit():
        raise errors.invalid_field("last_four_digits")
    try:
        month, year = int(card.get("expiry_month")), int(card.get("expiry_year"))
    except (TypeError, ValueError):
        raise errors.invalid_field("expiry_month")
    now = store.now()
    customer = store.customers.get(customer_id)
    address = customer.billing_address if customer else {}
    return Card(store.new_id(), customer_id, str(card.get("first_name") or ""), str(card.get("last_name") or ""),
                last_four, month, year, str(card.get("payment_gateway") or "test_gateway"), now, now,
                street=address.get("street", ""), city=address.get("city", ""), state=address.get("state", ""),
                zip=address.get("zip", ""), country=address.get("country", ""))


def _decline(store, page: HostedPage, card: dict, message: str) -> dict:
    page.status = "failed"
    page.decided_time = store.now()
    lines, total, currency, name = _current_lines(store, page)
    store.emit("payment_declined", lambda: {
        "payment": {"payment_id": "", "payment_mode": "autotransaction", "amount": total, "status": "failure",
                    "date": serialize.d(store.today()), "customer_id": page.customer_id, "customer_name": name,
                    "currency_code": currency, "currency_symbol": currency_symbol(currency),
                    "description": message,
                    "autotransaction": {"payment_gateway": str(card.get("payment_gateway") or "test_gateway"),
                                        "gateway_error_message": message,
                                        "last_four_digits": str(card.get("last_four_digits") or "")[-4:]}},
        "hostedpage": serialize.hostedpage(store, page),
    })
    return {"status": page.status, "redirect_url": _redirect(page)}


def complete(store, page: HostedPage, card: dict, approved: bool) -> dict:
    # A declined page can be tried again with another card, as on Zoho's checkout.
    if page.status not in ("fresh", "read", "failed") or is_expired(store, page):
        reason = "This page has expired." if is_expired(store, page) else f"This page is already {page.status}."
        return {"status": page.status, "redirect_url": _redirect(page), "error": reason}
    new_card = _card_from(store, page.customer_id, card)
    problem = billing.card_problem(new_card, store.today()) if approved else "The payment was declined."
    if problem:
        return _decline(store, page, card, problem)
    try:
        page.data = _do_job(store, page, new_card)
    except ApiError as error:
        # The job itself was refused (e.g. the plan went inactive meanwhile): the page failed.
        page.status = "failed"
        page.decided_time = store.now()
        page.data = {"error": {"code": error.code, "message": error.message}}
        return {"status": page.status, "redirect_url": _redirect(page), "error": error.message}
    page.status = "success"
    page.decided_time = store.now()
    return {"status": page.status, "redirect_url": _redirect(page)}


def _save_card(store, customer_id: str, card: Card) -> Card:
    card.customer_id = customer_id
    return store.add_card(card)


def _with_invoice(store, sub, invoice) -> dict:
    data = {"subscription": serialize.subscription(store, sub)}
    if invoice is not None:
        data["invoice"] = serialize.invoice(store, invoice)
    return data


def _do_job(store, page: HostedPage, card: Card) -> dict:
    body = page.request
    if page.action == "new_subscription":
        if page.customer_id:
            customer = store.customers[page.customer_id]
        else:
            customer = create_customer(store, body["customer"])
            page.customer_id = customer.customer_id
        _save_card(store, customer.customer_id, card)
        request = {k: v for k, v in body.items() if k in SUBSCRIPTION_KEYS}
        request["auto_collect"] = True
        sub, invoice = lifecycle.create(store, customer, request, card=card, source="hosted_page")
        page.subscription_id = sub.subscription_id
        return _with_invoice(store, sub, invoice)
    customer = store.customers[page.customer_id]
    if page.action == "update_subscription":
        sub = store.subscriptions[page.subscription_id]
        _save_card(store, customer.customer_id, card)
        sub.card_id, sub.auto_collect = card.card_id, True
        _, invoice = lifecycle.update(store, sub, dict(body))
        return _with_invoice(store, sub, invoice)
    if page.action == "update_card":
        sub = store.subscriptions[page.subscription_id]
        _save_card(store, customer.customer_id, card)
        return _with_invoice(store, sub, lifecycle.activate_with_card(store, sub, card))
    if page.action == "one_time_addon":
        sub = store.subscriptions[page.subscription_id]
        _save_card(store, customer.customer_id, card)
        return _with_invoice(store, sub, charges.buy_one_time_addons(store, sub, body, card=card))
    if page.action == "invoice_payment":
        inv = store.invoices[page.invoice_id]
        if inv.is_void or inv.balance <= 0:
            raise errors.not_allowed("The invoice has already been paid.")
        _save_card(store, customer.customer_id, card)
        payment = billing.charge_invoice(store, inv, card, raise_on_decline=True)
        return {"invoice": serialize.invoice(store, inv), "payment": serialize.payment(store, payment)}
    if page.action == "update_payment_method":
        return {"card": serialize.card(store, _replace_card(store, store.cards[page.card_id], card)),
                "customer": {"customer_id": customer.customer_id, "display_name": customer.display_name}}
    _save_card(store, customer.customer_id, card)
    return {"card": serialize.card(store, card), "customer": {"customer_id": customer.customer_id,
                                                              "display_name": customer.display_name}}


def _replace_card(store, old: Card, new: Card) -> Card:
    """The card keeps its id (subscriptions charged to it keep charging it) and takes the new card's
    details; subscriptions that were waiting for a working card are charged what they owe."""
    if old.status != "active":
        raise errors.not_allowed("The card has been deleted.")
    old.first_name, old.last_name, old.last_four_digits = new.first_name, new.last_name, new.last_four_digits
    old.expiry_month, old.expiry_year, old.payment_gateway = new.expiry_month, new.expiry_year, new.payment_gateway
    old.updated_time = store.now()
    for sub in store.customer_objects(old.customer_id, "subscriptions", store.subscriptions):
        if sub.card_id == old.card_id and sub.status in ("trial_expired", "dunning", "unpaid"):
            lifecycle.activate_with_card(store, sub, old)
    return old
