"""A pure-Python Zoho Billing API client (no Flask, no app imports)."""
from . import errors, models
from .client import ZohoClient
from .config import ZohoConfig
from .errors import (
    ZohoAuthError,
    ZohoAuthThrottled,
    ZohoBadResponse,
    ZohoCircuitOpen,
    ZohoConnectionError,
    ZohoError,
    ZohoForbidden,
    ZohoNotFound,
    ZohoOutcomeUnknown,
    ZohoRateLimited,
    ZohoTimeout,
    ZohoUnauthorized,
    ZohoUnavailable,
    ZohoValidationError,
)
from .metrics import CallCounter
from .pagination import Page, ZohoPageCapReached
from .regions import DATA_CENTRES, DataCentre, data_centre
from .token_store import CachedToken, InMemoryTokenStore, TokenStore

__all__ = [
    "CachedToken", "CallCounter", "DATA_CENTRES", "DataCentre", "InMemoryTokenStore", "Page", "TokenStore",
    "ZohoAuthError", "ZohoAuthThrottled", "ZohoBadResponse", "ZohoCircuitOpen", "ZohoClient", "ZohoConfig",
    "ZohoConnectionError", "ZohoError", "ZohoForbidden", "ZohoNotFound", "ZohoOutcomeUnknown",
    "ZohoPageCapReached", "ZohoRateLimited", "ZohoTimeout", "ZohoUnauthorized", "ZohoUnavailable",
    "ZohoValidationError", "data_centre", "errors", "models",
]
