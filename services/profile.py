"""The customer's profile in Zoho: company and contact details, billing and shipping addresses, the
tax registration number, and contact persons (add, edit, remove, invite to the portal).

Only the fields listed here ever reach Zoho (a form may carry anything; ``customer_id``, ``status``,
``outstanding`` and the like are dropped before the call). The customer is always the signed-in one;
a contact person id from a URL is checked against the customer's own contact persons before any call
that carries it (``NotOwned`` → 404). Zoho's refusals become ``ActionRefused`` naming the form field
they concern where Zoho's sentence says so ("Invalid value passed for email."), so that the page can
show the message next to that field and keep what the person typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, TypeVar

from zoho_client.errors import ZohoForbidden, ZohoNotFound, ZohoValidationError
from zoho_client.models import ContactPerson, Customer

from services.audit import AuditContext
from services.cache import BillingCache
from services.ownership import require_listed
from services.subscriptions_actions import ActionRefused

T = TypeVar("T")

DETAIL_FIELDS = ("display_name", "company_name", "first_name", "last_name", "email", "phone", "mobile", "website")
ADDRESS_FIELDS = ("attention", "street", "city", "state", "zip", "country")
ADDRESSES = ("billing", "shipping")
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "mobile", "designation", "department")

# Zoho names the offending body field in its sentence; this maps it onto the form's field.
ZOHO_FIELD = re.compile(r"\b(?:for|of)\s+([a-z_]+)\b", re.IGNORECASE)
FORM_FIELD_OF = {
    **{name: name for name in DETAIL_FIELDS + CONTACT_FIELDS},
    "billing_address": "billing_street",
    "shipping_address": "shipping_street",
    "custom_fields": "tax_id",
}


@dataclass(frozen=True)
class Profile:
    customer: Customer
    tax_id: str | None
    tax_id_label: str
    contacts: tuple[ContactPerson, ...]


def profile_service_for(customer_id: str) -> "ProfileService":
    from flask import current_app

    from services.zoho import get_zoho

    return ProfileService(customer_id, get_zoho(), current_app.extensions["billing"].cache,
                          current_app.extensions["settings"].PROFILE_TAX_ID_FIELD)


def zoho_field(message: str | None, allowed: tuple[str, ...]) -> str | None:
    """The form field a Zoho refusal is about, when its sentence names one the form has."""
    for match in ZOHO_FIELD.finditer(message or ""):
        name = FORM_FIELD_OF.get(match.group(1).lower())
        if name in allowed:
            return name
    return None


def address_body(values: Mapping[str, Any], prefix: str) -> dict[str, str] | None:
    keys = [f"{prefix}_{name}" for name in ADDRESS_FIELDS]
    if not any(key in values for key in keys):
        return None
    return {name: _text(values.get(f"{prefix}_{name}")) for name in ADDRESS_FIELDS}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class ProfileService:
    def __init__(self, customer_id: str, client, cache: BillingCache, tax_id_label: str) -> None:
        if not isinstance(customer_id, str) or not customer_id:
            raise ValueError("a customer id is required")
        self.customer_id = customer_id
        self._zoho = client
        self._cache = cache
        self.tax_id_label = tax_id_label

    # reads (fresh: an edit form starts from Zoho's current values)

    def profile(self) -> Profile:
        customer = self._zoho.customers.get(self.customer_id)
        return Profile(customer, self.tax_id_of(customer), self.tax_id_label, self.contacts())

    def contacts(self) -> tuple[ContactPerson, ...]:
        return tuple(c for c in self._zoho.contactpersons.list(self.customer_id)
                     if c.customer_id in (None, self.customer_id))

    def contact(self, contactperson_id: str) -> ContactPerson:
        require_listed("contact person", contactperson_id, {c.contactperson_id for c in self.contacts()})
        return self._zoho.contactpersons.get(self.customer_id, contactperson_id)

    def tax_id_of(self, customer: Customer) -> str | None:
        wanted = self.tax_id_label.casefold()
        for field in customer.custom_fields:
            if (field.label or "").casefold() == wanted:
                return field.value or None
        return None

    # writes

    def update_details(self, values: Mapping[str, Any]) -> tuple[Customer, list[str]]:
        """Save the whitelisted details; returns the customer and the names of the fields that changed."""
        current = self._zoho.customers.get(self.customer_id)
        body: dict[str, Any] = {name: _text(values[name]) for name in DETAIL_FIELDS if name in values}
        if "display_name" in body and not body["display_name"]:
            raise ActionRefused("Enter the name to show on invoices.", field="display_name")
        for prefix in ADDRESSES:
            address = address_body(values, prefix)
            if address is not None:
                body[f"{prefix}_address"] = address
        if "tax_id" in values and _text(values["tax_id"]) != (self.tax_id_of(current) or ""):
            body["custom_fields"] = [{"label": self.tax_id_label, "value": _text(values["tax_id"])}]
        changed = sorted(self._changed(current, body))
        if not changed:
            return current, []
        allowed = tuple(DETAIL_FIELDS) + ("billing_street", "shipping_street", "tax_id")
        updated = self._write(lambda: self._zoho.customers.update(self.customer_id, **body), allowed)
        return updated, changed

    def add_contact(self, values: Mapping[str, Any]) -> ContactPerson:
        body = {name: _text(values[name]) for name in CONTACT_FIELDS if name in values}
        email = body.pop("email", "")
        return self._write(lambda: self._zoho.contactpersons.create(self.customer_id, email=email, **body),
                           CONTACT_FIELDS)

    def update_contact(self, contactperson_id: str, values: Mapping[str, Any]) -> ContactPerson:
        self.contact(contactperson_id)
        body = {name: _text(values[name]) for name in CONTACT_FIELDS if name in values}
        return self._write(lambda: self._zoho.contactpersons.update(self.customer_id, contactperson_id, **body),
                           CONTACT_FIELDS)

    def remove_contact(self, contactperson_id: str) -> ContactPerson:
        person = self.contact(contactperson_id)
        self._write(lambda: self._zoho.contactpersons.delete(self.customer_id, contactperson_id), ())
        return person

    def invite_contact(self, contactperson_id: str, context: AuditContext, actor: str):
        """Invite a contact person to the portal (the accounts service mails the link; the caller commits)."""
        from services import accounts

        person = self.contact(contactperson_id)
        if not person.email:
            raise ActionRefused("This contact person has no email address to invite.")
        try:
            return person, accounts.invite(person.email, context, actor=actor, customer_id=self.customer_id)
        except accounts.AccountError as error:
            raise ActionRefused(error.message) from error

    # plumbing

    @staticmethod
    def _changed(current: Customer, body: Mapping[str, Any]) -> set[str]:
        changed = set()
        for name, value in body.items():
            if name.endswith("_address"):
                address = getattr(current, name)
                for key, text in value.items():
                    if (getattr(address, key, None) or "") != text:
                        changed.add(name)
            elif name == "custom_fields":
                changed.add("tax_id")
            elif (getattr(current, name, None) or "") != value:
                changed.add(name)
        return changed

    def _write(self, call: Callable[[], T], fields: tuple[str, ...]) -> T:
        try:
            return call()
        except (ZohoValidationError, ZohoForbidden, ZohoNotFound) as error:
            message = error.message or "The billing system refused the change."
            raise ActionRefused(message, field=zoho_field(message, fields), code=error.code) from error
        finally:
            self._cache.invalidate_customer(self.customer_id)
