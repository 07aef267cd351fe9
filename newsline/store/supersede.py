"""Newer extractions supersede older mentions: the views follow the latest extraction.

``newsline reprocess`` runs a better extractor over old articles. Its mentions are
new messages on the same topics; nothing in the log is deleted. What changes is which
mentions the views count: each article's *latest* extraction (an ``extraction``
record: the event ids one run found, possibly none) decides. A stored mention of that
article is current when the latest extraction found its event, or when it was itself
extracted later than the latest record known (that record is still on its way);
otherwise it is superseded, stamped with the time of the extraction that dropped it
(``--as-of`` reads that). An event counts only its current sources, and one with
none left disappears from the timeline, though ``newsline event`` still shows it.

Records and mentions arrive on different topics and partitions in any order, and
every rule here depends only on what is stored, never on arrival order or batching: a
rebuild reaches the same flags as the live worker. That is why a superseded mention's
stamp is the *first* run after it was last seen that did not find it, not the run that
happened to be latest when it was decided. Articles with no extraction record (stores
and logs from before records existed) keep every mention current.

A rebuild (``settle_later``) stores the records as they come and decides every
article once at the end (``settle_all``): the same rule over the same stored state,
without a lookup per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, update

from newsline.errors import StoreError
from newsline.store.bulk import chunks, insert_ignore, row_tuples
from newsline.store.fold import Extraction
from newsline.store.models import ArticleExtraction, Event, Source

_EXTRACTIONS: Table = ArticleExtraction.__table__  # type: ignore[assignment]
_SOURCES: Table = Source.__table__  # type: ignore[assignment]
_EVENTS: Table = Event.__table__  # type: ignore[assignment]

#: article id -> its runs, oldest first: (extraction time, the event ids that run found).
#: Times are as the driver or SQLAlchemy returns them; only compared with each other.
Runs = dict[str, list[tuple[Any, frozenset[str]]]]
#: (event id, article id, its new stamp) of one source to re-stamp
Change = tuple[str, str, Any]


def record_extractions(connection: Connection, extractions: list[Extraction]) -> None:
    """Store ``extractions`` (a record read twice is stored once)."""
    rows = row_tuples(_EXTRACTIONS, [x.as_row() for x in extractions])
    insert_ignore(connection, _EXTRACTIONS, rows)


def supersede(
    connection: Connection,
    reports: Iterable[tuple[str, datetime]],
    extractions: list[Extraction],
) -> None:
    """Record ``extractions`` and re-decide the mentions they touch, or that the batch's
    mentions touch: ``reports`` holds the (article id, extraction time) of each.

    Runs after the batch's mentions are folded, in the same transaction.
    """
    record_extractions(connection, extractions)
    recorded = {x.article_id for x in extractions}
    reports = list(reports)
    runs = article_runs(connection, recorded | {article for article, _ in reports})
    # A mention of the latest run changes nothing; anything else may flip a flag.
    unsettled = recorded | {
        article
        for article, extracted_at in reports
        if article in runs and extracted_at != runs[article][-1][0]
    }
    unsettled &= runs.keys()
    if unsettled:
        _write(connection, decide(runs, _sources_of(connection, unsettled)))


def settle_all(connection: Connection) -> int:
    """Decide every recorded article's mentions from the stored state; returns the
    mentions re-stamped.

    Two streams in article order, merged: each article's runs and its sources. Raw
    driver cursors (server-side on PostgreSQL), so a rebuild of millions of mentions
    pays neither a lookup per article nor SQLAlchemy's per-row conversions, in memory
    of one article at a time. Stored times stay as the driver returns them (SQLite's
    text has one fixed width, so it orders as the times do).
    """
    runs_cursor = _streaming_cursor(connection, "newsline_settle_runs", _ALL_RUNS)
    sources_cursor = _streaming_cursor(connection, "newsline_settle_sources", _SOURCES_OF_RECORDED)
    runs_by_article = groupby(_rows(runs_cursor), itemgetter(0))
    changes: list[Change] = []
    for article_id, sources in groupby(_rows(sources_cursor), itemgetter(1)):
        changes += decide({article_id: _runs_up_to(runs_by_article, article_id)}, sources)
    runs_cursor.close()
    sources_cursor.close()
    _write(connection, [(e, a, _as_datetime(when)) for e, a, when in changes])
    return len(changes)


def decide(runs: Runs, sources: Iterable[tuple[str, str, Any, Any]]) -> list[Change]:
    """The sources (event id, article id, last seen, stamp) whose stamp must change.

    Current (no stamp): the article's latest run found the event, or the mention was
    seen after that run. Otherwise superseded, stamped with the first run since the
    mention was last seen that did not find it. Times compare only with each other.
    """
    changes = []
    for event_id, article_id, last_seen, stamp in sources:
        article = runs[article_id]
        latest_at, latest_found = article[-1]
        wanted = None
        if event_id not in latest_found and last_seen <= latest_at:
            wanted = next(at for at, found in article if at >= last_seen and event_id not in found)
        if wanted != stamp:
            changes.append((event_id, article_id, wanted))
    return changes


def article_runs(connection: Connection, articles: set[str]) -> Runs:
    """The runs of each of ``articles`` that has any, oldest first."""
    runs: Runs = {}
    x = _EXTRACTIONS.c
    for chunk in chunks(sorted(articles)):
        query = (
            select(x.article_id, x.extracted_at, x.event_ids)
            .where(x.article_id.in_(chunk))
            .order_by(x.article_id, x.extracted_at)
        )
        for article_id, at, ids in connection.execute(query):
            runs.setdefault(article_id, []).append(_run(at, ids))
    return runs


def _write(connection: Connection, changes: list[Change]) -> None:
    """Re-stamp ``changes`` and recount the events they belong to."""
    if not changes:
        return
    connection.execute(
        update(_SOURCES)
        .where(
            (_SOURCES.c.event_id == bindparam("b_event"))
            & (_SOURCES.c.article_id == bindparam("b_article"))
        )
        .values(superseded=bindparam("b_when")),
        [{"b_event": e, "b_article": a, "b_when": when} for e, a, when in changes],
    )
    _recount(connection, sorted({event_id for event_id, *_ in changes}))


def _as_datetime(value: Any) -> datetime | None:
    """A raw stored time (SQLite hands back its text) as the datetime SQLAlchemy binds."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _sources_of(connection: Connection, articles: set[str]) -> list[tuple]:
    rows = []
    s = _SOURCES.c
    for chunk in chunks(sorted(articles)):
        query = select(s.event_id, s.article_id, s.last_seen, s.superseded).where(
            s.article_id.in_(chunk)
        )
        rows += connection.execute(query).all()
    return rows


