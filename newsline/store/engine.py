"""Database engines for the store: an SQLite file by default, PostgreSQL by URL.

SQLite gets WAL journaling and foreign keys on every connection (its defaults are off)
so a reader never blocks the projector; a PostgreSQL URL without a driver gets psycopg
3, the driver the ``postgres`` extra installs. The URL's query parameters reach libpq
unchanged, so TLS is configured there (``?sslmode=verify-full&sslrootcert=...``).

Every message built here shows the URL with its password masked, and driver messages
are scrubbed of anything password-shaped before they become a StoreError.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlmodel import create_engine

from newsline.errors import StoreError, StoreUnavailable
from newsline.redaction import masked_url, scrubbed


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (NEWSLINE_DATABASE_URL), checked to answer a query."""
    parsed = engine_url(url)
    shown = masked_url(parsed.render_as_string(hide_password=False))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database {shown}: {_scrub(str(exc), parsed)}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except SQLAlchemyError as exc:
        raise StoreUnavailable(
            f"database {shown} does not answer: {_scrub(_reason(exc), parsed)}"
        ) from None
    return engine


def engine_url(url: str) -> URL:
    """``url`` parsed, with psycopg 3 as PostgreSQL's driver; query parameters (libpq's
    ``sslmode``, ``sslrootcert``, ``sslcert``, ...) are kept for the driver."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"NEWSLINE_DATABASE_URL={masked_url(url)!r} is not a database URL "
            "(e.g. sqlite:///newsline.db or postgresql://user@host/db)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


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
    """The driver's first line, scrubbed: libpq may quote connection settings."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return scrubbed(lines[0] if lines else type(exc).__name__)


def _scrub(message: str, url: URL) -> str:
    """``message`` without the URL's password or libpq password parameters, anywhere."""
    secrets: list[str | None] = [url.password]
    for key in ("password", "sslpassword"):
        value = url.query.get(key)
        secrets.extend([value] if isinstance(value, str) else value or ())
    return scrubbed(message, *secrets)
