"""Which language a request is answered in, and the switcher that lets a person choose.

The locale is decided once per request (Flask-Babel asks ``request_locale`` the first time a message
or a format needs it), in this order:

1. **The person's own choice.** A signed-in portal user's saved choice (``portal_users.
   preferred_language``, carried in the session cookie from sign-in on, so that no request queries
   for it), else the choice this browser made (the ``portal_language`` cookie: a signed-out
   visitor, a handoff session, support staff).
2. **The customer's language in Zoho** (``language_code``, set by the merchant), when it is one the
   portal speaks; only on a customer's own session, never for support staff viewing an account:
   they read the pages in their own choice or their browser's language, and may switch to the
   customer's language to see exactly what the customer sees. It is learnt when the session starts
   (through the read model's cache: the record Home reads next) and remembered in the session, so
   that deciding a page's language never costs a call to Zoho of its own.
3. **The browser's** ``Accept-Language``, best match (``pt`` is ``pt_PT``, ``de-AT`` is ``de``).
4. English.

An email is written in its recipient's language instead (``services.account_mail``).
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, flash, g, redirect, request, session
from flask_babel import Babel, get_translations

from extensions import db
from services.safe_redirect import safe_next
from services.texts import (DEFAULT_LOCALE, LANGUAGE_NAMES, SUPPORTED_LOCALES, current_locale, html_lang,
                            supported_locale)
from services.texts import layout as words
from views.auth_session import LANGUAGE as SESSION_LANGUAGE  # the portal user's saved choice
from views.pipeline import Audience, PipelineBlueprint, current_actor
from zoho_client.errors import ZohoError

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LANGUAGE_COOKIE = "portal_language"
CUSTOMER_LANGUAGE = "clang"  # session key: the customer's language in Zoho ("" for none), once known
COOKIE_MAX_AGE = 365 * 24 * 3600

bp = PipelineBlueprint("language", __name__, audience=Audience.EVERYONE)


class CatalogsNotCompiled(RuntimeError):
    """A supported language has no compiled catalog: its pages would silently be English."""


def missing_catalogs() -> list[str]:
    """The supported languages (English aside) whose compiled catalog (``messages.mo``) is missing or
    older than its ``messages.po``."""
    missing = []
    for locale in SUPPORTED_LOCALES[1:]:
        folder = TRANSLATIONS_DIR / locale / "LC_MESSAGES"
        source, compiled = folder / "messages.po", folder / "messages.mo"
        if not compiled.exists() or (source.exists() and compiled.stat().st_mtime < source.stat().st_mtime):
            missing.append(locale)
    return missing


def chosen_locale() -> str | None:
    """The person's own choice: their saved one when signed in as a portal user, else this browser's."""
    return supported_locale(session.get(SESSION_LANGUAGE)) or supported_locale(request.cookies.get(LANGUAGE_COOKIE))


def _customer_locale() -> str | None:
    """The customer's language as the merchant set it in Zoho, on the customer's own session: the
    one this session learnt, else the one of the customer's record in the cache (then remembered)."""
    ctx = g.get("portal")
    actor = getattr(ctx, "actor", None)
    if actor is None or actor.is_staff or not hasattr(ctx, "billing"):
        return None
    if CUSTOMER_LANGUAGE in session:
        return supported_locale(session[CUSTOMER_LANGUAGE])
    customer = ctx.billing.cached_customer()
    if customer is None:
        return None
    session[CUSTOMER_LANGUAGE] = customer.language_code or ""
    return supported_locale(customer.language_code)


def learn_customer_language(customer_id: str) -> None:
    """At the start of a customer's session, their language in Zoho, remembered in the session: read
    through the read model's cache (the record Home reads next), so that every page of the session,
    whichever comes first, is in it."""
    from services.billing import CustomerBilling

    runtime = current_app.extensions["billing"]
    billing = CustomerBilling(customer_id, current_app.extensions["zoho"], runtime.cache, runtime.fanout)
    try:
        customer = billing.customer()
    except ZohoError:
        return  # learnt later, from the cached record, once a page has loaded it
    session[CUSTOMER_LANGUAGE] = customer.language_code or ""


def request_locale() -> str:
    if not request:
        return DEFAULT_LOCALE
    return (chosen_locale() or _customer_locale()
            or request.accept_languages.best_match(SUPPORTED_LOCALES) or DEFAULT_LOCALE)


def language_choices() -> list[tuple[str, str, bool]]:
    """(code, the language's name in itself, whether it is the page's) for each supported language."""
    current = current_locale()
    return [(code, LANGUAGE_NAMES[code], code == current) for code in SUPPORTED_LOCALES]


def language_next() -> str:
    """Where the switcher comes back to: this page (with its query) when it was a GET, else its path."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    return request.path


def remember_choice(response, locale: str) -> None:
    settings = current_app.extensions["settings"]
    response.set_cookie(LANGUAGE_COOKIE, locale, max_age=COOKIE_MAX_AGE, path="/", httponly=True,
                        secure=settings.PORTAL_ENV != "development", samesite="Lax")


def choose_language(ctx):
    """The switcher: remember the choice (on the portal user, and in this browser), then back to the
    page the person was on. An unknown language changes nothing and says so."""
    back = safe_next(request.form.get("next"), "/")
    locale = supported_locale(request.form.get("language"))
    if locale is None or request.form.get("language") not in SUPPORTED_LOCALES:
        flash(str(words.LANGUAGE_UNKNOWN), "error")
        return redirect(back, 303)
    actor = current_actor()
    if actor is not None and actor.has_portal_account:
        from db.models import PortalUser

        user = db.session.get(PortalUser, actor.portal_user_id)
        if user is not None:
            user.preferred_language = locale
        session[SESSION_LANGUAGE] = locale
    response = redirect(back, 303)
    remember_choice(response, locale)
    return response


bp.add_url_rule("/language", view_func=choose_language, methods=["POST"])


_CATALOGS: dict = {}


def _catalog():
    """The request's catalog, as Flask-Babel's ``get_translations()`` finds it, in one lookup.

    Flask-Babel resolves the domain, the locale and the catalog again for every message (a dozen
    context-local lookups each), and a page holds dozens of messages. The catalog depends on the
    locale alone (one domain), and the locale object it settles on stays on ``g`` for the request
    (``force_locale`` swaps it, so an email in another language still finds its own catalog).
    """
    state = g.get("_flask_babel") if g else None  # no app context: Flask-Babel's own answer
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return get_translations()
    found = _CATALOGS.get(locale)
    if found is None:
        found = _CATALOGS[locale] = get_translations()
    return found


def init_language(app: Flask) -> None:
    """Flask-Babel with the portal's catalogs, and what every template needs to name its language."""
    missing = missing_catalogs()
    if missing:
        raise CatalogsNotCompiled(
            f"The translations of {', '.join(missing)} are not compiled: run scripts/install.sh "
            f"(it runs `pybabel compile -d translations`).")
    # Flask-Babel adds Jinja's i18n extension with new-style gettext: `_("…", name=value)` escapes
    # the values it fills in, and `{% trans %}` blocks are marked for extraction.
    Babel(app, locale_selector=request_locale, default_translation_directories=str(TRANSLATIONS_DIR))
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )

    @app.context_processor
    def language_in_templates() -> dict:
        return {"html_lang": html_lang(current_locale())}

    # Functions, not context values: the switcher is a macro, and imported macros see globals only.
    app.jinja_env.globals.update(language_choices=language_choices, language_next=language_next)

    @app.after_request
    def content_language(response):
        if request and response.mimetype == "text/html":
            response.headers.setdefault("Content-Language", html_lang(current_locale()))
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
