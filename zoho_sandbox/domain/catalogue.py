"""The catalogue as an organization edits it: products, plans, addons and coupons created, updated,
deleted and marked active or inactive (products.yml, plans.yml, addons.yml, coupons.yml).

Every write reads and checks the whole body before it changes anything, so a refused request leaves
the catalogue as it was. What is sold stays consistent: an item in use cannot be deleted (it can be
marked inactive, which stops new sales and keeps existing subscriptions billing), a plan or addon
must belong to an existing product, and a coupon's plans and addons must exist.
"""
from __future__ import annotations

from decimal import Decimal

from . import errors, fields, lifecycle
from .models import Addon, Coupon, Plan, PriceBracket, Product

PLAN_INTERVAL_UNITS = ("months", "years", "weeks", "days")
ADDON_TYPES = ("recurring", "one_time")
ADDON_INTERVAL_UNITS = ("monthly", "yearly", "weekly")
# Tier and package pricing price a quantity as a whole, which the sandbox's per-unit lines cannot
# express: refused with a clear message rather than billed wrongly.
PRICING_SCHEMES = ("unit", "volume")
COUPON_TYPES = ("one_time", "duration", "forever")
DISCOUNT_BY = ("flat", "percentage")
APPLY_TO_PLANS = ("all", "select", "none")
APPLY_TO_ADDONS = ("all", "select", "none", "all_recurring", "all_onetime")


def _choice(body: dict, name: str, allowed: tuple[str, ...], default: str) -> str:
    """One of ``allowed`` (any case); ``default`` when absent, and required when there is none."""
    value = fields.text(body, name).strip().lower() or default
    if not value:
        raise errors.missing_field(name)
    if value not in allowed:
        raise errors.invalid_field(name)
    return value


def _required_text(body: dict, name: str, current: str | None = None) -> str:
    """A text the object cannot be without: required on create, kept when an update leaves it out."""
    if current is not None and name not in body:
        return current
    value = fields.text(body, name).strip()
    if not value:
        raise errors.missing_field(name)
    return value


def _code(body: dict, field: str, table: dict, current: str | None) -> str:
    """An item's code: new and unused on create; on update the item's own (codes are its identity,
    what subscriptions and invoices name it by: never renamed)."""
    if current is None:
        code = fields.required_ident(body, field)
        if code in table:
            raise errors.already_exists(f"The {field.replace('_', ' ')} {code} already exists.")
        return code
    sent = fields.ident(body, field)
    if sent and sent != current:
        raise errors.invalid_field(field)
    return current


def _active_product(store, body: dict, current: str | None = None) -> str:
    if current is not None and "product_id" not in body:
        return current
    product_id = fields.required_ident(body, "product_id")
    return store.get_product(product_id).product_id


def _tax_id(store, body: dict, current: str = "") -> str:
    if "tax_id" not in body:
        return current
    tax_id = fields.ident(body, "tax_id")
    if tax_id and tax_id not in store.taxes:
        raise errors.invalid_field("tax_id")
    return tax_id


def _set_status(item, status: str, now) -> None:
    item.status = status
    item.updated_time = now


# ---- products -------------------------------------------------------------------------------

def save_product(store, body: dict, product: Product | None = None) -> Product:
    name = _required_text(body, "name", product.name if product else None)
    description = fields.text(body, "description", product.description if product else "")
    email_ids = fields.text(body, "email_ids", product.email_ids if product else "")
    redirect_url = fields.text(body, "redirect_url", product.redirect_url if product else "")
    now = store.now()
    if product is None:
        product = Product(store.new_id(), name, description, "active", email_ids, redirect_url, now, now)
        store.products[product.product_id] = product
        return product
    product.name, product.description, product.email_ids, product.redirect_url = name, description, email_ids, redirect_url
    product.updated_time = now
    return product


def delete_product(store, product: Product) -> None:
    if any(p.product_id == product.product_id for p in store.plans.values()) or \
            any(a.product_id == product.product_id for a in store.addons.values()) or \
            any(c.product_id == product.product_id for c in store.coupons.values()):
        raise errors.not_allowed("The product has plans, addons or coupons and cannot be deleted. "
                                 "Mark it inactive instead.")
    del store.products[product.product_id]


def set_product_status(store, product: Product, status: str) -> None:
    _set_status(product, status, store.now())


# ---- plans ----------------------------------------------------------------------------------

