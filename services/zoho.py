"""The app's one Zoho client: built in create_app from Settings, read through get_zoho().

Everything about Zoho that the deployment shares is plugged in here: the access token (database or
Redis, ``services/zoho_tokens.py``), the back-off after a 429 or an open breaker (process + Redis,
``services/zoho_limits.py``), and the call counts behind ``/metrics`` and the API budget.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app

from config.settings import Settings

log = logging.getLogger(__name__)


def build_zoho_client(settings: Settings, *, redis_client=None, shared: bool = True):
    """The client for ``settings``. ``shared=False`` keeps the token and back-off in this process
    (tools that must not touch the deployment's state)."""
    # Imported here so that the zoho_client package stays an optional import for tooling.
    from zoho_client import ZohoClient, ZohoConfig
    from zoho_client.backoff import Backoff

    from services import metrics
    from services.zoho_limits import ApiBudget, RedisBackoffStore
    from services.zoho_tokens import build_token_store

    config = ZohoConfig(
        api_base=settings.ZOHO_API_BASE,
        accounts_url=settings.ZOHO_ACCOUNTS_URL,
        client_id=settings.ZOHO_CLIENT_ID,
        client_secret=settings.ZOHO_CLIENT_SECRET,
        refresh_token=settings.ZOHO_REFRESH_TOKEN,
        organization_id=settings.ZOHO_ORG_ID,
        read_timeout=settings.ZOHO_TIMEOUT_SECONDS,
    )
    if not shared:
        return ZohoClient(config)
    budget = ApiBudget(settings.ZOHO_ORG_ID, settings.ZOHO_RATE_LIMIT_PER_MINUTE, settings.ZOHO_RATE_LIMIT_PER_DAY,
                       redis_client)

    def observe(method: str, path: str, status: str) -> None:
        metrics.upstream_call(method, path, status)
        budget.count()

    def opened(window) -> None:
        log.warning("zoho back-off opened: no calls to Zoho for %.1f s", max(0.0, window.until - _now()),
                    extra={"backoff_kind": window.kind})

    backoff = Backoff(RedisBackoffStore(redis_client, settings.ZOHO_ORG_ID) if redis_client is not None else None,
                      max_seconds=settings.ZOHO_BACKOFF_MAX_SECONDS, on_open=opened)
    return ZohoClient(config, token_store=build_token_store(settings, redis_client), backoff=backoff,
                      observer=observe)


def _now() -> float:
    import time

    return time.time()


def init_zoho(app: Flask, settings: Settings) -> None:
    app.extensions["zoho"] = build_zoho_client(settings, redis_client=app.extensions.get("redis"))


def get_zoho():
    return current_app.extensions["zoho"]
