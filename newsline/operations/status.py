"""``newsline status`` without the printing: is the pipeline healthy, how far is each stage,
and does the count of articles add up.

Healthy means both ends answer: the Kafka broker at the bootstrap address and the
store at NEWSLINE_DATABASE_URL. Lag is information, never a failure: a worker that is
stopped or slow leaves messages pending and nothing is lost, because every topic
keeps its data forever.

The numbers come from three sources, each the truth for its stage (as in
``newsline.pipeline_progress``): topic end offsets (what was published), the worker's
consumer-group commits (how far ingest and extract got) and the positions the
projection stores with its rows (how far the timeline got). Dead letters are counted
by reading the dead-letter topic, bounded, because the agent that failed a message is
in the message; a message dead-lettered twice (redelivered after a crash) counts once.

Reconciliation (issue 6, item 5): an operator must see that no article vanished.
Ingest turns each article it has consumed into exactly one of three outcomes, so

    published  = ingest-done + pending
    ingest-done = valid + dead-lettered by ingest + skipped as duplicates

where published is the end offsets of ``articles``, pending is end minus the worker's
committed offsets there, valid is the end offsets of ``articles.valid`` and
dead-lettered by ingest is the dead letters whose agent is ``ingest``. Ingest drops
an article id seen before with the same content without a trace on any topic, so
duplicates cannot be counted independently: they are the remainder, and the check is
that the remainder is not negative. A negative remainder means ``articles.valid``
holds more than ingest sent once per article: extract dead letters replayed there,
messages re-sent after a crash (at-least-once), or a worker that wrote its outputs
but has not committed its input offsets yet (Faust commits every few seconds). The
same split is shown for extract (valid = extracted + dead-lettered by extract +
pending) and the timeline (events published = folded + pending; its dead letters are
shown beside, and positions move past them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from kafka import TopicPartition
from sqlalchemy import Engine, func, select

from newsline.broker.admin import probe
from newsline.config import Settings
from newsline.errors import NewslineError, StoreError
from newsline.kafka_security import unreachable_hint
from newsline.operations.dlq import DeadLetter, read_dead_letters
from newsline.operations.worker_guard import active_members
from newsline.pipeline_progress import committed_offsets, end_offsets, worker_group
from newsline.redaction import masked_url
from newsline.store.engine import db_errors, make_engine
from newsline.store.models import Article, Event, EventCountry, Source
from newsline.store.projector import Projector
from newsline.topics import (
    EVENT_TYPES,
    articles_topic,
    dead_letter_topic,
    event_topic,
    extractions_topic,
    topic_specs,
    valid_articles_topic,
)


@dataclass(frozen=True, slots=True)
class TopicStatus:
    """One project topic: its end offset per partition, or missing (None)."""

    name: str
    end_offsets: dict[int, int] | None

    @property
    def messages(self) -> int:
        return sum((self.end_offsets or {}).values())


@dataclass(frozen=True, slots=True)
class PartitionLag:
    """How far one consumer (an agent or the projection) is on one partition."""

    agent: str
    topic: str
    partition: int
    done: int
    end: int

    @property
    def lag(self) -> int:
        return max(self.end - self.done, 0)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Where every published article went (see the module docstring for the terms)."""

    published: int
    pending: int
    valid: int
    dead_letters: int
    duplicates: int  # the remainder; negative = articles.valid holds extra messages
    extract_input: int
    extract_pending: int
    extract_dead_letters: int
    events_published: int
    events_pending: int
    timeline_dead_letters: int

    @property
    def done(self) -> int:
        return self.published - self.pending

    @property
    def extracted(self) -> int:
        return self.extract_input - self.extract_pending - self.extract_dead_letters

    @property
    def settled(self) -> bool:
        """Nothing pending anywhere and nothing unaccounted for."""
        return (
            self.pending == 0
            and self.extract_pending == 0
            and self.events_pending == 0
            and self.duplicates >= 0
        )


@dataclass(slots=True)
class StoreStatus:
    url: str
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None


