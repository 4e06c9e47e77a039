"""Blueprint ``portal``: the signed-in customer's pages. Every route requires a signed-in customer.

Issue 3 created it with a first Home; the billing pages of issue 4 (``views/portal/``, including
the summary Home) attach their routes to it.
"""
from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("portal", __name__)


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every portal page is for a signed-in customer."""
