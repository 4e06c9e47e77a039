"""Operations: the writes a customer makes, one module per resource.

Every operation takes the request's ``CustomerContext`` first (the actor, the customer, Zoho, the
cache), asks the resource's policy before it calls Zoho, only ever flushes (the pipeline commits),
and always invalidates what it changed, whether Zoho said yes, no, or nothing at all.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from zoho_client.errors import ZohoForbidden, ZohoNotFound, ZohoValidationError

from services.context import CustomerContext
from services.policy import ActionRefused
from services.texts import common as words

T = TypeVar("T")


def zoho_write(ctx: CustomerContext, call: Callable[[], T], *, invalidate: bool = True,
               field_of: Callable[[str], str | None] | None = None) -> T:
    """One write to Zoho. Its refusals become ``ActionRefused`` (``field_of`` names the form field
    Zoho's sentence is about); outages and a lost reply go on to the pipeline, which says so calmly.
    The customer's cache is dropped whatever happened, so that the next page reads Zoho's state."""
    try:
        return call()
    except (ZohoValidationError, ZohoForbidden, ZohoNotFound) as error:
        message = error.message or words.BILLING_REFUSED
        raise ActionRefused(message, field=field_of(message) if field_of else None, code=error.code) from error
    finally:
        if invalidate:
            ctx.invalidate()
