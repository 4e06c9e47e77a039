"""The team, for admins: staff accounts, creating one (with its enrolment link), disabling, resetting
two-factor and changing roles. An admin can't do any of these to their own account."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from services import staff as staff_accounts
from services.accounts import AccountError
from services.context import StaffContext
from services.texts import staff as words
from views.auth_forms import EmptyForm
from views.staff.forms import ROLE_CHOICES, NewStaffForm, RoleForm
from services.texts import _


def _page(ctx: StaffContext, status: int = 200, *, form: NewStaffForm | None = None, link=None, message=None):
    return render_template("staff/team.html", team=staff_accounts.everyone(), form=form or NewStaffForm(),
                           role_choices=ROLE_CHOICES, action_form=EmptyForm(), link=link, message=message,
                           me=ctx.staff), status


def team(ctx: StaffContext):
    return _page(ctx)


def _member(staff_id: int):
    member = staff_accounts.get(staff_id)
    if member is None:
        raise AccountError(_("There is no such staff account."))
    return member


def create(ctx: StaffContext):
    form = NewStaffForm()
    if not form.validate_on_submit():
        ctx.report("refused")
        return _page(ctx, 422, form=form)
    try:
        link = staff_accounts.create(form.email.data, form.display_name.data, form.role.data,
                                     ctx.settings.PORTAL_BASE_URL, ctx.audit, actor=ctx.staff.audit_name)
    except AccountError as error:
        ctx.report("refused")
        return _page(ctx, error.status if error.status != 400 else 422, form=form, message=("error", error.message))
    ctx.report("completed", staff_id=link.staff.id)
    # The link is shown on this response only (never flashed into a cookie, never logged).
    return _page(ctx, link=link, message=("success", words.STAFF_CREATED))


def _act(ctx: StaffContext, staff_id: int, act, message: str, **kwargs):
    try:
        member = _member(staff_id)
        result = act(member.email, **kwargs)
    except AccountError as error:
        ctx.report("refused", staff_id=staff_id)
        flash(error.message, "error")
        return redirect(url_for("staff.team"), 303)
    ctx.report("completed", staff_id=staff_id)
    if isinstance(result, staff_accounts.EnrolmentLink):
        return _page(ctx, link=result, message=("success", message % {"email": member.email}))
    flash(message % {"email": member.email, "role": getattr(result, "role", "")}, "success")
    return redirect(url_for("staff.team"), 303)


def disable(ctx: StaffContext, staff_id: int):
    return _act(ctx, staff_id, lambda email: staff_accounts.disable(email, ctx.audit, actor=ctx.staff.audit_name),
                words.STAFF_DISABLED)


def reset_two_factor(ctx: StaffContext, staff_id: int):
    return _act(ctx, staff_id, lambda email: staff_accounts.reset_two_factor(
        email, ctx.settings.PORTAL_BASE_URL, ctx.audit, actor=ctx.staff.audit_name), words.STAFF_TWO_FACTOR_RESET)


def change_role(ctx: StaffContext, staff_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        ctx.report("refused", staff_id=staff_id)
        flash(_("Choose a role."), "error")
        return redirect(url_for("staff.team"), 303)
    return _act(ctx, staff_id, lambda email: staff_accounts.change_role(
        email, form.role.data, ctx.audit, actor=ctx.staff.audit_name), words.STAFF_ROLE_CHANGED)
