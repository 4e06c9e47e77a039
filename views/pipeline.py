"""The request pipeline: the one path every request of the portal takes, pages and writes alike.

Every route of a ``PipelineBlueprint`` (the customer portal, the sign-in pages, the handoff, the
staff console, Zoho's webhooks) is wrapped by ``_run`` at registration, so no route can step around
it. Zoho's webhooks are a machine audience: no session or actor is looked for and no CSRF token
asked for (the request's signature is its proof, ``views/webhooks.py``). Per request, in this order:

1. **Who is acting.** The actor sources registered on the app are asked in turn (support staff
   viewing as a customer first, ``views/staff_session.py``; then the customer's own session: a
   portal user or a handoff). A customer page with no actor goes to the sign-in page (a staff member
   whose support view just ran out goes back to the console). The sign-in pages and the handoff
   refuse an actor who is support staff viewing as a customer: none of them is for staff.
   The staff console asks the staff source instead (the staff member's own cookie, never the
   customer's session) and the role table (``services/policy/staff.py``) for the route's
   ``permission``: no staff member is a GET to the staff sign-in page, or a 403 for anything else.
2. **The context.** One ``CustomerContext`` (``services/context.py``) per request: the actor and
   their customer, the Zoho client, the cache and the customer's read model, the settings, the
   organization's time zone, the locale and the audit context. Controllers receive it first. A GET
   runs within the page's upstream budget (``ZOHO_PAGE_BUDGET_SECONDS``, ``zoho_client.deadline``).
3. **Writes.** A POST to a route registered with an ``action`` is a write. The actor's part of the
   policy is asked before the controller runs (support staff viewing may look, never change);
   operations ask the resource's policy for the rest before they call Zoho. Payment routes also
   need a recent sign-in (``recent_auth``).
4. **Outcome, and the one commit.** When the controller returns, the request's database work is
   committed; when it raises, it is rolled back and what it raised becomes an answer: another
   customer's (or an unknown) id is a 404; a refused action is its message and a 303 back (403
   when it is the actor who may not); on a write, a Zoho outage is "nothing was changed" and a
   lost reply "we can't tell yet", each flashed with a 303 back; on a read, Zoho's failures go on
   to the calm error pages (``views/errors.py``); anything else is a bug (500).
   Every write leaves one audit event, ``write.<endpoint>`` (``staff.<endpoint>`` on the console),
   with the actor and the outcome, committed even when the controller's own changes were rolled
   back. While support staff view a customer, every page and download they open is recorded too
   (``support_view.page``, ``support_view.download``).

Payment intents are the one exception to "one commit": ``services/payment_intents.py`` claims
and settles them in a short transaction of their own, so that a claim survives a failing request.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from enum import Enum
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException, NotFound

from extensions import csrf, db, login_manager
from services import audit
from services.actors import Actor, StaffMember
from services.audit import AuditContext
from services.context import CustomerContext, RequestContext, StaffContext
from services.ownership import NotOwned
from services.policy import Action, ActionRefused, ActorRefused, actor_refusal
from services.policy import staff as staff_policy
from services.texts import current_locale
from services.texts import common as words, staff as staff_words
from views.errors import render_error
from zoho_client import deadline
from zoho_client.errors import ZohoBadResponse, ZohoOutcomeUnknown, ZohoRateLimited, ZohoUnavailable

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})
ZOHO_DOWN = (ZohoUnavailable, ZohoRateLimited, ZohoBadResponse)
RECENT_AUTH_SECONDS = 15 * 60
REAUTHENTICATED_AT = "rat"  # session key: when the person last confirmed their password


class Audience(Enum):
    PUBLIC = "public"  # the sign-in pages and the handoff: anyone may come
    CUSTOMER = "customer"  # a customer's own pages: an actor is required
    STAFF = "staff"  # the staff console: a signed-in staff member whose role has the route's permission
    EVERYONE = "everyone"  # anyone, support staff viewing too: nothing of a customer's is read or changed
    MACHINE = "machine"  # another system (Zoho's webhooks): no session, no actor, no CSRF token; it proves itself


ActorSource = Callable[[], "Actor | None"]
BackTarget = "str | Callable[..., str] | None"


@dataclass(frozen=True)
class Route:
    endpoint: str
    controller: Callable[..., Any]
    audience: Audience
    action: Action | None  # set: a POST to this route is a write
    back: Any  # where a refused or failed request is sent: an endpoint, or a callable of the URL values
    recent_auth: bool  # money moves: a sign-in in the last 15 minutes is required
    permission: staff_policy.Permission | None = None  # STAFF routes: what the staff member's role must allow
    # The cache entries a GET of this route reads, from the customer's read model: read ahead with
    # the session check (one Redis round trip for the whole warm page).
    prefetch: Callable[[Any], list] | None = None
    # A GET ends its Zoho calls within ZOHO_PAGE_BUDGET_SECONDS (then last-good data or the calm
    # page); downloads straight from Zoho (PDFs, zips) take as long as they need.
    upstream_budget: bool = True

    def writes(self) -> bool:
        if self.audience is Audience.STAFF:
            return request.method not in READ_METHODS
        return self.action is not None and request.method == "POST"


class PipelineBlueprint(Blueprint):
    """A blueprint whose every route runs through the pipeline.

    ``add_url_rule`` takes more keywords: ``action`` (the ``Action`` a POST to the route
    performs; required for any POST route of the customer portal), ``back``, ``recent_auth``,
    ``permission`` (required for every route of the staff console: deny by default), ``prefetch``
    and ``upstream_budget``.
    """

    def __init__(self, name: str, import_name: str, *, audience: Audience, **kwargs: Any) -> None:
        super().__init__(name, import_name, **kwargs)
        self.audience = audience
        self._views: dict[str, Callable[..., Any]] = {}  # one wrapper per endpoint, however many rules
        if audience is Audience.MACHINE:
            csrf.exempt(self)  # a machine has no form token: its request proves itself (a signature)

    def add_url_rule(self, rule: str, endpoint: str | None = None, view_func: Callable | None = None,
                     provide_automatic_options: bool | None = None, *, action: Action | None = None,
                     back: Any = None, recent_auth: bool = False,
                     permission: staff_policy.Permission | None = None,
                     prefetch: Callable[[Any], list] | None = None, upstream_budget: bool = True,
                     **options: Any) -> None:
        if view_func is None:
            raise ValueError(f"{rule}: a pipeline route needs its controller")
        endpoint = endpoint or view_func.__name__
        methods = set(options.get("methods") or ("GET",))
        if self.audience is Audience.CUSTOMER and "POST" in methods and action is None:
            raise ValueError(f"{self.name}.{endpoint}: a POST route of the customer portal must name its action")
        if self.audience is Audience.STAFF and permission is None:
            raise ValueError(f"{self.name}.{endpoint}: a route of the staff console must name its permission")
        route = Route(f"{self.name}.{endpoint}", view_func, self.audience, action, back, recent_auth, permission,
                      prefetch, upstream_budget)
        view = self._views.get(endpoint)
        if view is None:
            view = self._views[endpoint] = _wrap(route)
        elif view.route != route:
            raise ValueError(f"{route.endpoint}: every rule of one endpoint must share its controller and options")
        super().add_url_rule(rule, endpoint, view, provide_automatic_options, **options)


def _wrap(route: Route) -> Callable[..., Any]:
    @wraps(route.controller)
    def view(**values: Any):
        return _run(route, values)

    view.route = route  # tests list every write route from the app's URL map
    return view


# -- 1. who is acting ---------------------------------------------------------------------------------


def init_pipeline(app: Flask, sources: list[ActorSource]) -> None:
    """``sources`` are asked in order for the request's actor; the first answer wins."""
    app.extensions["actor_sources"] = list(sources)

    @app.context_processor
    def actor_in_templates() -> dict:
        return {"actor": current_actor() if request else None}


