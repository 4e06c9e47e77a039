"""Every sentence and label a customer reads that is not in a template lives in this package.

Logic modules (policies, operations, the read model) never hold customer-facing words: they import
them from here, one module per resource, so that translation has one place to look and the words
can be reviewed on their own. No sentence here names Zoho or shows one of its status words.

``_`` translates a message into the current locale (Flask-Babel's: the request's, or the one an
email is written in, see ``in_language``) and fills its ``%(name)s`` placeholders; ``_l`` marks a
module-level constant, translated each time it is shown rather than once at import; ``ngettext``
picks the plural form by the language's CLDR rule ("1 dia", "2 dias"; Polish-style languages have
more than two forms). Outside an application context the English text is returned.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from babel import Locale, UnknownLocaleError
from flask_babel import force_locale, get_locale, gettext
from flask_babel import ngettext as babel_ngettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

# The languages the portal speaks, the first being the one it falls back to. Adding one: README.md.
SUPPORTED_LOCALES = ("en", "pt_PT", "es", "de", "fr")
DEFAULT_LOCALE = SUPPORTED_LOCALES[0]
# Each language's name in itself, as the language switcher lists it.
LANGUAGE_NAMES = {"en": "English", "pt_PT": "Português", "es": "Español", "de": "Deutsch", "fr": "Français"}


def _(message: str, **values: Any) -> str:
    return gettext(message, **values)


class LazyText(LazyString):
    """Words written each time they are shown, in the language of that moment: a translated constant,
    or a message with its values (which may be lazy too, such as an amount formatted when shown)."""

    def __html__(self) -> Markup:
        # Text, not markup: a template (or a flashed message stored in the session) escapes it.
        return escape(str(self))

    def __reduce__(self):
        # The shared cache pickles what it stores (Redis): the message and values, never a translation.
        return (_rebuild_lazy, (self._func, self._args, self._kwargs))


def _rebuild_lazy(func, args, kwargs) -> LazyText:
    return LazyText(func, *args, **kwargs)


def _l(message: str, **values: Any) -> LazyText:
    return LazyText(gettext, message, **values)


def ngettext(singular: str, plural: str, count: int, **values: Any) -> str:
    """The form of ``singular``/``plural`` the current language uses for ``count`` (``%(count)s``)."""
    return babel_ngettext(singular, plural, count, count=count, **values)


def supported_locale(code: str | None) -> str | None:
    """The supported locale a language code means, or None: ``pt``, ``pt-PT`` and ``pt_pt`` are
    ``pt_PT``; ``de-AT`` is ``de``; ``el`` or a garbled code is None (never an error)."""
    if not code or not isinstance(code, str) or len(code) > 35:
        return None
    try:
        wanted = Locale.parse(code.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    exact = f"{wanted.language}_{wanted.territory}" if wanted.territory else wanted.language
    if exact in SUPPORTED_LOCALES:
        return exact
    return next((known for known in SUPPORTED_LOCALES if known.split("_")[0] == wanted.language), None)


def html_lang(locale: str) -> str:
    """BCP 47, as ``<html lang>`` and ``Content-Language`` want it: ``pt_PT`` → ``pt-PT``."""
    return locale.replace("_", "-")


def current_locale() -> str:
    """The locale messages and formats are in right now (English outside any request or email)."""
    locale = get_locale()
    return str(locale) if locale is not None else DEFAULT_LOCALE


@contextmanager
def in_language(locale: str | None) -> Iterator[None]:
    """Write something (an email, a PDF) in ``locale`` whatever the request's is; English when None."""
    with force_locale(supported_locale(locale) or DEFAULT_LOCALE):
        yield
