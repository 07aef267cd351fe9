"""Build a store beside the live one, then put it in place in one atomic step.

Readers must see either the old store or the new one, never a half-built one, and a
failed rebuild must leave the old store untouched. So the new store is built where
nobody reads (a sibling file for SQLite, a new schema for PostgreSQL) and swapped in
at the end:

- SQLite: ``os.replace`` of the sibling over the store file (atomic on one file
  system). Both files are checkpointed first so no write-ahead log is left that
  SQLite could replay onto the wrong file.
- PostgreSQL: the store's schema is whatever its URL resolves to (``current_schema()``
  through the search_path, e.g. ``options=-csearch_path=...``). The new tables are
  built in a new schema and renamed into place in ONE transaction (``ALTER SCHEMA ...
  RENAME``). When the store's schema holds anything besides the store's tables (the
  usual ``public`` of a shared database), only the store's tables are moved instead
  (``ALTER TABLE ... SET SCHEMA``, same transaction), so nothing else is touched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

from newsline.errors import StoreError
from newsline.store.engine import db_errors, make_engine
from newsline.store.models import TABLES
from newsline.store.schema import VERSION_TABLE

STORE_TABLES = (*(table.name for table in TABLES), VERSION_TABLE)


@dataclass
class SqliteStaging:
    """A sibling file of the store; ``swap`` replaces the store file with it."""

    store: Path
    path: Path
    url: str

    def swap(self) -> None:
        _checkpoint(self.path)
        if self.store.exists():
            _checkpoint(self.store)
            wal = Path(f"{self.store}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise StoreError(
                    f"{self.store} is still being written by another process; stop it "
                    "(`newsline worker`) and run the rebuild again"
                )
        os.replace(self.path, self.store)
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


@dataclass
class PostgresStaging:
    """A new schema beside the store's; ``swap`` renames it into the store's place."""

    admin: Engine
    schema: str
    staging: str
    url: str
    _trash: str = field(default="")

    def swap(self) -> None:
        self._trash = _sibling(self.schema, "replaced")
        with db_errors(), self.admin.begin() as connection:
            q = connection.dialect.identifier_preparer.quote
            if not _schema_exists(connection, self.schema):
                connection.execute(
                    text(f"ALTER SCHEMA {q(self.staging)} RENAME TO {q(self.schema)}")
                )
                return
            if _holds_only_store_tables(connection, self.schema):
                connection.execute(
                    text(f"ALTER SCHEMA {q(self.schema)} RENAME TO {q(self._trash)}")
                )
                connection.execute(
                    text(f"ALTER SCHEMA {q(self.staging)} RENAME TO {q(self.schema)}")
                )
            else:
                connection.execute(text(f"CREATE SCHEMA {q(self._trash)}"))
                for name in _tables_in(connection, self.schema, STORE_TABLES):
                    connection.execute(
                        text(f"ALTER TABLE {q(self.schema)}.{q(name)} SET SCHEMA {q(self._trash)}")
                    )
                for name in _tables_in(connection, self.staging, STORE_TABLES):
                    connection.execute(
                        text(f"ALTER TABLE {q(self.staging)}.{q(name)} SET SCHEMA {q(self.schema)}")
                    )
                connection.execute(text(f"DROP SCHEMA {q(self.staging)}"))
        with db_errors(), self.admin.begin() as connection:  # the old tables, once swapped out
            q = connection.dialect.identifier_preparer.quote
            connection.execute(text(f"DROP SCHEMA IF EXISTS {q(self._trash)} CASCADE"))
        self.admin.dispose()

    def discard(self) -> None:
        with contextlib.suppress(Exception), self.admin.begin() as connection:
            q = connection.dialect.identifier_preparer.quote
            connection.execute(text(f"DROP SCHEMA IF EXISTS {q(self.staging)} CASCADE"))
        self.admin.dispose()


Staging = SqliteStaging | PostgresStaging


def stage(store_url: str) -> Staging:
    """An empty place beside the store at ``store_url`` to build the new one in."""
    engine = make_engine(store_url)
    url = engine.url
    if engine.dialect.name == "sqlite":
        engine.dispose()
        if url.database in (None, "", ":memory:"):
            raise StoreError("an in-memory SQLite store cannot be rebuilt in place")
        store = Path(url.database).resolve()
        path = store.with_name(f".{store.name}.rebuild-{uuid.uuid4().hex[:8]}")
        return SqliteStaging(store, path, url.set(database=str(path)).render_as_string(False))
    if engine.dialect.name == "postgresql":
        with db_errors(), engine.begin() as connection:
            schema = store_schema(connection)
            staging = _sibling(schema, "rebuild")
            q = connection.dialect.identifier_preparer.quote
            connection.execute(text(f"CREATE SCHEMA {q(staging)}"))
        staged = with_search_path(url, staging).render_as_string(hide_password=False)
        return PostgresStaging(engine, schema, staging, staged)
    raise StoreError(f"rebuild supports SQLite and PostgreSQL stores, not {engine.dialect.name}")


def store_schema(connection: Connection) -> str:
    """The schema the store's unqualified table names resolve to (created or not yet)."""
    current = connection.execute(text("select current_schema()")).scalar()
    if current:
        return str(current)
    path = str(connection.execute(text("show search_path")).scalar() or "")
    first = path.split(",")[0].strip().strip('"')
    if not first:
        raise StoreError("the store's search_path is empty: give the URL a schema")
    if first == "$user":
        first = str(connection.execute(text("select current_user")).scalar())
    return first


