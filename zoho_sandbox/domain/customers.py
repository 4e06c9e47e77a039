"""Customer records: the writable fields of create/update bodies, shared by the customers API,
subscription creation with a new ``customer{}`` and the ``newsubscription`` hosted page."""
from __future__ import annotations

from . import errors, serialize, taxes
from .models import Customer
from .money import CURRENCIES

TEXT_FIELDS = ("display_name", "salutation", "first_name", "last_name", "company_name", "email", "phone", "mobile",
               "fax", "website", "twitter", "facebook", "skype", "department", "designation", "notes",
               "payment_terms_label")
ADDRESS_KEYS = ("attention", "street", "city", "state", "state_code", "zip", "country", "fax")
TAX_FIELDS = ("is_taxable", "tax_id", "tax_authority_id", "tax_authority_name", "tax_exemption_id",
              "tax_exemption_code", "gst_no", "gst_treatment", "place_of_contact", "vat_treatment", "vat_reg_no",
              "tax_reg_no", "tax_treatment", "tax_regime", "country_code")


def _apply_address(target: dict, value) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise errors.invalid_field("billing_address")
    for key in ADDRESS_KEYS:
        if key in value:
            target[key] = "" if value[key] is None else str(value[key])
    # Zoho addresses carry one street line; a second one sent Books-style is folded into it.
    if value.get("street2"):
        target["street"] = f"{target.get('street', '')}, {value['street2']}".strip(", ")


def _apply_custom_fields(store, customer: Customer, value) -> None:
    if value is None:
        return
    if not isinstance(value, list):
        raise errors.invalid_field("custom_fields")
    for entry in value:
        if not isinstance(entry, dict):
            raise errors.invalid_field("custom_fields")
        index, label = entry.get("index"), entry.get("label")
        definition = next((d for d in store.customer_custom_fields
                           if (index is not None and str(d["index"]) == str(index))
                           or (label and d["label"].casefold() == str(label).casefold())), None)
        if definition is None:
            raise errors.invalid_field("custom_fields")
        text = "" if entry.get("value") is None else str(entry.get("value"))
        existing = next((f for f in customer.custom_fields if f["index"] == definition["index"]), None)
        if existing is None:
            customer.custom_fields.append({"index": definition["index"], "label": definition["label"],
                                           "value": text, "data_type": definition["data_type"]})
        else:
            existing["value"] = text
    customer.custom_fields.sort(key=lambda f: f["index"])


def apply_customer_fields(store, customer: Customer, body: dict) -> None:
    """Copy the writable fields of a create/update body onto the customer (partial update)."""
    # Checked before anything changes: an unknown tax id must not leave a half-updated customer.
    taxes.validate_customer_fields(store, {**customer.tax_fields, **{k: body[k] for k in TAX_FIELDS if k in body}})
    for name in TEXT_FIELDS:
        if name in body:
            value = body[name]
            if value is not None and not isinstance(value, (str, int, float)):
                raise errors.invalid_field(name)
            setattr(customer, name, "" if value is None else str(value))
    if "display_name" in body and not customer.display_name.strip():
        raise errors.missing_field("display_name")
    if "email" in body and customer.email and "@" not in customer.email:
        raise errors.invalid_field("email")
    if "is_portal_enabled" in body:
        customer.is_portal_enabled = bool(body["is_portal_enabled"])
    if "payment_terms" in body:
        try:
            customer.payment_terms = int(body["payment_terms"])
        except (TypeError, ValueError):
            raise errors.invalid_field("payment_terms")
        if "payment_terms_label" not in body:
            customer.payment_terms_label = serialize.PAYMENT_TERMS_LABELS.get(
                customer.payment_terms, f"Net {customer.payment_terms}")
    _apply_address(customer.billing_address, body.get("billing_address"))
    _apply_address(customer.shipping_address, body.get("shipping_address"))
    _apply_custom_fields(store, customer, body.get("custom_fields"))
    for name in TAX_FIELDS:
        if name in body:
            customer.tax_fields[name] = body[name]
    customer.updated_time = store.now()


def create_customer(store, body: dict) -> Customer:
    if not isinstance(body, dict) or not str(body.get("display_name") or "").strip():
        raise errors.missing_field("display_name")
    currency = str(body.get("currency_code") or store.organization.currency_code).upper()
    if currency not in CURRENCIES:
        raise errors.invalid_field("currency_code")
    now = store.now()
    customer = Customer(customer_id=store.new_id(), display_name="", email="", currency_code=currency,
                        created_time=now, updated_time=now)
    apply_customer_fields(store, customer, body)
    store.add_customer(customer)
    store.emit("customer_created", lambda: {"customer": serialize.customer(store, customer)})
    return customer
