"""Database engines for the store: an SQLite file by default, PostgreSQL by URL.

SQLite gets WAL journaling and foreign keys on every connection (its defaults are off)
so a reader never blocks the projector; a PostgreSQL URL without a driver gets psycopg
3, the driver the ``postgres`` extra installs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlmodel import create_engine

from newsline.errors import StoreError, StoreUnavailable


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (NEWSLINE_DATABASE_URL), checked to answer a query."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"NEWSLINE_DATABASE_URL={url!r} is not a database URL "
            "(e.g. sqlite:///newsline.db or postgresql://user@host/db)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database {parsed.render_as_string()}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except SQLAlchemyError as exc:
        reason = str(exc.orig if hasattr(exc, "orig") and exc.orig else exc).strip().splitlines()[0]
        raise StoreUnavailable(
            f"database {parsed.render_as_string()} does not answer: {reason}"
        ) from None
    return engine


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextmanager
def db_errors() -> Iterator[None]:
    """Turn driver errors into one-line StoreErrors: the CLI prints them, agents decide."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise StoreUnavailable(f"the store does not answer: {_reason(exc)}") from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"the store failed: {_reason(exc)}") from exc


def _reason(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
