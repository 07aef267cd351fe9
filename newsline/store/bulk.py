"""Fast paths for the projector's big writes: rows known to be new, and id lookups.

A rebuild folds millions of rows; SQLAlchemy's per-row parameter processing costs
more than the database's own work (measured by bench/query.py). Rows the projector
knows are absent (it looked inside the same transaction, and one event lives in one
partition) go in through the driver's bulk path instead: COPY on PostgreSQL
(psycopg), ``executemany`` on SQLite, with values already in the form SQLAlchemy
stores (ISO dates; ``YYYY-MM-DD HH:MM:SS.ffffff`` times; booleans as 0/1), so reads
through SQLAlchemy see exactly what an ORM insert would have written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Engine, Table, event

_CHUNK = 900  # ids per IN (...) list: under every driver's parameter limit


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


def insert_new(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows that cannot conflict, by the dialect's fastest route."""
    if not rows:
        return
    columns = [c.name for c in table.columns]
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        names = ", ".join(f'"{c}"' for c in columns)
        row_values = itemgetter(*columns)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row_values(row))
        return
    if connection.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES ({marks})',
            _sqlite_rows(table, rows),
        )
        return
    connection.execute(table.insert(), list(rows))


def insert_ignore(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite 3.24+ and PostgreSQL share the syntax),
    for rows another partition's projector may write too (articles)."""
    if not rows:
        return
    columns = [c.name for c in table.columns]
    postgres = connection.dialect.name == "postgresql"
    marks = ", ".join("%s" if postgres else "?" for _ in columns)
    values = [itemgetter(*columns)(row) for row in rows] if postgres else _sqlite_rows(table, rows)
    connection.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES ({marks}) '
        "ON CONFLICT DO NOTHING",
        values,
    )


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


def _sqlite_rows(table: Table, rows: Sequence[dict[str, Any]]) -> list[Sequence[Any]]:
    """Row tuples with dates and times in SQLAlchemy's SQLite storage form (booleans
    need nothing: sqlite3 binds a bool as the 0/1 SQLAlchemy writes)."""
    row_values, converters = _sqlite_form(table)
    if not converters:
        return [row_values(row) for row in rows]
    converted = []
    for row in rows:
        values = list(row_values(row))
        for index, convert in converters:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        converted.append(tuple(values))
    return converted


@cache
def _sqlite_form(table: Table) -> tuple[Callable[[dict], tuple], list[tuple[int, Callable]]]:
    converters = [
        (index, convert)
        for index, column in enumerate(table.columns)
        for kind, convert in _SQLITE_FORM.items()
        if isinstance(column.type, kind)
    ]
    return itemgetter(*(c.name for c in table.columns)), converters


_SQLITE_FORM: dict[type, Callable[[Any], Any]] = {
    DateTime: lambda v: v.isoformat(" ", "microseconds"),
    Date: lambda v: v.isoformat(),
}
