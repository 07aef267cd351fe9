"""The read side: a country's timeline, one event with its evidence, the country list.

Every function takes an engine and returns frozen records with ``to_dict()`` (the
json/jsonl/csv forms), so the CLI, an export page or a test read the same thing.
Countries are ISO-3 codes here; ``country_names.resolve`` turns what a user typed
into one.

The timeline walks the (country, sort_date, event_id) index of ``event_countries``
from the newest row backwards and stops after ``limit`` rows, then joins ``events``
for only those: a country with 100,000 events costs the same as one with 100.
``as_of`` keeps events and sources first seen by then and refolds each returned
event from its visible sources (counts, date, confidence); ordering and the date
filters use the event's current place, which differs only for an undated event whose
earliest report arrived later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Select, Table, exists, func, or_, select
from sqlalchemy.sql import ColumnElement

from newsline.domain.event import ROLES, SUBTYPES
from newsline.errors import InvalidQuery, UnknownEvent
from newsline.store.engine import db_errors
from newsline.store.fold import refold, utc_naive
from newsline.store.models import Article, Event, EventActor, EventCountry, Source

TYPES = ("meeting", "agreement", "sanctions", "military")

_EVENTS: Table = Event.__table__  # type: ignore[assignment]
_COUNTRIES: Table = EventCountry.__table__  # type: ignore[assignment]
_ACTORS: Table = EventActor.__table__  # type: ignore[assignment]
_SOURCES: Table = Source.__table__  # type: ignore[assignment]
_ARTICLES: Table = Article.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event on a country's timeline, placed at ``sort_date``."""

    event_id: str
    type: str
    subtype: str
    date: str | None
    date_precision: str | None
    sort_date: date
    undated: bool
    countries: tuple[str, ...]
    location: str | None
    confidence: float
    source_count: int
    extractor: str
    first_seen: datetime
    last_seen: datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, countries as a list."""
        return _jsonable(asdict(self))


@dataclass(frozen=True, slots=True)
class Timeline:
    """A timeline page, oldest first; ``truncated`` when older events were left out."""

    country: str
    entries: tuple[TimelineEntry, ...]
    truncated: bool


@dataclass(frozen=True, slots=True)
class ActorDetail:
    """A party and its role; ``names`` as each mention wrote it (FR and EN may differ)."""

    code: str
    role: str
    names: tuple[str, ...]
    title: str | None


@dataclass(frozen=True, slots=True)
class SourceDetail:
    """One article reporting the event, with the sentence it said it in."""

    article_id: str
    outlet: str | None
    lang: str | None
    reported_at: str | None
    url: str | None
    title: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    trigger: str | None
    rule: str | None
    date: str | None
    date_precision: str | None
    confidence: float
    extractor: str
    first_seen: datetime
    last_seen: datetime
    #: when a later extraction of the article stopped finding the event (None: current)
    superseded: datetime | None


@dataclass(frozen=True, slots=True)
class EventDetail:
    """One event with every actor and source: ``newsline event ID``."""

    entry: TimelineEntry
    actors: tuple[ActorDetail, ...]
    sources: tuple[SourceDetail, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, the entry's fields at the top level."""
        return {
            **self.entry.to_dict(),
            "actors": [_jsonable(asdict(a)) for a in self.actors],
            "sources": [_jsonable(asdict(s)) for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class CountrySummary:
    """A country's event counts per type and its latest dated event."""

    country: str
    counts: dict[str, int]
    total: int
    latest: str | None

    def to_dict(self) -> dict[str, Any]:
        """Flat: one column per type, so csv needs no nesting."""
        return {"country": self.country, **self.counts, "total": self.total, "latest": self.latest}


def timeline(
    engine: Engine,
    country: str,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    types: Sequence[str] = (),
    subtypes: Sequence[str] = (),
    with_country: str | None = None,
    min_sources: int = 1,
    limit: int = 100,
    as_of: datetime | None = None,
) -> Timeline:
    """The ``limit`` most recent matching events involving ``country``, oldest first."""
    if limit < 1 or min_sources < 1:
        raise InvalidQuery("--limit and --min-sources must be at least 1")
    ec = _COUNTRIES.alias("ec")
    e = _EVENTS
    moment = utc_naive(as_of) if as_of else None
    query = (
        select(e)
        .select_from(ec.join(e, e.c.event_id == ec.c.event_id))
        .where(ec.c.country == country)
    )
    if date_from:
        query = query.where(ec.c.sort_date >= date_from)
    if date_to:
        query = query.where(ec.c.sort_date <= date_to)
    if types:
        query = query.where(ec.c.type.in_(list(types)))
    if subtypes:
        query = query.where(ec.c.subtype.in_(list(subtypes)))
    if with_country:
        other = _COUNTRIES.alias("other")
        query = query.where(
            exists().where(other.c.event_id == ec.c.event_id, other.c.country == with_country)
        )
    query = _known(query, e, moment, min_sources)
    query = query.order_by(ec.c.sort_date.desc(), ec.c.event_id.desc()).limit(limit + 1)
    with db_errors(), engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(query)]
        truncated = len(rows) > limit
        rows = rows[:limit]
        ids = [r["event_id"] for r in rows]
        countries = _countries_of(connection, ids)
        if moment is not None:
            known = _sources_of(connection, ids, moment)
            rows = [{**r, **refold(_current(known[r["event_id"]]))} for r in rows]
    entries = sorted(
        (_entry(r, countries[r["event_id"]]) for r in rows),
        key=_day_order,
    )
    return Timeline(country=country, entries=tuple(entries), truncated=truncated)


def event(engine: Engine, event_id: str, as_of: datetime | None = None) -> EventDetail:
    """One event by id (or a unique prefix of 6+ characters), with actors and sources."""
    moment = utc_naive(as_of) if as_of else None
    with db_errors(), engine.connect() as connection:
        row = _find(connection, event_id.strip().lower())
        if moment is not None and row["first_seen"] > moment:
            raise UnknownEvent(
                f"event {row['event_id']} was first seen after {moment:%Y-%m-%d %H:%M:%S} UTC"
            )
        ids = [row["event_id"]]
        sources = _sources_of(connection, ids, moment)[row["event_id"]]
        if moment is not None and _current(sources):
            row = {**row, **refold(_current(sources))}
        actors = connection.execute(
            select(_ACTORS).where(_ACTORS.c.event_id == row["event_id"])
        ).all()
        entry = _entry(row, _countries_of(connection, ids)[row["event_id"]])
    return EventDetail(
        entry=entry,
        actors=_group_actors(actors),
        sources=tuple(
            SourceDetail(**{name: s[name] for name in SourceDetail.__slots__}) for s in sources
        ),
    )


def countries(engine: Engine) -> list[CountrySummary]:
    """Every country with events: counts per type and latest dated event, busiest first."""
    ec, e = _COUNTRIES, _EVENTS
    query = (
        select(ec.c.country, ec.c.type, func.count(), func.max(ec.c.date))
        .select_from(ec.join(e, e.c.event_id == ec.c.event_id))
        .where(e.c.source_count > 0)
        .group_by(ec.c.country, ec.c.type)
    )
    summary: dict[str, dict[str, Any]] = {}
    with db_errors(), engine.connect() as connection:
        for code, kind, count, latest in connection.execute(query):
            item = summary.setdefault(code, {"counts": dict.fromkeys(TYPES, 0), "latest": None})
            item["counts"][kind] = count
            if latest and (item["latest"] is None or latest > item["latest"]):
                item["latest"] = latest
    result = [
        CountrySummary(code, i["counts"], sum(i["counts"].values()), i["latest"])
        for code, i in summary.items()
    ]
    return sorted(result, key=lambda c: (-c.total, c.country))


def _known(query: Select, e: Table, moment: datetime | None, min_sources: int) -> Select:
    """Keep events first seen by ``moment`` with at least ``min_sources`` sources current
    then (an event whose every source a later extraction superseded has none)."""
    if moment is None:
        return query.where(e.c.source_count >= min_sources)
    s = _SOURCES.c
    current: ColumnElement[int] = (
        select(func.count())
        .where(
            s.event_id == e.c.event_id,
            s.first_seen <= moment,
            or_(s.superseded.is_(None), s.superseded > moment),
        )
        .scalar_subquery()
    )
    return query.where(e.c.first_seen <= moment, current >= min_sources)


def _find(connection, prefix: str) -> dict[str, Any]:
    if len(prefix) == 24:
        rows = connection.execute(select(_EVENTS).where(_EVENTS.c.event_id == prefix)).all()
    elif len(prefix) >= 6 and all(c in "0123456789abcdef" for c in prefix):
        rows = connection.execute(
            select(_EVENTS)
            .where(_EVENTS.c.event_id >= prefix, _EVENTS.c.event_id < prefix + "g")
            .limit(2)
        ).all()
    else:
        raise InvalidQuery(
            f"{prefix!r} is not an event id (24 hex characters, or a unique prefix of 6+)"
        )
    if not rows:
        raise UnknownEvent(
            f"no event with id {prefix!r} in the store (ids are in `newsline timeline COUNTRY`)"
        )
    if len(rows) > 1:
        raise InvalidQuery(f"event id prefix {prefix!r} matches several events; give more of it")
    return dict(rows[0]._mapping)


def _countries_of(connection, ids: list[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {i: [] for i in ids}
    if ids:
        query = select(_COUNTRIES.c.event_id, _COUNTRIES.c.country).where(
            _COUNTRIES.c.event_id.in_(ids)
        )
        for event_id, code in connection.execute(query):
            found[event_id].append(code)
    return {i: tuple(sorted(codes)) for i, codes in found.items()}


def _sources_of(
    connection, ids: list[str], moment: datetime | None
) -> dict[str, list[dict[str, Any]]]:
    """Each event's sources (first seen by ``moment``), joined with article metadata;
    a source superseded only after ``moment`` shows as current, as it was then."""
    found: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return found
    s, a = _SOURCES, _ARTICLES
    query = (
        select(s, a.c.url, a.c.title)
        .select_from(s.outerjoin(a, a.c.id == s.c.article_id))
        .where(s.c.event_id.in_(ids))
        .order_by(s.c.event_id, s.c.first_seen, s.c.article_id)
    )
    if moment is not None:
        query = query.where(s.c.first_seen <= moment)
    for row in connection.execute(query):
        source = dict(row._mapping)
        if moment is not None and source["superseded"] and source["superseded"] > moment:
            source["superseded"] = None
        found[row.event_id].append(source)
    return found


def _current(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in sources if s["superseded"] is None]


def _group_actors(rows: Sequence[Any]) -> tuple[ActorDetail, ...]:
    grouped: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        grouped.setdefault((row.code, row.role), []).append(row)
    return tuple(
        ActorDetail(
            code=code,
            role=role,
            names=tuple(sorted({r.name for r in group})),
            title=next((r.title for r in group if r.title), None),
        )
        for (code, role), group in sorted(grouped.items(), key=_role_order)
    )


def _day_order(entry: TimelineEntry) -> tuple[Any, ...]:
    """Date, then dated before undated, then the ontology's type and subtype order."""
    kinds = SUBTYPES.get(entry.type, ())
    rank = kinds.index(entry.subtype) if entry.subtype in kinds else len(kinds)
    return (entry.sort_date, entry.undated, TYPES.index(entry.type), rank, entry.event_id)


def _role_order(item: tuple[tuple[str, str], list[Any]]) -> tuple[int, str]:
    """Hosts before guests, senders before targets (the ontology's order), then by code."""
    code, role = item[0]
    return (ROLES.index(role) if role in ROLES else len(ROLES), code)


def _entry(row: dict[str, Any], countries: tuple[str, ...]) -> TimelineEntry:
    return TimelineEntry(
        **{name: row[name] for name in TimelineEntry.__slots__ if name != "countries"},
        countries=countries,
    )


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, date) else
        list(value) if isinstance(value, tuple) else value
        for key, value in data.items()
    }  # fmt: skip
