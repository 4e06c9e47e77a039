"""Zoho's data centres: each has its own Billing API host and its own OAuth accounts server.

A refresh token only works against the accounts server of the data centre that issued it, so the
two URLs always travel together (zoho-billing-api.md §1.1).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class DataCentre:
    code: str
    api_base: str
    accounts_url: str


def _dc(code: str, api_domain: str, accounts_domain: str) -> DataCentre:
    return DataCentre(
        code=code,
        api_base=f"https://www.{api_domain}/billing/v1",
        accounts_url=f"https://{accounts_domain}",
    )


DATA_CENTRES: Mapping[str, DataCentre] = MappingProxyType(
    {
        "us": _dc("us", "zohoapis.com", "accounts.zoho.com"),
        "eu": _dc("eu", "zohoapis.eu", "accounts.zoho.eu"),
        "in": _dc("in", "zohoapis.in", "accounts.zoho.in"),
        "au": _dc("au", "zohoapis.com.au", "accounts.zoho.com.au"),
        "jp": _dc("jp", "zohoapis.jp", "accounts.zoho.jp"),
        # Canada is the odd one out: its accounts server lives on zohocloud.ca, not zoho.ca.
        "ca": _dc("ca", "zohoapis.ca", "accounts.zohocloud.ca"),
        "cn": _dc("cn", "zohoapis.com.cn", "accounts.zoho.com.cn"),
        "sa": _dc("sa", "zohoapis.sa", "accounts.zoho.sa"),
    }
)


def data_centre(code: str) -> DataCentre:
    """The data centre for a short code (``us``, ``eu``, ``in``, ``au``, ``jp``, ``ca``, ``cn``, ``sa``)."""
    try:
        return DATA_CENTRES[code.strip().lower()]
    except KeyError:
        known = ", ".join(DATA_CENTRES)
        raise ValueError(f"unknown Zoho data centre {code!r}; known: {known}") from None
