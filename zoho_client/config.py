"""The client's configuration: where Zoho is, who we are, and how patient to be."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from .regions import data_centre

DEFAULT_USER_AGENT = "billing-portal-zoho-client/1.0"


@dataclass(frozen=True)
class ZohoConfig:
    api_base: str
    accounts_url: str
    client_id: str
    # Secrets stay out of repr() so that a logged or printed config never leaks them.
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    organization_id: str
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    max_retries: int = 2
    backoff_base: float = 0.25
    backoff_cap: float = 2.0
    retry_after_cap: float = 5.0
    total_deadline: float = 12.0
    page_cap: int = 50
    user_agent: str = DEFAULT_USER_AGENT
    # Refresh the access token this many seconds before Zoho says it expires, so that a token
    # never dies between our check and Zoho's.
    token_refresh_margin: float = 120.0
    breaker_threshold: int = 5
    breaker_cooldown: float = 30.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_base", _clean_base(self.api_base, "api_base"))
        object.__setattr__(self, "accounts_url", _clean_base(self.accounts_url, "accounts_url"))
        for name in ("client_id", "client_secret", "refresh_token", "organization_id"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                raise ValueError(f"ZohoConfig.{name} is required")
        for name in ("connect_timeout", "read_timeout", "total_deadline", "backoff_cap", "breaker_cooldown"):
            if getattr(self, name) <= 0:
                raise ValueError(f"ZohoConfig.{name} must be positive")
        for name in ("max_retries", "backoff_base", "retry_after_cap", "token_refresh_margin"):
            if getattr(self, name) < 0:
                raise ValueError(f"ZohoConfig.{name} must not be negative")
        if self.page_cap < 1 or self.breaker_threshold < 1:
            raise ValueError("ZohoConfig.page_cap and breaker_threshold must be at least 1")

    @classmethod
    def for_data_centre(cls, dc: str, **fields) -> "ZohoConfig":
        """A config for one of Zoho's data centres (``us``, ``eu``, ``ca``…); other fields by keyword."""
        centre = data_centre(dc)
        return cls(api_base=centre.api_base, accounts_url=centre.accounts_url, **fields)

    def with_changes(self, **fields) -> "ZohoConfig":
        return replace(self, **fields)


def _clean_base(url: str, name: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"ZohoConfig.{name} must be an absolute http(s) URL, got {url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"ZohoConfig.{name} must not carry a query or fragment")
    return url.rstrip("/")
