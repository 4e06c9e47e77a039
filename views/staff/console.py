"""The console's customer pages: the search, one customer's overview with the actions the role
allows, and starting and ending a support view ("View as customer")."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from services import impersonation, support
from services.accounts import AccountError
from services.context import StaffContext
from services.impersonation import ViewRefused, ViewRequest
from services.policy import customers as customer_policy
from services.texts import staff as words
from views.errors import render_error
from views.portal.params import page_number, pager
from views.auth_forms import EmptyForm
from views.staff.forms import InviteForm, ViewAsCustomerForm
from views.staff_session import close_view, current_view, open_view
from zoho_client.errors import ZohoNotFound, ZohoValidationError


def home(ctx: StaffContext):
    query = request.args.get("q", "").strip()[:100]
    page = page_number(request.args)
    results = support.search(ctx, query, page)
    paging = pager(page, results.has_more_page, lambda n: url_for("staff.home", q=query or None, page=n))
    return render_template("staff/home.html", query=query, results=results.items, pager=paging,
                           customer_status=customer_policy.status_view)


def customer(ctx: StaffContext, customer_id: str):
    try:
        found = support.overview(ctx, customer_id)
    except (ZohoNotFound, ZohoValidationError):
        abort(404)
    return render_template("staff/customer.html", overview=found, c=found.customer,
                           status=customer_policy.status_view(found.customer),
                           view_form=ViewAsCustomerForm(), form=EmptyForm(), invite_form=InviteForm(),
                           open_view=current_view(), config_minutes=ctx.settings.IMPERSONATION_MINUTES)


def start_view(ctx: StaffContext, customer_id: str):
    form = ViewAsCustomerForm()
    settings = ctx.settings
    try:
        wanted = ViewRequest.parse(customer_id, form.reason.data, form.ticket.data)
        view = impersonation.start(ctx.staff, wanted, ctx.zoho, ctx.audit, session_id=ctx.staff.session_id,
                                   minutes=settings.IMPERSONATION_MINUTES, notify=settings.IMPERSONATION_NOTIFY)
    except ViewRefused as refusal:
        ctx.report(f"refused_{refusal.status}", customer_id=customer_id)
        if refusal.status == 404:
            abort(404)
        return render_error(refusal.status, detail=refusal.message)
    open_view(view)
    ctx.report("started", customer_id=customer_id, impersonation_id=view.id)
    flash(words.VIEW_STARTED, "info")
    return redirect(url_for("portal.home"), 303)


def end_view(ctx: StaffContext):
    view = close_view("manual")
    if view is None:
        return redirect(url_for("staff.home"), 303)
    ctx.report("ended", customer_id=view.customer_id, impersonation_id=view.id)
    flash(words.VIEW_ENDED, "success")
    return redirect(url_for("staff.customer", customer_id=view.customer_id), 303)


def _person_action(ctx: StaffContext, customer_id: str, act, message: str, **kwargs):
    try:
        email = act(ctx, customer_id, **kwargs)
    except AccountError as error:
        ctx.report("refused", customer_id=customer_id)
        flash(error.message, "error")
    else:
        ctx.report("completed", customer_id=customer_id)
        flash(message % {"email": email}, "success")
    return redirect(url_for("staff.customer", customer_id=customer_id) + "#people", 303)


def invite(ctx: StaffContext, customer_id: str):
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    return _person_action(ctx, customer_id, support.invite, words.INVITED, email=form.email.data)


def disable_person(ctx: StaffContext, customer_id: str, user_id: int):
    return _person_action(ctx, customer_id, support.disable, words.DISABLED, user_id=user_id)


def reset_person_two_factor(ctx: StaffContext, customer_id: str, user_id: int):
    return _person_action(ctx, customer_id, support.reset_two_factor, words.TWO_FACTOR_RESET, user_id=user_id)


def unlock_person(ctx: StaffContext, customer_id: str, user_id: int):
    return _person_action(ctx, customer_id, support.unlock, words.UNLOCKED, user_id=user_id)
