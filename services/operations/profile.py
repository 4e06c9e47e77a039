"""The customer's profile in Zoho: company and contact details, billing and shipping addresses, the
tax registration number, and contact persons (add, edit, remove, invite to the portal).

Only the fields listed here ever reach Zoho (a form may carry anything; ``customer_id``, ``status``,
``outstanding`` and the like are dropped before the call). A contact person id from a URL is checked
against the customer's own contact persons before any call that carries it (``NotOwned`` → 404).
Zoho's refusals become ``ActionRefused`` naming the form field they concern where Zoho's sentence
says so ("Invalid value passed for email."), so that the page shows the message next to that field
and keeps what the person typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from zoho_client.models import ContactPerson, Customer

from services.context import CustomerContext
from services.operations import zoho_write
from services.ownership import require_listed
from services.policy import Action, ActionRefused, customers as customer_policy
from services.texts import profile as words

DETAIL_FIELDS = ("display_name", "company_name", "first_name", "last_name", "email", "phone", "mobile", "website")
ADDRESS_FIELDS = ("attention", "street", "city", "state", "zip", "country")
ADDRESSES = ("billing", "shipping")
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "mobile", "designation", "department")
DETAIL_FORM_FIELDS = DETAIL_FIELDS + ("billing_street", "shipping_street", "tax_id")

# Zoho names the offending body field in its sentence; this maps it onto the form's field.
ZOHO_FIELD = re.compile(r"\b(?:for|of)\s+([a-z_]+)\b", re.IGNORECASE)
FORM_FIELD_OF = {
    **{name: name for name in DETAIL_FIELDS + CONTACT_FIELDS},
    "billing_address": "billing_street",
    "shipping_address": "shipping_street",
    "custom_fields": "tax_id",
}


@dataclass(frozen=True)
class ContactAccess:
    """A contact person and their portal access to this customer (``access``: None, ``pending``,
    ``active`` or ``disabled``; another customer's access of the same address is never looked at)."""

    person: ContactPerson
    access: str | None


@dataclass(frozen=True)
class Profile:
    customer: Customer
    tax_id: str | None
    tax_id_label: str
    contacts: tuple[ContactAccess, ...]


def field_naming(allowed: tuple[str, ...]):
    """The form field a Zoho refusal is about, when its sentence names one the form has."""

    def field_of(message: str) -> str | None:
        for match in ZOHO_FIELD.finditer(message or ""):
            name = FORM_FIELD_OF.get(match.group(1).lower())
            if name in allowed:
                return name
        return None

    return field_of


def address_body(values: Mapping[str, Any], prefix: str) -> dict[str, str] | None:
    keys = [f"{prefix}_{name}" for name in ADDRESS_FIELDS]
    if not any(key in values for key in keys):
        return None
    return {name: _text(values.get(f"{prefix}_{name}")) for name in ADDRESS_FIELDS}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# -- reads ------------------------------------------------------------------------------------------------


def profile(ctx: CustomerContext) -> Profile:
    """The profile page, through the read model's cache like every page: invalidated by every write
    and webhook, and servable as of its last read while Zoho is down. Saving re-reads Zoho first."""
    from services import accounts

    customer = ctx.billing.customer()
    people = ctx.billing.contact_persons()
    access = accounts.portal_access(ctx.customer_id, [p.email for p in people if p.email])
    return Profile(customer, tax_id_of(ctx, customer), ctx.settings.PROFILE_TAX_ID_FIELD,
                   tuple(ContactAccess(p, access.get((p.email or "").lower())) for p in people))


def contacts(ctx: CustomerContext) -> tuple[ContactPerson, ...]:
    """Fresh from Zoho: what a change to a contact person is checked against."""
    return tuple(c for c in ctx.zoho.contactpersons.list(ctx.customer_id) if c.customer_id in (None, ctx.customer_id))


def contact(ctx: CustomerContext, contactperson_id: str) -> ContactPerson:
    require_listed("contact person", contactperson_id, {c.contactperson_id for c in contacts(ctx)})
    return ctx.zoho.contactpersons.get(ctx.customer_id, contactperson_id)


def tax_id_of(ctx: CustomerContext, customer: Customer) -> str | None:
    wanted = ctx.settings.PROFILE_TAX_ID_FIELD.casefold()
    for field in customer.custom_fields:
        if (field.label or "").casefold() == wanted:
            return field.value or None
    return None


# -- writes ----------------------------------------------------------------------------------------------


def update_details(ctx: CustomerContext, values: Mapping[str, Any]) -> tuple[Customer, list[str]]:
    """Save the whitelisted details; returns the customer and the names of the fields that changed."""
    customer_policy.decide(Action.UPDATE_PROFILE, ctx.actor).require()
    current = ctx.zoho.customers.get(ctx.customer_id)
    body: dict[str, Any] = {name: _text(values[name]) for name in DETAIL_FIELDS if name in values}
    if "display_name" in body and not body["display_name"]:
        raise ActionRefused(words.DISPLAY_NAME_REQUIRED, field="display_name")
    for prefix in ADDRESSES:
        address = address_body(values, prefix)
        if address is not None:
            body[f"{prefix}_address"] = address
    if "tax_id" in values and _text(values["tax_id"]) != (tax_id_of(ctx, current) or ""):
        body["custom_fields"] = [{"label": ctx.settings.PROFILE_TAX_ID_FIELD, "value": _text(values["tax_id"])}]
    changed = sorted(_changed(current, body))
    if not changed:
        return current, []
    updated = zoho_write(ctx, lambda: ctx.zoho.customers.update(ctx.customer_id, **body),
                         field_of=field_naming(DETAIL_FORM_FIELDS))
    return updated, changed


def add_contact(ctx: CustomerContext, values: Mapping[str, Any]) -> ContactPerson:
    customer_policy.decide(Action.ADD_CONTACT_PERSON, ctx.actor).require()
    body = {name: _text(values[name]) for name in CONTACT_FIELDS if name in values}
    email = body.pop("email", "")
    return zoho_write(ctx, lambda: ctx.zoho.contactpersons.create(ctx.customer_id, email=email, **body),
                      field_of=field_naming(CONTACT_FIELDS))


def update_contact(ctx: CustomerContext, contactperson_id: str, values: Mapping[str, Any]) -> ContactPerson:
    contact(ctx, contactperson_id)
    customer_policy.decide(Action.EDIT_CONTACT_PERSON, ctx.actor).require()
    body = {name: _text(values[name]) for name in CONTACT_FIELDS if name in values}
    return zoho_write(ctx, lambda: ctx.zoho.contactpersons.update(ctx.customer_id, contactperson_id, **body),
                      field_of=field_naming(CONTACT_FIELDS))


def remove_contact(ctx: CustomerContext, contactperson_id: str) -> ContactPerson:
    """Remove a contact person; their portal access to this customer ends with it."""
    from services import accounts

    person = contact(ctx, contactperson_id)
    customer_policy.decide(Action.REMOVE_CONTACT_PERSON, ctx.actor).require()
    zoho_write(ctx, lambda: ctx.zoho.contactpersons.delete(ctx.customer_id, contactperson_id))
    if person.email:
        accounts.disable_membership(person.email, ctx.customer_id, ctx.audit, actor=ctx.actor.audit_name)
    return person


def invite_contact(ctx: CustomerContext, contactperson_id: str):
    """Invite a contact person to this customer's portal, or send their invitation again (the accounts
    service mails the link; the pipeline commits). Whatever portal access the address has with
    another customer is neither changed nor told: the answer is the same for every address."""
    from services import accounts

    person = contact(ctx, contactperson_id)
    customer_policy.decide(Action.INVITE_CONTACT_PERSON, ctx.actor).require()
    if not person.email:
        raise ActionRefused(words.NO_EMAIL_TO_INVITE)
    access = accounts.portal_access(ctx.customer_id, [person.email]).get(person.email.lower())
    if access == accounts.ACTIVE:
        raise ActionRefused(words.ALREADY_HAS_ACCESS)
    if access == accounts.DISABLED:
        raise ActionRefused(words.ACCESS_SWITCHED_OFF)
    try:
        invitation = accounts.invite(person.email, ctx.audit, actor=ctx.actor.audit_name, customer_id=ctx.customer_id)
    except accounts.AccountError as error:
        raise ActionRefused(error.message) from error
    return person, invitation, access == accounts.PENDING


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
