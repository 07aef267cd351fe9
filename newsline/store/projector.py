"""The timeline projection: fold event messages into the store, exactly once per offset.

Kafka delivers at least once. Each ``apply(batch)`` writes the folded rows and the
consumed positions in ONE transaction, and skips any record below the stored next
offset of its (topic, partition); a replayed batch therefore changes nothing. The
position write is a compare-and-set (``UPDATE ... WHERE next_offset = <read>``, or an
INSERT guarded by the primary key), so two projectors racing on one partition cannot
both record it: the loser gets PositionConflict and its transaction rolls back.

Writes are select-then-write inside the transaction, in bulk: one lookup for the
events of the batch that already exist (read in full, and locked on PostgreSQL), the
merge in Python (``fold``), then bulk INSERTs of the rows found absent (``bulk``:
COPY / executemany) and executemany UPDATEs of the rest. The topic key is the
event_id, so one event always lives in one partition and projectors of different
partitions never touch the same event rows. Only ``articles`` rows are shared across
partitions, so they use INSERT ... ON CONFLICT DO NOTHING, as do the actors of an
event already stored (a later mention may name a party again). Extraction records
(``supersede``) re-decide an article's mentions across partitions; the worker and a
rebuild each run one projector, and PostgreSQL's row locks order any others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, bindparam, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from newsline.errors import InvalidEventMessage, PositionConflict
from newsline.store.bulk import chunks, existing_ids, insert_ignore, insert_new
from newsline.store.engine import db_errors
from newsline.store.fold import (
    EventState,
    Extraction,
    Mention,
    article_row,
    merge_source,
    parse_record,
    source_row,
)
from newsline.store.models import (
    Article,
    Event,
    EventActor,
    EventCountry,
    ProjectionOffset,
    Source,
)
from newsline.store.schema import create_tables
from newsline.store.supersede import supersede

#: (topic, partition, offset, message): one consumed record, an event mention or an
#: extraction record. A ``None`` message only advances the position: a record consumed
#: but not projected (it was dead-lettered).
Record = tuple[str, int, int, Mapping[str, Any] | None]
Position = tuple[str, int]

_EVENTS: Table = Event.__table__  # type: ignore[assignment]
_COUNTRIES: Table = EventCountry.__table__  # type: ignore[assignment]
_ACTORS: Table = EventActor.__table__  # type: ignore[assignment]
_SOURCES: Table = Source.__table__  # type: ignore[assignment]
_ARTICLES: Table = Article.__table__  # type: ignore[assignment]
_OFFSETS: Table = ProjectionOffset.__table__  # type: ignore[assignment]


class Projector:
    """Folds batches of event records into the store; ``name`` keys its positions."""

    def __init__(self, engine: Engine, name: str = "timeline") -> None:
        self.engine = engine
        self.name = name
        create_tables(engine)

    def positions(self) -> dict[Position, int]:
        """The next offset to read per (topic, partition): where a consumer seeks to."""
        with db_errors(), self.engine.connect() as connection:
            return self._positions(connection)

    def apply(self, batch: Sequence[Record]) -> int:
        """Fold ``batch`` and record its positions in one transaction; returns records applied.

        Records below their partition's stored next offset are skipped. An invalid
        message raises InvalidEventMessage and nothing of the batch is written.
        """
        with db_errors(), self.engine.begin() as connection:
            stored = self._positions(connection, {(t, p) for t, p, _, _ in batch})
            advanced = dict(stored)
            mentions: list[Mention] = []
            extractions: list[Extraction] = []
            for topic, partition, offset, message in batch:
                if offset < advanced.get((topic, partition), 0):
                    continue
                advanced[(topic, partition)] = offset + 1
                if message is None:
                    continue
                try:
                    parsed = parse_record(message)
                except InvalidEventMessage as exc:
                    raise InvalidEventMessage(f"{topic}[{partition}]@{offset}: {exc}") from exc
                if isinstance(parsed, Mention):
                    mentions.append(parsed)
                else:
                    extractions.append(parsed)
            if mentions:
                _fold(connection, mentions)
            if mentions or extractions:
                supersede(connection, mentions, extractions)
            self._record(connection, stored, advanced)
            return len(mentions)

    def _positions(
        self, connection: Connection, only: set[Position] | None = None
    ) -> dict[Position, int]:
        query = select(_OFFSETS.c.topic, _OFFSETS.c.partition, _OFFSETS.c.next_offset).where(
            _OFFSETS.c.projection == self.name
        )
        if only is not None:
            if not only:
                return {}
            query = query.where(tuple_(_OFFSETS.c.topic, _OFFSETS.c.partition).in_(list(only)))
        return {(t, p): n for t, p, n in connection.execute(query)}

    def _record(
        self, connection: Connection, stored: dict[Position, int], advanced: dict[Position, int]
    ) -> None:
        """Compare-and-set each advanced position; a lost race raises PositionConflict."""
        for (topic, partition), next_offset in advanced.items():
            if stored.get((topic, partition)) == next_offset:
                continue
            where = (
                (_OFFSETS.c.projection == self.name)
                & (_OFFSETS.c.topic == topic)
                & (_OFFSETS.c.partition == partition)
            )
            if (topic, partition) in stored:
                moved = connection.execute(
                    update(_OFFSETS)
                    .where(where & (_OFFSETS.c.next_offset == stored[(topic, partition)]))
                    .values(next_offset=next_offset)
                ).rowcount
                if moved != 1:
                    raise _conflict(self.name, topic, partition)
                continue
            try:  # the primary key refuses a second first-recording of this position
                connection.execute(
                    _OFFSETS.insert().values(
                        projection=self.name,
                        topic=topic,
                        partition=partition,
                        next_offset=next_offset,
                    )
                )
            except IntegrityError:
                raise _conflict(self.name, topic, partition) from None


def _conflict(name: str, topic: str, partition: int) -> PositionConflict:
    return PositionConflict(
        f"projection {name!r} position on {topic}[{partition}] was recorded by another "
        "writer meanwhile; the batch was rolled back (run one projector per partition)"
    )


def _fold(connection: Connection, mentions: list[Mention]) -> None:
    """Upsert the events, countries, actors, sources and articles the mentions describe."""
    by_event: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_event.setdefault(mention.event_id, []).append(mention)
    known = list(existing_ids(connection, _EVENTS, "event_id", list(by_event)))
    stored_events = _stored_events(connection, known)
    stored_sources = _stored_sources(connection, known)
    stored_countries = _stored_countries(connection, known)

    new_events, changed_events, new_sources, changed_sources = [], [], [], []
    new_countries: list[dict[str, Any]] = []
    seen_sources: dict[tuple[str, str], dict[str, Any]] = {}
    for event_id, group in by_event.items():
        row = stored_events.get(event_id)
        state = EventState.from_row(row) if row else EventState.start(group[0])
        for mention in group:
            key = (event_id, mention.article_id)
            earlier = seen_sources.get(key) or stored_sources.get(key)
            state.absorb(mention, new_source=earlier is None)
            seen_sources[key] = merge_source(earlier, mention) if earlier else source_row(mention)
        folded = state.as_row()
        if row is None:
            new_events.append(folded)
        elif folded != row:
            changed_events.append({f"b_{k}": v for k, v in folded.items()})
        countries = {code for mention in group for code in mention.countries}
        for code in sorted(countries - stored_countries.get(event_id, set())):
            new_countries.append(_country_row(folded, code))
    for key, source in seen_sources.items():
        if key not in stored_sources:
            new_sources.append(source)
        elif source != stored_sources[key]:
            changed_sources.append({f"b_{k}": v for k, v in source.items()})

    # Rows checked absent above take the bulk path; the rest are UPDATEs or may conflict.
    insert_new(connection, _EVENTS, new_events)
    if changed_events:
        _update_events(connection, changed_events)
    insert_new(connection, _COUNTRIES, new_countries)
    insert_new(connection, _SOURCES, new_sources)
    if changed_sources:
        _update_sources(connection, changed_sources)
    fresh = {row["event_id"] for row in new_events}
    actors = _actor_rows(mentions)
    insert_new(connection, _ACTORS, [a for a in actors if a["event_id"] in fresh])
    insert_ignore(connection, _ACTORS, [a for a in actors if a["event_id"] not in fresh])
    insert_ignore(connection, _ARTICLES, _unique(article_row(m) for m in mentions))


def _country_row(event: Mapping[str, Any], code: str) -> dict[str, Any]:
    return {
        "event_id": event["event_id"],
        "country": code,
        "type": event["type"],
        "subtype": event["subtype"],
        "date": event["date"],
        "sort_date": event["sort_date"],
        "undated": event["undated"],
    }


def _update_events(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Rewrite changed events and the fields their country rows repeat."""
    keys = [k for k in rows[0] if k != "b_event_id"]
    connection.execute(
        update(_EVENTS)
        .where(_EVENTS.c.event_id == bindparam("b_event_id"))
        .values({k[2:]: bindparam(k) for k in keys}),
        rows,
    )
    connection.execute(
        update(_COUNTRIES)
        .where(_COUNTRIES.c.event_id == bindparam("b_event_id"))
        .values(
            {k: bindparam(f"b_{k}") for k in ("type", "subtype", "date", "sort_date", "undated")}
        ),
        rows,
    )


