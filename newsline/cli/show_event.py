"""``newsline event ID``: one event with every source, evidence sentence, actor and role."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from newsline.cli.context import examples
from newsline.cli.store_io import (
    DATABASE_HELP,
    as_of_option,
    echo_lines,
    format_option,
    open_store,
    parse_moment,
    pick_format,
    write_json,
)
from newsline.store import queries

FORMATS = ("table", "json")


def register(app: typer.Typer) -> None:
    """Add ``event`` to the console facade."""
    app.command(
        "event",
        epilog=examples(
            "newsline event 3f2a9c0d81b4e6f7a5c2d9e1   # an id from `newsline timeline`",
            "newsline event 3f2a9c                     # a unique prefix is enough",
            "newsline event 3f2a9c --format json",
            "newsline event 3f2a9c --as-of 2025-08-20T12:00:00Z",
            note=DATABASE_HELP,
        ),
    )(event_command)


def event_command(
    event_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The event's id (24 hex characters) or a unique prefix of 6+."
        ),
    ],
    fmt: Annotated[str, format_option(FORMATS, json="one object")] = "table",
    as_of: Annotated[str | None, as_of_option("Show the event as known then: only sources")] = None,
) -> None:
    """One event: its date, countries, confidence and history, every actor with its
    role, and every article reporting it with the evidence sentence and its offsets."""
    fmt = pick_format(fmt, FORMATS)
    detail = queries.event(open_store(), event_id, as_of=parse_moment(as_of))
    if fmt == "json":
        write_json(detail.to_dict())
    else:
        echo_lines(describe(detail))


def describe(detail: queries.EventDetail) -> list[str]:
    """The table form: a header block, the actors, then one paragraph per source."""
    e = detail.entry
    when = f"{e.date} ({e.date_precision})" if e.date else f"undated, first reported {e.sort_date}"
    place = f"{e.location}" if e.location else "-"
    lines = [
        f"event {e.event_id}: {e.type}/{e.subtype}",
        f"  date        {when}",
        f"  countries   {' '.join(e.countries)}",
        f"  location    {place}",
        f"  confidence  {e.confidence:.2f} (highest of its sources)",
        f"  extractor   {e.extractor}",
        f"  first seen  {_utc(e.first_seen)}",
        f"  last seen   {_utc(e.last_seen)}",
        "actors",
    ]
    width = max((len(a.role) for a in detail.actors), default=0)
    for a in detail.actors:
        title = f" ({a.title})" if a.title else ""
        lines.append(f"  {a.role:<{width}}  {a.code:<4}  {' / '.join(a.names)}{title}")
    retired = len(detail.sources) - e.source_count
    lines.append(
        f"sources ({len(detail.sources)}"
        + (f"; {retired} superseded by a later extraction of their article)" if retired else ")")
    )
    if e.source_count == 0:
        lines.append("  (no current source: the event is not on any timeline)")
    for number, s in enumerate(detail.sources, start=1):
        about = ", ".join(
            part
            for part in (s.outlet, s.lang, f"reported {s.reported_at}" if s.reported_at else None)
            if part
        )
        lines.append(f"  [{number}] {s.article_id} ({about})")
        if s.title:
            lines.append(f"      title: {s.title}")
        if s.url:
            lines.append(f"      url: {s.url}")
        lines.append(f'      "{s.evidence}" [characters {s.evidence_start}-{s.evidence_end}]')
        how = [
            f"trigger {s.trigger!r}" if s.trigger else None,
            f"rule {s.rule}" if s.rule else None,
        ]
        how += [
            f"{s.extractor}",
            f"confidence {s.confidence:.2f}",
            f"first seen {_utc(s.first_seen)}",
            f"superseded {_utc(s.superseded)}" if s.superseded else None,
        ]
        lines.append("      " + " · ".join(h for h in how if h))
    return lines


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"
