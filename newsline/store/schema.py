"""The store's schema: created and upgraded by the Alembic migrations in ``migrations/``.

Every process that opens the store (the worker, a CLI command, a rebuild) calls
``create_tables`` first; it brings any store to the current revision in one
transaction:

- an empty database gets every migration from the first;
- a store created before migrations existed (its tables, no ``alembic_version``) is
  stamped with the first revision and upgraded from there;
- a store already at ``HEAD`` costs one query (Alembic is not even loaded).

Two processes starting together can race to migrate; the loser's transaction fails
("already exists", a duplicate version row) and it tries again, by then finding the
store at ``HEAD``.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from newsline.errors import StoreError
from newsline.store.engine import db_errors

#: the newest revision in migrations/versions (a test checks they agree)
HEAD = "0003"
FIRST = "0001"
MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
ATTEMPTS = 10


def create_tables(engine: Engine) -> None:
    """Bring the store at ``engine`` to the current schema (idempotent)."""
    with db_errors():
        for attempt in range(ATTEMPTS):
            try:
                with engine.begin() as connection:
                    if revision(connection) != HEAD:
                        _upgrade(connection)
                return
            except (OperationalError, ProgrammingError, IntegrityError):
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))


def revision(connection: Connection) -> str | None:
    """The store's schema revision: None for an empty database, FIRST for a store
    created before migrations existed."""
    tables = set(inspect(connection).get_table_names())
    if VERSION_TABLE in tables:
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return FIRST if "events" in tables else None


def _upgrade(connection: Connection) -> None:
    from alembic import command  # only when there is something to migrate

    config = alembic_config(connection)
    found = revision(connection)
    if found == FIRST and not inspect(connection).has_table(VERSION_TABLE):
        command.stamp(config, FIRST)
    elif found not in (None, FIRST) and found not in _known_revisions(config):
        raise StoreError(
            f"the store's schema is at revision {found}, newer than this newsline knows "
            f"({HEAD}); upgrade newsline, or rebuild the store (`newsline rebuild`)"
        )
    command.upgrade(config, "head")


def alembic_config(connection: Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _known_revisions(config) -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
