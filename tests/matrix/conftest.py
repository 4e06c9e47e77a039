"""Fixtures of the state matrix: the session's sandbox (the demo seed) and, per test module, one
portal app on SQLite and one on PostgreSQL. Every case reseeds the sandbox and empties the portal's cache (``MatrixPortal.begin``).

The databases are the accounts suite's (``DATABASES``: SQLite from the migrated template,
PostgreSQL from ``TEST_POSTGRES_URL``), held for a module instead of a test so that each demo customer
signs in once per database rather than once per case.
"""
from __future__ import annotations

import shutil

import pytest

from tests.accounts.conftest import DATABASES, _truncate_all, postgres_database, sqlite_template  # noqa: F401
from tests.matrix.support import build_portal


@pytest.fixture(scope="module", params=DATABASES)
def portal(request, sandbox, tmp_path_factory):
    """``MatrixPortal`` for this module's cases, on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("matrix-db") / "portal.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        url = f"sqlite:///{target}"
    else:
        url, engine = request.getfixturevalue("postgres_database")
        _truncate_all(engine)  # the accounts suite's database, emptied for this module
    made = build_portal(sandbox, url)
    yield made
    made.close()