def save_plan(store, body: dict, plan: Plan | None = None) -> Plan:
    code = _code(body, "plan_code", store.plans, plan.plan_code if plan else None)
    name = _required_text(body, "name", plan.name if plan else None)
    price = fields.money(body, "recurring_price", plan.recurring_price if plan else None)
    if price is None:
        raise errors.missing_field("recurring_price")
    interval = fields.integer(body, "interval", plan.interval if plan else None, minimum=1)
    if interval is None:
        raise errors.missing_field("interval")
    interval_unit = _choice(body, "interval_unit", PLAN_INTERVAL_UNITS, plan.interval_unit if plan else "months")
    cycles = fields.integer(body, "billing_cycles", plan.billing_cycles if plan else -1, minimum=-1)
    if cycles == 0:
        raise errors.invalid_field("billing_cycles")
    trial = fields.integer(body, "trial_period", plan.trial_period if plan else 0, minimum=0)
    setup_fee = fields.money(body, "setup_fee", plan.setup_fee if plan else Decimal("0.00"))
    product_id = _active_product(store, body, plan.product_id if plan else None)
    tax_id = _tax_id(store, body, plan.tax_id if plan else "")
    description = fields.text(body, "description", plan.description if plan else "")
    markup = fields.text(body, "store_markup_description", plan.store_markup_description if plan else "")
    unit = fields.text(body, "unit", plan.unit if plan else "")
    addon_codes = plan.addon_codes if plan else []
    if "addons" in body:
        addon_codes = []
        for entry in fields.objects(body, "addons"):
            addon_codes.append(store.get_addon(fields.ident(entry, "addon_code")).addon_code)
    now = store.now()
    if plan is None:
        plan = Plan(code, name, description, product_id, price, interval, interval_unit, created_time=now)
        store.plans[code] = plan
    plan.name, plan.description, plan.product_id, plan.recurring_price = name, description, product_id, price
    plan.interval, plan.interval_unit, plan.billing_cycles, plan.trial_period = interval, interval_unit, cycles, trial
    plan.setup_fee, plan.tax_id, plan.store_markup_description, plan.unit = setup_fee, tax_id, markup, unit
    plan.addon_codes = list(dict.fromkeys(addon_codes))
    plan.updated_time = now
    return plan


def delete_plan(store, plan: Plan) -> None:
    if any(s.plan.code == plan.plan_code or (s.scheduled_change and s.scheduled_change.plan.code == plan.plan_code)
           for s in store.subscriptions.values()):
        raise errors.not_allowed("The plan has subscriptions and cannot be deleted. Mark it inactive instead.")
    del store.plans[plan.plan_code]
    for holder in (*store.addons.values(), *store.coupons.values()):
        if plan.plan_code in holder.plan_codes:
            holder.plan_codes.remove(plan.plan_code)


def set_plan_status(store, plan: Plan, status: str) -> None:
    _set_status(plan, status, store.now())


# ---- addons ---------------------------------------------------------------------------------

def _brackets(body: dict, scheme: str) -> list[PriceBracket]:
    """``price_brackets[{start_quantity, end_quantity, price}]``: one price for ``unit``; for
    ``volume`` ranges that start at 1, follow each other without gaps, and may end open (-1)."""
    rows = fields.objects(body, "price_brackets")
    if not rows:
        raise errors.missing_field("price_brackets")
    if scheme == "unit":
        return [PriceBracket(1, -1, fields.as_money(rows[0].get("price"), "price_brackets.price"))]
    brackets, expected_start = [], 1
    for index, row in enumerate(rows):
        start = fields.integer(row, "start_quantity", expected_start, minimum=1)
        end = fields.integer(row, "end_quantity", -1, minimum=-1)
        last = index == len(rows) - 1
        if start != expected_start or end == 0 or (end == -1 and not last) or (end != -1 and end < start):
            raise errors.invalid_field("price_brackets")
        brackets.append(PriceBracket(start, end, fields.as_money(row.get("price"), "price_brackets.price")))
        expected_start = end + 1
    return brackets


def save_addon(store, body: dict, addon: Addon | None = None) -> Addon:
    code = _code(body, "addon_code", store.addons, addon.addon_code if addon else None)
    name = _required_text(body, "name", addon.name if addon else None)
    unit_name = _required_text(body, "unit_name", addon.unit_name if addon else None)
    scheme = _choice(body, "pricing_scheme", PRICING_SCHEMES, addon.pricing_scheme if addon else "unit")
    if "price_brackets" in body or addon is None or scheme != addon.pricing_scheme:
        brackets = _brackets(body, scheme)
    else:
        brackets = addon.brackets or [PriceBracket(1, -1, addon.price)]
    kind = _choice(body, "type", ADDON_TYPES, addon.type if addon else "recurring")
    interval_unit = _choice(body, "interval_unit", ADDON_INTERVAL_UNITS, addon.interval_unit if addon else "monthly")
    product_id = _active_product(store, body, addon.product_id if addon else None)
    for_all = fields.flag(body, "applicable_to_all_plans", addon.applicable_to_all_plans if addon else True)
    plan_codes = addon.plan_codes if addon else []
    if "plans" in body:
        plan_codes = [store.get_plan(fields.ident(entry, "plan_code")).plan_code for entry in fields.objects(body, "plans")]
    if not for_all and not plan_codes:
        raise errors.missing_field("plans")
    tax_id = _tax_id(store, body, addon.tax_id if addon else "")
    description = fields.text(body, "description", addon.description if addon else "")
    now = store.now()
    if addon is None:
        addon = Addon(code, name, description, product_id, brackets[0].price, kind, unit_name, created_time=now)
        store.addons[code] = addon
    addon.name, addon.description, addon.product_id, addon.unit_name = name, description, product_id, unit_name
    addon.type, addon.interval_unit, addon.pricing_scheme = kind, interval_unit, scheme
    addon.price, addon.brackets = brackets[0].price, (brackets if scheme == "volume" else [])
    addon.applicable_to_all_plans, addon.plan_codes = for_all, list(dict.fromkeys(plan_codes))
    addon.tax_id, addon.updated_time = tax_id, now
    return addon


