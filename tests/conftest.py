"""The suite's fixtures are a plugin (``tests/fixtures/``); its helpers are in ``tests/support/``."""
import os

os.environ.setdefault("PORTAL_ENV", "testing")

pytest_plugins = ["tests.fixtures"]
