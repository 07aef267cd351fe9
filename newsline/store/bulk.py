"""Fast paths for the projector's big writes: rows known to be new, and id lookups.

A rebuild folds millions of rows; SQLAlchemy's per-row parameter processing costs
more than the database's own work (measured by bench/query.py). Rows the projector
knows are absent (it looked inside the same transaction, and one event lives in one
partition) go in through the driver's bulk path instead: COPY on PostgreSQL
(psycopg), ``executemany`` on SQLite, with values already in the form SQLAlchemy
stores on SQLite (``row_tuples``), so reads through SQLAlchemy see exactly what an ORM
insert would have written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import date
from functools import cache
from operator import itemgetter, methodcaller
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Engine, Index, Table, event, text

from newsline.errors import StoreError
from newsline.store.engine import db_errors
from newsline.store.models import TABLES

#: indexes only queries read (never the projector): built after a bulk load
_QUERY_ONLY = ("ix_event_countries_timeline",)
_CHUNK = 900  # ids per IN (...) list: under every driver's parameter limit
#: rows from which PostgreSQL's insert_ignore goes through a temporary table (about
#: where the two ways cost the same: 12 µs a row, against 4 µs and 1.1 ms a call)
STAGED_FROM = 150


def bulk_loading(engine: Engine) -> Engine:
    """``engine`` tuned for filling a store nobody reads yet (a rebuild's staging store).

    Commits stop waiting for the disk (SQLite ``synchronous=OFF``, PostgreSQL
    ``synchronous_commit=off``) and SQLite skips its per-row foreign-key checks: the
    projector writes parents first anyway. A crash can lose the last commits, which
    costs nothing here: a failed rebuild discards its staging store.
    """

    @event.listens_for(engine, "connect")
    def _tune(connection, _record) -> None:
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB of page cache
        elif engine.dialect.name == "postgresql":
            cursor.execute("SET synchronous_commit TO off")
        cursor.close()

    engine.dispose()  # pooled connections predate the listener
    return engine


@contextmanager
def checks_and_indexes_deferred(engine: Engine) -> Iterator[Callable[[], None]]:
    """The store's foreign keys (PostgreSQL) and its query-only indexes dropped while
    the body fills the store, then built again in one pass each.

    Checked row by row, a foreign key costs a trigger and an index lookup per inserted
    row: a third of a rebuild's time on PostgreSQL. The per-country timeline index is
    keyed by country and date, so rows arrive in random order and every insert lands
    on another page: at a million events it cost more than a third of the load on
    SQLite, against 3 s to build it at the end (bench/query.py). The projector never
    reads through that index, so nothing slows down without it. Both come back with
    their own names and definitions, leaving the schema as the migrations made it. If
    the body fails they stay dropped: this is for a store about to be discarded then
    (a rebuild's staging store). SQLite's bulk loading skips foreign-key checks anyway
    (``foreign_keys=OFF``).

    The block gets ``restore``: called once the last row is in, it starts the rebuild
    of all this on PostgreSQL on a connection of its own, so the server sorts the index
    and checks the keys while the body goes on with work that does not touch them (a
    rebuild's settling: seconds per million events that used to come one after the
    other). The keys come back NOT VALID first (instant, and enforced from then on for
    whatever the body still writes), then each is validated, which takes no lock that
    the body's writes wait for. The block's end starts it if the body did not, and waits
    for it; on SQLite, one writer at a time, the index is built there.
    """
    postgres = engine.dialect.name == "postgresql"
    indexes = [index for table in TABLES for index in table.indexes if index.name in _QUERY_ONLY]
    with db_errors(), engine.begin() as connection:
        keys = _foreign_keys(connection) if postgres else []
        for table, name, _ in keys:
            connection.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {_quoted(engine, name)}"))
        for index in indexes:
            index.drop(connection)
        if postgres:
            _autovacuum(connection, "SET (autovacuum_enabled = false)")
    background: list[Future[None]] = []

    def restore() -> None:
        if postgres and not background:
            with db_errors(), engine.begin() as connection:  # before the body writes again
                for table, name, definition in keys:
                    constraint = f"{_quoted(engine, name)} {definition}"
                    connection.execute(
                        text(f"ALTER TABLE {table} ADD CONSTRAINT {constraint} NOT VALID")
                    )
            pool = ThreadPoolExecutor(1, thread_name_prefix="newsline-restore")
            background.append(pool.submit(_build_and_validate, engine, indexes, keys))
            pool.shutdown(wait=False)

    try:
        yield restore
    except BaseException:
        for job in background:  # nothing may still use the store the caller discards
            with suppress(BaseException):
                job.result()
        raise
    if postgres:
        restore()  # if the body did not
        background[0].result()
        return
    with db_errors(), engine.begin() as connection:
        for index in indexes:
            index.create(connection)


def _build_and_validate(
    engine: Engine, indexes: list[Index], keys: list[tuple[str, str, str]]
) -> None:
    """Build ``indexes`` and validate the NOT VALID foreign ``keys``, each step committed
    on its own (a validation holds its table only against schema changes meanwhile)."""
    for index in indexes:
        with db_errors(), engine.begin() as connection:
            index.create(connection)
    for table, name, _ in keys:
        with db_errors(), engine.begin() as connection:
            connection.execute(
                text(f"ALTER TABLE {table} VALIDATE CONSTRAINT {_quoted(engine, name)}")
            )
    with db_errors(), engine.begin() as connection:
        _autovacuum(connection, "RESET (autovacuum_enabled)")


def _autovacuum(connection: Connection, change: str) -> None:
    """Autovacuum off for a load or back on: run during the load, it competes for the
    cores and holds its tables, so restoring a key waited a second per table for it to
    give way (PostgreSQL's deadlock_timeout)."""
    for table in TABLES:
        connection.execute(text(f"ALTER TABLE {table.name} {change}"))


def _quoted_names(columns: list[str]) -> str:
    """``"a", "b"``: a column list for SQL."""
    return ", ".join(f'"{c}"' for c in columns)


def _quoted(engine: Engine, name: str) -> str:
    return engine.dialect.identifier_preparer.quote(name)


def _foreign_keys(connection: Connection) -> list[tuple[str, str, str]]:
    """(table, name, definition) of each foreign key in the current schema."""
    rows = connection.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
        )
    )
    return [(table, name, definition) for table, name, definition in rows]


def row_tuples(table: Table, rows: Sequence[dict[str, Any]]) -> list[tuple]:
    """``rows`` as tuples in ``table``'s column order, dates and times as ISO text: what
    ``insert_new`` and ``insert_ignore`` take.

    The text is SQLAlchemy's SQLite storage form (``YYYY-MM-DD``, ``YYYY-MM-DD
    HH:MM:SS.ffffff``), so reads through SQLAlchemy see what an ORM insert would have
    written; PostgreSQL parses the same text into its date and timestamp columns. Pure,
    and cheap to send between processes (a datetime costs more to serialise than its
    text): a rebuild builds these in its reader processes, so the loop is lean: one
    C-level getter per row, then only the date columns touched (cheaper than
    converting column by column after a transpose, which allocates every row twice).
    """
    row_values = itemgetter(*(c.name for c in table.columns))
    converters = _text_forms(table)
    if not converters:
        return [row_values(row) for row in rows]
    tuples = []
    # each date column with the texts made so far: a batch repeats its times
    plan: list[tuple[int, Callable[[Any], str], dict[Any, str]]] = [
        (index, convert, {}) for index, convert in converters
    ]
    for row in rows:
        values = list(row_values(row))
        for index, convert, known in plan:
            value = values[index]
            if value is not None:
                text = known.get(value)
                if text is None:
                    text = known[value] = convert(value)
                values[index] = text
        tuples.append(tuple(values))
    return tuples


def insert_new(connection: Connection, table: Table, rows: Sequence[tuple]) -> None:
    """INSERT ``row_tuples`` that cannot conflict, by the dialect's fastest route."""
    if not rows:
        return
    columns = [c.name for c in table.columns]
    if connection.dialect.name == "postgresql":
        _copy(connection, f'"{table.name}"', _quoted_names(columns), rows)
        return
    if connection.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES ({marks})', list(rows)
        )
        return
    raise StoreError(f"the store supports SQLite and PostgreSQL, not {connection.dialect.name}")


