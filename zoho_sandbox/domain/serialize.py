"""Entities as Zoho Billing JSON: field names, field sets, ``""`` for empties, ``+HHMM`` timestamps.

Field sets follow the recorded responses (shared/zoho-recorded) first and the OpenAPI component
schemas second. List rows are the subsets Zoho sends in lists; ``full=True`` is the single-object
shape. Money stays Decimal here (core.json_response writes JSON numbers); the places Zoho uses
strings say so: transaction amounts, and ``taxes[].tax_amount`` of subscriptions and credit notes
(subscription.yml, credit-notes.yml: ``"2.50"``), while an invoice's ``taxes[].tax_amount`` is a number
(invoices.yml).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ..clock import zoho_date, zoho_timestamp
from . import pricebooks, pricing, taxes
from .models import (
    Addon, Card, ContactPerson, Coupon, CreditNote, Customer, HostedPage, Invoice, Payment, Plan, PriceBracket,
    Product, Subscription, SubscriptionItem, Tax, TaxExemption,
)
from .money import ZERO, currency_id, currency_symbol, money, money_string

PAYMENT_TERMS_LABELS = {0: "Due On Receipt", 15: "Net 15", 30: "Net 30", 45: "Net 45", 60: "Net 60"}


def ts(store, moment: datetime | None) -> str:
    """A timestamp in the organization's time zone, ``2015-10-06T07:24:28+0800``; ``""`` if unset."""
    if moment is None:
        return ""
    return zoho_timestamp(moment.astimezone(store.clock.tz))


