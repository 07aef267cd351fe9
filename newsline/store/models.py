"""The timeline store's tables: a read model folded from the event topics.

Everything here can be dropped and rebuilt from the log, so the tables are shaped for
the queries, not for normalisation: ``event_countries`` repeats the few event fields
a per-country timeline filters and orders on, so that query walks one index
(country, sort_date) and joins ``events`` only for the rows it returns.

Times are naive UTC ``datetime``s (plain ``DateTime`` columns, not SQLModel's
zone-checked default): SQLite keeps no time zone, and one convention on both
databases keeps ``--as-of`` comparisons exact.

The tables themselves are made by the migrations (``migrations/``); on PostgreSQL
they give the key columns (ids, country codes, roles) the byte-order collation "C".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, DateTime, Index, String, Text
from sqlmodel import Field, SQLModel

#: date_precision -> rank; a mention with a higher rank has the more precise date.
PRECISION_RANK: dict[str | None, int] = {None: 0, "year": 1, "month": 2, "day": 3}


class Article(SQLModel, table=True):
    """An article some event was reported in (metadata only; the text stays in the log)."""

    __tablename__ = "articles"

    id: str = Field(primary_key=True, max_length=200)
    published: str | None = Field(default=None, max_length=40)
    lang: str | None = Field(default=None, max_length=2)
    source: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, sa_column=Column(Text))
    title: str | None = Field(default=None, sa_column=Column(Text))
    first_seen: dt.datetime = Field(sa_type=DateTime)


class Event(SQLModel, table=True):
    """One happening, folded from every mention carrying its event_id."""

    __tablename__ = "events"

    event_id: str = Field(primary_key=True, max_length=24)
    type: str = Field(max_length=16)
    subtype: str = Field(max_length=16)
    date: str | None = Field(default=None, max_length=10)
    date_precision: str | None = Field(default=None, max_length=5)
    #: where the timeline places it: the start of its date, else its earliest report date
    sort_date: dt.date
    undated: bool = False
    location: str | None = Field(default=None, max_length=200)
    location_country: str | None = Field(default=None, max_length=3)
    confidence: float
    extractor: str = Field(max_length=80)
    first_seen: dt.datetime = Field(sa_type=DateTime)
    last_seen: dt.datetime = Field(sa_type=DateTime)
    #: current sources: mentions no later extraction of their article superseded
    source_count: int = 0


class EventCountry(SQLModel, table=True):
    """One row per participating ISO-3 country: the per-country timeline's index."""

    __tablename__ = "event_countries"
    __table_args__ = (Index("ix_event_countries_timeline", "country", "sort_date", "event_id"),)

    event_id: str = Field(primary_key=True, foreign_key="events.event_id", max_length=24)
    country: str = Field(primary_key=True, max_length=3)
    type: str = Field(max_length=16)
    subtype: str = Field(max_length=16)
    date: str | None = Field(default=None, max_length=10)
    sort_date: dt.date
    undated: bool = False


class EventActor(SQLModel, table=True):
    """A party as one mention named it; FR and EN twins may add one name each."""

    __tablename__ = "event_actors"

    event_id: str = Field(primary_key=True, foreign_key="events.event_id", max_length=24)
    code: str = Field(primary_key=True, max_length=16)
    role: str = Field(primary_key=True, max_length=16)
    name: str = Field(sa_column=Column(String(300), primary_key=True))
    title: str | None = Field(default=None, max_length=300)


class Source(SQLModel, table=True):
    """One mention: the event as one article reported it, with its evidence.

    The mention's own date and confidence stay here so ``--as-of`` can refold an event
    from only the sources known at that moment.
    """

    __tablename__ = "sources"
    __table_args__ = (Index("ix_sources_article", "article_id"),)

    event_id: str = Field(primary_key=True, foreign_key="events.event_id", max_length=24)
    article_id: str = Field(primary_key=True, max_length=200)
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    evidence_start: int
    evidence_end: int
    trigger: str | None = Field(default=None, max_length=300)
    rule: str | None = Field(default=None, max_length=200)
    outlet: str | None = Field(default=None, max_length=200)
    lang: str | None = Field(default=None, max_length=2)
    reported_at: str | None = Field(default=None, max_length=40)
    #: the report's calendar date as written (no time-zone shift): where undated events go
    reported_on: dt.date | None = None
    date: str | None = Field(default=None, max_length=10)
    date_precision: str | None = Field(default=None, max_length=5)
    confidence: float
    extractor: str = Field(max_length=80)
    first_seen: dt.datetime = Field(sa_type=DateTime)
    last_seen: dt.datetime = Field(sa_type=DateTime)
    #: when a later extraction of the article no longer found this event (None: current)
    superseded: dt.datetime | None = Field(default=None, sa_type=DateTime)


class ArticleExtraction(SQLModel, table=True):
    """One run of the extractor over one article: which events it found (maybe none).

    The latest extraction of an article decides which of its mentions are current:
    a mention that a re-extraction no longer finds is superseded, so better extraction
    (``newsline reprocess``) reaches the views while the log keeps every message.
    """

    __tablename__ = "article_extractions"

    article_id: str = Field(primary_key=True, max_length=200)
    extracted_at: dt.datetime = Field(primary_key=True, sa_type=DateTime)
    extractor: str = Field(max_length=80)
    #: the event ids found, space-separated, sorted
    event_ids: str = Field(sa_column=Column(Text, nullable=False))


class ProjectionOffset(SQLModel, table=True):
    """The next offset a projection reads per topic partition, written with its rows."""

    __tablename__ = "projection_offsets"

    projection: str = Field(primary_key=True, max_length=100)
    topic: str = Field(primary_key=True, max_length=249)
    partition: int = Field(primary_key=True)
    next_offset: int = Field(sa_type=BigInteger)


TABLES = [
    SQLModel.metadata.tables[model.__tablename__]
    for model in (Article, Event, EventCountry, EventActor, Source, ArticleExtraction,
                  ProjectionOffset)
]  # fmt: skip
