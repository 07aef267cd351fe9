"""``newsline rebuild``: the store thrown away and folded again from the event topics.

The event topics keep every message forever, so the store is a cache of them. A
rebuild replays the four event topics and the extraction records from offset 0 (a
group-less consumer, up to the end offsets taken at the start) through the same
Projector the worker uses, into a staging store (``staging``), and swaps it in
atomically. The positions it records are the projection's own (name ``timeline``), so
a worker started afterwards resumes from its committed offsets and the projector
skips what the rebuild already folded.

The worker must be stopped while the configured store is rebuilt: it would write into
the old store meanwhile, and those writes would be lost at the swap. Its consumer
group having a live member is therefore a refusal. Rebuilding ``--into`` another
database needs no such care.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kafka.consumer.fetcher import ConsumerRecord
from sqlalchemy import func, select

from newsline.config import Settings
from newsline.errors import InvalidEventMessage, WorkerRunning
from newsline.operations.log_reader import BoundedReader
from newsline.operations.staging import stage
from newsline.operations.worker_guard import active_members
from newsline.pipeline_progress import worker_group
from newsline.redaction import masked_url
from newsline.store.bulk import bulk_loading
from newsline.store.engine import db_errors, make_engine
from newsline.store.fold import parse_record
from newsline.store.models import Event
from newsline.store.projector import Projector, Record
from newsline.topics import EVENT_TYPES, event_topic, extractions_topic

#: (events read, events to read, seconds so far): called about once a second
Progress = Callable[[int, int, float], None]


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
    settings: Settings, into: str | None = None, progress: Progress | None = None
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
    with BoundedReader(settings.bootstrap_servers, topics, "newsline-rebuild") as reader:
        staging = stage(target)
        try:
            engine = bulk_loading(make_engine(staging.url))
            try:
                read, skipped = _fold(Projector(engine), reader, progress, started)
                with db_errors(), engine.connect() as connection:
                    events = connection.execute(select(func.count()).select_from(Event)).scalar()
            finally:
                engine.dispose()
            staging.swap()
        except BaseException:
            staging.discard()
            raise
    return RebuildReport(
        target=masked_url(target),
        read=read,
        skipped=skipped,
        events=int(events or 0),
        partitions=len(reader.bounds.end),
        seconds=time.monotonic() - started,
    )


def _fold(
    projector: Projector, reader: BoundedReader, progress: Progress | None, started: float
) -> tuple[int, int]:
    total = reader.bounds.total
    read = skipped = 0
    said = time.monotonic()
    for batch in reader.batches():
        records, bad = _decoded(batch)
        try:
            projector.apply(records)
        except InvalidEventMessage:  # rolled back: fold the batch without the bad ones
            records, unusable = _usable(records)
            bad += unusable
            projector.apply(records)
        read += len(batch)
        skipped += bad
        if progress and time.monotonic() - said >= 1.0:
            progress(read, total, time.monotonic() - started)
            said = time.monotonic()
    return read, skipped


def _decoded(batch: Sequence[ConsumerRecord]) -> tuple[list[Record], int]:
    """The batch as projector records; a value that is not JSON is left out, as the
    worker leaves it out of the store (it dead-lettered it when it came)."""
    records: list[Record] = []
    bad = 0
    for r in batch:
        try:
            records.append((r.topic, r.partition, r.offset, json.loads(r.value)))
        except (ValueError, TypeError):
            bad += 1
    return records, bad


def _usable(records: list[Record]) -> tuple[list[Record], int]:
    """Records whose message the projection can fold (checked one by one, only after a
    batch failed: checking every message up front would cost a second parse each)."""
    usable = []
    for record in records:
        try:
            parse_record(record[3])
        except InvalidEventMessage:
            continue
        usable.append(record)
    return usable, len(records) - len(usable)
