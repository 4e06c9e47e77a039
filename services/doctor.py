"""``flask portal doctor``: is this installation ready to serve?

Each check is one small function of the settings that returns a :class:`Check`: ok, warn or FAIL,
what it found, and what to do about a problem. ``CHECKS`` is the list the command runs, in order;
a new concern (say, asking Zoho where its webhooks point) is one more function added there.

The checks probe the real services the way the portal uses them, but change nothing: no mail is
sent, nothing of the portal's is written to the database or to Redis, and the Zoho access token the
Zoho check obtains is revoked again (Zoho caps the live tokens of a refresh token). The webhook
deliveries check reads Zoho's events with the portal's shared access token (the one every worker
uses, refreshed only if there is none). The Zoho check talks
HTTP itself rather than through the client: retries and the circuit breaker would blur the one
answer it wants to report, and the client keeps the granted scope to itself.
"""
from __future__ import annotations

import ipaddress
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal
from urllib.parse import urlsplit

import requests

from config.settings import Settings

CONNECT_SECONDS = 10  # as long as the portal waits for its mail server
FULL_ACCESS = "ZohoSubscriptions.fullaccess.all"
# The operations the portal's calls need, per Zoho module (zoho-billing-api.md §1.4: action
# endpoints such as cancel or collect need CREATE; cards and contact persons are customers.*).
NEEDED_SCOPES = {
    "settings": ("READ",),
    "customers": ("READ", "CREATE", "UPDATE", "DELETE"),
    "subscriptions": ("READ", "CREATE", "UPDATE", "DELETE"),
    "invoices": ("READ", "CREATE"),
    "creditnotes": ("READ",),
    "payments": ("READ",),
    "plans": ("READ",),
    "addons": ("READ",),
    "products": ("READ",),
    "coupons": ("READ",),
    "hostedpages": ("READ", "CREATE"),
}
NEW_REFRESH_TOKEN = f"generate a refresh token for this client with the scope {FULL_ACCESS} and set ZOHO_REFRESH_TOKEN"


@dataclass(frozen=True)
class Check:
    status: Literal["ok", "warn", "FAIL"]
    name: str
    found: str
    advice: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "FAIL"

    def line(self) -> str:
        text = f"{self.status:<4}  {self.name}: {self.found}"
        return f"{text} — {self.advice}" if self.advice else text


def ok(name: str, found: str) -> Check:
    return Check("ok", name, found)


def warn(name: str, found: str, advice: str) -> Check:
    return Check("warn", name, found, advice)


def fail(name: str, found: str, advice: str) -> Check:
    return Check("FAIL", name, found, advice)


# -- configuration --------------------------------------------------------------------------------


def configuration_error(message: str) -> Check:
    """The line for settings that do not load at all (then no other check can run)."""
    found = message.removeprefix("Configuration error: ")
    return fail("configuration", found, "fix it in the environment or in .env, then run the doctor again")


def check_configuration(settings: Settings) -> Check:
    found = f"PORTAL_ENV={settings.PORTAL_ENV}, PORTAL_BASE_URL={settings.PORTAL_BASE_URL}"
    if not settings.is_production and not _is_loopback(settings.PORTAL_BASE_URL):
        return warn("configuration", found, "a portal others reach should run with PORTAL_ENV=production "
                    "(secure cookies, and insecure defaults refused)")
    return ok("configuration", found)


# -- database -------------------------------------------------------------------------------------


def check_database(settings: Settings) -> Check:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from services.schema_check import MIGRATIONS_DIR, current_and_expected_heads

    url = make_url(settings.DATABASE_URL)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return fail("database", f"no database file at {url.database}", "run `flask db upgrade` to create it")
    connect_args = {"connect_timeout": CONNECT_SECONDS} if url.get_backend_name() == "postgresql" else {}
    engine = create_engine(url, connect_args=connect_args)
    try:
        current, expected = current_and_expected_heads(engine, MIGRATIONS_DIR)
    except SQLAlchemyError as error:
        return fail("database", f"{shown} did not answer ({type(getattr(error, 'orig', error)).__name__})",
                    "check DATABASE_URL and that the database server runs")
    finally:
        engine.dispose()
    if current != expected:
        at = f"schema at {', '.join(sorted(current))}" if current else "no schema yet"
        return fail("database", f"{shown}: {at}, this code expects {', '.join(sorted(expected))}",
                    "run `flask db upgrade` with the same DATABASE_URL")
    return ok("database", f"{shown}: schema current ({', '.join(sorted(current))})")


