"""Is the database at the schema this code expects? (design.md §3: refuse to start on an outdated one)."""
from __future__ import annotations

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from config.settings import PROJECT_ROOT

MIGRATIONS_DIR = str(PROJECT_ROOT / "db" / "migrations")
OUTDATED_MESSAGE = "Database schema is out of date: run `flask db upgrade` (with the same DATABASE_URL) and start again"


def current_and_expected_heads(engine: Engine, migrations_dir: str = MIGRATIONS_DIR) -> tuple[set[str], set[str]]:
    """The database's Alembic revisions, and the ones this code's migrations end at."""
    config = Config()
    config.set_main_option("script_location", migrations_dir)
    expected = set(ScriptDirectory.from_config(config).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, expected


def schema_is_current(engine: Engine, migrations_dir: str = MIGRATIONS_DIR) -> bool:
    current, expected = current_and_expected_heads(engine, migrations_dir)
    return current == expected
