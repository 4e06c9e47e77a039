"""The customer's profile: company and contact details, addresses, tax id, and contact persons.

A Zoho refusal is shown next to the field it names (or above the form), with everything the person
typed kept in the form; nothing is saved unless Zoho accepted it.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from services.profile import ADDRESS_FIELDS, profile_service_for
from services.subscriptions_actions import ActionRefused
from views.auth_session import audit_context
from views.portal_actions.forms import ADDRESS_PREFIXES, ContactPersonForm, EmptyForm, ProfileForm
from views.portal_actions.subscriptions import owned_only
from views.portal_home import bp
from views.write_actions import actor_of, report_outcome, write_action


def _service():
    return profile_service_for(current_user.customer_id)


def _fill_profile_form(form: ProfileForm, profile) -> None:
    customer = profile.customer
    for name in ("display_name", "company_name", "first_name", "last_name", "email", "phone", "mobile", "website"):
        getattr(form, name).data = getattr(customer, name) or ""
    form.tax_id.data = profile.tax_id or ""
    for prefix in ADDRESS_PREFIXES:
        address = getattr(customer, f"{prefix}_address")
        for key in ADDRESS_FIELDS:
            getattr(form, f"{prefix}_{key}").data = (getattr(address, key, None) or "") if address else ""


def _show_refusal(form, refused: ActionRefused) -> str | None:
    """Put Zoho's sentence next to its field; returns it as a page error when no field is named."""
    field = getattr(form, refused.field, None) if refused.field else None
    if field is not None:
        field.errors = [*field.errors, refused.message]
        return None
    return refused.message


@bp.route("/profile", methods=["GET", "POST"], endpoint="profile")
@write_action("update_profile")
def profile():
    service = _service()
    current = service.profile()
    form = ProfileForm()
    if request.method == "GET":
        _fill_profile_form(form, current)
        return render_template("portal/profile.html", profile=current, form=form, error=None,
                               invite_form=EmptyForm())
    error = None
    if form.validate():
        values = {field.name: field.data for field in form if field.name != "csrf_token"}
        try:
            _, changed = service.update_details(values)
        except ActionRefused as refused:
            report_outcome("refused", zoho_code=refused.code, field=refused.field)
            error = _show_refusal(form, refused)
        else:
            report_outcome("succeeded" if changed else "unchanged", fields=changed)
            flash("Your details have been saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("portal.profile"), 303)
    else:
        report_outcome("invalid_form")
    return render_template("portal/profile.html", profile=current, form=form, error=error,
                           invite_form=EmptyForm()), 422


@bp.route("/profile/contacts/new", methods=["GET", "POST"], endpoint="add_contact_person")
@write_action("add_contact_person", back="portal.profile")
def add_contact_person():
    form = ContactPersonForm()
    error = None
    if request.method == "POST":
        if form.validate():
            try:
                person = _service().add_contact({f.name: f.data for f in form if f.name != "csrf_token"})
            except ActionRefused as refused:
                report_outcome("refused", zoho_code=refused.code, field=refused.field)
                error = _show_refusal(form, refused)
            else:
                report_outcome("succeeded", contactperson_id=person.contactperson_id)
                flash(f"{person.email} has been added as a contact person.", "success")
                return redirect(url_for("portal.profile") + "#contacts", 303)
        else:
            report_outcome("invalid_form")
    status = 422 if request.method == "POST" else 200
    return render_template("portal/contact_person.html", form=form, person=None, error=error), status


@bp.route("/profile/contacts/<contactperson_id>", methods=["GET", "POST"], endpoint="edit_contact_person")
@write_action("edit_contact_person", back="portal.profile")
def edit_contact_person(contactperson_id: str):
    service = _service()
    with owned_only():
        person = service.contact(contactperson_id)
        form = ContactPersonForm()
        error = None
        if request.method == "GET":
            for f in form:
                if f.name != "csrf_token":
                    f.data = getattr(person, f.name, None) or ""
        elif form.validate():
            try:
                updated = service.update_contact(contactperson_id, {f.name: f.data for f in form if f.name != "csrf_token"})
            except ActionRefused as refused:
                report_outcome("refused", zoho_code=refused.code, field=refused.field)
                error = _show_refusal(form, refused)
            else:
                report_outcome("succeeded", contactperson_id=contactperson_id)
                flash(f"The details of {updated.email} have been saved.", "success")
                return redirect(url_for("portal.profile") + "#contacts", 303)
        else:
            report_outcome("invalid_form")
    status = 422 if request.method == "POST" else 200
    return render_template("portal/contact_person.html", form=form, person=person, error=error,
                           remove_form=EmptyForm()), status


@bp.route("/profile/contacts/<contactperson_id>/remove", methods=["GET", "POST"], endpoint="remove_contact_person")
@write_action("remove_contact_person", back="portal.profile")
def remove_contact_person(contactperson_id: str):
    service = _service()
    form = EmptyForm()
    with owned_only():
        person = service.contact(contactperson_id)
        if request.method == "GET":
            return render_template("portal/contact_person_remove.html", person=person, form=form, error=None)
        if not form.validate():
            abort(400)
        try:
            service.remove_contact(contactperson_id)
        except ActionRefused as refused:
            report_outcome("refused", zoho_code=refused.code)
            return render_template("portal/contact_person_remove.html", person=person, form=form,
                                   error=refused.message), 422
    report_outcome("succeeded", contactperson_id=contactperson_id)
    flash(f"{person.email} is no longer a contact person.", "success")
    return redirect(url_for("portal.profile") + "#contacts", 303)


@bp.route("/profile/contacts/<contactperson_id>/invite", methods=["POST"], endpoint="invite_contact_person")
@write_action("invite_contact_person", back="portal.profile")
def invite_contact_person(contactperson_id: str):
    if not EmptyForm().validate():
        abort(400)
    with owned_only():
        try:
            person, _ = _service().invite_contact(contactperson_id, audit_context(), actor_of(current_user))
        except ActionRefused as refused:
            report_outcome("refused")
            flash(refused.message, "error")
            return redirect(url_for("portal.profile") + "#contacts", 303)
    report_outcome("succeeded", contactperson_id=contactperson_id)
    flash(f"An invitation to the billing portal has been emailed to {person.email}.", "success")
    return redirect(url_for("portal.profile") + "#contacts", 303)