def add_actor_source(app: Flask, source: ActorSource, *, first: bool = True) -> None:
    sources = app.extensions["actor_sources"]
    sources.insert(0, source) if first else sources.append(source)


def set_staff_source(app: Flask, source: Callable[[], "StaffMember | None"]) -> None:
    """Who is signed in to the staff console (``views/staff_session.current_staff``)."""
    app.extensions["staff_source"] = source


def current_staff() -> StaffMember | None:
    source = current_app.extensions.get("staff_source")
    return source() if source is not None else None


def current_actor() -> Actor | None:
    if "actor" not in g:
        g.actor = next((actor for actor in (source() for source in current_app.extensions["actor_sources"])
                        if actor is not None), None)
    return g.actor


def current_context() -> RequestContext:
    return g.portal


def page_reads(customer_id: str) -> list:
    """The cache entries this request's route will read for ``customer_id`` (its ``prefetch``)."""
    view = current_app.view_functions.get(request.endpoint or "")
    route = getattr(view, "route", None)
    if route is None or route.prefetch is None or request.method not in READ_METHODS:
        return []
    from services.billing import CustomerBilling

    runtime = current_app.extensions["billing"]
    return route.prefetch(CustomerBilling(customer_id, current_app.extensions["zoho"], runtime.cache,
                                          runtime.fanout))


