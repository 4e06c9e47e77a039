"""The customer's billing pages (issue 4), on the accounts side's ``portal`` blueprint.

Importing this package attaches the pages' routes to ``views.portal_home.bp`` (which requires a
signed-in customer for every route); ``register_blueprints`` imports it before registering ``bp``.
"""
from views.portal import documents, overview  # noqa: F401  (the routes attach on import)
from views.portal.entry_points import action_url
from views.portal_home import bp

bp.add_app_template_global(action_url, "action_url")
