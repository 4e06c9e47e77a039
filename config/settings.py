"""The configuration contract of design.md §6: environment variables (and an optional ``.env``)
become one typed, validated, immutable ``Settings`` object.

A missing or malformed value stops start-up with one line naming the variable; production
refuses insecure defaults. Nothing else in the portal reads ``os.environ``.
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


class ConfigError(Exception):
    """A configuration problem, worded as the one line an operator needs to read."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=True,
        extra="ignore",  # the environment holds many unrelated variables
        frozen=True,
    )

    PORTAL_ENV: Literal["development", "testing", "production"] = "development"
    SECRET_KEY: str | None = None
    DATABASE_URL: str = f"sqlite:///{INSTANCE_DIR / 'portal.db'}"
    REDIS_URL: str | None = None

    ZOHO_API_BASE: str = "https://www.zohoapis.com/billing/v1"
    ZOHO_ACCOUNTS_URL: str = "https://accounts.zoho.com"
    ZOHO_CLIENT_ID: str
    ZOHO_CLIENT_SECRET: str
    ZOHO_REFRESH_TOKEN: str
    ZOHO_ORG_ID: str
    ZOHO_WEBHOOK_SECRET: str | None = None
    ZOHO_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0, le=60)
    # Each page's upstream budget: after it, last-good data or the calm page (never a hung worker).
    ZOHO_PAGE_BUDGET_SECONDS: float = Field(default=3.0, gt=0, le=60)
    # The longest a 429's Retry-After (or an open breaker) stops every worker calling Zoho.
    ZOHO_BACKOFF_MAX_SECONDS: float = Field(default=30.0, gt=0, le=600)
    # Zoho's per-organization allowance, for the budget on /metrics (a warning is logged at 80 %).
    ZOHO_RATE_LIMIT_PER_MINUTE: int = Field(default=100, ge=1)
    ZOHO_RATE_LIMIT_PER_DAY: int = Field(default=5000, ge=1)
    # On a subscription's activation, invite the customer to the portal (once) if nobody has a login yet.
    AUTO_INVITE: bool = True

    HANDOFF_ISSUER: str | None = None
    HANDOFF_AUDIENCE: str | None = None
    HANDOFF_SECRET: str | None = None
    HANDOFF_PUBLIC_KEY: str | None = None
    HANDOFF_RETURN_URLS: str = ""  # comma-separated allow-list
    # Handoff: pinned algorithms (default: HS256 with a secret, EdDSA/ES256 from the
    # public key's type), key rotation (the previous key is accepted until an ISO timestamp) and
    # the product's name for the "Back to <product>" link. Keys: PEM text or a path to a PEM file.
    HANDOFF_ALGORITHMS: str = ""  # comma-separated subset of HS256, EdDSA, ES256
    HANDOFF_PREVIOUS_SECRET: str | None = None
    HANDOFF_PREVIOUS_PUBLIC_KEY: str | None = None
    HANDOFF_PREVIOUS_KEY_UNTIL: datetime | None = None
    HANDOFF_PRODUCT_NAME: str = "the product"

    PORTAL_BASE_URL: str = "http://127.0.0.1:5000"

    SMTP_HOST: str = "127.0.0.1"
    SMTP_PORT: int = Field(default=1025, ge=1, le=65535)
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS: bool = False
    MAIL_FROM: str = "Billing portal <billing-portal@localhost>"

    CACHE_TTL_SECONDS: int = Field(default=60, ge=0)
    STALE_MAX_SECONDS: int = Field(default=86400, ge=0)

    # Customer accounts: sessions, password policy, lockout and rate limits.
    SESSION_IDLE_MINUTES: int = Field(default=30, ge=1, le=24 * 60)
    SESSION_ABSOLUTE_HOURS: int = Field(default=12, ge=1, le=24 * 30)
    PASSWORD_MIN_LENGTH: int = Field(default=12, ge=8, le=64)
    LOGIN_MAX_FAILURES: int = Field(default=10, ge=3, le=100)  # per account, then a lockout
    LOGIN_LOCKOUT_MINUTES: int = Field(default=15, ge=1, le=24 * 60)
    RESET_MAILS_PER_HOUR: int = Field(default=5, ge=1, le=50)  # per account
    INVITATIONS_PER_HOUR: int = Field(default=10, ge=1, le=100)  # per email address
    RATELIMIT_AUTH_PER_IP: str = "30 per minute;300 per hour"  # sign-in, reset, invitation forms

    # Support staff: their own session (idle and absolute limits) and viewing a customer's portal.
    STAFF_SESSION_IDLE_MINUTES: int = Field(default=15, ge=1, le=240)
    STAFF_SESSION_ABSOLUTE_HOURS: int = Field(default=8, ge=1, le=24)
    IMPERSONATION_MINUTES: int = Field(default=30, ge=1, le=240)
    IMPERSONATION_NOTIFY: bool = True  # email the customer when support starts viewing their account

    # Subscriptions and profile: which plans the portal offers (a comma-separated
    # allow-list of plan codes; empty = every active plan of PORTAL_PRODUCT_ID, or of all products),
    # which cancellations it offers, when downgrades apply, an optional retention coupon, and the label
    # of the Zoho customer custom field that holds the customer's tax registration number.
    PORTAL_PLAN_CODES: str = ""
    PORTAL_PRODUCT_ID: str | None = None
    CANCEL_OPTIONS: str = "end_of_term"  # end_of_term, immediately, or both (comma-separated)
    DOWNGRADE_AT_END_OF_TERM: bool = True
    RETENTION_COUPON_CODE: str | None = None
    # Offers that depend on the reason given for cancelling: "reason=COUPON;reason=COUPON", each reason
    # being a cancellation reason's label (any case) as Zoho lists it; RETENTION_COUPON_CODE stays the
    # offer for every other reason (and the one shown before a reason is chosen).
    RETENTION_OFFERS: str = ""
    PROFILE_TAX_ID_FIELD: str = "VAT ID"

    # Operations: /metrics is off unless METRICS_TOKEN is set (then it needs "Authorization: Bearer
    # <token>"); behind N proxies that set X-Forwarded-For/-Proto, TRUSTED_PROXY_COUNT=N.
    METRICS_TOKEN: str | None = None
    TRUSTED_PROXY_COUNT: int = Field(default=0, ge=0, le=5)

    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    LOG_FORMAT: Literal["json", "text"] = "json"

    @field_validator("ZOHO_ORG_ID")
    @classmethod
    def _numeric_org_id(cls, value: str) -> str:
        if not value.isdigit():
            raise ValueError("must be the numeric Zoho organization id")
        return value

    @field_validator("ZOHO_API_BASE", "ZOHO_ACCOUNTS_URL", "PORTAL_BASE_URL")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL")
        return value.rstrip("/")

    @field_validator("HANDOFF_ALGORITHMS")
    @classmethod
    def _known_handoff_algorithms(cls, value: str) -> str:
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in ("HS256", "EdDSA", "ES256")]
        if unknown:
            raise ValueError(f"unsupported algorithm {unknown[0]!r} (use HS256, EdDSA or ES256)")
        return ",".join(names)

    @field_validator("CANCEL_OPTIONS")
    @classmethod
    def _known_cancel_options(cls, value: str) -> str:
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in ("end_of_term", "immediately")]
        if unknown or not names:
            raise ValueError("use end_of_term, immediately, or both (comma-separated)")
        return ",".join(dict.fromkeys(names))

    @field_validator("RETENTION_OFFERS")
    @classmethod
    def _reason_offers(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(";"))):
            reason, _, code = entry.rpartition("=")
            if not reason.strip() or not code.strip():
                raise ValueError('use "reason=COUPON;reason=COUPON" (a cancellation reason\'s label and a coupon code)')
        return value

    @model_validator(mode="after")
    def _handoff_rotation_has_an_end(self) -> "Settings":
        previous = self.HANDOFF_PREVIOUS_SECRET or self.HANDOFF_PREVIOUS_PUBLIC_KEY
        if previous and self.HANDOFF_PREVIOUS_KEY_UNTIL is None:
            raise ValueError("HANDOFF_PREVIOUS_KEY_UNTIL: a previous handoff key needs the ISO time its window ends")
        if self.HANDOFF_PREVIOUS_KEY_UNTIL is not None and self.HANDOFF_PREVIOUS_KEY_UNTIL.tzinfo is None:
            raise ValueError("HANDOFF_PREVIOUS_KEY_UNTIL: give a time zone (e.g. 2026-12-01T00:00:00Z)")
        return self

    @model_validator(mode="after")
    def _support_view_fits_in_a_staff_session(self) -> "Settings":
        if self.IMPERSONATION_MINUTES > self.STAFF_SESSION_ABSOLUTE_HOURS * 60:
            raise ValueError("IMPERSONATION_MINUTES: a support view can't outlast the staff session "
                             "(STAFF_SESSION_ABSOLUTE_HOURS)")
        return self

    @model_validator(mode="after")
    def _production_refuses_insecure_defaults(self) -> "Settings":
        if self.PORTAL_ENV != "production":
            return self
        if not self.SECRET_KEY or len(self.SECRET_KEY) < 32:
            raise ValueError("SECRET_KEY: production needs a random secret of at least 32 characters")
        for name in ("PORTAL_BASE_URL", "ZOHO_API_BASE", "ZOHO_ACCOUNTS_URL"):
            if not getattr(self, name).startswith("https://"):
                raise ValueError(f"{name}: production needs an https:// URL")
        if self.HANDOFF_SECRET is not None and len(self.HANDOFF_SECRET.encode()) < 32:
            raise ValueError("HANDOFF_SECRET: an HS256 secret must be at least 32 bytes")
        if self.HANDOFF_PREVIOUS_SECRET is not None and len(self.HANDOFF_PREVIOUS_SECRET.encode()) < 32:
            raise ValueError("HANDOFF_PREVIOUS_SECRET: an HS256 secret must be at least 32 bytes")
        if self.METRICS_TOKEN is not None and len(self.METRICS_TOKEN) < 16:
            raise ValueError("METRICS_TOKEN: production needs a random token of at least 16 characters")
        return self

    @property
    def handoff_return_urls(self) -> tuple[str, ...]:
        return tuple(u.strip() for u in self.HANDOFF_RETURN_URLS.split(",") if u.strip())

    @property
    def portal_plan_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.strip() for c in self.PORTAL_PLAN_CODES.split(",") if c.strip()))

    @property
    def cancel_options(self) -> tuple[str, ...]:
        return tuple(self.CANCEL_OPTIONS.split(","))

    @property
    def retention_offers(self) -> dict[str, str]:
        """Cancellation reason label (case-folded) → the coupon offered to a customer who gives it."""
        offers = {}
        for entry in filter(None, (part.strip() for part in self.RETENTION_OFFERS.split(";"))):
            reason, _, code = entry.rpartition("=")
            offers[reason.strip().casefold()] = code.strip()
        return offers

    @property
    def is_production(self) -> bool:
        return self.PORTAL_ENV == "production"


