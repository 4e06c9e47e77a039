"""The configuration contract (design.md §6): typed, validated, one line on failure."""
from __future__ import annotations

import pytest

from config.settings import ConfigError, load_settings

ZOHO = dict(ZOHO_CLIENT_ID="1000.X", ZOHO_CLIENT_SECRET="s", ZOHO_REFRESH_TOKEN="r", ZOHO_ORG_ID="10234695")


def test_defaults_follow_the_contract():
    settings = load_settings(**ZOHO, SECRET_KEY="k" * 40)
    assert settings.ZOHO_API_BASE == "https://www.zohoapis.com/billing/v1"
    assert settings.ZOHO_ACCOUNTS_URL == "https://accounts.zoho.com"
    assert settings.DATABASE_URL.startswith("sqlite:///") and settings.DATABASE_URL.endswith("instance/portal.db")
    assert settings.CACHE_TTL_SECONDS == 60 and settings.STALE_MAX_SECONDS == 86400
    assert settings.PORTAL_BASE_URL == "http://127.0.0.1:5000"
    assert settings.REDIS_URL is None


def test_missing_required_value_names_the_variable(monkeypatch):
    monkeypatch.delenv("ZOHO_REFRESH_TOKEN", raising=False)
    values = dict(ZOHO)
    del values["ZOHO_REFRESH_TOKEN"]
    with pytest.raises(ConfigError) as caught:
        load_settings(**values)
    assert str(caught.value) == (
        "Configuration error: ZOHO_REFRESH_TOKEN is required (set it in the environment or in .env)"
    )


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("ZOHO_ORG_ID", "org-1", "ZOHO_ORG_ID: must be the numeric Zoho organization id"),
        ("ZOHO_API_BASE", "zohoapis.com/billing/v1", "ZOHO_API_BASE: must be an absolute http(s) URL"),
        ("SMTP_PORT", "70000", "SMTP_PORT"),
        ("CACHE_TTL_SECONDS", "soon", "CACHE_TTL_SECONDS"),
        ("PORTAL_ENV", "staging", "PORTAL_ENV"),
    ],
)
def test_malformed_value_names_the_variable(name, value, expected):
    with pytest.raises(ConfigError) as caught:
        load_settings(**{**ZOHO, name: value})
    message = str(caught.value)
    assert message.startswith("Configuration error: ") and expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "overrides, variable",
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "k" * 40}, "PORTAL_BASE_URL"),
        ({"SECRET_KEY": "k" * 40, "PORTAL_BASE_URL": "https://billing.example", "ZOHO_API_BASE": "http://x.test/billing/v1"}, "ZOHO_API_BASE"),
        (
            {"SECRET_KEY": "k" * 40, "PORTAL_BASE_URL": "https://billing.example", "HANDOFF_SECRET": "too-short"},
            "HANDOFF_SECRET",
        ),
    ],
)
def test_production_refuses_insecure_defaults(overrides, variable):
    with pytest.raises(ConfigError) as caught:
        load_settings(**ZOHO, PORTAL_ENV="production", **overrides)
    assert variable in str(caught.value)


def test_production_accepts_a_secure_configuration():
    settings = load_settings(
        **ZOHO,
        PORTAL_ENV="production",
        SECRET_KEY="k" * 40,
        PORTAL_BASE_URL="https://billing.example",
        HANDOFF_SECRET="h" * 32,
    )
    assert settings.is_production


def test_values_come_from_a_dotenv_file(tmp_path, monkeypatch):
    for name in ZOHO:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("FLASK_SKIP_DOTENV", raising=False)
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in ZOHO.items()) + "CACHE_TTL_SECONDS=15\n")
    monkeypatch.chdir(tmp_path)
    settings = load_settings(SECRET_KEY="k" * 40)
    assert settings.ZOHO_CLIENT_ID == "1000.X" and settings.CACHE_TTL_SECONDS == 15


def test_flask_skip_dotenv_keeps_the_dotenv_file_out(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_SKIP_DOTENV", "1")
    (tmp_path / ".env").write_text("CACHE_TTL_SECONDS=15\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings(**ZOHO, SECRET_KEY="k" * 40).CACHE_TTL_SECONDS == 60


def test_return_url_allow_list_is_split_and_trimmed():
    settings = load_settings(**ZOHO, HANDOFF_RETURN_URLS=" https://app.example/billing , https://app.example/ ,")
    assert settings.handoff_return_urls == ("https://app.example/billing", "https://app.example/")