def audit_context() -> AuditContext:
    return AuditContext(ip=request.remote_addr, user_agent=request.headers.get("User-Agent"),
                        request_id=g.get("request_id"))


# -- 2. the context ----------------------------------------------------------------------------------


def _context(actor: Actor | None, staff: StaffMember | None = None) -> RequestContext:
    app = current_app
    settings = app.extensions["settings"]
    locale = current_locale  # decided on first use: views/language.py
    if staff is not None:
        return StaffContext(staff=staff, settings=settings, audit=audit_context(), zoho=app.extensions["zoho"],
                            locale=locale)
    if actor is None:
        return RequestContext(settings=settings, audit=audit_context(), locale=locale)
    runtime = app.extensions["billing"]
    # The app's clock (UTC now) is the real one unless a test puts it where the sandbox's clock is.
    clock = app.extensions.get("clock")
    return CustomerContext(actor=actor, settings=settings, audit=audit_context(), zoho=app.extensions["zoho"],
                           cache=runtime.cache, fanout=runtime.fanout, locale=locale,
                           **({"clock": clock} if clock is not None else {}))


# -- 3 and 4: run the controller, commit once -----------------------------------------------------------


def _run(route: Route, values: dict[str, Any]):
    if route.audience is Audience.STAFF:
        return _run_staff(route, values)
    actor = None if route.audience is Audience.MACHINE else current_actor()
    if route.audience is Audience.CUSTOMER and actor is None:
        exit_url = g.pop("support_view_exit", None)
        response = redirect(exit_url, 303) if exit_url else login_manager.unauthorized()
        _commit()  # what the session checks recorded on the way (an expired session)
        return response
    ctx = _context(actor)
    g.portal = ctx
    writing = route.writes()
    support_view_refused = route.audience is Audience.PUBLIC and actor is not None and actor.is_staff
    budget = (ctx.settings.ZOHO_PAGE_BUDGET_SECONDS
              if route.upstream_budget and request.method in READ_METHODS else None)

    def run():
        if support_view_refused:
            # The sign-in pages and the handoff act on a customer's credentials: never during a support view.
            raise ActorRefused(staff_words.SUPPORT_VIEW_NO_SIGN_IN)
        if writing:
            refusal = actor_refusal(actor, route.action)
            if refusal is not None:
                raise ActorRefused(refusal)
        if route.recent_auth and actor is not None and actor_refusal(actor, route.action) is None \
                and _needs_recent_auth():
            ctx.report("reauth_required")
            return _reauth_response()
        with deadline.budget(budget):
            return route.controller(ctx, **values)

    def failed(error: Exception) -> None:
        if support_view_refused:
            _audit_support_view(route, ctx, "support_view.refused", 403)
        elif writing:
            _audit_write(route, ctx, _failure_outcome(ctx, error))

    def done(response) -> None:
        if writing:
            _audit_write(route, ctx, ctx.outcome or _default_outcome(response))
        elif actor is not None and actor.is_staff:
            _audit_support_view(route, ctx, _support_view_event(response), response.status_code)

    return _commit_once(route, ctx, values, writing, run, failed, done)


