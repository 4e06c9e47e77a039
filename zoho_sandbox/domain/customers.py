"""Customer records: the writable fields of create/update bodies, shared by the customers API,
subscription creation with a new ``customer{}`` and the ``newsubscription`` hosted page."""
from __future__ import annotations

from . import custom_fields, errors, fields, serialize, taxes
from .models import Customer
from .money import CURRENCIES

TEXT_FIELDS = ("display_name", "salutation", "first_name", "last_name", "company_name", "email", "phone", "mobile",
               "fax", "website", "twitter", "facebook", "skype", "department", "designation", "notes",
               "payment_terms_label", "language_code")
ADDRESS_KEYS = ("attention", "street", "city", "state", "state_code", "zip", "country", "fax")
TAX_FIELDS = ("is_taxable", "tax_id", "tax_authority_id", "tax_authority_name", "tax_exemption_id",
              "tax_exemption_code", "gst_no", "gst_treatment", "place_of_contact", "vat_treatment", "vat_reg_no",
              "tax_reg_no", "tax_treatment", "tax_regime", "country_code")


def apply_address(target: dict, value, name: str = "billing_address") -> None:
    """Copy the keys an address body sends onto ``target`` (a partial update)."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise errors.invalid_field(name)
    for key in ADDRESS_KEYS:
        if key in value:
            target[key] = fields.as_text(value[key], f"{name}.{key}")
    # Zoho addresses carry one street line; a second one sent Books-style is folded into it.
    street2 = fields.as_text(value.get("street2"), f"{name}.street2")
    if street2:
        target["street"] = f"{target.get('street', '')}, {street2}".strip(", ")


def apply_customer_fields(store, customer: Customer, body: dict) -> None:
    """Copy the writable fields of a create/update body onto the customer (partial update)."""
    # Everything is read and checked before anything changes: a bad field or an unknown tax id
    # must not leave a half-updated customer.
    sent_tax_fields = {k: (fields.flag(body, k, True) if k == "is_taxable" else fields.text(body, k))
                       for k in TAX_FIELDS if k in body}
    taxes.validate_customer_fields(store, {**customer.tax_fields, **sent_tax_fields})
    texts = {name: fields.text(body, name) for name in TEXT_FIELDS if name in body}
    if "display_name" in texts and not texts["display_name"].strip():
        raise errors.missing_field("display_name")
    if texts.get("email") and "@" not in texts["email"]:
        raise errors.invalid_field("email")
    currency = currency_of(body, default=customer.currency_code)
    if currency != customer.currency_code and has_transactions(store, customer.customer_id):
        raise errors.not_allowed("The currency of a customer with transactions cannot be changed.")
    portal = fields.flag(body, "is_portal_enabled", customer.is_portal_enabled)
    terms = fields.integer(body, "payment_terms", minimum=0)
    billing, shipping = dict(customer.billing_address), dict(customer.shipping_address)
    apply_address(billing, body.get("billing_address"), "billing_address")
    apply_address(shipping, body.get("shipping_address"), "shipping_address")
    custom = [dict(f) for f in customer.custom_fields]
    custom_fields.apply_defined(store.customer_custom_fields, custom, body.get("custom_fields"))

    for name, value in texts.items():
        setattr(customer, name, value)
    customer.currency_code = currency
    customer.is_portal_enabled = portal
    if terms is not None:
        customer.payment_terms = terms
        if "payment_terms_label" not in body:
            customer.payment_terms_label = serialize.PAYMENT_TERMS_LABELS.get(terms, f"Net {terms}")
    customer.billing_address, customer.shipping_address, customer.custom_fields = billing, shipping, custom
    customer.tax_fields.update(sent_tax_fields)
    customer.updated_time = store.now()


def has_transactions(store, customer_id: str) -> bool:
    index = store.by_customer.get(customer_id, {})
    return any(index.get(kind) for kind in ("subscriptions", "invoices", "payments", "creditnotes"))


def currency_of(body: dict, default: str) -> str:
    """The body's ``currency_code`` (any case), one the organization has; ``default`` when absent.
    The same check on create and update: a customer can never hold a currency it cannot bill in."""
    currency = fields.text(body, "currency_code").strip().upper() or default
    if currency not in CURRENCIES:
        raise errors.invalid_field("currency_code")
    return currency


def prospect(store, body: dict) -> Customer:
    """A customer as a create body describes it, checked but not stored: a hosted page prices its
    lines for the customer it will create, with the same currency and tax rules."""
    if not isinstance(body, dict) or not fields.text(body, "display_name").strip():
        raise errors.missing_field("display_name")
    currency = currency_of(body, default=store.organization.currency_code)
    now = store.now()
    customer = Customer(customer_id="", display_name="", email="", currency_code=currency,
                        created_time=now, updated_time=now)
    apply_customer_fields(store, customer, body)
    return customer


def create_customer(store, body: dict) -> Customer:
    customer = prospect(store, body)
    customer.customer_id = store.new_id()
    store.add_customer(customer)
    store.emit("customer_created", lambda: {"customer": serialize.customer(store, customer)})
    return customer
