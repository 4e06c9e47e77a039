"""Settings for what the tests build: the portal app and the Zoho client, pointed at the sandbox."""
from __future__ import annotations

from tests.support import handoff_tokens

SECRET_KEY = "test-secret-key-that-is-long-enough-for-production-0123"
PRODUCT = "Acme Cloud"  # the product whose users arrive by handoff

# Every test app trusts handoff tokens from the test product (tests/support/handoff_tokens.py).
HANDOFF_SETTINGS = dict(
    HANDOFF_ISSUER=handoff_tokens.ISSUER,
    HANDOFF_AUDIENCE=handoff_tokens.AUDIENCE,
    HANDOFF_SECRET=handoff_tokens.SECRET,
    HANDOFF_RETURN_URLS=handoff_tokens.RETURN_URL,
    HANDOFF_PRODUCT_NAME=PRODUCT,
)


def portal_settings(sandbox, smtp=None, **overrides):
    """Settings for an app pointed at the sandbox (and the test SMTP server when given)."""
    from config.settings import load_settings

    values = dict(
        PORTAL_ENV="testing",
        SECRET_KEY=SECRET_KEY,
        ZOHO_API_BASE=sandbox.api_base,
        ZOHO_ACCOUNTS_URL=sandbox.accounts_url,
        ZOHO_CLIENT_ID=sandbox.CLIENT_ID,
        ZOHO_CLIENT_SECRET=sandbox.CLIENT_SECRET,
        ZOHO_REFRESH_TOKEN=sandbox.REFRESH_TOKEN,
        ZOHO_ORG_ID=sandbox.ORGANIZATION_ID,
        PORTAL_BASE_URL="http://portal.test",
        LOG_FORMAT="json",
        **HANDOFF_SETTINGS,
    )
    if smtp is not None:
        values.update(SMTP_HOST=smtp.host, SMTP_PORT=smtp.port, MAIL_FROM="Billing <billing@portal.test>")
    values.update(overrides)
    return load_settings(**values)


def sandbox_zoho_config(sandbox, **changes):
    """The ``ZohoConfig`` the portal builds from its settings for the sandbox, with quick retries:
    loopback is fast, and failing tests stay quick without changing the retry policy's shape."""
    from services.zoho import build_zoho_client

    client = build_zoho_client(portal_settings(sandbox))
    client.close()
    return client.config.with_changes(backoff_base=0.01, backoff_cap=0.05, **changes)
