"""Who is who in Zoho, for accounts: the organization's profile (company name and contact
details for the header and the emails) and the person behind an email.

Reads go through the app's one Zoho client (``services.zoho.get_zoho``).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from services.zoho import get_zoho
from services.policy import customers as customer_policy


@dataclass(frozen=True)
class Invitee:
    """The Zoho person an email belongs to: a customer's own email or one of its contact persons."""

    email: str
    customer_id: str
    contact_person_id: str | None
    person_name: str
    customer_name: str


def organization():
    """The organization (``zoho_client.models.Organization``), or None if Zoho never answered.

    Read through the billing cache's organization entry (single-flight, stale-if-error, 10 min):
    the same one Home fetches, so the page header never costs an upstream call of its own.
    """
    from zoho_client.errors import ZohoError

    billing = current_app.extensions["billing"]
    try:
        return billing.cache.get_or_load(billing.cache.org_key("organization"), get_zoho().organization.get)
    except ZohoError:
        return None


def customer_language(customer_id: str | None) -> str | None:
    """The customer's language as the merchant set it in Zoho (``de``, ``pt_br``…), or None: not set,
    or Zoho did not answer (an email then goes out in English rather than not at all)."""
    from zoho_client.errors import ZohoError

    if not customer_id:
        return None
    try:
        return get_zoho().customers.get(customer_id).language_code or None
    except ZohoError:
        return None


def find_invitee(email: str, *, customer_id: str | None = None) -> Invitee | None:
    """The active Zoho customer or contact person whose email is ``email`` (normalised), or None.

    With ``customer_id`` (the staff console and the demo know it) only that customer is asked.
    Otherwise Zoho's customer search by email finds a customer's own address; Zoho Billing has
    no search over contact persons' emails, so those are looked for customer by customer.
    """
    from zoho_client.errors import ZohoNotFound

    client = get_zoho()
    if customer_id is not None:
        try:
            return _match(client, client.customers.get(customer_id), email)
        except ZohoNotFound:
            return None
    for customer in client.customers.iter_all(email=email):
        found = _match(client, customer, email)
        if found is not None:
            return found
    for customer in client.customers.iter_all(filter_by=customer_policy.ACTIVE_FILTER):
        found = _match(client, customer, email, primary=False)
        if found is not None:
            return found
    return None


def _match(client, customer, email: str, *, primary: bool = True) -> Invitee | None:
    if not customer_policy.is_active(customer):
        return None
    company = customer.company_name or customer.display_name or ""
    if primary and (customer.email or "").lower() == email:
        person = _join(customer.first_name, customer.last_name) or customer.display_name or email
        return Invitee(email, customer.customer_id, None, person, company)
    for contact in client.contactpersons.list(customer.customer_id):
        if (contact.email or "").lower() == email:
            person = _join(contact.first_name, contact.last_name) or email
            return Invitee(email, customer.customer_id, contact.contactperson_id, person, company)
    return None


def _join(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())
