"""What every page's layout needs: the company (from Zoho, cached), the navigation and who is acting.
Nothing here queries the database or calls Zoho on a warm request."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from markupsafe import Markup, escape

from services.directory import organization
from services.texts import layout as words


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    short_label: str | None = None  # on a phone, where every destination shares one row

    def markup(self) -> Markup:
        if not self.short_label:
            return escape(self.label)
        return Markup('<span class="nav-long">{}</span><span class="nav-short">{}</span>').format(
            self.label, self.short_label)


NAVIGATION = (
    NavItem(words.NAV_HOME, "portal.home"),
    NavItem(words.NAV_SUBSCRIPTIONS, "portal.subscriptions", words.NAV_SUBSCRIPTIONS_SHORT),
    NavItem(words.NAV_INVOICES, "portal.invoices"),
    NavItem(words.NAV_PAYMENTS, "portal.payments"),
    NavItem(words.NAV_CREDIT_NOTES, "portal.credit_notes", words.NAV_CREDIT_NOTES_SHORT),
    NavItem(words.NAV_PROFILE, "portal.profile"),
    NavItem(words.NAV_ACTIVITY, "portal.activity"),
)


def _nav_links(app: Flask) -> tuple[tuple[str, str], ...]:
    """(label, url) pairs, resolved once per app (not per request)."""
    links = app.extensions.get("nav_links")
    if links is None:
        links = tuple((item.markup(), url_for(item.endpoint)) for item in NAVIGATION)
        app.extensions["nav_links"] = links
    return links


LEGAL_WORDS = frozenset({"pty", "ltd", "llc", "inc", "gmbh", "ag", "co", "corp", "plc", "sa", "bv", "the", "&", "and"})


def initials(name: str | None) -> str:
    """The company's initials for its mark in the header (``Harbourline Software Pty Ltd`` → ``HS``):
    Zoho's organization reply only says whether a logo was uploaded, with no way to fetch it."""
    words = [w for w in (name or "").replace(",", " ").split() if w.casefold().strip(".") not in LEGAL_WORDS]
    letters = [w[0] for w in words if w[0].isalnum()][:2]
    return "".join(letters).upper() or "B"


def _is_current(url: str) -> bool:
    path = request.path
    return path == url if url == "/" else path == url or path.startswith(url + "/")


def init_layout(app: Flask) -> None:
    @app.context_processor
    def layout_context() -> dict:
        from views.pipeline import current_actor

        org = organization()
        # Emails are rendered outside any request (the CLI), where there is no one acting.
        acting = bool(request) and current_actor() is not None
        return {
            "company_name": org.name if org else None,
            "company_initials": initials(org.name if org else None),
            "company": org,
            "nav_links": _nav_links(current_app) if acting else (),
            "is_current": _is_current,
            "password_min_length": current_app.extensions["settings"].PASSWORD_MIN_LENGTH,
        }
