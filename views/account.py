"""Blueprint ``account`` (/account): the signed-in person's sign-in and security settings:
change password, two-factor authentication, sign out everywhere."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from db.models import PortalUser
from extensions import db, limiter
from services import password_reset, two_factor
from services.accounts import AccountError
from services.directory import organization
from views.auth import auth_ip_limit
from views.auth_forms import ChangePasswordForm, EmptyForm, PasswordConfirmForm, TotpConfirmForm
from views.auth_session import audit_context, start_session

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def require_sign_in():
    """Every page here is for a person signed in with a portal password. A session that came
    from the product's handoff has no portal account to manage."""
    if current_user.via_handoff:
        status = 200 if request.method == "GET" else 403
        return render_template("account/handoff_session.html"), status
    return None


def _me() -> PortalUser:
    # These pages act on the account itself, so they read it (unlike the per-request loader).
    return db.get_or_404(PortalUser, current_user.user_id)


def _issuer() -> str:
    """The name authenticator apps show next to the code: the company's."""
    org = organization()
    return (org.name if org else None) or two_factor.ISSUER


@bp.get("")
def security():
    return render_template("account/security.html", me=_me(), form=EmptyForm())


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit(auth_ip_limit, methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_template("account/password.html", form=form), 422 if form.is_submitted() else 200
    try:
        user = password_reset.change_password(
            current_user.user_id, form.current_password.data, form.password.data, audit_context()
        )
    except AccountError as error:
        db.session.commit()  # keep the failed attempt's audit row and count
        return render_template("account/password.html", form=form, error=error.message), error.status
    db.session.commit()
    start_session(user)  # other sessions died with the old version; this one continues on the new one
    flash("Your password has been changed. Other devices have been signed out.", "success")
    return redirect(url_for("account.security"), 303)


def _two_factor_page(me: PortalUser, status: int = 200, **forms):
    """The page shows the QR code only while an enrolment is pending (started by a POST)."""
    enrolment = two_factor.current_enrolment(me, issuer=_issuer())
    forms.setdefault("confirm_form", TotpConfirmForm())
    forms.setdefault("disable_form", PasswordConfirmForm())
    return render_template(
        "account/two_factor.html", me=me, enrolment=enrolment, start_form=EmptyForm(), **forms
    ), status


@bp.get("/2fa")
def two_factor_settings():
    return _two_factor_page(_me())


@bp.post("/2fa/start")
def two_factor_start():
    two_factor.begin_enrolment(_me())
    db.session.commit()
    return redirect(url_for("account.two_factor_settings"), 303)


@bp.post("/2fa/confirm")
def two_factor_confirm():
    me = _me()
    form = TotpConfirmForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(me, form.code.data, audit_context())
        except two_factor.TwoFactorError as error:
            form.code.errors.append(error.message)
        else:
            db.session.commit()
            return render_template("account/recovery_codes.html", codes=codes)
    return _two_factor_page(me, 422, confirm_form=form)


@bp.post("/2fa/disable")
def two_factor_disable():
    me = _me()
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(me, form.password.data, audit_context())
        except two_factor.TwoFactorError as error:
            form.password.errors.append(error.message)
        else:
            db.session.commit()
            flash("Two-factor authentication is off.", "success")
            return redirect(url_for("account.security"), 303)
    return _two_factor_page(me, 422, disable_form=form)
