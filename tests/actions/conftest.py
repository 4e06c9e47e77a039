"""Only for test_write_actions.py, which is rewritten with the web layer: it imports two names from
here and ran on both databases. Both go once it uses ``tests.support`` and carries the marker."""
from __future__ import annotations

import pytest

from tests.support.audit import audit_events  # noqa: F401  (imported by test_write_actions.py)
from tests.support.demo import ACME_ID as ACME  # noqa: F401  (imported by test_write_actions.py)


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc) -> None:
    if metafunc.module.__name__.endswith(".test_write_actions"):
        metafunc.definition.add_marker(pytest.mark.both_databases)
