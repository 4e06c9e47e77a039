"""The emails of the account lifecycle, each with the company's name and contact details from
Zoho's organization profile. Links are always built on ``PORTAL_BASE_URL``, never on the
request's Host header (checklist A3)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from db.models import PortalUser
from services import directory
from services.mail import OutgoingMail, render_mail

FALLBACK_COMPANY = "Billing portal"


def link(path: str, raw_token: str) -> str:
    base = current_app.extensions["settings"].PORTAL_BASE_URL
    return f"{base}{path}?token={raw_token}"


def _render(kind: str, user: PortalUser, subject: str, *, person_name: str | None = None, **context) -> OutgoingMail:
    org = directory.organization()
    company = (org.name if org else None) or FALLBACK_COMPANY
    return render_mail(
        kind,
        to=user.email,
        subject=subject.format(company=company),
        org=org,
        company_name=company,
        person_name=person_name or user.display_name,
        portal_url=current_app.extensions["settings"].PORTAL_BASE_URL + "/",
        **context,
    )


def invitation(user: PortalUser, url: str, expires_at: datetime, customer_name: str, *, person_name: str,
               has_login: bool) -> OutgoingMail:
    """``has_login``: the person already signs in to the portal (for another account), so accepting
    adds this one to what their sign-in opens, with no new password."""
    return _render(
        "invitation", user, "Your {company} billing portal invitation", person_name=person_name,
        link=url, expires_at=expires_at, customer_name=customer_name, has_login=has_login,
    )


def password_reset(user: PortalUser, url: str, expires_at: datetime) -> OutgoingMail:
    return _render("reset", user, "Reset your {company} billing portal password", link=url, expires_at=expires_at)


def password_changed(user: PortalUser, how: str) -> OutgoingMail:
    return _render("password_changed", user, "Your {company} billing portal password was changed", how=how)
