"""The customer's billing pages (issue 4), on the accounts side's ``portal`` blueprint.

Importing this package attaches the pages' routes to ``views.portal_home.bp`` (which requires a
signed-in customer for every route); ``register_blueprints`` imports it before registering ``bp``.
"""
from services.cache import stale_as_of
from views.portal import documents, overview  # noqa: F401  (the routes attach on import)
from views.portal.entry_points import action_url
from views.portal_home import bp

bp.add_app_template_global(action_url, "action_url")


@bp.context_processor
def freshness() -> dict:
    """When this page shows last-good data because Zoho failed: the moment it dates from, else None."""
    return {"stale_as_of": stale_as_of()}