# -- Zoho -----------------------------------------------------------------------------------------


def check_zoho(settings: Settings) -> Check:
    """Refresh an access token, compare its scope with the portal's calls, read the organization."""
    name = "zoho"
    timeout = (CONNECT_SECONDS, settings.ZOHO_TIMEOUT_SECONDS)
    accounts = settings.ZOHO_ACCOUNTS_URL
    try:
        reply = requests.post(accounts + "/oauth/v2/token", timeout=timeout, allow_redirects=False, data={
            "grant_type": "refresh_token", "client_id": settings.ZOHO_CLIENT_ID,
            "client_secret": settings.ZOHO_CLIENT_SECRET, "refresh_token": settings.ZOHO_REFRESH_TOKEN})
        grant = reply.json()
    except requests.RequestException as error:
        return fail(name, f"no answer from {accounts} ({type(error).__name__})",
                    "check ZOHO_ACCOUNTS_URL (your data centre's accounts server) and the network")
    except ValueError:
        return fail(name, f"{accounts} answered HTTP {reply.status_code} without JSON",
                    "ZOHO_ACCOUNTS_URL must be Zoho's accounts server, e.g. https://accounts.zoho.eu")
    token = grant.get("access_token") if isinstance(grant, dict) else None
    if not token:
        return _refresh_refused(grant if isinstance(grant, dict) else {}, reply.status_code)
    try:
        return _read_organization(settings, token, grant, timeout)
    finally:
        _revoke(accounts, token, timeout)


def _refresh_refused(grant: dict, status: int) -> Check:
    error = str(grant.get("error") or f"HTTP {status}")
    found = f"token refresh refused ({error})"
    if "too many" in str(grant.get("error_description", "")).lower():
        return warn("zoho", "Zoho throttled the token refresh",
                    "wait a few minutes: Zoho issues about ten access tokens per refresh token in ten minutes")
    if error == "invalid_client":
        return fail("zoho", found, "ZOHO_CLIENT_ID or ZOHO_CLIENT_SECRET is wrong, or the client belongs to "
                    "another data centre than ZOHO_ACCOUNTS_URL")
    if error == "invalid_code":
        return fail("zoho", found, f"ZOHO_REFRESH_TOKEN is wrong or revoked: {NEW_REFRESH_TOKEN}")
    return fail("zoho", found, "check the ZOHO_* credentials")


def _missing_scopes(granted: set[str]) -> list[str]:
    if FULL_ACCESS in granted:
        return []
    return [f"ZohoSubscriptions.{module}.{op}" for module, ops in NEEDED_SCOPES.items() for op in ops
            if not {f"ZohoSubscriptions.{module}.{op}", f"ZohoSubscriptions.{module}.ALL",
                    f"ZohoSubscriptions.{module}.all"} & granted]


