"""Every sentence and label a customer reads that is not in a template lives in this package.

Logic modules (policies, operations, the read model) never hold customer-facing words: they import
them from here, one module per resource, so that translation has one place to look and the words
can be reviewed on their own. No sentence here names Zoho or shows one of its status words.

``_`` marks a message for translation and fills its ``%(name)s`` placeholders; ``_l`` marks a
module-level constant (evaluated when shown, not when imported). Both are the seams a gettext
catalog plugs into.
"""
from __future__ import annotations

from typing import Any

# The languages the portal speaks, the first being the one it falls back to.
SUPPORTED_LOCALES = ("en",)


def _(message: str, **values: Any) -> str:
    return message % values if values else message


class LazyText(str):
    """A constant marked for translation; it reads as its English text until a catalog is plugged in."""


def _l(message: str) -> LazyText:
    return LazyText(message)


def ngettext(singular: str, plural: str, count: int, **values: Any) -> str:
    """The singular or plural form by ``count`` (English rule until a catalog brings CLDR's)."""
    return _(singular if count == 1 else plural, count=count, **values)
