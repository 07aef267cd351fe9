"""The timeline projection: fold event messages into the store, exactly once per offset.

Kafka delivers at least once. Each ``apply(batch)`` writes the folded rows and the
consumed positions in ONE transaction, and skips any record below the stored next
offset of its (topic, partition); a replayed batch therefore changes nothing. The
position write is a compare-and-set (``UPDATE ... WHERE next_offset = <read>``, or an
INSERT guarded by the primary key), so two projectors racing on one partition cannot
both record it: the loser gets PositionConflict and its transaction rolls back.

Writes are select-then-write inside the transaction, in bulk. The rows the batch
would write if none of its events were stored are ``prepared`` first (a pure step; a
rebuild does it in its reader process). One lookup finds the events already stored;
the prepared rows of the others go in through the bulk path (``bulk``: COPY /
executemany), and the stored ones are read in full (locked on PostgreSQL), merged in
Python (``fold``) and written back by executemany UPDATEs. The topic key is the
event_id, so one event always lives in one partition and projectors of different
partitions never touch the same event rows. Only ``articles`` rows are shared across
partitions, so they use INSERT ... ON CONFLICT DO NOTHING, as do the actors of an
event already stored (a later mention may name a party again). Extraction records
(``supersede``) re-decide an article's mentions across partitions; the worker and a
rebuild each run one projector, and PostgreSQL's row locks order any others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, bindparam, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from newsline.errors import InvalidEventMessage, PositionConflict
from newsline.store.bulk import chunks, existing_ids, insert_ignore, insert_new, row_tuples
from newsline.store.engine import db_errors
from newsline.store.fold import (
    EventState,
    Extraction,
    Mention,
    merge_source,
    parse_raw_record,
    parse_record,
    source_row,
)
from newsline.store.models import ProjectionOffset
from newsline.store.prepared import (
    ACTORS,
    ARTICLES,
    COUNTRIES,
    EVENTS,
    SOURCES,
    PreparedBatch,
    actor_rows,
    by_event,
    country_row,
    prepare,
)
from newsline.store.schema import create_tables
from newsline.store.supersede import record_extractions, settle_all, supersede

#: (topic, partition, offset, message): one consumed record, an event mention or an
#: extraction record, as its wire message, its raw JSON (a rebuild's mention whose rows
#: are prepared already) or parsed. A ``None`` message only advances the position: a
#: record consumed but not projected (it was dead-lettered, or is malformed).
Message = Mapping[str, Any] | bytes | Mention | Extraction
Record = tuple[str, int, int, Message | None]
Position = tuple[str, int]

_OFFSETS: Table = ProjectionOffset.__table__  # type: ignore[assignment]


class Projector:
    """Folds batches of event records into the store; ``name`` keys its positions.

    ``settle_later``: store extraction records without deciding which mentions they
    supersede, until ``settle()``; for a rebuild, which nobody reads before it ends.
    """

    def __init__(self, engine: Engine, name: str = "timeline", settle_later: bool = False) -> None:
        self.engine = engine
        self.name = name
        self.settle_later = settle_later
        create_tables(engine)

    def settle(self) -> int:
        """Decide every superseded mention now (``settle_all``); returns those re-stamped."""
        with db_errors(), self.engine.begin() as connection:
            return settle_all(connection)

    def positions(self) -> dict[Position, int]:
        """The next offset to read per (topic, partition): where a consumer seeks to."""
        with db_errors(), self.engine.connect() as connection:
            return self._positions(connection)

    def apply(self, batch: Sequence[Record], prepared: PreparedBatch | None = None) -> int:
        """Fold ``batch`` and record its positions in one transaction; returns mentions applied.

        Records below their partition's stored next offset are skipped. An invalid
        message raises InvalidEventMessage and nothing of the batch is written.
        ``prepared``: the batch's mentions already ``prepare``d (by a rebuild's reader
        process), its extraction records parsed; used only if no record is skipped,
        else everything is parsed and prepared again here.
        """
        with db_errors(), self.engine.begin() as connection:
            stored = self._positions(connection, {(t, p) for t, p, _, _ in batch})
            advanced = dict(stored)
            fresh: list[Record] = []
            for record in batch:
                topic, partition, offset, message = record
                if offset < advanced.get((topic, partition), 0):
                    prepared = None
                    continue
                advanced[(topic, partition)] = offset + 1
                if message is not None:
                    fresh.append(record)
            if prepared is None:
                fresh = [(*record[:3], _parsed(record)) for record in fresh]
                prepared = prepare([m for *_, m in fresh if isinstance(m, Mention)])
            extractions = [m for *_, m in fresh if isinstance(m, Extraction)]
            # the mention records, each of the event prepared.event_ids says
            mentioned = [r for r in fresh if not isinstance(r[3], Extraction)]
            if prepared.event_ids:
                _fold(connection, mentioned, prepared)
            if self.settle_later:
                record_extractions(connection, extractions)
            elif prepared.reports or extractions:
                supersede(connection, prepared.reports, extractions)
            self._record(connection, stored, advanced)
            return len(prepared.event_ids)

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


def _parsed(record: Record) -> Mention | Extraction:
    """The record's message parsed; InvalidEventMessage names the record."""
    topic, partition, offset, message = record
    if isinstance(message, Mention | Extraction):
        return message
    try:
        if isinstance(message, bytes | str):
            return parse_raw_record(message)
        return parse_record(message)  # type: ignore[arg-type]
    except InvalidEventMessage as exc:
        raise InvalidEventMessage(f"{topic}[{partition}]@{offset}: {exc}") from exc


