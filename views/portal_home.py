"""Blueprint ``portal``: the signed-in customer's pages. Issue 3 brings Home; the billing pages
(issue 4) join this blueprint."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from services.directory import customer_name

bp = Blueprint("portal", __name__)


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every portal page is for a signed-in customer."""


@bp.get("/")
def home():
    return render_template(
        "portal/home.html",
        person_name=current_user.display_name,
        customer_name=customer_name(current_user.customer_id),
    )
