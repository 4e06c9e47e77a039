"""Staff sign-in (email and password, then the code: two-factor is never optional for staff),
enrolment through the single-use link, and sign-out.

All state lives in the staff cookie (``views/staff_session.py``), never in the customer's session.
The enrolment link arrives as ``/staff/enrol?token=…``: the token moves into the staff cookie and the
browser is sent (303) to the same path without it, as the customers' emailed links are.
"""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, url_for

from extensions import limiter
from services import staff as staff_accounts, two_factor
from services.accounts import AccountError
from services.context import RequestContext, StaffContext
from services.safe_redirect import safe_next
from services.texts import staff as words
from views.auth import _invalid, _refused, auth_ip_limit  # the customers' sign-in pages answer the same way
from views.staff.forms import EnrolmentForm, StaffCodeForm, StaffLoginForm
from views.staff_session import (
    ENROLMENT_TOKEN, PENDING_SECOND_FACTOR, cookie, current_staff, end_staff_session, start_staff_session,
)

SECOND_FACTOR_WINDOW = 300  # seconds between the password step and the code step


def _console() -> str:
    return url_for("staff.home")


@limiter.limit(auth_ip_limit, methods=["POST"])
def login(ctx: RequestContext):
    form = StaffLoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_staff() is not None:
        return redirect(safe_next(form.next.data, _console()), 303)
    if not form.validate_on_submit():
        return _invalid("staff/login.html", form)
    try:
        staff = staff_accounts.check_password(form.email.data, form.password.data, ctx.audit)
    except AccountError as error:
        form.password.data = ""
        return _refused("staff/login.html", form, error)
    jar = cookie()
    jar.clear()
    jar.set(**{PENDING_SECOND_FACTOR: {"uid": staff.id, "at": int(time.time()), "next": form.next.data or ""}})
    return redirect(url_for("staff_auth.second_factor"), 303)


@limiter.limit(auth_ip_limit, methods=["POST"])
def second_factor(ctx: RequestContext):
    jar = cookie()
    pending = jar.get(PENDING_SECOND_FACTOR)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > SECOND_FACTOR_WINDOW:
        jar.pop(PENDING_SECOND_FACTOR)
        flash(words.SIGN_IN_AGAIN, "info")
        return redirect(url_for("staff_auth.login"), 303)
    form = StaffCodeForm()
    if not form.validate_on_submit():
        return _invalid("staff/second_factor.html", form)
    try:
        staff = staff_accounts.check_second_factor(int(pending["uid"]), form.code.data, ctx.audit)
    except AccountError as error:
        return _refused("staff/second_factor.html", form, error)
    staff_accounts.complete_sign_in(staff, ctx.audit)
    start_staff_session(staff)
    return redirect(safe_next(pending.get("next"), _console()), 303)


def logout(ctx: StaffContext):
    end_staff_session()
    ctx.report("signed_out")
    flash(words.SIGNED_OUT, "success")
    return redirect(url_for("staff_auth.login"), 303)


@limiter.limit(auth_ip_limit, methods=["POST"])
def enrol(ctx: RequestContext):
    jar = cookie()
    token = request.args.get("token")
    if token is not None:
        jar.set(**{ENROLMENT_TOKEN: token[:128]})
        return redirect(request.path, 303)
    token = jar.get(ENROLMENT_TOKEN)
    try:
        staff = staff_accounts.enrolment_for(token)
    except AccountError as error:
        return render_template("staff/link_invalid.html", message=error.message), 400
    form = EnrolmentForm()
    page = dict(staff=staff, needs_password=staff_accounts.needs_password(staff),
                enrolment=two_factor.current_enrolment(staff, issuer=staff_accounts.ISSUER))
    if not form.validate_on_submit():
        return _invalid("staff/enrol.html", form, **page)
    try:
        codes = staff_accounts.complete_enrolment(token, form.password.data, form.code.data, ctx.audit)
    except AccountError as error:
        return render_template("staff/enrol.html", form=form, error=error.message, **page), error.status
    jar.pop(ENROLMENT_TOKEN)
    flash(words.ENROLLED, "success")
    return render_template("staff/recovery_codes.html", codes=codes, sign_in_url=url_for("staff_auth.login"))


def enrolment_base_url() -> str:
    return current_app.extensions["settings"].PORTAL_BASE_URL
