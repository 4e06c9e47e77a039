"""The suite's fixtures are a plugin (``tests/fixtures/``); its helpers are in ``tests/support/``."""
import os

os.environ.setdefault("PORTAL_ENV", "testing")
# A .env in the clone (the demo writes one) must never configure the apps under test.
os.environ.setdefault("FLASK_SKIP_DOTENV", "1")

pytest_plugins = ["tests.fixtures"]
