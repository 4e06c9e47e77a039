"""A customer's "Recent activity": what happened to their portal accounts, from the audit log, and
every support view of their account, from the support views' own records.

Customers see who signed in (time, the IP address with its last part hidden, the browser), sign-ins
from the product, password and two-factor changes, colleagues invited, and each support view: who
from support, when, why and for how long. Nothing here shows another customer's rows: every query
is by this customer's id.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.models import AuditEvent, PortalUser
from db.staff import Impersonation, StaffUser
from extensions import db
from services.texts import staff as words

SHOWN = 100
EVENTS = {
    "login_success": words.ACTIVITY_SIGN_IN,
    "handoff_login": words.ACTIVITY_HANDOFF,
    "logout_all": words.ACTIVITY_SIGN_OUT_EVERYWHERE,
    "password_changed": words.ACTIVITY_PASSWORD_CHANGED,
    "password_reset_completed": words.ACTIVITY_PASSWORD_RESET,
    "totp_enabled": words.ACTIVITY_TWO_FACTOR_ON,
    "totp_disabled": words.ACTIVITY_TWO_FACTOR_OFF,
    "totp_reset_by_staff": words.ACTIVITY_TWO_FACTOR_RESET,
    "invitation_sent": words.ACTIVITY_INVITED,
    "invitation_accepted": words.ACTIVITY_JOINED,
    "user_disabled": words.ACTIVITY_DISABLED,
    "login_unlocked_by_staff": words.ACTIVITY_UNLOCKED,
}
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


@dataclass(frozen=True)
class ActivityItem:
    when: datetime
    what: str
    who: str  # the person, or the support staff member
    ip: str | None = None  # truncated
    browser: str | None = None
    reason: str | None = None  # support views: why
    minutes: int | None = None  # support views: how long (so far, for one still open)
    open: bool = False  # a support view that is still running
    by_support: bool = False


def recent(customer_id: str, now: datetime) -> list[ActivityItem]:
    items = _account_events(customer_id) + _support_views(customer_id, now)
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:SHOWN]


def _account_events(customer_id: str) -> list[ActivityItem]:
    rows = db.session.execute(
        select(AuditEvent, PortalUser.display_name)
        .outerjoin(PortalUser, PortalUser.id == AuditEvent.portal_user_id)
        .where(AuditEvent.customer_id == customer_id, AuditEvent.event_type.in_(EVENTS))
        .order_by(AuditEvent.id.desc()).limit(SHOWN))
    staff_names = _staff_names()
    items = []
    for event, person in rows:
        by_support = event.actor.startswith("staff:")
        who = staff_names.get(event.actor, words.SUPPORT_TEAM) if by_support else (
            person or (event.details or {}).get("email") or "—")
        if event.event_type == "invitation_sent" and person:
            who = person  # the colleague who was invited
        items.append(ActivityItem(when=event.occurred_at, what=EVENTS[event.event_type], who=who,
                                  ip=truncate_ip(event.ip), browser=browser(event.user_agent),
                                  by_support=by_support))
    return items


def _support_views(customer_id: str, now: datetime) -> list[ActivityItem]:
    rows = db.session.execute(
        select(Impersonation, StaffUser.display_name).join(StaffUser, StaffUser.id == Impersonation.staff_id)
        .where(Impersonation.customer_id == customer_id).order_by(Impersonation.started_at.desc()).limit(SHOWN))
    items = []
    for view, staff_name in rows:
        end = view.ended_at or min(now, view.expires_at)
        items.append(ActivityItem(when=view.started_at, what=words.ACTIVITY_SUPPORT_VIEW, who=staff_name,
                                  reason=view.reason, minutes=max(1, round((end - view.started_at).total_seconds() / 60)),
                                  open=view.is_live(now), by_support=True))
    return items


def _staff_names() -> dict[str, str]:
    return {f"staff:{staff_id}": name for staff_id, name in db.session.execute(
        select(StaffUser.id, StaffUser.display_name))}


def truncate_ip(ip: str | None) -> str | None:
    """``203.0.113.42`` → ``203.0.113.x``; IPv6 keeps its first three groups (the network)."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version == 4:
        return ".".join(str(address).split(".")[:3]) + ".x"
    return ":".join(address.exploded.split(":")[:3]) + "::x"


def browser(user_agent: str | None) -> str | None:
    """"Chrome on Windows" from a user agent, or None when it says nothing we recognise."""
    if not user_agent:
        return None
    name = next((label for token, label in _BROWSERS if token in user_agent), None)
    system = next((label for token, label in _SYSTEMS if token in user_agent), None)
    if name and system:
        return f"{name} on {system}"
    return name or system
