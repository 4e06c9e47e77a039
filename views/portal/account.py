"""The signed-in person's own portal account: sign-in and security settings (change password,
two-factor authentication, sign out everywhere) and the password check before a payment.

Only a portal user has these; a session that came from the product's handoff has no portal
password, and support staff viewing an account never touch them (the policy refuses both). Staff
see the pages as a person of the customer would, with every button disabled, and no one's details.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from db.models import PortalUser
from extensions import db, limiter
from services import authentication, password_reset, passwords, two_factor
from services import audit
from services import accounts
from services.accounts import AccountError
from services.context import CustomerContext
from services.directory import organization
from services.safe_redirect import safe_next
from services.texts import account as words, payments as payment_words
from views.auth_forms import ChangePasswordForm, EmptyForm, PasswordConfirmForm, TotpConfirmForm
from views.auth_session import current_access, current_session_id, end_session, start_session
from views.pipeline import mark_reauthenticated


def _without_account():
    """The calm page for a session with no portal account of its own (from the product's handoff)."""
    return render_template("account/handoff_session.html")


def _me(ctx: CustomerContext) -> PortalUser:
    # These pages act on the account itself, so they read it (unlike the per-request session check).
    return db.get_or_404(PortalUser, ctx.actor.portal_user_id)


def _issuer() -> str:
    """The name authenticator apps show next to the code: the company's."""
    org = organization()
    return (org.name if org else None) or two_factor.ISSUER


def _me_if_any(ctx: CustomerContext) -> PortalUser | None:
    """The person's own account; None for support staff viewing (they are no one's account)."""
    return _me(ctx) if ctx.actor.has_portal_account else None


def security(ctx: CustomerContext):
    if ctx.actor.via_handoff:
        return _without_account()
    me = _me_if_any(ctx)
    return render_template("account/security.html", me=me, form=EmptyForm(),
                           memberships=accounts.active_memberships(me) if me else ())


def change_password(ctx: CustomerContext):
    if ctx.actor.via_handoff:
        return _without_account()
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_template("account/password.html", form=form), 422 if form.is_submitted() else 200
    try:
        user = password_reset.change_password(ctx.actor.portal_user_id, form.current_password.data,
                                              form.password.data, ctx.audit)
    except AccountError as error:
        ctx.report("refused")
        return render_template("account/password.html", form=form, error=error.message), error.status
    # Other sessions died with the old version; this one continues on the new one, on the same account.
    start_session(user, current_access())
    flash(words.PASSWORD_CHANGED, "success")
    return redirect(url_for("portal.account_security"), 303)


def _two_factor_page(me: PortalUser | None, status: int = 200, **forms):
    """The page shows the QR code only while an enrolment is pending (started by a POST)."""
    enrolment = two_factor.current_enrolment(me, issuer=_issuer()) if me is not None else None
    forms.setdefault("confirm_form", TotpConfirmForm())
    forms.setdefault("disable_form", PasswordConfirmForm())
    return render_template("account/two_factor.html", me=me, enrolment=enrolment, start_form=EmptyForm(),
                           **forms), status


def two_factor_settings(ctx: CustomerContext):
    if ctx.actor.via_handoff:
        return _without_account()
    return _two_factor_page(_me_if_any(ctx))


def two_factor_start(ctx: CustomerContext):
    two_factor.begin_enrolment(_me(ctx))
    return redirect(url_for("portal.two_factor"), 303)


def two_factor_confirm(ctx: CustomerContext):
    me = _me(ctx)
    form = TotpConfirmForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(me, form.code.data, ctx.audit)
        except two_factor.TwoFactorError as error:
            form.code.errors.append(error.message)
        else:
            return render_template("account/recovery_codes.html", codes=codes)
    ctx.report("refused")
    return _two_factor_page(me, 422, confirm_form=form)


def two_factor_disable(ctx: CustomerContext):
    me = _me(ctx)
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(me, form.password.data, ctx.audit)
        except two_factor.TwoFactorError as error:
            form.password.errors.append(error.message)
        else:
            flash(words.TWO_FACTOR_OFF, "success")
            return redirect(url_for("portal.account_security"), 303)
    ctx.report("refused")
    return _two_factor_page(me, 422, disable_form=form)


def sign_out_everywhere(ctx: CustomerContext):
    actor = ctx.actor
    if actor.has_portal_account:
        authentication.sign_out_everywhere(actor.portal_user_id, ctx.audit)
    else:  # no portal account: this one session is all there is
        authentication.sign_out(0, actor.customer_id, current_session_id(), ctx.audit)
    end_session()
    flash(words.SIGNED_OUT_EVERYWHERE, "success")
    return redirect(url_for("auth.login"), 303)


def _reauth_key() -> str:
    from views.pipeline import current_actor

    actor = current_actor()
    return f"reauth:{actor.portal_user_id if actor else 'anon'}"


@limiter.limit("10 per 15 minutes", key_func=_reauth_key, methods=["POST"])
def confirm_password(ctx: CustomerContext):
    """Payments need a sign-in in the last 15 minutes: a password session confirms its password here;
    a handoff session has none and is sent back to the product."""
    next_path = safe_next(request.args.get("next"), default=url_for("portal.home"))
    if ctx.actor.via_handoff:
        return render_template("portal/pay_reauth.html", handoff=True, next_path=next_path), 401
    error = None
    if request.method == "POST":
        user = _me(ctx)
        if passwords.verify_password(user.password_hash, request.form.get("password", "")).ok and user.status == "active":
            mark_reauthenticated()
            audit.record("reauthenticated", ctx.audit, actor=ctx.actor.audit_name, portal_user_id=user.id,
                         customer_id=user.customer_id)
            flash(payment_words.PASSWORD_CONFIRMED, "success")
            return redirect(next_path, 303)
        audit.record("reauthentication_failed", ctx.audit, actor=ctx.actor.audit_name, portal_user_id=user.id,
                     customer_id=user.customer_id)
        ctx.report("refused")
        error = payment_words.PASSWORD_WRONG
    return render_template("portal/pay_reauth.html", handoff=False, next_path=next_path, error=error), (
        400 if error else 200)
