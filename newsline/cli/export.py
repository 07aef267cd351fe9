"""``newsline export COUNTRY --html FILE``: a country's timeline as one offline HTML page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from newsline.cli.context import examples, say
from newsline.cli.store_io import (
    DATABASE_HELP,
    choices,
    many_option,
    one_of,
    open_store,
    parse_period,
)
from newsline.cli.timeline import ALL_SUBTYPES
from newsline.errors import ExportError
from newsline.export.html import render_page
from newsline.store import country_names, queries


def register(app: typer.Typer) -> None:
    """Add ``export`` to the console facade."""
    app.command(
        "export",
        epilog=examples(
            "newsline export Belarus --html belarus.html",
            "newsline export IRN --html iran-2025.html --from 2025 --type sanctions,meeting",
            note=DATABASE_HELP,
        ),
    )(export_command)


def export_command(
    country: Annotated[
        str,
        typer.Argument(
            metavar="COUNTRY", help="ISO-3 (BLR), ISO-2 (BY) or a name in English or French."
        ),
    ],
    html_file: Annotated[
        Path,
        typer.Option("--html", metavar="FILE", help="Where to write the page (overwritten)."),
    ],
    date_from: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD."),
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Latest date, inclusive.")
    ] = None,
    types: Annotated[list[str] | None, many_option("--type", "TYPE", one_of(queries.TYPES))] = None,
    subtypes: Annotated[
        list[str] | None, many_option("--subtype", "SUBTYPE", "e.g. visit, signed, imposed")
    ] = None,
    with_country: Annotated[
        str | None,
        typer.Option("--with", metavar="COUNTRY", help="Only events this country takes part in."),
    ] = None,
    min_sources: Annotated[
        int, typer.Option("--min-sources", metavar="N", help="Only events reported N+ times.")
    ] = 1,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", help="The N most recent matching events.")
    ] = 500,
) -> None:
    """Write a country's timeline as one self-contained HTML page.

    Lanes by event type along a date axis, each event a mark (undated ones dashed, at
    the day they were first reported); clicking one shows its actors and roles and
    every source with its evidence sentence. Style, script and data are inline: the
    page works offline, from a file, and can be mailed as it is.
    """
    code = country_names.resolve(country)
    other = country_names.resolve(with_country) if with_country else None
    start, end = parse_period(date_from, date_to)
    picked_types = choices(types or [], queries.TYPES, "--type")
    picked_subtypes = choices(subtypes or [], ALL_SUBTYPES, "--subtype")
    engine = open_store()
    timeline = queries.timeline(
        engine, code, date_from=start, date_to=end, types=picked_types,
        subtypes=picked_subtypes, with_country=other, min_sources=min_sources, limit=limit,
    )  # fmt: skip
    details = [queries.event(engine, entry.event_id) for entry in timeline.entries]
    given = {
        "from": date_from, "to": date_to, "type": ",".join(picked_types),
        "subtype": ",".join(picked_subtypes), "with": other,
        "min sources": min_sources if min_sources > 1 else None,
    }  # fmt: skip
    filters = ", ".join(f"{name} {value}" for name, value in given.items() if value)
    page = render_page(timeline, details, country_name=country_names.name(code), filters=filters)
    _write(html_file, page)
    count = len(details)
    say(f"wrote {html_file}: {count} event{'' if count == 1 else 's'} for {code}"
        + ("" if count else " (no events match; the page says so)"))  # fmt: skip


def _write(path: Path, page: str) -> None:
    """Write beside the target then rename, so a reader never opens half a page."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
