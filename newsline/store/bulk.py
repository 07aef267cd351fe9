"""Fast paths for the projector's big writes: rows known to be new, and id lookups.

A rebuild folds millions of rows; SQLAlchemy's per-row parameter processing costs
more than the database's own work (measured by bench/query.py). Rows the projector
knows are absent (it looked inside the same transaction, and one event lives in one
partition) go in through the driver's bulk path instead: COPY on PostgreSQL
(psycopg), ``executemany`` on SQLite, with values already in the form SQLAlchemy
stores (ISO dates; ``YYYY-MM-DD HH:MM:SS.ffffff`` times; 0/1 booleans), so reads
through SQLAlchemy see exactly what an ORM insert would have written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Table

_CHUNK = 900  # ids per IN (...) list: under every driver's parameter limit


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
    """Row tuples with dates, times and booleans in SQLAlchemy's SQLite storage form."""
    row_values = itemgetter(*(c.name for c in table.columns))
    converters = [
        (index, _SQLITE_FORM[kind])
        for index, column in enumerate(table.columns)
        for kind in _SQLITE_FORM
        if isinstance(column.type, kind)
    ]
    if not converters:
        return [row_values(row) for row in rows]
    converted = []
    for row in rows:
        values = list(row_values(row))
        for index, convert in converters:
            if values[index] is not None:
                values[index] = convert(values[index])
        converted.append(tuple(values))
    return converted


_SQLITE_FORM: dict[type, Callable[[Any], Any]] = {
    DateTime: lambda v: v.isoformat(" ", "microseconds"),
    Date: lambda v: v.isoformat(),
    Boolean: int,
}