def _run_staff(route: Route, values: dict[str, Any]):
    """The staff console: the staff member's own session and role; never a customer's session."""
    staff = current_staff()
    if staff is None:
        db.session.commit()  # what the session checks recorded on the way (an expired session)
        if request.method in READ_METHODS:
            return redirect(url_for("staff_auth.login", next=request.full_path.rstrip("?")), 303)
        return render_error(403, detail=staff_words.SIGN_IN_AGAIN)
    ctx = _context(None, staff)
    g.portal = ctx
    writing = route.writes()

    def run():
        refusal = staff_policy.refusal(staff, route.permission)
        if refusal is not None:
            raise ActorRefused(refusal)
        return route.controller(ctx, **values)

    def failed(error: Exception) -> None:
        if writing or isinstance(error, ActorRefused):
            _audit_staff(route, ctx, _failure_outcome(ctx, error))

    def done(response) -> None:
        if writing:
            _audit_staff(route, ctx, ctx.outcome or _default_outcome(response))

    return _commit_once(route, ctx, values, writing, run, failed, done)


def _commit_once(route: Route, ctx: RequestContext, values: dict[str, Any], writing: bool,
                 run: Callable[[], Any], failed: Callable[[Exception], None], done: Callable[[Any], None]):
    """Run the controller, record, commit once. A failure rolls back what the controller did, is
    answered (or re-raised for the error pages), and what ``failed`` records is committed anyway."""
    try:
        response = current_app.make_response(run())
    except Exception as error:  # noqa: BLE001  every failure ends here: rolled back, then answered or re-raised
        db.session.rollback()
        answer = _answer_failure(route, ctx, values, error, writing)
        failed(error)
        db.session.commit()
        if isinstance(error, NotOwned):
            raise NotFound() from error
        if answer is None:
            raise
        return answer
    done(response)
    _commit()
    return response


def _commit() -> None:
    """The one commit, when there is anything to commit: a warm page that wrote nothing and has
    nothing waiting for a commit (mail, cache generations) skips the empty transaction."""
    if not db.session.registry.has():
        return  # the request never touched the database
    session = db.session()
    if session.in_transaction() or session.info:
        session.commit()


def _default_outcome(response) -> str:
    return "completed" if response.status_code < 400 else f"refused_{response.status_code}"


def _answer_failure(route: Route, ctx: RequestContext, values: dict[str, Any], error: Exception, writing: bool):
    """The response for what the controller raised, or None to let it go on to the error pages."""
    if isinstance(error, NotOwned):
        # Another customer's id and an unknown id look the same: a 404 that never confirms existence.
        log.info("object not owned by the signed-in customer", extra={"object_kind": error.kind})
        return None
    if isinstance(error, ActorRefused):
        return render_error(403, detail=error.message)
    if isinstance(error, ActionRefused):
        flash(error.message, "error")
        return redirect(_back(route, values, after_failure=False), 303)
    if writing and isinstance(error, ZOHO_DOWN):
        log.warning("write refused: zoho unavailable",
                    extra={"action": route.endpoint, "zoho_error": type(error).__name__})
        flash(words.BILLING_UNAVAILABLE, "error")
        return redirect(_back(route, values, after_failure=True), 303)
    if writing and isinstance(error, ZohoOutcomeUnknown):
        log.warning("write outcome unknown", extra={"action": route.endpoint})
        flash(words.OUTCOME_UNKNOWN, "warning")
        return redirect(_back(route, values, after_failure=True), 303)
    return None