def with_search_path(url: URL, schema: str) -> URL:
    """``url`` whose connections use ``schema`` first, other ``options`` kept."""
    tokens = str(url.query.get("options", "")).split()
    kept: list[str] = []
    skip_next = False
    for index, token in enumerate(tokens):
        if skip_next:
            skip_next = False
            continue
        if token.startswith("-csearch_path=") or token.startswith("--search_path="):
            continue
        if (
            token == "-c"
            and index + 1 < len(tokens)
            and tokens[index + 1].startswith("search_path=")
        ):
            skip_next = True
            continue
        kept.append(token)
    kept.append(f"-csearch_path={schema}")
    return url.update_query_dict({"options": " ".join(kept)})


def _sibling(schema: str, role: str) -> str:
    """A new schema name next to ``schema`` (PostgreSQL names stop at 63 bytes)."""
    suffix = f"_{role}_{uuid.uuid4().hex[:8]}"
    return schema[: 63 - len(suffix)] + suffix


def _schema_exists(connection: Connection, schema: str) -> bool:
    found = connection.execute(
        text("select 1 from pg_namespace where nspname = :s"), {"s": schema}
    ).first()
    return found is not None


def _tables_in(connection: Connection, schema: str, names: tuple[str, ...]) -> list[str]:
    rows = connection.execute(
        text("select tablename from pg_tables where schemaname = :s"), {"s": schema}
    )
    present = {name for (name,) in rows}
    return [name for name in names if name in present]


def _holds_only_store_tables(connection: Connection, schema: str) -> bool:
    """True when the schema has no table, view, sequence, function or type of its own
    besides the store's tables (and their indexes and row types)."""
    other = connection.execute(
        text(
            """
            select
              (select count(*) from pg_class c
                 where c.relnamespace = n.oid and c.relkind in ('r','p','v','m','S','f')
                   and not (c.relkind = 'r' and c.relname = any(:tables)))
            + (select count(*) from pg_proc p where p.pronamespace = n.oid)
            + (select count(*) from pg_type t
                 where t.typnamespace = n.oid and t.typrelid = 0 and t.typelem = 0
                   and t.typtype <> 'b')
            + (select count(*) from pg_extension e where e.extnamespace = n.oid)
            from pg_namespace n where n.nspname = :s
            """
        ),
        {"s": schema, "tables": list(STORE_TABLES)},
    ).scalar()
    return not other


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file and empty it (no-op for other journals)."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