# Driver-level SQL for ``settle_all``: constant statements, no parameters.
_ALL_RUNS = (
    "SELECT article_id, extracted_at, event_ids FROM article_extractions "
    "ORDER BY article_id, extracted_at"
)
_SOURCES_OF_RECORDED = (
    "SELECT event_id, article_id, last_seen, superseded FROM sources "
    "WHERE article_id IN (SELECT article_id FROM article_extractions) ORDER BY article_id"
)


def _runs_up_to(runs_by_article: Iterator[tuple[str, Iterator[tuple]]], article_id: str) -> list:
    """The runs of ``article_id``, skipping the articles before it (no mention stored).
    Both streams follow the database's order, so only equality is needed here."""
    for recorded, rows in runs_by_article:
        if recorded == article_id:
            return [_run(at, ids) for _, at, ids in rows]
    raise StoreError(f"settling superseded mentions: no runs found for article {article_id!r}")


def _run(at: Any, event_ids: str) -> tuple[Any, frozenset[str]]:
    """One run as ``Runs`` holds it, from its stored row (ids space-separated)."""
    return (at, frozenset(event_ids.split()))


def _streaming_cursor(connection: Connection, name: str, sql: str) -> Any:
    """A driver cursor running ``sql`` in the connection's transaction, its rows fetched
    as they are read (a named, server-side cursor on PostgreSQL)."""
    driver = connection.connection.driver_connection
    named = {"name": name} if connection.dialect.name == "postgresql" else {}
    cursor = driver.cursor(**named)  # type: ignore[union-attr]
    cursor.execute(sql)
    return cursor


def _rows(cursor: Any) -> Iterator[tuple]:
    """A driver cursor's rows, fetched a few thousand at a time."""
    while rows := cursor.fetchmany(5000):
        yield from rows


def _recount(connection: Connection, event_ids: list[str]) -> None:
    """Set each event's source_count to its current sources."""
    current = (
        select(func.count())
        .where(_SOURCES.c.event_id == _EVENTS.c.event_id, _SOURCES.c.superseded.is_(None))
        .scalar_subquery()
    )
    for chunk in chunks(event_ids):
        connection.execute(
            update(_EVENTS).where(_EVENTS.c.event_id.in_(chunk)).values(source_count=current)
        )