def _update_sources(connection: Connection, rows: list[dict[str, Any]]) -> None:
    keys = [k for k in rows[0] if k not in ("b_event_id", "b_article_id")]
    connection.execute(
        update(_SOURCES)
        .where(
            and_(
                _SOURCES.c.event_id == bindparam("b_event_id"),
                _SOURCES.c.article_id == bindparam("b_article_id"),
            )
        )
        .values({k[2:]: bindparam(k) for k in keys}),
        rows,
    )


def _actor_rows(mentions: Iterable[Mention]) -> list[dict[str, Any]]:
    rows = {}
    for mention in mentions:
        for code, role, name, title in mention.actors:
            key = (mention.event_id, code, role, name)
            if key not in rows or (title and not rows[key]["title"]):
                rows[key] = dict(zip(("event_id", "code", "role", "name"), key, strict=True))
                rows[key]["title"] = title
    return list(rows.values())


def _unique(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first row per article id (the same article reports many events)."""
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["id"], row)
    return list(first.values())


def _stored_events(connection: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for chunk in chunks(ids):
        query = select(_EVENTS).where(_EVENTS.c.event_id.in_(chunk)).with_for_update()
        rows.update({r.event_id: dict(r._mapping) for r in connection.execute(query)})
    return rows


def _stored_sources(
    connection: Connection, ids: list[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for chunk in chunks(ids):
        query = select(_SOURCES).where(_SOURCES.c.event_id.in_(chunk))
        rows.update(
            {(r.event_id, r.article_id): dict(r._mapping) for r in connection.execute(query)}
        )
    return rows


def _stored_countries(connection: Connection, ids: list[str]) -> dict[str, set[str]]:
    rows: dict[str, set[str]] = {}
    for chunk in chunks(ids):
        query = select(_COUNTRIES.c.event_id, _COUNTRIES.c.country).where(
            _COUNTRIES.c.event_id.in_(chunk)
        )
        for event_id, country in connection.execute(query):
            rows.setdefault(event_id, set()).add(country)
    return rows