def _read_organization(settings: Settings, token: str, grant: dict, timeout) -> Check:
    name = "zoho"
    granted = set(str(grant.get("scope") or "").replace(",", " ").split())
    missing = _missing_scopes(granted) if granted else []  # Zoho leaves the scope out of some replies
    if missing:
        return fail(name, f"the token's scope lacks {len(missing)} scopes the portal uses ({', '.join(missing[:3])}"
                    f"{' …' if len(missing) > 3 else ''})", NEW_REFRESH_TOKEN)
    api = settings.ZOHO_API_BASE
    try:
        reply = requests.get(f"{api}/organizations/{settings.ZOHO_ORG_ID}", timeout=timeout, allow_redirects=False,
                             headers={"Authorization": f"Zoho-oauthtoken {token}",
                                      "X-com-zoho-subscriptions-organizationid": settings.ZOHO_ORG_ID})
        body = reply.json()
    except requests.RequestException as error:
        return fail(name, f"no answer from {api} ({type(error).__name__})", "check ZOHO_API_BASE and the network")
    except ValueError:
        return fail(name, f"{api} answered HTTP {reply.status_code} without JSON",
                    "ZOHO_API_BASE must be your data centre's Billing API, e.g. https://www.zohoapis.eu/billing/v1")
    code = body.get("code") if isinstance(body, dict) else None
    said = f"HTTP {reply.status_code}, code {code}: {body.get('message', '')}" if isinstance(body, dict) else ""
    if reply.status_code == 200 and code == 0:
        organization = body.get("organization") or {}
        scope = " ".join(sorted(granted)) or "not stated"
        return ok(name, f"organization {settings.ZOHO_ORG_ID} ({organization.get('name', '?')}) answers; "
                        f"token scope {scope}")
    if code == 57:
        return fail(name, f"Zoho refused the token ({said})", f"the token lacks a scope the portal uses: {NEW_REFRESH_TOKEN}")
    if code == 6041:
        return fail(name, f"ZOHO_ORG_ID {settings.ZOHO_ORG_ID} is not this user's organization ({said})",
                    "set ZOHO_ORG_ID to the id shown in Zoho Billing under Settings → Organization profile")
    if reply.status_code == 429:
        return warn(name, f"Zoho is rate-limiting this organization ({said})", "try again in a minute")
    if reply.status_code >= 500:
        return fail(name, f"Zoho answered {said or reply.status_code}", "Zoho is having trouble: try again later")
    return fail(name, f"Zoho answered {said}", "check ZOHO_API_BASE and ZOHO_ORG_ID")


def _revoke(accounts: str, token: str, timeout) -> None:
    try:
        requests.post(accounts + "/oauth/v2/token/revoke", data={"token": token}, timeout=timeout)
    except requests.RequestException:
        pass  # the token expires within the hour anyway


# -- mail -----------------------------------------------------------------------------------------


def check_smtp(settings: Settings) -> Check:
    """Connect, EHLO, STARTTLS and sign in as configured, then QUIT: never a message."""
    name, where = "smtp", f"{settings.SMTP_HOST}:{settings.SMTP_PORT}"
    steps = ["EHLO"]
    try:
        with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=CONNECT_SECONDS) as smtp:
            smtp.ehlo()
            if settings.SMTP_STARTTLS:
                if not smtp.has_extn("starttls"):
                    return fail(name, f"{where} does not offer STARTTLS",
                                "use the mail server's submission port, or set SMTP_STARTTLS=false")
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
                steps.append("STARTTLS")
            if settings.SMTP_USERNAME:
                smtp.login(settings.SMTP_USERNAME, settings.SMTP_PASSWORD or "")
                steps.append(f"signed in as {settings.SMTP_USERNAME}")
    except smtplib.SMTPAuthenticationError as error:
        return fail(name, f"{where} refused the sign-in (SMTP {error.smtp_code})", "check SMTP_USERNAME and SMTP_PASSWORD")
    except (OSError, smtplib.SMTPException) as error:
        return fail(name, f"{where} did not answer ({type(error).__name__}: {error})",
                    "start the mail server, or fix SMTP_HOST and SMTP_PORT")
    found = f"{where} answers ({', '.join(steps)})"
    if settings.SMTP_USERNAME and not settings.SMTP_STARTTLS and not _is_loopback_host(settings.SMTP_HOST):
        return warn(name, found, "the password crosses the network unencrypted: set SMTP_STARTTLS=true")
    return ok(name, found)


# -- Redis ----------------------------------------------------------------------------------------