@dataclass(slots=True)
class Status:
    """Everything ``newsline status`` reports; ``problems`` empty means healthy."""

    bootstrap: str
    prefix: str
    broker_error: str | None = None
    brokers: int = 0
    worker_members: list[str] | None = None
    topics: list[TopicStatus] = field(default_factory=list)
    lags: list[PartitionLag] = field(default_factory=list)
    dead_letters: dict[str, int] = field(default_factory=dict)  # per agent
    store: StoreStatus | None = None
    reconciliation: Reconciliation | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        found = []
        if self.broker_error:
            found.append(self.broker_error)
        if self.store is not None and self.store.error:
            found.append(self.store.error)
        return found

    @property
    def healthy(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the derived figures (lag, done, healthy) filled in."""
        recon = self.reconciliation
        reconciled = None
        if recon is not None:
            derived = {"done": recon.done, "extracted": recon.extracted, "settled": recon.settled}
            reconciled = {**asdict(recon), **derived}
        return {
            "healthy": self.healthy,
            "problems": self.problems,
            "broker": {
                "bootstrap": self.bootstrap,
                "reachable": self.broker_error is None,
                "brokers": self.brokers,
                "worker_members": self.worker_members,
            },
            "topics": [
                {
                    "name": t.name,
                    "exists": t.end_offsets is not None,
                    "partitions": len(t.end_offsets or {}),
                    "end_offsets": {str(p): n for p, n in (t.end_offsets or {}).items()},
                    "messages": t.messages,
                }
                for t in self.topics
            ],
            "lag": [{**asdict(lag), "lag": lag.lag} for lag in self.lags],
            "dead_letters": {
                "total": sum(self.dead_letters.values()),
                "by_agent": self.dead_letters,
            },
            "store": asdict(self.store) if self.store else None,
            "reconciliation": reconciled,
            "notes": self.notes,
        }


def collect(settings: Settings) -> Status:
    """Probe the broker and the store and measure every stage; never raises NewslineError.

    What cannot be reached is recorded as a problem and the rest is still measured, so
    a monitor sees the store's state even while the broker is down (and vice versa).
    """
    status = Status(bootstrap=settings.bootstrap_servers, prefix=settings.topic_prefix)
    positions = _store_part(settings, status)
    cluster = probe(settings.bootstrap_servers)
    if cluster is None:
        status.broker_error = (
            f"no Kafka broker answers at {settings.bootstrap_servers}; "
            f"{unreachable_hint(settings.bootstrap_servers)}"
        )
        return status
    status.brokers = len(cluster.get("brokers") or [])
    try:
        _broker_part(settings, status, positions)
    except NewslineError as exc:
        status.broker_error = f"the broker at {settings.bootstrap_servers} failed: {exc}"
    return status


def _store_part(settings: Settings, status: Status) -> dict[tuple[str, int], int] | None:
    """Store counts and the projection's positions; None when the store does not answer."""
    status.store = StoreStatus(url=shown_url(settings.database_url))
    try:
        engine = make_engine(settings.database_url)
        try:
            with db_errors():
                positions = Projector(engine).positions()
            status.store.counts = store_counts(engine)
            return positions
        finally:
            engine.dispose()
    except StoreError as exc:
        status.store.error = str(exc)
        return None


def shown_url(url: str) -> str:
    """The database URL with its password masked: status output lands in monitoring logs."""
    return masked_url(url)


def store_counts(engine: Engine) -> dict[str, int]:
    """Rows the timeline holds: events, sources (mentions), articles and countries."""
    queries = {
        "events": select(func.count()).select_from(Event),
        "sources": select(func.count()).select_from(Source),
        "articles": select(func.count()).select_from(Article),
        "countries": select(func.count(func.distinct(EventCountry.country))),
    }
    with db_errors(), engine.connect() as connection:
        return {
            name: int(connection.execute(query).scalar_one()) for name, query in queries.items()
        }


def _broker_part(
    settings: Settings, status: Status, positions: dict[tuple[str, int], int] | None
) -> None:
    prefix = settings.topic_prefix
    bootstrap = settings.bootstrap_servers
    names = [spec.name for spec in topic_specs(prefix)]
    ends = end_offsets(bootstrap, names)
    committed = committed_offsets(bootstrap, worker_group(settings))
    by_topic: dict[str, dict[int, int]] = {}
    for tp, end in sorted(ends.items()):
        by_topic.setdefault(tp.topic, {})[tp.partition] = end
    status.topics = [TopicStatus(name, by_topic.get(name)) for name in names]
    if by_topic.get(dead_letter_topic(prefix)) is not None:
        letters = read_dead_letters(bootstrap, prefix)
        status.dead_letters = dict(Counter(letter.agent for letter in distinct_failures(letters)))
    try:
        status.worker_members = active_members(bootstrap, worker_group(settings))
    except NewslineError as exc:
        status.notes.append(f"worker group not described: {exc}")

    consumers = [("ingest", articles_topic(prefix)), ("extract", valid_articles_topic(prefix))]
    for agent, topic in consumers:
        for partition, end in by_topic.get(topic, {}).items():
            done = min(committed.get(TopicPartition(topic, partition), 0), end)
            status.lags.append(PartitionLag(agent, topic, partition, done, end))
    if positions is None:
        status.notes.append("timeline lag unknown: the store does not answer")
    else:
        for topic in [*(event_topic(prefix, kind) for kind in EVENT_TYPES),
                      extractions_topic(prefix)]:  # fmt: skip
            for partition, end in by_topic.get(topic, {}).items():
                done = min(positions.get((topic, partition), 0), end)
                status.lags.append(PartitionLag("timeline", topic, partition, done, end))
    status.reconciliation = reconcile(status, prefix, timeline_known=positions is not None)


def distinct_failures(letters: Iterable[DeadLetter]) -> list[DeadLetter]:
    """One dead letter per failed message: an agent that dead-letters a message and
    dies before committing its offset dead-letters it again when the message is
    redelivered (at-least-once), and the reconciliation must count that message once.
    Letters that do not say where their message was count one each."""
    seen: set[tuple[str, tuple]] = set()
    distinct = []
    for letter in letters:
        if None not in letter.origin:
            where = (letter.agent, letter.origin)
            if where in seen:
                continue
            seen.add(where)
        distinct.append(letter)
    return distinct


def reconcile(status: Status, prefix: str, *, timeline_known: bool = True) -> Reconciliation:
    """The reconciliation from measured topics, lags and dead letters (pure)."""
    messages = {t.name: t.messages for t in status.topics}

    records = extractions_topic(prefix)

    def pending(agent: str) -> int:  # of the messages counted here: not extraction records
        return sum(lag.lag for lag in status.lags if lag.agent == agent and lag.topic != records)

    published = messages.get(articles_topic(prefix), 0)
    valid = messages.get(valid_articles_topic(prefix), 0)
    ingest_pending = pending("ingest")
    ingest_dead = status.dead_letters.get("ingest", 0)
    events = sum(messages.get(event_topic(prefix, kind), 0) for kind in EVENT_TYPES)
    return Reconciliation(
        published=published,
        pending=ingest_pending,
        valid=valid,
        dead_letters=ingest_dead,
        duplicates=published - ingest_pending - valid - ingest_dead,
        extract_input=valid,
        extract_pending=pending("extract"),
        extract_dead_letters=status.dead_letters.get("extract", 0),
        events_published=events,
        events_pending=pending("timeline") if timeline_known else events,
        timeline_dead_letters=status.dead_letters.get("timeline", 0),
    )
