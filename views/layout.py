"""What every page's layout needs: the company (from Zoho, cached), the navigation and who is acting.
Nothing here queries the database or calls Zoho on a warm request."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for

from services.directory import organization
from services.texts import layout as words


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str


NAVIGATION = (
    NavItem(words.NAV_HOME, "portal.home"),
    NavItem(words.NAV_SUBSCRIPTIONS, "portal.subscriptions"),
    NavItem(words.NAV_INVOICES, "portal.invoices"),
    NavItem(words.NAV_PAYMENTS, "portal.payments"),
    NavItem(words.NAV_CREDIT_NOTES, "portal.credit_notes"),
    NavItem(words.NAV_PROFILE, "portal.profile"),
    NavItem(words.NAV_ACTIVITY, "portal.activity"),
)


def _nav_links(app: Flask) -> tuple[tuple[str, str], ...]:
    """(label, url) pairs, resolved once per app (not per request)."""
    links = app.extensions.get("nav_links")
    if links is None:
        links = tuple((item.label, url_for(item.endpoint)) for item in NAVIGATION)
        app.extensions["nav_links"] = links
    return links


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
            "company": org,
            "nav_links": _nav_links(current_app) if acting else (),
            "is_current": _is_current,
            "password_min_length": current_app.extensions["settings"].PASSWORD_MIN_LENGTH,
        }