def insert_ignore(connection: Connection, table: Table, rows: Sequence[tuple]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite 3.24+ and PostgreSQL share the syntax) of
    ``row_tuples``, for rows another partition's projector may write too (articles).

    On PostgreSQL an executemany is one statement execution per row, for client and
    server alike: at a rebuild's batch sizes that cost its projector a third of its
    time (bench/query.py). From STAGED_FROM rows on, the rows are COPYed into a
    temporary table (one per connection, made on first use, emptied after each call)
    and inserted from there by one statement; below that, as a worker's small
    transactions are, the executemany is the cheaper (1.9 ms less per transaction of
    three calls of 30 rows, 2.8 times slower at 10,000).
    """
    if not rows:
        return
    columns = [c.name for c in table.columns]
    names = _quoted_names(columns)
    postgres = connection.dialect.name == "postgresql"
    if postgres and len(rows) >= STAGED_FROM:
        staged = f'pg_temp."newsline_staged_{table.name}"'  # a name no store table has
        connection.exec_driver_sql(
            f'CREATE TEMPORARY TABLE IF NOT EXISTS {staged} (LIKE "{table.name}")'
        )
        _copy(connection, staged, names, rows)
        connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM {staged} '
            "ON CONFLICT DO NOTHING"
        )
        connection.exec_driver_sql(f"TRUNCATE {staged}")
        return
    marks = ", ".join("%s" if postgres else "?" for _ in columns)
    connection.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING',
        list(rows),
    )


def _copy(connection: Connection, target: str, names: str, rows: Sequence[tuple]) -> None:
    """COPY ``rows`` into the columns ``names`` of ``target`` (PostgreSQL, psycopg)."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def existing_ids(connection: Connection, table: Table, column: str, ids: list[str]) -> set[str]:
    """Which of ``ids`` are already in ``table.column`` (a plain string lookup, no typing)."""
    found: set[str] = set()
    if connection.dialect.name == "postgresql":
        sql = f'SELECT "{column}" FROM "{table.name}" WHERE "{column}" = ANY(%s)'
        found.update(value for (value,) in connection.exec_driver_sql(sql, (ids,)))
        return found
    for chunk in chunks(ids):
        sql = (
            f'SELECT "{column}" FROM "{table.name}" '
            f'WHERE "{column}" IN ({", ".join("?" for _ in chunk)})'
        )
        found.update(value for (value,) in connection.exec_driver_sql(sql, tuple(chunk)))
    return found


def chunks(items: list[str]) -> Iterator[list[str]]:
    """``items`` in slices small enough for one IN (...) list."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


@cache
def _text_forms(table: Table) -> list[tuple[int, Callable[[Any], str]]]:
    """(column index, to-text) per date or time column of ``table``."""
    return [
        (index, convert)
        for index, column in enumerate(table.columns)
        for kind, convert in _TEXT_FORM.items()
        if isinstance(column.type, kind)
    ]


_TEXT_FORM: dict[type, Callable[[Any], str]] = {
    DateTime: methodcaller("isoformat", " ", "microseconds"),
    Date: date.isoformat,
}
