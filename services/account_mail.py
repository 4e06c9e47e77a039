"""The emails of the account lifecycle, each with the company's name and contact details from
Zoho's organization profile. Links are always built on ``PORTAL_BASE_URL``, never on the
request's Host header (checklist A3). Each goes out in its recipient's language: the one the person
chose in the portal, else their customer's language in Zoho, else English."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from db.models import PortalUser
from services import directory
from services.mail import OutgoingMail, render_mail
from services.texts import supported_locale
from services.texts import account as words


def link(path: str, raw_token: str) -> str:
    base = current_app.extensions["settings"].PORTAL_BASE_URL
    return f"{base}{path}?token={raw_token}"


def recipient_language(user: PortalUser, customer_id: str | None = None) -> str | None:
    """The language a portal user reads their emails in: their own choice, else the language of the
    customer the email is about (``customer_id``, else the one their login was made for) in Zoho."""
    return (supported_locale(user.preferred_language)
            or supported_locale(directory.customer_language(customer_id or user.customer_id)))


def _render(kind: str, user: PortalUser, subject, *, person_name: str | None = None,
            customer_id: str | None = None, **context) -> OutgoingMail:
    org = directory.organization()
    company = (org.name if org else None) or str(words.FALLBACK_COMPANY)
    return render_mail(
        kind,
        to=user.email,
        subject=lambda: subject % {"company": company},
        language=recipient_language(user, customer_id),
        org=org,
        company_name=company,
        person_name=person_name or user.display_name,
        portal_url=current_app.extensions["settings"].PORTAL_BASE_URL + "/",
        **context,
    )


def invitation(user: PortalUser, url: str, expires_at: datetime, customer_name: str, *, person_name: str,
               has_login: bool, customer_id: str | None = None) -> OutgoingMail:
    """``has_login``: the person already signs in to the portal (for another account), so accepting
    adds this one to what their sign-in opens, with no new password."""
    return _render(
        "invitation", user, words.SUBJECT_INVITATION, person_name=person_name, customer_id=customer_id,
        link=url, expires_at=expires_at, customer_name=customer_name, has_login=has_login,
    )


def password_reset(user: PortalUser, url: str, expires_at: datetime) -> OutgoingMail:
    return _render("reset", user, words.SUBJECT_RESET, link=url, expires_at=expires_at)


def password_changed(user: PortalUser, how: str) -> OutgoingMail:
    return _render("password_changed", user, words.SUBJECT_PASSWORD_CHANGED, how=how)
