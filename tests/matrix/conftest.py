"""Fixtures of the state matrix: per test module, one portal app on SQLite and one on PostgreSQL
(the run's databases, from ``tests/fixtures/database.py``), on the run's sandbox. Every case reseeds
the sandbox and empties the portal's cache (``MatrixPortal.begin``).

The databases are held for a module instead of a test so that each demo customer signs in once per
database rather than once per case.
"""
from __future__ import annotations

import pytest

from tests.fixtures.database import BOTH, empty_postgres_tables
from tests.matrix.support import build_portal


@pytest.fixture(scope="module", params=BOTH)
def portal(request, sandbox_server, make_sqlite_database):
    """``MatrixPortal`` for this module's cases, on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        url = make_sqlite_database()
    else:
        url, engine = request.getfixturevalue("_postgres_database")
        empty_postgres_tables(engine)  # the run's database, emptied for this module
    made = build_portal(sandbox_server, url)
    yield made
    made.close()
