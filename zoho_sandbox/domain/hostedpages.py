"""Hosted pages: created by the API, shown by S1's browser UI, completed with a card.

Lifetime: ``expiring_time`` is one hour after creation (Zoho does not document it). A page can be
completed while ``fresh``, ``read`` or ``failed`` (a retry after a decline) and not expired; afterwards completion changes nothing and
answers the page's current status with an ``error`` sentence.

On approval the card is saved on the customer and the page does its job through the same domain
code the API uses; ``data`` is filled like Zoho's (``subscription``, ``invoice`` with its payments,
and for ``invoice_payment`` also ``payment``; ``add_payment_method`` puts the new ``card``).
A decline (the UI says so, or the card ends in 0002) marks the page ``failed``, raises
``payment_declined`` and changes nothing else.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ..core import ApiError
from . import billing, errors, lifecycle, pricing, serialize, taxes
from .customers import TAX_FIELDS, create_customer
from .models import Card, HostedPage
from .money import ZERO, currency_symbol, line_tax, money

LIFETIME = timedelta(hours=1)
ACTIONS = ("new_subscription", "update_subscription", "update_card", "invoice_payment", "add_payment_method")
TITLES = {
    "new_subscription": "Subscribe",
    "update_subscription": "Change your subscription",
    "update_card": "Update your card",
    "invoice_payment": "Pay invoice",
    "add_payment_method": "Add a payment method",
}


def create(store, action: str, body: dict) -> HostedPage:
    """Validate the body the way the real create does (unknown ids and codes fail now, not later)."""
    page = HostedPage(hostedpage_id=store.new_hostedpage_id(), action=action, status="fresh",
                      created_time=store.now(), expiring_time=store.now() + LIFETIME, request=body,
                      redirect_url=str(body.get("redirect_url") or ""))
    if action == "new_subscription":
        if body.get("customer_id"):
            page.customer_id = store.get_customer(str(body["customer_id"])).customer_id
        elif isinstance(body.get("customer"), dict):
            if not str(body["customer"].get("display_name") or "").strip():
                raise errors.missing_field("display_name")
            if not str(body["customer"].get("email") or "").strip():
                raise errors.missing_field("email")
        else:
            raise errors.missing_field("customer_id")
        if not isinstance(body.get("plan"), dict) or not body["plan"].get("plan_code"):
            raise errors.missing_field("plan_code")
        plan = store.get_plan(body["plan"]["plan_code"])
        for addon in body.get("addons") or []:
            store.get_addon(addon.get("addon_code") if isinstance(addon, dict) else addon)
        if body.get("coupon_code"):
            store.get_coupon(body["coupon_code"])
        if plan.status != "active":
            raise errors.not_allowed("The plan is inactive.")
    elif action in ("update_subscription", "update_card"):
        if not body.get("subscription_id"):
            raise errors.missing_field("subscription_id")
        sub = store.get_subscription(str(body["subscription_id"]))
        page.subscription_id, page.customer_id = sub.subscription_id, sub.customer_id
        if sub.status in lifecycle.ENDED_STATUSES and action == "update_subscription":
            raise errors.not_allowed("A cancelled or expired subscription cannot be updated.")
        if action == "update_subscription":
            customer = store.customers[sub.customer_id]
            plan_line = lifecycle.plan_item(store, customer, body.get("plan") or {}, current=sub.plan)
            lifecycle.addon_items(store, customer, body.get("addons"), plan_line.code)
    elif action == "invoice_payment":
        if not body.get("invoice_id"):
            raise errors.missing_field("invoice_id")
        inv = store.get_invoice(str(body["invoice_id"]))
        if inv.is_void or inv.balance <= 0:
            raise errors.not_allowed("The invoice has already been paid.")
        page.invoice_id, page.customer_id = inv.invoice_id, inv.customer_id
    elif action == "add_payment_method":
        if not body.get("customer_id"):
            raise errors.missing_field("customer_id")
        page.customer_id = store.get_customer(str(body["customer_id"])).customer_id
    store.hostedpages[page.hostedpage_id] = page
    return page


def is_expired(store, page: HostedPage) -> bool:
    return page.status in ("fresh", "read", "failed") and store.now() > page.expiring_time


def _tax_lines(store, tax_fields: dict, address: dict, codes: list[str], lines: list[dict]) -> list[dict]:
    """One line per tax on the priced lines (same rules as the invoice the page will raise)."""
    totals: dict[str, list] = {}
    for code, line in zip(codes, lines):
        tax = taxes.tax_for(store, tax_fields, address, code)
        if tax is not None:
            entry = totals.setdefault(tax.tax_id, [taxes.label(tax.tax_name, tax.tax_percentage), ZERO])
            entry[1] += line_tax(line["amount"], tax.tax_percentage)
    return [{"description": label, "amount": amount} for label, amount in totals.values()]


def _lines(store, page: HostedPage) -> tuple[list[dict], Decimal, str, str]:
    """(lines, total, currency_code, customer_name) the page will charge, for the browser UI."""
    body = page.request
    if page.action == "new_subscription":
        if page.customer_id:
            customer = store.customers[page.customer_id]
            currency, name = customer.currency_code, customer.display_name
            tax_fields, address = customer.tax_fields, customer.billing_address
        else:
            currency = str(body["customer"].get("currency_code") or store.organization.currency_code).upper()
            name = str(body["customer"].get("display_name"))
            tax_fields = {k: v for k, v in body["customer"].items() if k in TAX_FIELDS}
            address = body["customer"].get("billing_address") or {}
        plan = store.plans[body["plan"]["plan_code"]]
        quantity = Decimal(str(body["plan"].get("quantity") or 1))
        price = money(body["plan"]["price"]) if body["plan"].get("price") not in (None, "") else pricing.plan_price(plan, currency)
        lines = [{"description": f"{plan.name} × {quantity:g}", "amount": money(price * quantity)}]
        codes = [plan.plan_code]
        for entry in body.get("addons") or []:
            addon = store.addons[entry["addon_code"]]
            qty = Decimal(str(entry.get("quantity") or 1))
            lines.append({"description": f"{addon.name} × {qty:g}", "amount": money(pricing.addon_price(addon, currency) * qty)})
            codes.append(addon.addon_code)
        lines += _tax_lines(store, tax_fields, address, codes, lines)
        trial = plan.trial_period if not body["plan"].get("exclude_trial") else 0
        if body["plan"].get("trial_days") not in (None, ""):
            trial = int(body["plan"]["trial_days"])
        total = sum((line["amount"] for line in lines), ZERO)
        if trial > 0:
            lines.append({"description": f"Free trial: {trial} days, first charge after the trial", "amount": -total})
            total = ZERO
        return lines, total, currency, name
    customer = store.customers[page.customer_id]
    if page.action == "update_subscription":
        sub = store.subscriptions[page.subscription_id]
        plan_line = lifecycle.plan_item(store, customer, body.get("plan") or {}, current=sub.plan)
        addons = lifecycle.addon_items(store, customer, body.get("addons"), plan_line.code) if "addons" in body else sub.addons
        lines = [{"description": f"{plan_line.name} × {plan_line.quantity:g} (per term)", "amount": pricing.line_total(plan_line)}]
        lines += [{"description": f"{a.name} × {a.quantity:g}", "amount": pricing.line_total(a)} for a in addons]
        lines += _tax_lines(store, customer.tax_fields, customer.billing_address,
                            [plan_line.code] + [a.code for a in addons], lines)
        total = sum((line["amount"] for line in lines), ZERO)
        return lines, total, customer.currency_code, customer.display_name
    if page.action == "invoice_payment":
        inv = store.invoices[page.invoice_id]
        return ([{"description": f"Invoice {inv.number}", "amount": inv.balance}], inv.balance,
                inv.currency_code, customer.display_name)
    if page.action == "update_card":
        sub = store.subscriptions[page.subscription_id]
        due = sum((i.balance for i in lifecycle.open_invoices(store, sub)), ZERO)
        lines = [{"description": f"New card for {sub.plan.name}", "amount": ZERO}]
        if due > 0:
            lines.append({"description": "Outstanding balance charged to the new card", "amount": due})
        return lines, due, customer.currency_code, customer.display_name
    return ([{"description": "Save a card for future payments", "amount": ZERO}], ZERO,
            customer.currency_code, customer.display_name)


def summary(store, page: HostedPage) -> dict:
    lines, total, currency, name = _lines(store, page)
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
    if page.status in ("fresh", "read"):
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
    lines, total, currency, name = _lines(store, page)
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


def _do_job(store, page: HostedPage, card: Card) -> dict:
    body = page.request
    if page.action == "new_subscription":
        if page.customer_id:
            customer = store.customers[page.customer_id]
        else:
            customer = create_customer(store, body["customer"])
            page.customer_id = customer.customer_id
        _save_card(store, customer.customer_id, card)
        request = {k: v for k, v in body.items() if k not in ("customer", "customer_id", "card_id")}
        request["auto_collect"] = True
        sub, invoice = lifecycle.create(store, customer, request, card=card, source="hosted_page")
        page.subscription_id = sub.subscription_id
        data = {"subscription": serialize.subscription(store, sub)}
        if invoice is not None:
            data["invoice"] = serialize.invoice(store, invoice)
        return data
    customer = store.customers[page.customer_id]
    if page.action == "update_subscription":
        sub = store.subscriptions[page.subscription_id]
        _save_card(store, customer.customer_id, card)
        sub.card_id, sub.auto_collect = card.card_id, True
        changes = {k: v for k, v in body.items() if k in ("plan", "addons", "coupon_code", "end_of_term")}
        _, invoice = lifecycle.update(store, sub, changes)
        data = {"subscription": serialize.subscription(store, sub)}
        if invoice is not None:
            data["invoice"] = serialize.invoice(store, invoice)
        return data
    if page.action == "update_card":
        sub = store.subscriptions[page.subscription_id]
        _save_card(store, customer.customer_id, card)
        invoice = lifecycle.activate_with_card(store, sub, card)
        data = {"subscription": serialize.subscription(store, sub)}
        if invoice is not None:
            data["invoice"] = serialize.invoice(store, invoice)
        return data
    if page.action == "invoice_payment":
        inv = store.invoices[page.invoice_id]
        if inv.is_void or inv.balance <= 0:
            raise errors.not_allowed("The invoice has already been paid.")
        _save_card(store, customer.customer_id, card)
        payment = billing.charge_invoice(store, inv, card, raise_on_decline=True)
        return {"invoice": serialize.invoice(store, inv), "payment": serialize.payment(store, payment)}
    _save_card(store, customer.customer_id, card)
    return {"card": serialize.card(store, card), "customer": {"customer_id": customer.customer_id,
                                                              "display_name": customer.display_name}}
