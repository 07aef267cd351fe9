"""``newsline timeline COUNTRY``: a country's events in date order, from the store."""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated

import typer

from newsline.cli.context import examples, say
from newsline.cli.store_io import (
    DATABASE_HELP,
    aligned,
    as_of_option,
    choices,
    echo_lines,
    format_option,
    many_option,
    one_of,
    open_store,
    parse_moment,
    parse_period,
    pick_format,
    say_none_found,
    write_records,
)
from newsline.domain.event import SUBTYPES
from newsline.store import country_names, queries

FORMATS = ("table", "json", "jsonl", "csv")
ALL_SUBTYPES = tuple(s for group in SUBTYPES.values() for s in group)
UNDATED_MARK = "*"


def register(app: typer.Typer) -> None:
    """Add ``timeline`` to the console facade."""
    app.command(
        "timeline",
        epilog=examples(
            "newsline timeline Belarus",
            "newsline timeline Biélorussie --from 2025 --type meeting,agreement",
            "newsline timeline BY --with IRN --min-sources 2 --format json",
            "newsline timeline blr --from 2022-02 --to 2022-02 --format csv > blr.csv",
            "newsline timeline IRN --as-of 2025-08-20T12:00:00Z   # what was known then",
            note=DATABASE_HELP,
        ),
    )(timeline_command)


def timeline_command(
    country: Annotated[
        str,
        typer.Argument(
            metavar="COUNTRY", help="ISO-3 (BLR), ISO-2 (BY) or a name in English or French."
        ),
    ],
    date_from: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="DATE", help="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD (inclusive)."
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="DATE", help="Latest date, inclusive: --to 2022 means up to 2022-12-31."
        ),
    ] = None,
    types: Annotated[list[str] | None, many_option("--type", "TYPE", one_of(queries.TYPES))] = None,
    subtypes: Annotated[
        list[str] | None,
        many_option("--subtype", "SUBTYPE", "e.g. visit, signed, imposed, evasion"),
    ] = None,
    with_country: Annotated[
        str | None,
        typer.Option(
            "--with", metavar="COUNTRY", help="Only events this country takes part in too."
        ),
    ] = None,
    min_sources: Annotated[
        int,
        typer.Option(
            "--min-sources", metavar="N", help="Only events reported by N articles or more."
        ),
    ] = 1,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", help="Show the N most recent matching events.")
    ] = 100,
    fmt: Annotated[str, format_option(FORMATS)] = "table",
    as_of: Annotated[
        str | None, as_of_option("What the store knew then: only events and sources")
    ] = None,
) -> None:
    """A country's political events, oldest first.

    Each event shows its date (at the precision the articles give), type/subtype, the
    other countries taking part, how many articles report it and its id (for
    `newsline event ID`). Events with no date of their own are placed at the day they
    were first reported and marked with *.
    """
    fmt = pick_format(fmt, FORMATS)
    code = country_names.resolve(country)
    other = country_names.resolve(with_country) if with_country else None
    start, end = parse_period(date_from, date_to)
    result = queries.timeline(
        open_store(),
        code,
        date_from=start,
        date_to=end,
        types=choices(types or [], queries.TYPES, "--type"),
        subtypes=choices(subtypes or [], ALL_SUBTYPES, "--subtype"),
        with_country=other,
        min_sources=min_sources,
        limit=limit,
        as_of=parse_moment(as_of),
    )
    if fmt != "table":
        fields_ = [f.name for f in fields(queries.TimelineEntry)]
        write_records((e.to_dict() for e in result.entries), fmt, fields_)
    elif result.entries:
        print_table(result)
    if not result.entries:
        given = {
            "--from": date_from, "--to": date_to, "--type": ",".join(types or []),
            "--subtype": ",".join(subtypes or []), "--with": other,
            "--min-sources": min_sources if min_sources > 1 else None, "--as-of": as_of,
        }  # fmt: skip
        say_none_found(f"no events for {code} ({country_names.name(code)}){_filters(given)}", fmt)
    elif result.truncated:
        say(
            f"showing the {limit} most recent events; older ones match too "
            "(raise --limit or narrow with --from/--to)"
        )


def print_table(result: queries.Timeline) -> None:
    rows = [("date", "event", "with", "sources", "confidence", "id")]
    for e in result.entries:
        when = e.sort_date.isoformat() + UNDATED_MARK if e.undated else e.date or ""
        others = " ".join(c for c in e.countries if c != result.country) or "-"
        rows.append(
            (when, f"{e.type}/{e.subtype}", others, str(e.source_count), f"{e.confidence:.2f}",
             e.event_id)
        )  # fmt: skip
    name = country_names.name(result.country)
    count = len(result.entries)
    plural = "" if count == 1 else "s"
    typer.echo(f"{result.country} ({name}): {count} event{plural}, oldest first")
    echo_lines(aligned(rows, right=(3, 4)))
    if any(e.undated for e in result.entries):
        typer.echo(f"{UNDATED_MARK} undated: placed at the day it was first reported")


def _filters(given: dict[str, object]) -> str:
    """The filters the user gave, echoed back in the 'no events' line."""
    parts = [f"{flag} {value}" for flag, value in given.items() if value]
    return f" matching {' '.join(parts)}" if parts else " in the store"