def ts_formatted(store, moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(store.clock.tz).strftime("%m/%d/%y %I:%M:%S %p")


def d(day: date | None) -> str:
    return zoho_date(day)


def _address(address: dict, with_attention: bool = True) -> dict:
    keys = ("attention", "street", "city", "state", "state_code", "zip", "country", "fax") if with_attention \
        else ("street", "city", "state", "zip", "country", "fax")
    return {k: str(address.get(k, "") or "") for k in keys}


# ---- organization, catalogue ----------------------------------------------------------------

def _item_tax(store, tax_id: str) -> dict:
    """A plan's or addon's default tax fields (recorded: ``""`` and ``tax_percentage: 0`` when none)."""
    tax = store.taxes.get(tax_id) if tax_id else None
    if tax is None:
        return {"tax_id": "", "tax_name": "", "tax_percentage": 0, "tax_type": ""}
    return {"tax_id": tax.tax_id, "tax_name": tax.tax_name, "tax_percentage": tax.tax_percentage,
            "tax_type": tax.tax_type}


def tax(store, t: Tax) -> dict:
    """A row of ``GET /settings/taxes``."""
    return {
        "tax_id": t.tax_id,
        "tax_name": t.tax_name,
        "tax_percentage": t.tax_percentage,
        "tax_type": t.tax_type,
        "tax_authority_id": t.tax_authority_id,
        "tax_authority_name": t.tax_authority_name,
        "is_default_tax": t.is_default_tax,
        "is_editable": True,
    }


def tax_exemption(store, e: TaxExemption) -> dict:
    return {"tax_exemption_id": e.tax_exemption_id, "tax_exemption_code": e.tax_exemption_code,
            "description": e.description, "type": e.type}


def organization(store, full: bool = True) -> dict:
    org = store.organization
    body = {
        "organization_id": org.organization_id,
        "name": org.name,
        "contact_name": org.contact_name,
        "email": org.email,
        "is_default_org": True,
        "source": 2,
        "country": org.country,
        "country_code": org.country_code,
        "org_settings": True,
        "is_ziedition": False,
        "is_zbclient": False,
        "custom_field_type": 1,
        "version": "global",
        "is_moss_enabled": False,
        "is_sales_inclusive_tax_enabled": False,
        "plan_type": 0,
        "tax_group_enabled": True,
        "plan_name": org.plan_name,
        "plan_period": "",
        "language_code": org.language_code,
        "date_format": org.date_format,
        "fiscal_year_start_month": org.fiscal_year_start_month,
        "account_created_date": d(org.account_created_date),
        "account_created_date_formatted": org.account_created_date.strftime("%m/%d/%y") if org.account_created_date else "",
        "time_zone": org.time_zone,
        "field_separator": org.field_separator,
        "time_zone_formatted": org.time_zone_formatted,
        "is_org_active": True,
        "mode": org.mode,
        "is_quick_setup_completed": True,
        "is_trial_period_extended": False,
        "industry_type": org.industry_type,
        "currency_id": currency_id(org.currency_code),
        "currency_code": org.currency_code,
        "currency_symbol": currency_symbol(org.currency_code),
        "currency_format": "###,##0.00",
        "price_precision": org.price_precision,
        "badge_count": 0,
    }
    if full:
        body.update({
            "phone": org.phone,
            "fax": org.fax,
            "website": org.website,
            "address": {
                "street_address1": org.address.get("street_address1", ""),
                "street_address2": org.address.get("street_address2", ""),
                "city": org.address.get("city", ""),
                "state": org.address.get("state", ""),
                "country": org.address.get("country", ""),
                "zip": org.address.get("zip", ""),
            },
        })
    return body


def product(store, p: Product) -> dict:
    return {
        "product_id": p.product_id,
        "name": p.name,
        "description": p.description,
        "status": p.status,
        "redirect_url": p.redirect_url,
        "email_ids": p.email_ids,
        "created_time": ts(store, p.created_time),
        "updated_time": ts(store, p.updated_time),
    }


def plan(store, p: Plan, full: bool = True) -> dict:
    body = {
        "plan_code": p.plan_code,
        "name": p.name,
        "description": p.description,
        "status": p.status,
        "product_id": p.product_id,
        **_item_tax(store, p.tax_id),
        "trial_period": p.trial_period,
        "setup_fee": p.setup_fee,
        "recurring_price": p.recurring_price,
        "unit": p.unit,
        "interval": p.interval,
        "interval_unit": p.interval_unit,
        "billing_cycles": p.billing_cycles,
        "store_markup_description": p.store_markup_description,
        "created_time": ts(store, p.created_time),
        "created_time_formatted": ts_formatted(store, p.created_time),
        "updated_time": ts(store, p.updated_time),
        "updated_time_formatted": ts_formatted(store, p.updated_time),
        "addons": [{"addon_code": code, "name": store.addons[code].name}
                   for code in p.addon_codes if code in store.addons],
    }
    if full:
        body.update({
            "account_id": "187955000000000388",
            "account_name": "Sales",
            "url": f"{store.base_url}/subscribe/{_subscribe_token(store)}/{p.plan_code}",
            "custom_fields": [],
        })
    return body


def pricebook(store, currency_code: str, full: bool = True) -> dict:
    """A price list as Zoho Billing's ``/pricebooks`` answers it (a ``per_item`` list)."""
    body = {
        "pricebook_id": pricebooks.pricebook_id(currency_code),
        "name": f"{currency_code} prices",
        "description": f"Plan and addon prices for customers billed in {currency_code}",
        "currency_id": currency_id(currency_code),
        "currency_code": currency_code,
        "status": "active",
        "is_default": False,
        "pricebook_type": "per_item",
        "percentage": 0,
        "is_increase": False,
        "rounding_type": "no_rounding",
        "sales_or_purchase_type": "sales",
        "decimal_place": store.organization.price_precision,
    }
    if full:
        body["pricebook_items"] = [
            {"pricebook_item_id": entry_id, "item_id": pricebooks.item_id(code), "product_code": code,
             "pricebook_rate": rate}
            for entry_id, code, rate in pricebooks.entries(store, currency_code)]
    return body


def _subscribe_token(store) -> str:
    import hashlib

    return hashlib.sha256(f"subscribe:{store.organization.organization_id}".encode()).hexdigest()


def addon(store, a: Addon, full: bool = True) -> dict:
    body = {
        "name": a.name,
        "addon_code": a.addon_code,
        "description": a.description,
        "status": a.status,
        "unit_name": a.unit_name,
        "product_id": a.product_id,
        **_item_tax(store, a.tax_id),
        "applicable_to_all_plans": a.applicable_to_all_plans,
        "type": a.type,
        "created_time": ts(store, a.created_time),
        "updated_time": ts(store, a.updated_time),
        "pricing_scheme": a.pricing_scheme,
        "price_brackets": [{"start_quantity": b.start_quantity, "end_quantity": b.end_quantity, "price": b.price}
                           for b in (a.brackets or [PriceBracket(1, -1, a.price)])],
    }
    if a.type == "recurring":
        body["interval_unit"] = a.interval_unit
    if full:
        body.update({
            "account_id": "187955000000000388",
            "account_name": "Sales",
            "stock_on_hand": "",
            "plans": [{"plan_code": code, "name": store.plans[code].name}
                      for code in a.plan_codes if code in store.plans],
            "custom_fields": [],
        })
    return body


def coupon(store, c: Coupon) -> dict:
    return {
        "coupon_code": c.coupon_code,
        "name": c.name,
        "description": c.description,
        "type": c.type,
        "duration": c.duration,
        "status": c.status_on(store.today()),
        "discount_by": c.discount_by,
        "discount_value": c.discount_value,
        "product_id": c.product_id,
        "max_redemption": c.max_redemption,
        "redemption_count": c.redemption_count,
        "expiry_at": d(c.expiry_at),
        "apply_to_plans": c.apply_to_plans,
        "plans": [{"plan_code": code, "name": store.plans[code].name} for code in c.plan_codes if code in store.plans],
        "apply_to_addons": c.apply_to_addons,
        "addons": [{"addon_code": code, "name": store.addons[code].name}
                   for code in c.addon_codes if code in store.addons],
        "created_time": ts(store, c.created_time),
        "updated_time": ts(store, c.updated_time),
    }


# ---- customers --------------------------------------------------------------------------------

def customer_balances(store, customer_id: str) -> tuple[Decimal, Decimal]:
    """(outstanding, unused_credits): open invoice balances; open credit-note balances plus the
    excess of payments (paid, applied to no invoice, not refunded)."""
    outstanding = ZERO
    for invoice in store.customer_objects(customer_id, "invoices", store.invoices):
        if not invoice.is_void and not invoice.is_draft:
            outstanding += invoice.balance
    credits = sum((n.balance for n in store.customer_objects(customer_id, "creditnotes", store.creditnotes)), ZERO)
    excess = sum((p.unused for p in store.customer_objects(customer_id, "payments", store.payments)), ZERO)
    return outstanding, credits + excess


def customer(store, c: Customer, full: bool = True) -> dict:
    outstanding, unused = customer_balances(store, c.customer_id)
    body = {
        "display_name": c.display_name,
        "customer_id": c.customer_id,
        "currency_code": c.currency_code,
        "currency_symbol": currency_symbol(c.currency_code),
        "status": c.status,
        "company_name": c.company_name,
        "unused_credits": unused,
        "outstanding_receivable_amount": outstanding,
        "outstanding": outstanding,
        "salutation": c.salutation,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "email": c.email,
        "phone": c.phone,
        "mobile": c.mobile,
        "website": c.website,
        "language_code": c.language_code,
        "is_gapps_customer": False,
        "is_portal_enabled": c.is_portal_enabled,
        "created_time": ts(store, c.created_time),
        "updated_time": ts(store, c.updated_time),
    }
    if not full:
        return body
    body.update({
        "currency_id": currency_id(c.currency_code),
        "source": c.source,
        "payment_reminder_enabled": True,
        "price_precision": store.organization.price_precision,
        "pricebook_id": pricebooks.of_currency(store, c.currency_code),
        "zcrm_account_id": c.zcrm_account_id,
        "zcrm_contact_id": c.zcrm_contact_id,
        "custom_fields": [dict(f) for f in c.custom_fields],
        "tags": [],
        "payment_terms": c.payment_terms,
        "payment_terms_label": c.payment_terms_label,
        "unused_credits_receivable_amount": unused,
        "unused_credits_receivable_amount_bcy": unused,
        "unused_credits_payable_amount": ZERO,
        "unused_credits_payable_amount_bcy": ZERO,
        "is_linked_with_zohocrm": bool(c.zcrm_account_id or c.zcrm_contact_id),
        "primary_contactperson_id": c.primary_contactperson_id,
        "billing_address": _address(c.billing_address),
        "shipping_address": _address(c.shipping_address),
        "fax": c.fax,
        "twitter": c.twitter,
        "facebook": c.facebook,
        "skype": c.skype,
        "department": c.department,
        "designation": c.designation,
        "can_add_card": True,
        "can_add_bank_account": False,
        "ach_supported": False,
        "notes": c.notes,
        "default_templates": {"invoice_template_id": "", "creditnote_template_id": ""},
        "documents": [],
    })
    # The resolved taxability first (a boolean, whatever was sent), then the other tax fields as sent.
    own_tax = taxes.customer_tax(store, c.tax_fields)
    body.update({
        "is_taxable": taxes.is_taxable(c.tax_fields),
        "tax_id": own_tax.tax_id if own_tax else "",
        "tax_name": own_tax.tax_name if own_tax else "",
        "tax_percentage": own_tax.tax_percentage if own_tax else "",
    })
    for key, value in c.tax_fields.items():
        body.setdefault(key, value)
    return body


def contact_person(store, p: ContactPerson, full: bool = True) -> dict:
    body = {
        "contactperson_id": p.contactperson_id,
        "salutation": p.salutation,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "phone": p.phone,
        "mobile": p.mobile,
        "is_primary_contact": p.is_primary_contact,
    }
    if full:
        body.update({
            "fax": p.fax,
            "designation": p.designation,
            "department": p.department,
            "customer_id": p.customer_id,
            "created_time": ts(store, p.created_time),
            "updated_time": ts(store, p.updated_time),
        })
    return body


def card(store, c: Card, full: bool = True) -> dict:
    body = {
        "card_id": c.card_id,
        "customer_id": c.customer_id,
        "status": c.status,
        "last_four_digits": c.last_four_digits,
        "expiry_month": c.expiry_month,
        "expiry_year": c.expiry_year,
        "payment_gateway": c.payment_gateway,
        "created_time": ts(store, c.created_time),
        "updated_time": ts(store, c.updated_time),
    }
    if full:
        body.update({
            "first_name": c.first_name,
            "last_name": c.last_name,
            "street": c.street,
            "city": c.city,
            "state": c.state,
            "zip": c.zip,
            "country": c.country,
        })
    return body


# ---- subscriptions --------------------------------------------------------------------------

def _line_tax(tax: Tax | None, prefix: str = "") -> dict:
    """A subscription line's tax fields (recorded: all ``""`` when the line is untaxed)."""
    return {
        f"{prefix}tax_id": tax.tax_id if tax else "",
        f"{prefix}tax_name": tax.tax_name if tax else "",
        f"{prefix}tax_percentage": tax.tax_percentage if tax else "",
        f"{prefix}tax_type": tax.tax_type if tax else "",
    }


def _plan_line(store, sub: Subscription) -> dict:
    p = store.plans.get(sub.plan.code)
    customer_obj = store.customers[sub.customer_id]
    tax_obj = taxes.line_tax_for(store, customer_obj, sub.plan.code)
    return {
        "plan_code": sub.plan.code,
        "name": sub.plan.name,
        "description": sub.plan.description,
        "plan_description": sub.plan.description,
        "price": sub.plan.price,
        "quantity": _qty(sub.plan.quantity),
        "discount": ZERO,
        "total": pricing.line_total(sub.plan),
        "setup_fee": sub.setup_fee,
        "billing_cycles": p.billing_cycles if p else -1,
        "trial_days": p.trial_period if p else 0,
        **_line_tax(tax_obj),
        **_line_tax(tax_obj if sub.setup_fee > 0 else None, "setup_fee_"),
    }


def _addon_lines(store, customer_obj: Customer, items) -> list[dict]:
    return [{
        "addon_code": a.code,
        "name": a.name,
        "addon_description": a.description,
        "description": a.description,
        "quantity": _qty(a.quantity),
        "price": a.price,
        "discount": ZERO,
        "total": pricing.line_total(a),
        **_line_tax(taxes.line_tax_for(store, customer_obj, a.code)),
    } for a in items]


def _term_taxes(store, customer_obj: Customer, plan_item: SubscriptionItem, addons: list[SubscriptionItem],
                discount: Decimal) -> tuple[list[dict], Decimal]:
    """A subscription's ``taxes[]`` (``tax_amount`` a string, subscription.yml) and their sum."""
    rows = taxes.term_taxes(store, customer_obj, plan_item, addons, discount)
    return ([{"tax_id": t.tax_id, "tax_name": t.tax_name, "tax_amount": money_string(amount)} for t, amount in rows],
            sum((amount for _, amount in rows), ZERO))


def _qty(quantity: Decimal):
    # Quantities are whole numbers in every Zoho sample; keep a fraction if one was sent.
    return int(quantity) if quantity == quantity.to_integral_value() else quantity


def subscription_customer(store, c: Customer) -> dict:
    return {
        "customer_id": c.customer_id,
        "display_name": c.display_name,
        "salutation": c.salutation,
        "company_name": c.company_name,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "email": c.email,
        "website": c.website,
        "zcrm_account_id": c.zcrm_account_id,
        "zcrm_contact_id": c.zcrm_contact_id,
        "billing_address": _address(c.billing_address),
        "shipping_address": _address(c.shipping_address),
        "payment_terms": c.payment_terms,
        "payment_terms_label": c.payment_terms_label,
    }


def subscription(store, sub: Subscription, full: bool = True) -> dict:
    product_obj = store.products.get(sub.product_id)
    customer_obj = store.customers[sub.customer_id]
    total, discount, amount = pricing.amounts(store, sub)
    # ``amount`` is what a term charges: the lines after the coupon, plus their exclusive taxes.
    taxes_out, tax_total = _term_taxes(store, customer_obj, sub.plan, sub.addons, discount)
    amount += tax_total
    body = {
        "customer_id": sub.customer_id,
        "customer_name": customer_obj.display_name,
        "email": customer_obj.email,
        "plan_name": sub.plan.name,
        "plan_code": sub.plan.code,
        "subscription_id": sub.subscription_id,
        "subscription_number": "SUB-" + sub.subscription_id[-5:],
        "name": f"{product_obj.name if product_obj else ''}-{sub.plan.name}",
        "status": sub.status,
        "sub_total": total,
        "amount": amount,
        "created_at": d(sub.created_at),
        "activated_at": d(sub.activated_at),
        "trial_starts_at": d(sub.trial_starts_at),
        "trial_ends_at": d(sub.trial_ends_at),
        "current_term_starts_at": d(sub.current_term_starts_at),
        "current_term_ends_at": d(sub.current_term_ends_at),
        "last_billing_at": d(sub.last_billing_at),
        "next_billing_at": d(sub.next_billing_at),
        "expires_at": d(sub.expires_at),
        "cancelled_at": d(sub.cancelled_at),
        "interval": sub.interval,
        "interval_unit": sub.interval_unit,
        "auto_collect": sub.auto_collect,
        "created_time": ts(store, sub.created_time),
        "updated_time": ts(store, sub.updated_time),
        "reference_id": sub.reference_id,
        "salesperson_id": sub.salesperson_id,
        "salesperson_name": sub.salesperson_name,
        "currency_code": sub.currency_code,
        "currency_symbol": currency_symbol(sub.currency_code),
    }
    if not full:
        return body
    coupon_obj = pricing.active_coupon(store, sub)
    card_obj = store.cards.get(sub.card_id) if sub.card_id else None
    body.update({
        "source": sub.source,
        "child_invoice_id": sub.child_invoice_id,
        "end_of_term": sub.end_of_term,
        "product_id": sub.product_id,
        "product_name": product_obj.name if product_obj else "",
        "plan": _plan_line(store, sub),
        "addons": _addon_lines(store, customer_obj, sub.addons),
        "taxes": taxes_out,
        "payment_terms": sub.payment_terms,
        "payment_terms_label": sub.payment_terms_label,
        "can_add_bank_account": False,
        "customer": subscription_customer(store, customer_obj),
        "custom_fields": [dict(f) for f in sub.custom_fields],
        "contactpersons": [
            {"contactperson_id": p.contactperson_id, "email": p.email, "phone": p.phone,
             "mobile": p.mobile, "zcrm_contact_id": ""}
            for p in (store.contact_persons.get(i) for i in sub.contactperson_ids) if p is not None
        ],
        "notes": [note(store, n) for n in sub.notes],
        "payment_gateways": [{"payment_gateway": card_obj.payment_gateway}] if card_obj else [],
        "next_retry_at": "",
    })
    if coupon_obj is not None:
        body["coupon"] = {"coupon_code": coupon_obj.coupon_code, "coupon_name": coupon_obj.name,
                          "discount_amount": discount}
    if card_obj is not None and card_obj.status == "active":
        body["card"] = {
            "card_id": card_obj.card_id,
            "last_four_digits": card_obj.last_four_digits,
            "payment_gateway": card_obj.payment_gateway,
            "expiry_month": card_obj.expiry_month,
            "expiry_year": card_obj.expiry_year,
        }
    return body


def scheduled_changes(store, sub: Subscription) -> dict:
    """The subscription as it will look after its pending end-of-term change."""
    change = sub.scheduled_change
    assert change is not None
    product_obj = store.products.get(sub.product_id)
    total, discount, _ = pricing.term_amounts(store, pricing.active_coupon(store, sub), change.plan, change.addons)
    plan_obj = store.plans.get(change.plan.code)
    customer_obj = store.customers[sub.customer_id]
    taxes_out, tax_total = _term_taxes(store, customer_obj, change.plan, change.addons, discount)
    plan_tax = taxes.line_tax_for(store, customer_obj, change.plan.code)
    body = {
        "subscription_id": sub.subscription_id,
        "name": f"{product_obj.name if product_obj else ''}-{change.plan.name}",
        "status": sub.status,
        "amount": total - discount + tax_total,
        "sub_total": total,
        "created_at": d(sub.created_at),
        "activated_at": d(sub.activated_at),
        "current_term_starts_at": d(sub.current_term_ends_at),
        "current_term_ends_at": d(
            _term_end(sub.current_term_ends_at, plan_obj) if sub.current_term_ends_at and plan_obj else None),
        "last_billing_at": d(sub.last_billing_at),
        "next_billing_at": d(sub.next_billing_at),
        "expires_at": d(sub.expires_at),
        "interval": plan_obj.interval if plan_obj else sub.interval,
        "interval_unit": plan_obj.interval_unit if plan_obj else sub.interval_unit,
        "auto_collect": sub.auto_collect,
        "created_time": ts(store, sub.created_time),
        "updated_time": ts(store, change.requested_time),
        "reference_id": sub.reference_id,
        "salesperson_id": sub.salesperson_id,
        "salesperson_name": sub.salesperson_name,
        "currency_code": sub.currency_code,
        "currency_symbol": currency_symbol(sub.currency_code),
        "product_id": sub.product_id,
        "plan": {
            "plan_code": change.plan.code, "name": change.plan.name,
            "plan_description": change.plan.description, "quantity": _qty(change.plan.quantity),
            "price": change.plan.price, "discount": ZERO, "total": pricing.line_total(change.plan),
            "setup_fee": ZERO, "tax_id": plan_tax.tax_id if plan_tax else "", "trial_days": 0,
        },
        "addons": _addon_lines(store, customer_obj, change.addons),
        "taxes": taxes_out,
        "tax_id": plan_tax.tax_id if plan_tax else "",
    }
    return body


def _term_end(start: date, plan_obj: Plan) -> date:
    from .dates import add_interval

    return add_interval(start, plan_obj.interval, plan_obj.interval_unit)


def note(store, n) -> dict:
    return {"note_id": n.note_id, "description": n.description, "commented_by": n.commented_by,
            "commented_time": ts(store, n.commented_time)}


# ---- invoices, payments, credit notes --------------------------------------------------------

def _document_line_tax(item) -> dict:
    """An invoice or credit note line's tax as it was billed (``tax_percentage`` a number, invoices.yml)."""
    return {
        "tax_id": item.tax_id,
        "tax_name": item.tax_name,
        "tax_type": "tax" if item.tax_id else "",
        "tax_percentage": item.tax_percentage if item.tax_id else 0,
    }


def invoice(store, inv: Invoice, full: bool = True) -> dict:
    customer_obj = store.customers[inv.customer_id]
    today = store.today()
    body = {
        "invoice_id": inv.invoice_id,
        "number": inv.number,
        "invoice_number": inv.number,
        "status": inv.status_on(today),
        "invoice_date": d(inv.invoice_date),
        "due_date": d(inv.due_date),
        "customer_id": inv.customer_id,
        "customer_name": customer_obj.display_name,
        "email": customer_obj.email,
        "balance": inv.balance,
        "total": inv.total,
        "payment_made": inv.payment_made,
        "currency_code": inv.currency_code,
        "currency_symbol": currency_symbol(inv.currency_code),
        "transaction_type": inv.transaction_type,
        "has_attachment": bool(inv.attachments),
        "created_time": ts(store, inv.created_time),
        "updated_time": ts(store, inv.updated_time),
    }
    if not full:
        return body
    payments_out = []
    for share in inv.payments:
        payment_obj = store.payments[share.payment_id]
        payments_out.append({
            "payment_id": payment_obj.payment_id,
            "payment_mode": payment_obj.payment_mode,
            "invoice_payment_id": share.invoice_payment_id,
            "gateway_transaction_id": payment_obj.gateway_transaction_id,
            "description": payment_obj.description,
            "date": d(payment_obj.date),
            "reference_number": payment_obj.reference_number,
            "amount": share.amount,
            "amount_refunded": payment_obj.amount_refunded,
            "bank_charges": payment_obj.bank_charges,
            "exchange_rate": 1,
        })
    credits_out = []
    for credit in inv.credits:
        note_obj = store.creditnotes[credit.creditnote_id]
        credits_out.append({
            "creditnote_id": note_obj.creditnote_id,
            "creditnotes_number": note_obj.number,
            "creditnotes_invoice_id": credit.creditnote_invoice_id,
            "credited_date": d(credit.credited_date),
            # A number like every other amount in the sandbox (the spec's string type is a doc artefact).
            "credited_amount": credit.amount,
        })
    body.update({
        "payment_expected_date": "",
        "ach_payment_initiated": False,
        "subscription_id": inv.subscription_id,
        "invoice_items": [{
            "item_id": item.item_id,
            "product_id": item.product_id,
            "code": item.code,
            "name": item.name,
            "description": item.description,
            "price": item.price,
            "quantity": _qty(item.quantity),
            "discount_amount": item.discount_amount,
            "item_total": item.item_total,
            **_document_line_tax(item),
            "tax_exemption_id": "",
            "tax_exemption_code": "",
        } for item in inv.items],
        "coupons": ([{"coupon_code": inv.coupon_code, "coupon_name": inv.coupon_name,
                      "discount_amount": inv.coupon_discount}] if inv.coupon_code else []),
        "credits": credits_out,
        "credits_applied": inv.credits_applied,
        "write_off_amount": inv.write_off_amount,
        "payments": payments_out,
        "sub_total": inv.sub_total,
        "tax_total": inv.tax_total,
        "is_inclusive_tax": False,
        # An invoice's tax_amount is a number (invoices.yml), unlike subscriptions' and credit notes'.
        "taxes": [{"tax_id": tax_id, "tax_name": label, "tax_amount": amount}
                  for tax_id, label, amount in taxes.summarize(inv.items)],
        "salesperson_id": "",
        "salesperson_name": inv.salesperson_name,
        "reference_number": inv.reference_number,
        "notes": inv.notes,
        "terms": inv.terms,
        "is_emailed": inv.emailed,
        "invoice_url": f"{store.base_url}/portal/invoices/{inv.invoice_id}",
        "billing_address": _address(invoice_address(inv, customer_obj, "billing_address"), with_attention=False),
        "shipping_address": _address(invoice_address(inv, customer_obj, "shipping_address"), with_attention=False),
        "comments": [dict(c) for c in inv.comments],
        "custom_fields": [dict(f) for f in inv.custom_fields],
        "can_send_in_mail": all(a.can_send_in_mail for a in inv.attachments),
        "documents": [attachment(store, a) for a in inv.attachments],
    })
    return body


def invoice_address(inv: Invoice, customer_obj: Customer, kind: str) -> dict:
    """The address printed on the invoice: its own once set (PUT .../address), else the customer's."""
    own = getattr(inv, kind)
    return own if own is not None else getattr(customer_obj, kind)


def attachment(store, a) -> dict:
    return {"file_name": a.file_name, "file_type": a.file_name.rsplit(".", 1)[-1].lower(),
            "file_size": len(a.content), "file_size_formatted": f"{len(a.content) / 1024:.1f} KB",
            "can_send_in_mail": a.can_send_in_mail, "uploaded_on": ts(store, a.created_time)}


def payment(store, p: Payment) -> dict:
    customer_obj = store.customers[p.customer_id]
    invoices_out = []
    for application in p.applications:
        inv = store.invoices[application.invoice_id]
        invoices_out.append({
            "invoice_id": inv.invoice_id,
            "invoice_number": inv.number,
            "date": d(inv.invoice_date),
            "invoice_amount": inv.total,
            "amount_applied": application.amount_applied,
            "balance_amount": inv.balance,
        })
    body = {
        "payment_id": p.payment_id,
        "payment_mode": p.payment_mode,
        "amount": p.amount,
        "amount_refunded": p.amount_refunded,
        "bank_charges": p.bank_charges,
        "date": d(p.date),
        "status": p.status,
        "reference_number": p.reference_number,
        "description": p.description,
        "customer_id": p.customer_id,
        "customer_name": customer_obj.display_name,
        "email": customer_obj.email,
        "invoices": invoices_out,
        "unused_amount": p.unused,
        "currency_code": p.currency_code,
        "currency_symbol": currency_symbol(p.currency_code),
        "exchange_rate": 1,
        "custom_fields": [dict(f) for f in p.custom_fields],
        "created_time": ts(store, p.created_time),
        "updated_time": ts(store, p.updated_time),
    }
    if p.payment_mode == "autotransaction" or p.card_id:
        body["autotransaction"] = autotransaction(store, p)
    return body


def autotransaction(store, charge) -> dict:
    """The gateway side of a card payment or refund (its ``autotransaction`` object)."""
    card_obj = store.cards.get(charge.card_id) if charge.card_id else None
    return {
        "autotransaction_id": charge.autotransaction_id,
        "payment_gateway": charge.payment_gateway,
        "gateway_transaction_id": charge.gateway_transaction_id,
        "gateway_error_message": "",
        "card_id": charge.card_id,
        "last_four_digits": card_obj.last_four_digits if card_obj else "",
        "expiry_month": card_obj.expiry_month if card_obj else "",
        "expiry_year": card_obj.expiry_year if card_obj else "",
    }


def declined_payment(store, inv: Invoice, card_obj: Card, amount: Decimal, message: str) -> dict:
    """The failed attempt as the ``payment_declined`` event carries it (failures are not stored)."""
    customer_obj = store.customers[inv.customer_id]
    return {
        "payment_id": "",
        "payment_mode": "autotransaction",
        "amount": amount,
        "date": d(store.today()),
        "status": "failure",
        "reference_number": inv.number,
        "description": message,
        "customer_id": inv.customer_id,
        "customer_name": customer_obj.display_name,
        "email": customer_obj.email,
        "invoices": [{"invoice_id": inv.invoice_id, "invoice_number": inv.number, "date": d(inv.invoice_date),
                      "invoice_amount": inv.total, "amount_applied": ZERO, "balance_amount": inv.balance}],
        "currency_code": inv.currency_code,
        "currency_symbol": currency_symbol(inv.currency_code),
        "autotransaction": {
            "autotransaction_id": "",
            "payment_gateway": card_obj.payment_gateway,
            "gateway_transaction_id": "",
            "gateway_error_message": message,
            "card_id": card_obj.card_id,
            "last_four_digits": card_obj.last_four_digits,
            "expiry_month": card_obj.expiry_month,
            "expiry_year": card_obj.expiry_year,
        },
    }


def creditnote(store, n: CreditNote, full: bool = True) -> dict:
    customer_obj = store.customers[n.customer_id]
    body = {
        "creditnote_id": n.creditnote_id,
        "creditnote_number": n.number,
        "date": d(n.date),
        "status": n.status,
        "customer_id": n.customer_id,
        "customer_name": customer_obj.display_name,
        "reference_number": n.reference_number,
        "email": customer_obj.email,
        "total": n.total,
        "balance": n.balance,
        "currency_code": n.currency_code,
        "currency_symbol": currency_symbol(n.currency_code),
        "created_time": ts(store, n.created_time),
        "updated_time": ts(store, n.updated_time),
    }
    if not full:
        return body
    body.update({
        "custom_fields": [dict(f) for f in n.custom_fields],
        "creditnote_items": [{
            "item_id": item.item_id,
            "code": item.code,
            "name": item.name,
            "description": item.description,
            "quantity": _qty(item.quantity),
            "price": item.price,
            "item_total": item.item_total,
            **_document_line_tax(item),
            "account_id": "187955000000000388",
            "account_name": "Sales",
        } for item in n.items],
        "invoices": [{"invoice_id": a.invoice_id, "invoice_number": store.invoices[a.invoice_id].number,
                      "creditnotes_invoice_id": a.creditnote_invoice_id, "amount": a.amount, "date": d(a.date)}
                     for a in n.applications if a.invoice_id in store.invoices],
        "refunds": [{"refund_id": r.refund_id, "amount": r.amount, "date": d(store.refunds[r.refund_id].date)}
                    for r in n.refunds if r.refund_id in store.refunds],
        "sub_total": n.sub_total,
        "tax_total": n.tax_total,
        "is_inclusive_tax": False,
        # A string, as credit-notes.yml has it ("2.50").
        "taxes": [{"tax_id": tax_id, "tax_name": label, "tax_amount": money_string(amount)}
                  for tax_id, label, amount in taxes.summarize(n.items)],
        "template_id": "",
        "template_name": "Standard Template",
        "notes": n.notes,
        "terms": n.terms,
    })
    return body


def refund(store, r) -> dict:
    """A refund as refunds.yml shapes it, with the credit note it went through (if any)."""
    customer_obj = store.customers[r.customer_id]
    note = store.creditnotes.get(r.creditnote_id) if r.creditnote_id else None
    body = {
        "refund_id": r.refund_id,
        "date": d(r.date),
        "amount": r.amount,
        "description": r.description,
        "reference_number": r.reference_number,
        "refund_mode": r.refund_mode,
        "status": r.status,
        "customer_id": r.customer_id,
        "customer_name": customer_obj.display_name,
        "email": customer_obj.email,
        "payment_id": r.payment_id,
        "creditnote": {
            "creditnote_id": note.creditnote_id if note else "",
            "creditnote_number": note.number if note else "",
            "date": d(note.date) if note else "",
            "amount": note.total if note else ZERO,
            "refund_amount": next((x.amount for x in note.refunds if x.refund_id == r.refund_id), ZERO) if note else ZERO,
            "balance_amount": note.balance if note else ZERO,
        },
        "currency_code": r.currency_code,
        "currency_symbol": currency_symbol(r.currency_code),
    }
    if r.refund_mode == "autotransaction":
        body["autotransaction"] = autotransaction(store, r)
    return body


def activity(store, a) -> dict:
    return {"activity_id": a.activity_id, "description": a.description,
            "activity_time": ts(store, a.activity_time), "commented_by": a.commented_by}


def transaction_rows(store, customer_id: str | None, kinds: set[str]) -> list[dict]:
    """Rows of ``GET /transactions``: invoices, payments and credit notes, newest first.

    ``transaction_id`` is the id to fetch the object with (``/invoices/{id}``, ``/payments/{id}``,
    ``/creditnotes/{id}``); ``reference_id`` is what it relates to (the invoice a payment or credit
    note was applied to first, an invoice's subscription).
    """
    rows: list[tuple[date, str, dict]] = []
    customer_ids = [customer_id] if customer_id else list(store.customers)
    today = store.today()
    for cid in customer_ids:
        if "invoice" in kinds:
            for inv in store.customer_objects(cid, "invoices", store.invoices):
                if inv.is_draft:
                    continue
                rows.append((inv.invoice_date, inv.invoice_id, {
                    "transaction_id": inv.invoice_id, "reference_id": inv.subscription_id,
                    "reference_number": inv.number, "customer_id": cid, "date": d(inv.invoice_date),
                    "type": "invoice", "transaction_type": "invoice", "status": inv.status_on(today),
                    "amount": money_string(inv.total), "balance": money_string(inv.balance),
                    "currency_code": inv.currency_code}))
        if "payment" in kinds:
            for p in store.customer_objects(cid, "payments", store.payments):
                ref = p.applications[0].invoice_id if p.applications else ""
                rows.append((p.date, p.payment_id, {
                    "transaction_id": p.payment_id, "reference_id": ref,
                    "reference_number": p.reference_number, "customer_id": cid, "date": d(p.date),
                    "type": "payment", "transaction_type": "payment", "status": p.status,
                    "amount": money_string(p.amount), "balance": money_string(p.unused),
                    "currency_code": p.currency_code}))
        if "refund" in kinds:
            for r in store.customer_objects(cid, "refunds", store.refunds):
                rows.append((r.date, r.refund_id, {
                    "transaction_id": r.refund_id, "reference_id": r.payment_id or r.creditnote_id,
                    "reference_number": r.reference_number, "customer_id": cid, "date": d(r.date),
                    "type": "refund", "transaction_type": "refund", "status": r.status,
                    "amount": money_string(r.amount), "balance": money_string(ZERO),
                    "currency_code": r.currency_code}))
        if "creditnote" in kinds:
            for n in store.customer_objects(cid, "creditnotes", store.creditnotes):
                ref = n.applications[0].invoice_id if n.applications else ""
                rows.append((n.date, n.creditnote_id, {
                    "transaction_id": n.creditnote_id, "reference_id": ref,
                    "reference_number": n.number, "customer_id": cid, "date": d(n.date),
                    "type": "creditnote", "transaction_type": "creditnote", "status": n.status,
                    "amount": money_string(n.total), "balance": money_string(n.balance),
                    "currency_code": n.currency_code}))
    rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
    return [r[2] for r in rows]


def hostedpage(store, page: HostedPage, with_data: bool = False) -> dict:
    body = {
        "hostedpage_id": page.hostedpage_id,
        "status": page.status,
        "url": f"{store.base_url}/hostedpage/2-{page.hostedpage_id}/checkout",
        "action": page.action,
        "expiring_time": ts(store, page.expiring_time),
        "created_time": ts(store, page.created_time),
    }
    if with_data:
        body["custom_fields"] = []
        body["data"] = page.data
    return body
