"""The customer's profile: company and contact details, addresses, tax id, and contact persons.

A refusal from Zoho is shown next to the field it names (or above the form), with everything the
person typed kept in the form; nothing is saved unless Zoho accepted it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for

from services import accounts
from services.context import CustomerContext
from services.operations import profile as operations
from services.policy import ActionRefused, customers as customer_policy
from services.texts import profile as words
from views.portal.buttons import Button, button
from views.portal.forms import ADDRESS_PREFIXES, ContactPersonForm, EmptyForm, ProfileForm


def _contacts_url() -> str:
    return url_for("portal.profile") + "#contacts"


def _fill_profile_form(form: ProfileForm, found: operations.Profile) -> None:
    customer = found.customer
    for name in ("display_name", "company_name", "first_name", "last_name", "email", "phone", "mobile", "website"):
        getattr(form, name).data = getattr(customer, name) or ""
    form.tax_id.data = found.tax_id or ""
    for prefix in ADDRESS_PREFIXES:
        address = getattr(customer, f"{prefix}_address")
        for key in operations.ADDRESS_FIELDS:
            getattr(form, f"{prefix}_{key}").data = (getattr(address, key, None) or "") if address else ""


def _show_refusal(ctx: CustomerContext, form, refused: ActionRefused) -> str | None:
    """Put Zoho's sentence next to its field; returns it as a page error when no field is named."""
    ctx.report("refused", zoho_code=refused.code, field=refused.field)
    field = getattr(form, refused.field, None) if refused.field else None
    if field is not None:
        field.errors = [*field.errors, refused.message]
        return None
    return refused.message


def _values(form) -> dict:
    return {field.name: field.data for field in form if field.name != "csrf_token"}


@dataclass(frozen=True)
class ContactRow:
    person: object  # zoho_client.models.ContactPerson
    access: str  # the person's portal access to this customer, in words
    invite: Button | None  # "Invite", or "Resend invitation" while one is pending


ACCESS_WORDS = {None: words.ACCESS_NONE, accounts.PENDING: words.ACCESS_INVITED, accounts.ACTIVE: words.ACCESS_ACTIVE,
                accounts.DISABLED: words.ACCESS_DISABLED}


def _contact_rows(ctx: CustomerContext, found: operations.Profile) -> list[ContactRow]:
    rows = []
    for item in found.contacts:
        decision = customer_policy.decide_invite(ctx.actor, has_email=bool(item.person.email),
                                                 has_access=item.access in (accounts.ACTIVE, accounts.DISABLED))
        label = words.BUTTON_RESEND if item.access == accounts.PENDING else words.BUTTON_INVITE
        rows.append(ContactRow(item.person, ACCESS_WORDS.get(item.access, words.ACCESS_NONE),
                               button([decision], label, contactperson_id=item.person.contactperson_id)))
    return rows


def _page(ctx: CustomerContext, current: operations.Profile, form, error, status: int = 200):
    return render_template("portal/profile.html", profile=current, contacts=_contact_rows(ctx, current), form=form,
                           error=error), status


def show(ctx: CustomerContext):
    current = operations.profile(ctx)
    form = ProfileForm()
    if request.method == "GET":
        _fill_profile_form(form, current)
        return _page(ctx, current, form, None)
    error = None
    if form.validate():
        try:
            _, changed = operations.update_details(ctx, _values(form))
        except ActionRefused as refused:
            error = _show_refusal(ctx, form, refused)
        else:
            ctx.report("succeeded" if changed else "unchanged", fields=changed)
            flash(words.SAVED if changed else words.NOTHING_CHANGED, "success")
            return redirect(url_for("portal.profile"), 303)
    else:
        ctx.report("invalid_form")
    return _page(ctx, current, form, error, 422)


def add_contact(ctx: CustomerContext):
    form = ContactPersonForm()
    error = None
    if request.method == "POST":
        if form.validate():
            try:
                person = operations.add_contact(ctx, _values(form))
            except ActionRefused as refused:
                error = _show_refusal(ctx, form, refused)
            else:
                ctx.report("succeeded", contactperson_id=person.contactperson_id)
                flash(words.contact_added(person.email), "success")
                return redirect(_contacts_url(), 303)
        else:
            ctx.report("invalid_form")
    status = 422 if request.method == "POST" else 200
    return render_template("portal/contact_person.html", form=form, person=None, error=error), status


def edit_contact(ctx: CustomerContext, contactperson_id: str):
    person = operations.contact(ctx, contactperson_id)
    form = ContactPersonForm()
    error = None
    if request.method == "GET":
        for field in form:
            if field.name != "csrf_token":
                field.data = getattr(person, field.name, None) or ""
    elif form.validate():
        try:
            updated = operations.update_contact(ctx, contactperson_id, _values(form))
        except ActionRefused as refused:
            error = _show_refusal(ctx, form, refused)
        else:
            ctx.report("succeeded", contactperson_id=contactperson_id)
            flash(words.contact_saved(updated.email), "success")
            return redirect(_contacts_url(), 303)
    else:
        ctx.report("invalid_form")
    status = 422 if request.method == "POST" else 200
    return render_template("portal/contact_person.html", form=form, person=person, error=error,
                           remove_form=EmptyForm()), status


def remove_contact(ctx: CustomerContext, contactperson_id: str):
    person = operations.contact(ctx, contactperson_id)
    form = EmptyForm()
    if request.method == "GET":
        return render_template("portal/contact_person_remove.html", person=person, form=form, error=None)
    try:
        operations.remove_contact(ctx, contactperson_id)
    except ActionRefused as refused:
        _show_refusal(ctx, form, refused)
        return render_template("portal/contact_person_remove.html", person=person, form=form,
                               error=refused.message), 422
    ctx.report("succeeded", contactperson_id=contactperson_id)
    flash(words.contact_removed(person.email), "success")
    return redirect(_contacts_url(), 303)


def invite_contact(ctx: CustomerContext, contactperson_id: str):
    person, _, resent = operations.invite_contact(ctx, contactperson_id)
    ctx.report("succeeded", contactperson_id=contactperson_id, resent=resent)
    flash((words.invitation_resent if resent else words.invitation_sent)(person.email), "success")
    return redirect(_contacts_url(), 303)
