"""A batch's rows built before its transaction: all that the batch alone decides.

Most events of a batch are new to the store (in a rebuild, nearly all). Their rows
follow from the batch's own mentions, so they can be built before the transaction looks
at the store, and in another process: a rebuild's reader prepares each batch while the
projector writes the one before (``operations.parse_ahead``). The projector then asks
which of the events are stored already, writes the prepared rows of the others as they
are, and folds the stored ones from their rows and their mentions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Table

from newsline.store.bulk import row_tuples
from newsline.store.fold import EventState, Mention, article_row, merge_source, source_row
from newsline.store.models import Article, Event, EventActor, EventCountry, Source

EVENTS: Table = Event.__table__  # type: ignore[assignment]
COUNTRIES: Table = EventCountry.__table__  # type: ignore[assignment]
ACTORS: Table = EventActor.__table__  # type: ignore[assignment]
SOURCES: Table = Source.__table__  # type: ignore[assignment]
ARTICLES: Table = Article.__table__  # type: ignore[assignment]
#: the event tables key their rows by event_id first: ``row[0]`` of a driver row
assert all(t.columns.keys()[0] == "event_id" for t in (EVENTS, COUNTRIES, ACTORS, SOURCES))
#: an events row tuple's fields that its ``event_countries`` rows repeat, after the
#: (event_id, country) key
assert COUNTRIES.columns.keys()[:2] == ["event_id", "country"]
_COUNTRY_FIELDS = itemgetter(
    *(EVENTS.columns.keys().index(c) for c in COUNTRIES.columns.keys()[2:])
)


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    """The rows a batch writes if none of its events is stored yet (``row_tuples``);
    ``articles`` holds every article the batch reports.

    ``event_ids`` names the event of each mention, in the batch's order: the projector
    parses again only the mentions of events it finds stored (a rebuild's reader sends
    the others as their raw JSON). ``reports`` holds each distinct (article, extraction
    time) of the mentions: all that ``supersede`` asks of them.
    """

    events: list[tuple]
    countries: list[tuple]
    sources: list[tuple]
    actors: list[tuple]
    articles: list[tuple]
    event_ids: list[str]
    reports: list[tuple[str, datetime]]


def prepare(mentions: Sequence[Mention]) -> PreparedBatch:
    """Fold ``mentions`` as if each event were new (the projector's rule for new events)."""
    events, sources, codes = [], [], []
    for group in by_event(mentions).values():
        event, event_sources = fold_new(group)
        events.append(event)
        sources += event_sources
        codes.append(sorted({code for mention in group for code in mention.countries}))
    event_rows = row_tuples(EVENTS, events)
    articles = first_per_article(article_row(m) for m in mentions)
    return PreparedBatch(
        events=event_rows,
        countries=country_tuples(event_rows, codes),
        sources=row_tuples(SOURCES, sources),
        actors=row_tuples(ACTORS, actor_rows(mentions)),
        articles=row_tuples(ARTICLES, articles),
        event_ids=[mention.event_id for mention in mentions],
        reports=list({(mention.article_id, mention.extracted_at) for mention in mentions}),
    )


def by_event(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    """The mentions grouped by event, in the order each event first appears."""
    groups: dict[str, list[Mention]] = {}
    for mention in mentions:
        groups.setdefault(mention.event_id, []).append(mention)
    return groups


def fold_new(group: Sequence[Mention]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The events row and sources rows of an event no store holds yet: ``group``'s own."""
    first = group[0]
    state = EventState.start(first)  # absorbing ``first`` again would change nothing
    state.source_count = 1  # but its count
    sources = {first.article_id: source_row(first)}
    for mention in group[1:]:
        earlier = sources.get(mention.article_id)
        state.absorb(mention, new_source=earlier is None)
        sources[mention.article_id] = (
            merge_source(earlier, mention) if earlier else source_row(mention)
        )
    return state.as_row(), list(sources.values())


def country_tuples(event_rows: Sequence[tuple], codes: Iterable[Sequence[str]]) -> list[tuple]:
    """The ``event_countries`` row tuples of events given as ``row_tuples``, each with
    its codes: the repeated fields taken from the event's tuple, already text (the
    same rows as ``country_row`` through ``row_tuples``, at a third of the cost)."""
    return [
        (row[0], code, *shared)
        for row, event_codes in zip(event_rows, codes, strict=True)
        for shared in (_COUNTRY_FIELDS(row),)
        for code in event_codes
    ]


def country_row(event: Mapping[str, Any], code: str) -> dict[str, Any]:
    """The ``event_countries`` row of one participant: the event's fields the
    per-country timeline filters and orders on."""
    return {
        "event_id": event["event_id"],
        "country": code,
        "type": event["type"],
        "subtype": event["subtype"],
        "date": event["date"],
        "sort_date": event["sort_date"],
        "undated": event["undated"],
    }


def actor_rows(mentions: Iterable[Mention]) -> list[dict[str, Any]]:
    """One ``event_actors`` row per (event, code, role, name); a title if any names one."""
    rows: dict[tuple, dict[str, Any]] = {}
    for mention in mentions:
        event_id = mention.event_id
        for code, role, name, title in mention.actors:
            key = (event_id, code, role, name)
            row = rows.get(key)
            if row is None:
                rows[key] = {
                    "event_id": event_id, "code": code, "role": role, "name": name,
                    "title": title,
                }  # fmt: skip
            elif title and not row["title"]:
                row["title"] = title
    return list(rows.values())


def first_per_article(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first row per article id (the same article reports many events)."""
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["id"], row)
    return list(first.values())
