"""Recent activity: sign-ins, security changes, invitations and every support view of the account."""
from __future__ import annotations

from flask import render_template

from services import activity
from services.context import CustomerContext


def show(ctx: CustomerContext):
    return render_template("portal/activity.html", items=activity.recent(ctx.customer_id, ctx.clock()))
