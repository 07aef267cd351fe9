"""``newsline rebuild``: the store thrown away and folded again from the event topics.

The event topics keep every message forever, so the store is a cache of them. A rebuild
replays the four event topics and the extraction records from offset 0 (a group-less
consumer, up to the end offsets taken at the start) through the same Projector the
worker uses, into a staging store (``staging``), and swaps it in atomically. A second
process reads and parses the log ahead of the projector (``parse_ahead``), so the
rebuild uses two cores. Which mentions newer extractions supersede is decided once,
after the last batch (``supersede.settle_all``): the same rule the worker applies batch
by batch, without its lookups per batch. On PostgreSQL the timeline index is built and
the foreign keys validated meanwhile, on a second connection
(``bulk.checks_and_indexes_deferred``). The positions it records are the projection's
own (name ``timeline``), so a worker started afterwards resumes from its committed
offsets and the projector skips what the rebuild already folded.

The worker must be stopped while the configured store is rebuilt: it would write into
the old store meanwhile, and those writes would be lost at the swap. Its consumer
group having a live member is therefore a refusal. Rebuilding ``--into`` another
database needs no such care.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Engine, func, select

from newsline.config import Settings
from newsline.errors import WorkerRunning
from newsline.operations.log_reader import BoundedReader
from newsline.operations.parse_ahead import ParseAhead, collecting_per_item
from newsline.operations.staging import stage
from newsline.operations.worker_guard import active_members
from newsline.pipeline_progress import worker_group
from newsline.redaction import masked_url
from newsline.store.bulk import bulk_loading, checks_and_indexes_deferred
from newsline.store.engine import db_errors, make_engine
from newsline.store.models import Event
from newsline.store.projector import Projector
from newsline.topics import EVENT_TYPES, event_topic, extractions_topic

#: (events read, events to read, seconds so far): called about once a second
Progress = Callable[[int, int, float], None]
#: what a rebuild turns to once the log is read (seconds of work per million events)
Phase = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class RebuildReport:
    """What a rebuild did: messages read, how many were malformed, the result's size."""

    target: str
    read: int
    skipped: int
    events: int
    partitions: int
    seconds: float

    @property
    def rate(self) -> float:
        """Messages read and folded per second, staging to swap included."""
        return self.read / self.seconds if self.seconds > 0 else 0.0


def rebuild(
    settings: Settings,
    into: str | None = None,
    progress: Progress | None = None,
    phase: Phase | None = None,
) -> RebuildReport:
    """Rebuild the store at ``into`` (default: the configured store) from the event log."""
    target = into or settings.database_url
    if target == settings.database_url:
        members = active_members(settings.bootstrap_servers, worker_group(settings))
        if members:
            raise WorkerRunning(
                f"the worker is running ({', '.join(members)} in consumer group "
                f"{worker_group(settings)}); stop it first, or rebuild --into another database"
            )
    topics = [event_topic(settings.topic_prefix, kind) for kind in EVENT_TYPES]
    topics.append(extractions_topic(settings.topic_prefix))
    started = time.monotonic()
    log = partial(BoundedReader, settings.bootstrap_servers, topics, "newsline-rebuild")
    with ParseAhead(log) as replay:
        staging = stage(target)
        try:
            engine = bulk_loading(make_engine(staging.url))
            try:
                read, skipped = load(engine, replay, progress, started, phase)
                with db_errors(), engine.connect() as connection:
                    events = connection.execute(select(func.count()).select_from(Event)).scalar()
            finally:
                engine.dispose()
            if phase:
                phase("swapping the rebuilt store in")
            staging.swap()
        except BaseException:
            staging.discard()
            raise
    return RebuildReport(
        target=masked_url(target),
        read=read,
        skipped=skipped,
        events=int(events or 0),
        partitions=replay.shape.partitions,
        seconds=time.monotonic() - started,
    )


def load(
    engine: Engine,
    replay: ParseAhead,
    progress: Progress | None = None,
    started: float | None = None,
    phase: Phase | None = None,
) -> tuple[int, int]:
    """Fold every batch of ``replay`` into the new store at ``engine`` (bulk-loading
    settings, nobody reading it yet); returns (records read, records skipped).

    ``phase`` hears of the steps after the last batch, which read nothing and so move
    no progress: without it an operator would watch a finished count for seconds per
    million events.
    """
    projector = Projector(engine, settle_later=True)
    total = replay.shape.total
    started = time.monotonic() if started is None else started
    read = skipped = 0
    said = time.monotonic()
    with checks_and_indexes_deferred(engine) as restore:
        for batch in collecting_per_item(replay.batches()):
            projector.apply(batch.records, batch.prepared)
            read += len(batch.records)
            skipped += batch.skipped
            if progress and time.monotonic() - said >= 1.0:
                progress(read, total, time.monotonic() - started)
                said = time.monotonic()
        if progress:
            progress(read, total, time.monotonic() - started)
        if phase:
            phase("deciding which mentions later extractions superseded")
        restore()  # PostgreSQL builds the index and checks the keys meanwhile
        projector.settle()
        if phase:  # the block's end waits for them (SQLite: builds the index there)
            keys = " and the foreign keys" if engine.dialect.name == "postgresql" else ""
            phase(f"building the timeline index{keys}")
    return read, skipped
