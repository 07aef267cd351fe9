"""``newsline countries``: every country in the store, its event counts and latest event."""

from __future__ import annotations

from typing import Annotated

import typer

from newsline.cli.context import examples
from newsline.cli.store_io import (
    DATABASE_HELP,
    aligned,
    echo_lines,
    format_option,
    open_store,
    pick_format,
    write_records,
)
from newsline.store import country_names, queries

FORMATS = ("table", "json", "jsonl", "csv")


def register(app: typer.Typer) -> None:
    """Add ``countries`` to the console facade."""
    app.command(
        "countries",
        epilog=examples(
            "newsline countries",
            "newsline countries --format csv > countries.csv",
            note=DATABASE_HELP,
        ),
    )(countries_command)


def countries_command(fmt: Annotated[str, format_option(FORMATS)] = "table") -> None:
    """Each country with events: how many of each type, and its latest dated event.

    Busiest countries first. Pass a code or name from this list to `newsline timeline`.
    """
    fmt = pick_format(fmt, FORMATS)
    summaries = queries.countries(open_store())
    if fmt != "table":
        columns = ["country", *queries.TYPES, "total", "latest"]
        write_records((s.to_dict() for s in summaries), fmt, columns)
        return
    if not summaries:
        typer.echo("no events in the store yet (the worker folds them in as it reads the topics)")
        return
    rows = [("country", "name", *queries.TYPES, "total", "latest")]
    for s in summaries:
        counts = [str(s.counts[t]) for t in queries.TYPES]
        rows.append(
            (s.country, country_names.name(s.country), *counts, str(s.total), s.latest or "-")
        )
    echo_lines(aligned(rows, right=range(2, 7)))
