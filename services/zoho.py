"""The app's one Zoho client: built in create_app from Settings, read through get_zoho()."""
from __future__ import annotations

from flask import Flask, current_app

from config.settings import Settings


def build_zoho_client(settings: Settings):
    # Imported here so that the zoho_client package stays an optional import for tooling.
    from zoho_client import ZohoClient, ZohoConfig

    config = ZohoConfig(
        api_base=settings.ZOHO_API_BASE,
        accounts_url=settings.ZOHO_ACCOUNTS_URL,
        client_id=settings.ZOHO_CLIENT_ID,
        client_secret=settings.ZOHO_CLIENT_SECRET,
        refresh_token=settings.ZOHO_REFRESH_TOKEN,
        organization_id=settings.ZOHO_ORG_ID,
        read_timeout=settings.ZOHO_TIMEOUT_SECONDS,
    )
    return ZohoClient(config)


def init_zoho(app: Flask, settings: Settings) -> None:
    app.extensions["zoho"] = build_zoho_client(settings)


def get_zoho():
    return current_app.extensions["zoho"]
