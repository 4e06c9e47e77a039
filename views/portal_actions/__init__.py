"""The customer's subscription and profile changes (issue 5, write side), on the ``portal`` blueprint.

Importing this package attaches the routes to ``views.portal_home.bp`` (sign-in required for every
route); ``register_blueprints`` imports it before registering ``bp``. Every state change is a POST
with a CSRF token through ``@write_action`` (audit, impersonation hook, Zoho outage message); the
work happens in ``services.subscriptions_actions`` and ``services.profile``.
"""
from views.portal_actions import profile, subscriptions  # noqa: F401  (the routes attach on import)