def _one_line(error: ValidationError) -> str:
    first = error.errors()[0]
    name = ".".join(str(part) for part in first["loc"])
    if first["type"] == "missing":
        return f"Configuration error: {name} is required (set it in the environment or in .env)"
    message = first["msg"].removeprefix("Value error, ")
    if name:
        return f"Configuration error: {name}: {message}"
    return f"Configuration error: {message}"


def _development_secret_key() -> str:
    """A stable secret for local runs without SECRET_KEY, shared by every worker through instance/."""
    path = INSTANCE_DIR / "dev-secret-key"
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_urlsafe(48)
        handle.write(key)
    return key


def _dotenv_file() -> str | None:
    """``.env`` in the working directory, unless FLASK_SKIP_DOTENV says not to read it: the switch
    the ``flask`` command honours for the same file, so that one variable keeps both readers away
    (the test command sets it, so that a developer's .env never configures the apps under test)."""
    skip = os.environ.get("FLASK_SKIP_DOTENV", "")
    return None if skip and skip.lower() not in ("0", "false", "no") else ".env"


def load_settings(**overrides) -> Settings:
    """Read the environment (and .env); raise ConfigError with one line naming the bad variable."""
    try:
        settings = Settings(_env_file=_dotenv_file(), **overrides)
    except ValidationError as error:
        raise ConfigError(_one_line(error)) from None
    if settings.SECRET_KEY is None:
        settings = settings.model_copy(update={"SECRET_KEY": _development_secret_key()})
    return settings
