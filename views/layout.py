"""What every page's layout needs: the company's name (from Zoho, cached), the navigation and
who is signed in. Nothing here queries the database or calls Zoho on a warm request."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, has_request_context, request
from flask_login import current_user

from services.directory import organization


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    path: str  # used until the endpoint exists (the billing pages arrive with issue 4)


NAVIGATION = (
    NavItem("Home", "portal.home", "/"),
    NavItem("Subscriptions", "portal.subscriptions", "/subscriptions"),
    NavItem("Invoices", "portal.invoices", "/invoices"),
    NavItem("Payments", "portal.payments", "/payments"),
    NavItem("Credit notes", "portal.credit_notes", "/credit-notes"),
    NavItem("Profile", "portal.profile", "/profile"),
)


def _nav_links(app: Flask) -> tuple[tuple[str, str], ...]:
    """(label, url) pairs, resolved once per app (not per request)."""
    links = app.extensions.get("nav_links")
    if links is None:
        adapter = app.url_map.bind("localhost")
        links = tuple(
            (item.label, adapter.build(item.endpoint) if item.endpoint in app.view_functions else item.path)
            for item in NAVIGATION
        )
        app.extensions["nav_links"] = links
    return links


def _is_current(url: str) -> bool:
    path = request.path
    return path == url if url == "/" else path == url or path.startswith(url + "/")


def init_layout(app: Flask) -> None:
    @app.context_processor
    def layout_context() -> dict:
        org = organization()
        # Emails are rendered outside any request (the CLI), where there is no one signed in.
        signed_in = has_request_context() and current_user.is_authenticated
        return {
            "company_name": org.name if org else None,
            "company": org,
            "nav_links": _nav_links(current_app) if signed_in else (),
            "is_current": _is_current,
            "password_min_length": current_app.extensions["settings"].PASSWORD_MIN_LENGTH,
        }
