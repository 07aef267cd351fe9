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
every rule here depends only on what is stored, never on arrival order: a rebuild
reaches the same flags as the live worker. Articles with no extraction record
(stores and logs from before records existed) keep every mention current.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, Table, bindparam, func, select, update

from newsline.store.bulk import chunks, insert_ignore, row_tuples
from newsline.store.fold import Extraction
from newsline.store.models import ArticleExtraction, Event, Source

_EXTRACTIONS: Table = ArticleExtraction.__table__  # type: ignore[assignment]
_SOURCES: Table = Source.__table__  # type: ignore[assignment]
_EVENTS: Table = Event.__table__  # type: ignore[assignment]

#: article id -> (time of its latest extraction, the event ids that run found)
Latest = dict[str, tuple[datetime, frozenset[str]]]


def supersede(
    connection: Connection,
    reports: Iterable[tuple[str, datetime]],
    extractions: list[Extraction],
) -> None:
    """Record ``extractions`` and re-decide the mentions they touch, or that the batch's
    mentions touch: ``reports`` holds the (article id, extraction time) of each.

    Runs after the batch's mentions are folded, in the same transaction.
    """
    rows = row_tuples(_EXTRACTIONS, [x.as_row() for x in extractions])
    insert_ignore(connection, _EXTRACTIONS, rows)
    recorded = {x.article_id for x in extractions}
    reports = list(reports)
    latest = latest_extractions(connection, recorded | {article for article, _ in reports})
    # A mention of the latest run changes nothing; anything else may flip a flag.
    unsettled = recorded | {
        article
        for article, extracted_at in reports
        if article in latest and extracted_at != latest[article][0]
    }
    unsettled &= latest.keys()
    if not unsettled:
        return
    changes = []
    for event_id, article_id, last_seen, superseded in _sources_of(connection, unsettled):
        at, found = latest[article_id]
        current = event_id in found or last_seen > at
        wanted = None if current else (superseded or at)
        if wanted != superseded:
            changes.append({"b_event": event_id, "b_article": article_id, "b_when": wanted})
    if changes:
        connection.execute(
            update(_SOURCES)
            .where(
                (_SOURCES.c.event_id == bindparam("b_event"))
                & (_SOURCES.c.article_id == bindparam("b_article"))
            )
            .values(superseded=bindparam("b_when")),
            changes,
        )
        _recount(connection, sorted({c["b_event"] for c in changes}))


def latest_extractions(connection: Connection, articles: set[str]) -> Latest:
    """Each of ``articles``' latest extraction, for the articles that have one."""
    latest: Latest = {}
    for chunk in chunks(sorted(articles)):
        query = select(
            _EXTRACTIONS.c.article_id, _EXTRACTIONS.c.extracted_at, _EXTRACTIONS.c.event_ids
        ).where(_EXTRACTIONS.c.article_id.in_(chunk))
        for article_id, at, ids in connection.execute(query):
            if article_id not in latest or at > latest[article_id][0]:
                latest[article_id] = (at, frozenset(ids.split()))
    return latest


def _sources_of(connection: Connection, articles: set[str]) -> list[tuple]:
    rows = []
    s = _SOURCES.c
    for chunk in chunks(sorted(articles)):
        query = select(s.event_id, s.article_id, s.last_seen, s.superseded).where(
            s.article_id.in_(chunk)
        )
        rows += connection.execute(query).all()
    return rows


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