def check_redis(settings: Settings) -> Check:
    name = "redis"
    if not settings.REDIS_URL:
        found = "REDIS_URL unset: the database shares sessions, lockouts, the Zoho token and invalidations; caches are per process"
        if settings.is_production:
            return warn(name, found, "with more than one worker or host, set REDIS_URL so that they share them")
        return ok(name, found)
    import redis

    shown = _without_password(settings.REDIS_URL)
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=CONNECT_SECONDS,
                                      socket_connect_timeout=CONNECT_SECONDS)
        client.ping()
        version = str(client.info("server").get("redis_version", "?"))
    except redis.RedisError as error:
        return fail(name, f"{shown} did not answer ({type(error).__name__}: {error})", "start Redis, or fix REDIS_URL")
    major = int(version.split(".")[0]) if version.split(".")[0].isdigit() else 0
    if major < 6:
        return warn(name, f"{shown} answers, Redis {version}", "Redis before 6 is out of support: upgrade it")
    return ok(name, f"{shown} answers (Redis {version})")


# -- webhooks -------------------------------------------------------------------------------------


def check_webhooks(settings: Settings) -> Check:
    """What can be checked here; whether Zoho's webhooks point at this portal is Zoho's side."""
    name = "webhooks"
    if not settings.ZOHO_WEBHOOK_SECRET:
        return ok(name, "ZOHO_WEBHOOK_SECRET unset: no webhooks expected; pages refresh on writes and "
                        f"every {settings.CACHE_TTL_SECONDS} s")
    if len(settings.ZOHO_WEBHOOK_SECRET) < 32:
        return warn(name, "ZOHO_WEBHOOK_SECRET is shorter than 32 characters",
                    "set a long random secret, the same in Zoho's webhook settings and here")
    if _is_loopback(settings.ZOHO_API_BASE) and _is_loopback(settings.PORTAL_BASE_URL):
        return ok(name, f"secret set; the sandbox on this machine delivers to {settings.PORTAL_BASE_URL}/webhooks/zoho")
    if not _reachable_from_outside(settings.PORTAL_BASE_URL):
        return warn(name, f"Zoho cannot reach PORTAL_BASE_URL {settings.PORTAL_BASE_URL} (only a sandbox on this "
                    "network can)", "set PORTAL_BASE_URL to the portal's public https:// address")
    return ok(name, f"secret set; Zoho can reach {settings.PORTAL_BASE_URL}")


# -- handoff --------------------------------------------------------------------------------------


def check_handoff(settings: Settings) -> Check:
    from services.handoff import HandoffConfig, HandoffNotConfigured

    name = "handoff"
    named = [settings.HANDOFF_ISSUER, settings.HANDOFF_AUDIENCE, settings.HANDOFF_SECRET, settings.HANDOFF_PUBLIC_KEY]
    if not any(named):
        return ok(name, "off (no HANDOFF_* settings): the product cannot send users here signed in")
    try:
        config = HandoffConfig.from_settings(settings)
    except HandoffNotConfigured as error:
        return fail(name, f"refuses every token: {error.detail}", "see the README's handoff configuration")
    found = (f"issuer {config.issuer}, audience {config.audience}, {'/'.join(config.algorithms)}, "
             f"{len(config.return_urls)} return URL(s)")
    if not config.return_urls:
        return warn(name, found, "set HANDOFF_RETURN_URLS so that handoff pages can lead back to the product")
    return ok(name, found)


def check_webhook_deliveries(settings: Settings) -> Check:
    from services.webhooks_check import check_webhook_deliveries as check

    return check(settings)


CHECKS: list[Callable[[Settings], Check]] = [
    check_configuration,
    check_database,
    check_zoho,
    check_smtp,
    check_redis,
    check_webhooks,
    check_webhook_deliveries,
    check_handoff,
]


def run_checks(settings: Settings) -> list[Check]:
    results = []
    for check in CHECKS:
        try:
            results.append(check(settings))
        except Exception as error:  # a doctor that stops at one surprise would hide the other checks
            results.append(fail(check.__name__.removeprefix("check_"), f"the check itself failed "
                                f"({type(error).__name__}: {error})", "a bug in the doctor: report it with this line"))
    return results


# -- helpers --------------------------------------------------------------------------------------


def _is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_loopback(url: str) -> bool:
    return _is_loopback_host(urlsplit(url).hostname or "")


def _reachable_from_outside(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" or "." not in host:
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:  # a name: reserved and private-use top-level domains are not reachable
        return host.rsplit(".", 1)[1] not in {"localhost", "local", "internal", "test", "example", "invalid", "lan", "home"}


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