def _failure_outcome(ctx: RequestContext, error: Exception) -> str:
    if isinstance(error, ActorRefused):
        return "refused_actor"
    if isinstance(error, ActionRefused):
        return ctx.outcome or "refused"
    if isinstance(error, ZOHO_DOWN):
        return "zoho_unavailable"
    if isinstance(error, ZohoOutcomeUnknown):
        return "outcome_unknown"
    if isinstance(error, (NotOwned, NotFound)):
        return "not_found"
    if isinstance(error, HTTPException):
        return ctx.outcome or f"refused_{error.code}"
    return "error"


def _back(route: Route, values: dict[str, Any], *, after_failure: bool) -> str:
    """Where a refused or failed request goes. After an outage, a form that can be shown again is
    the place to retry; a refused action goes to the object's own page (its form would refuse too)."""
    rule = request.url_rule
    if after_failure and request.method != "GET" and rule is not None and "GET" in (rule.methods or ()):
        return request.path
    back = route.back
    if callable(back):
        return back(**values)
    if isinstance(back, str):
        accepted = set()
        for candidate in current_app.url_map.iter_rules(back):
            accepted |= candidate.arguments
        return url_for(back, **{name: value for name, value in values.items() if name in accepted})
    return url_for("staff.home" if route.audience is Audience.STAFF else "portal.home")


def _audit_write(route: Route, ctx: RequestContext, outcome: str) -> None:
    actor = ctx.actor
    details: dict[str, Any] = {"action": route.action.value, "outcome": outcome,
                               "via": actor.kind.value if actor else None}
    details.update(ctx.outcome_details)
    if actor is not None and actor.is_staff:
        details.update(impersonation_id=actor.impersonation_id, staff_id=actor.staff_id)
    audit.record(f"write.{route.endpoint.split('.', 1)[1]}", ctx.audit, actor=actor.audit_name,
                 portal_user_id=actor.portal_user_id, customer_id=actor.customer_id, details=details)


def _audit_staff(route: Route, ctx: StaffContext, outcome: str) -> None:
    details: dict[str, Any] = {"permission": route.permission.value, "outcome": outcome,
                               "staff_id": ctx.staff.staff_id}
    details.update(ctx.outcome_details)
    audit.record(f"staff.{route.endpoint.split('.', 1)[1]}", ctx.audit, actor=ctx.staff.audit_name,
                 customer_id=ctx.outcome_details.get("customer_id"), details=details)


def _support_view_event(response) -> str:
    """A file (a PDF, a zip, a statement) is a download; anything else a page."""
    attachment = "attachment" in response.headers.get("Content-Disposition", "")
    return "support_view.download" if attachment or response.mimetype != "text/html" else "support_view.page"


def _audit_support_view(route: Route, ctx: RequestContext, event: str, status: int) -> None:
    """Every page and download support staff open while viewing a customer, with both identities."""
    actor = ctx.actor
    audit.record(event, ctx.audit, actor=actor.audit_name, customer_id=actor.customer_id,
                 details={"impersonation_id": actor.impersonation_id, "staff_id": actor.staff_id,
                          "endpoint": route.endpoint, "path": request.path[:200], "status": status})


# -- recent sign-in before money moves -------------------------------------------------------------------


def last_authenticated_at() -> int:
    from views.auth_session import SIGNED_IN_AT

    return max(int(session.get(SIGNED_IN_AT, 0) or 0), int(session.get(REAUTHENTICATED_AT, 0) or 0))


def _needs_recent_auth() -> bool:
    return time.time() - last_authenticated_at() > RECENT_AUTH_SECONDS


def mark_reauthenticated() -> None:
    session[REAUTHENTICATED_AT] = int(time.time())


def _reauth_response():
    """A password session confirms its password; a handoff session has none and starts again from the product."""
    actor = current_actor()
    if actor.via_handoff:
        return render_template("portal/pay_reauth.html", handoff=True, next_path=request.path), 401
    return redirect(url_for("portal.confirm_password", next=request.path), 303)