def _fold(connection: Connection, mentioned: list[Record], prepared: PreparedBatch) -> None:
    """Write the prepared rows of the events not stored yet, fold the stored ones."""
    known = existing_ids(connection, EVENTS, "event_id", [row[0] for row in prepared.events])
    for table, rows in (
        (EVENTS, prepared.events),
        (COUNTRIES, prepared.countries),
        (SOURCES, prepared.sources),
        (ACTORS, prepared.actors),
    ):
        insert_new(connection, table, [r for r in rows if r[0] not in known] if known else rows)
    if known:
        records = zip(mentioned, prepared.event_ids, strict=True)
        parsed = [_parsed(record) for record, event in records if event in known]
        _fold_known(connection, [m for m in parsed if isinstance(m, Mention)])
    insert_ignore(connection, ARTICLES, prepared.articles)


def _fold_known(connection: Connection, mentions: list[Mention]) -> None:
    """Fold mentions of stored events into their stored rows (select, merge, write)."""
    groups = by_event(mentions)
    ids = list(groups)
    stored_events = _stored_events(connection, ids)
    stored_sources = _stored_sources(connection, {(m.event_id, m.article_id) for m in mentions})
    stored_countries = _stored_countries(connection, ids)
    changed_events, new_sources, changed_sources = [], [], []
    new_countries: list[dict[str, Any]] = []
    seen_sources: dict[tuple[str, str], dict[str, Any]] = {}
    for event_id, group in groups.items():
        row = stored_events[event_id]
        state = EventState.from_row(row)
        for mention in group:
            key = (event_id, mention.article_id)
            earlier = seen_sources.get(key) or stored_sources.get(key)
            state.absorb(mention, new_source=earlier is None)
            seen_sources[key] = merge_source(earlier, mention) if earlier else source_row(mention)
        folded = state.as_row()
        if folded != row:
            changed_events.append({f"b_{k}": v for k, v in folded.items()})
        countries = {code for mention in group for code in mention.countries}
        for code in sorted(countries - stored_countries.get(event_id, set())):
            new_countries.append(country_row(folded, code))
    for key, source in seen_sources.items():
        if key not in stored_sources:
            new_sources.append(source)
        elif source != stored_sources[key]:
            changed_sources.append({f"b_{k}": v for k, v in source.items()})

    if changed_events:
        _update_events(connection, changed_events)
    insert_new(connection, COUNTRIES, row_tuples(COUNTRIES, new_countries))
    insert_new(connection, SOURCES, row_tuples(SOURCES, new_sources))
    if changed_sources:
        _update_sources(connection, changed_sources)
    # a later mention may name a party again
    insert_ignore(connection, ACTORS, row_tuples(ACTORS, actor_rows(mentions)))


def _update_events(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Rewrite changed events and the fields their country rows repeat."""
    keys = [k for k in rows[0] if k != "b_event_id"]
    connection.execute(
        update(EVENTS)
        .where(EVENTS.c.event_id == bindparam("b_event_id"))
        .values({k[2:]: bindparam(k) for k in keys}),
        rows,
    )
    connection.execute(
        update(COUNTRIES)
        .where(COUNTRIES.c.event_id == bindparam("b_event_id"))
        .values(
            {k: bindparam(f"b_{k}") for k in ("type", "subtype", "date", "sort_date", "undated")}
        ),
        rows,
    )


def _update_sources(connection: Connection, rows: list[dict[str, Any]]) -> None:
    keys = [k for k in rows[0] if k not in ("b_event_id", "b_article_id")]
    connection.execute(
        update(SOURCES)
        .where(
            and_(
                SOURCES.c.event_id == bindparam("b_event_id"),
                SOURCES.c.article_id == bindparam("b_article_id"),
            )
        )
        .values({k[2:]: bindparam(k) for k in keys}),
        rows,
    )


def _stored_events(connection: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for chunk in chunks(ids):
        query = select(EVENTS).where(EVENTS.c.event_id.in_(chunk)).with_for_update()
        rows.update({r.event_id: dict(r._mapping) for r in connection.execute(query)})
    return rows


def _stored_sources(
    connection: Connection, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The stored source rows of these (event, article) mentions.

    Looked up by article (``ix_sources_article``), not by event: an article reports a
    handful of events, while a big story's event has a source row (evidence sentence
    included) for each of thousands of articles, which a lookup by event would read
    again for every new mention of it.
    """
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for chunk in chunks(sorted({article for _, article in keys})):
        query = select(SOURCES).where(SOURCES.c.article_id.in_(chunk))
        for row in connection.execute(query):
            key = (row.event_id, row.article_id)
            if key in keys:
                rows[key] = dict(row._mapping)
    return rows


def _stored_countries(connection: Connection, ids: list[str]) -> dict[str, set[str]]:
    rows: dict[str, set[str]] = {}
    for chunk in chunks(ids):
        query = select(COUNTRIES.c.event_id, COUNTRIES.c.country).where(
            COUNTRIES.c.event_id.in_(chunk)
        )
        for event_id, country in connection.execute(query):
            rows.setdefault(event_id, set()).add(country)
    return rows
