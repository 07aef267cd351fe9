"""What the query commands (timeline, event, countries, dlq) share: opening the store,
their common options, parsing dates and choices into one-line errors, and writing
tables, json, jsonl and csv.

Choices are checked here rather than by click so a typo is one ``error [NL322]`` line
like every other bad input, not a usage block. Options are built here so that the
same option reads the same in every command's --help, and lists what it accepts.
"""

from __future__ import annotations

import calendar
import csv
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import typer
from sqlalchemy import Engine

from newsline.cli.context import say, settings
from newsline.errors import InvalidQuery
from newsline.store.engine import db_errors, make_engine
from newsline.store.fold import period_start
from newsline.store.schema import create_tables

DATABASE_HELP = (
    "The store is $NEWSLINE_DATABASE_URL (default: sqlite:///$NEWSLINE_HOME/newsline.db)."
)
#: what each --format gives, for the option's help (a command may say more of one)
FORMAT_NOTES = {
    "table": "for reading",
    "text": "for reading",
    "json": "one array",
    "jsonl": "one object a line",
    "csv": "a header row, then a row each",
}


def format_option(formats: Sequence[str], **notes: str) -> Any:
    """``--format FORMAT``; its help lists ``formats``, each with what it gives.

    The command's default must be ``formats[0]``, the form for reading; check the value
    with ``pick_format``.
    """
    described = [f"{name} ({notes.get(name) or FORMAT_NOTES[name]})" for name in formats]
    return typer.Option("--format", metavar="FORMAT", help=one_of(described) + ".")


def pick_format(value: str, formats: Sequence[str]) -> str:
    """The ``--format`` value, lower-cased and checked against ``formats``."""
    return choices([value], formats, "--format")[0]


def many_option(flag: str, metavar: str, help: str) -> Any:
    """An option to repeat or give as ``a,b`` (``choices`` splits and checks it)."""
    return typer.Option(flag, metavar=metavar, help=f"{help} (repeat or a,b).")


def as_of_option(what_counts: str) -> Any:
    """``--as-of TIME``, read by ``parse_moment``: the store as it was at that time."""
    return typer.Option(
        "--as-of",
        metavar="TIME",
        help=f"{what_counts} first seen by this time (ISO 8601, e.g. 2025-08-20T12:00:00Z; "
        "UTC by default; a bare date means the end of that day).",
    )


def one_of(names: Sequence[str]) -> str:
    """``a, b or c``: a choice as a sentence says it."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def open_store() -> Engine:
    """The store at NEWSLINE_DATABASE_URL, its tables created if this is a new database."""
    engine = make_engine(settings().database_url)
    with db_errors():
        create_tables(engine)
    return engine


def parse_day(text: str | None, option: str, *, end: bool = False) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as the period's first day (or last, with ``end``)."""
    if text is None:
        return None
    try:
        first = period_start(text.strip())
    except ValueError:
        raise InvalidQuery(
            f"{option} {text!r} is not a date: give YYYY, YYYY-MM or YYYY-MM-DD"
        ) from None
    assert first is not None
    if not end:
        return first
    if len(text.strip()) == 4:
        return date(first.year, 12, 31)
    if len(text.strip()) == 7:
        return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    return first


def parse_period(date_from: str | None, date_to: str | None) -> tuple[date | None, date | None]:
    """``--from`` and ``--to`` as the first and the last day they cover, checked in order."""
    start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to", end=True)
    if start and end and start > end:
        raise InvalidQuery(f"--from {date_from} is after --to {date_to}")
    return start, end


def parse_moment(text: str | None, option: str = "--as-of") -> datetime | None:
    """An ISO 8601 time (UTC when no zone is given); a bare date means the end of that day."""
    if text is None:
        return None
    raw = text.strip()
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time.max)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidQuery(
            f"{option} {text!r} is not a time: give e.g. 2025-08-20T12:00:00Z or 2025-08-20"
        ) from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def choices(values: Sequence[str], allowed: Sequence[str], option: str) -> list[str]:
    """Repeated or comma-separated option values, each checked against ``allowed``."""
    picked = [v.strip().lower() for value in values for v in value.split(",") if v.strip()]
    for value in picked:
        if value not in allowed:
            raise InvalidQuery(f"unknown {option} {value!r} (choose from {', '.join(allowed)})")
    return picked


def write_records(rows: Iterable[dict[str, Any]], fmt: str, fields: Sequence[str]) -> None:
    """json (one array), jsonl (a line each) or csv (header + rows; lists space-joined)."""
    rows = list(rows)
    if fmt == "json":
        write_json(rows)
    elif fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: " ".join(v) if isinstance(v, list) else v for k, v in row.items()})


def aligned(rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    """Plain fixed-width columns (no terminal-width wrapping, so output is stable)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def write_json(document: object) -> None:
    """One JSON document on stdout, indented for people and still one parse for jq."""
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


def echo_lines(lines: Iterable[str]) -> None:
    for line in lines:
        typer.echo(line)


def say_none_found(message: str, fmt: str) -> None:
    """'Nothing matched' is the answer under a table, so stdout; with a data format it
    goes to stderr, so stdout stays valid (empty) data for the next program."""
    (typer.echo if fmt == "table" else say)(message)