def delete_addon(store, addon: Addon) -> None:
    code = addon.addon_code
    if any(any(a.code == code for a in s.addons)
           or (s.scheduled_change and any(a.code == code for a in s.scheduled_change.addons))
           for s in store.subscriptions.values()):
        raise errors.not_allowed("The addon is part of subscriptions and cannot be deleted. Mark it inactive instead.")
    del store.addons[code]
    for holder in (*store.plans.values(), *store.coupons.values()):
        codes = holder.addon_codes
        if code in codes:
            codes.remove(code)


def set_addon_status(store, addon: Addon, status: str) -> None:
    _set_status(addon, status, store.now())


# ---- coupons --------------------------------------------------------------------------------

def create_coupon(store, body: dict) -> Coupon:
    code = _code(body, "coupon_code", store.coupons, None)
    name = _required_text(body, "name")
    kind = _choice(body, "type", COUPON_TYPES, "")
    duration = fields.integer(body, "duration", 0 if kind != "duration" else None, minimum=0)
    if kind == "duration" and not duration:
        raise errors.missing_field("duration")
    discount_by = _choice(body, "discount_by", DISCOUNT_BY, "")
    value = fields.money(body, "discount_value")
    if value is None or value <= 0 or (discount_by == "percentage" and value > 100):
        raise errors.invalid_field("discount_value")
    product_id = _active_product(store, body)
    apply_to_plans = _choice(body, "apply_to_plans", APPLY_TO_PLANS, "all")
    plan_codes = [store.get_plan(fields.ident(e, "plan_code")).plan_code for e in fields.objects(body, "plans")]
    apply_to_addons = _choice(body, "apply_to_addons", APPLY_TO_ADDONS, "all")
    addon_codes = [store.get_addon(fields.ident(e, "addon_code")).addon_code for e in fields.objects(body, "addons")]
    if apply_to_plans == "select" and not plan_codes:
        raise errors.missing_field("plans")
    if apply_to_addons == "select" and not addon_codes:
        raise errors.missing_field("addons")
    max_redemption = fields.integer(body, "max_redemption", 0, minimum=0)
    expiry_at = fields.day(body, "expiry_at")
    now = store.now()
    coupon = Coupon(code, name, fields.text(body, "description"), product_id, kind, duration or 0, discount_by, value,
                    max_redemption=max_redemption, expiry_at=expiry_at, apply_to_plans=apply_to_plans,
                    plan_codes=list(dict.fromkeys(plan_codes)), apply_to_addons=apply_to_addons,
                    addon_codes=list(dict.fromkeys(addon_codes)), created_time=now, updated_time=now)
    store.coupons[code] = coupon
    return coupon


def update_coupon(store, coupon: Coupon, body: dict) -> Coupon:
    """coupons.yml lets an update change the name, description, redemption limit and expiry only:
    what a coupon takes off stays what its existing redemptions were promised."""
    name = _required_text(body, "name", coupon.name)
    description = fields.text(body, "description", coupon.description)
    max_redemption = fields.integer(body, "max_redemption", coupon.max_redemption, minimum=0)
    expiry_at = fields.day(body, "expiry_at") if "expiry_at" in body else coupon.expiry_at
    coupon.name, coupon.description, coupon.max_redemption, coupon.expiry_at = name, description, max_redemption, expiry_at
    coupon.updated_time = store.now()
    return coupon


def delete_coupon(store, coupon: Coupon) -> None:
    if any(s.coupon_code == coupon.coupon_code for s in store.subscriptions.values()
           if s.status not in lifecycle.ENDED_STATUSES):
        raise errors.not_allowed("The coupon is applied to subscriptions and cannot be deleted. "
                                 "Mark it inactive instead.")
    del store.coupons[coupon.coupon_code]


def set_coupon_status(store, coupon: Coupon, status: str) -> None:
    _set_status(coupon, status, store.now())
