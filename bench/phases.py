"""The benchmark's four measurements, each returning plain figures for the report.

Times are ``time.perf_counter``/``time.monotonic`` in this process; the one place a
wall clock is compared with another process's is the latency split (publish ->
extracted -> queryable), where the worker's ``extracted_at`` stamp meets this
process's ``time.time()`` on the same machine.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from corpus import Corpus
from kafka import KafkaConsumer
from sqlalchemy import Engine, bindparam, text
from watched_worker import WorkerGroup

from newsline.config import Settings
from newsline.errors import NewslineError
from newsline.event_messages import event_message
from newsline.extraction import default_extractor, extract
from newsline.ingest import content_digest, parse_article
from newsline.pipeline_progress import PipelineProgress, end_offsets, measure
from newsline.publishing import idempotent_producer
from newsline.store.projector import Projector
from newsline.topics import articles_topic

Say = Callable[[str], None]
Message = tuple[str, bytes, bytes]  # article id, key, value
POLL_SECONDS = 1.0  # progress polls during throughput phases (each costs ~20 ms of CPU)
STORE_POLL_SECONDS = 0.02  # how often the latency phase looks for new articles


def base_id(article_id: str) -> str:
    """The corpus article a copy was made from (copies are ``<id>~<tag><n>``)."""
    return article_id.rsplit("~", 1)[0]


# -- engine ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EngineResult:
    articles: int
    load_s: float
    ingest_s: float  # parse, validate, normalise, digest: the ingest agent's pure work
    extract_s: float  # the engine alone
    extract_cpu_s: float  # its CPU time: below extract_s when other work took the core
    encode_s: float  # event messages built and JSON-encoded: the extract agent's rest
    events: int
    yields_events: dict[str, bool]  # per corpus article id

    @property
    def rate(self) -> float:
        return self.articles / self.extract_s

    @property
    def pure_rate(self) -> float:
        return self.articles / (self.ingest_s + self.extract_s + self.encode_s)


def engine_limit(corpus: Corpus, count: int, say: Say) -> EngineResult:
    """The extractor over ``count`` copies, the other pure per-article steps timed beside."""
    started = time.perf_counter()
    default_extractor().extract(corpus.articles[0])
    load_s = time.perf_counter() - started
    ingest_s = extract_s = encode_s = extract_cpu_s = 0.0
    events = 0
    yields: dict[str, bool] = {}
    extracted_at = datetime.now(UTC)
    last_said = time.monotonic()
    for done, (article_id, _key, value) in enumerate(corpus.messages(count, "x"), start=1):
        t0 = time.perf_counter()
        article = parse_article(value)
        content_digest(article)
        t1, cpu1 = time.perf_counter(), time.process_time()
        found = extract(article)
        t2, cpu2 = time.perf_counter(), time.process_time()
        extract_cpu_s += cpu2 - cpu1
        for event in found:
            json.dumps(event_message(article, event, extracted_at), ensure_ascii=False).encode()
        t3 = time.perf_counter()
        ingest_s, extract_s, encode_s = ingest_s + t1 - t0, extract_s + t2 - t1, encode_s + t3 - t2
        events += len(found)
        yields[base_id(article_id)] = bool(found)
        if time.monotonic() - last_said >= 5:
            say(f"  engine  {done:>7,}/{count:,}  {done / extract_s:6.1f} articles/s")
            last_said = time.monotonic()
    return EngineResult(count, load_s, ingest_s, extract_s, extract_cpu_s, encode_s, events, yields)


def events_by_article(corpus: Corpus) -> dict[str, bool]:
    """Which corpus articles yield events (when the engine phase was skipped)."""
    return {a.id: bool(extract(a)) for a in corpus.articles}


# -- the worker, end to end ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EndToEnd:
    label: str
    articles: int
    publish_s: float  # until the producer had every acknowledgement
    elapsed_s: float  # first publish -> the store holds the last event
    finished_s: dict[str, float]  # per stage: when it reached its final count
    peak_pending: dict[str, int]
    final: PipelineProgress
    events: int  # event messages folded into the store in this phase
    worker_cpu_s: float  # summed over the workers
    worker_waited_s: float  # runnable, waiting for a core (other processes had them)
    workers: int

    @property
    def rate(self) -> float:
        return self.articles / self.elapsed_s


def publish(bootstrap: str, topic: str, messages: Sequence[Message]) -> float:
    """Send every message as ``newsline publish`` does; seconds until all are acknowledged."""
    producer = idempotent_producer(bootstrap, "newsline-bench-publish")
    started = time.monotonic()
    try:
        futures = [producer.send(topic, key=key, value=value) for _, key, value in messages]
        producer.flush()
        for future in futures:
            future.get(timeout=60)
    finally:
        producer.close()
    return time.monotonic() - started


def end_to_end(
    settings: Settings,
    bootstrap: str,
    projector: Projector,
    workers: WorkerGroup,
    messages: Sequence[Message],
    timeout: float,
    say: Say,
    label: str = "end-to-end",
) -> EndToEnd:
    """Publish ``messages`` at once, then poll every stage until all is in the store.

    Ingest and extract report progress by committed offsets, which Faust commits every
    few seconds; the timeline's positions are written with its rows. The end is
    therefore the first poll at which the timeline held its final count (articles
    without events finish at extract, within that same stream).
    """
    before = measure(settings, bootstrap, projector)
    before_totals = workers.totals()
    started = time.monotonic()
    publish_s = publish(bootstrap, articles_topic(settings.topic_prefix), messages)
    say(f"  {label}: {len(messages):,} published in {publish_s:.1f} s; waiting for the worker")
    expected = next(s for s in before.stages if s.name == "ingest").published + len(messages)
    polls: list[tuple[float, PipelineProgress]] = []
    last_said = time.monotonic()
    while True:
        polled_at = time.monotonic()
        now = measure(settings, bootstrap, projector)
        polls.append((polled_at - started, now))
        ingest = now.stages[0]
        settled = len(polls) > 1 and polls[-2][1] == now
        if ingest.published >= expected and now.caught_up and settled:
            break
        if not workers.alive:
            raise NewslineError(f"a worker died during {label}:\n{workers.tail()}")
        if polled_at - started > timeout:
            raise NewslineError(f"{label}: not caught up after {timeout:.0f} s ({now.summary()})")
        if time.monotonic() - last_said >= 5:
            rss = f"; worker RSS {workers.rss_mb():.0f} MB"
            say(f"  {polled_at - started:6.1f} s  {now.summary()}{rss}")
            last_said = time.monotonic()
        time.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - polled_at)))
    after_totals = workers.totals()
    final = polls[-1][1]
    finished = {
        stage.name: next(t for t, p in polls if p.stages[i].done == stage.done)
        for i, stage in enumerate(final.stages)
    }
    events = final.stages[2].done - before.stages[2].done
    elapsed = finished["timeline"] if events else finished["extract"]
    peak = {
        stage.name: max(p.stages[i].pending for _, p in polls)
        for i, stage in enumerate(final.stages)
    }
    cpu = waited = float("nan")
    if before_totals and after_totals:
        cpu, waited = after_totals[0] - before_totals[0], after_totals[1] - before_totals[1]
    return EndToEnd(
        label, len(messages), publish_s, elapsed, finished, peak, final, events, cpu, waited,
        len(workers.workers),
    )  # fmt: skip


# -- plumbing ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plumbing:
    messages: int
    elapsed_s: float
    failed: int

    @property
    def rate(self) -> float:
        return self.messages / self.elapsed_s


def plumbing_limit(bootstrap: str, source: str, target: str, prefix: str, say: Say) -> Plumbing:
    """Consume every message of ``source`` and produce it unchanged to ``target``.

    A consumer group with auto-commit and the idempotent acks=all producer newsline
    writes with: Kafka's cost per message for one hop, nothing else. The clock starts
    at the first record (after the group join) and stops when every send is acknowledged.
    """
    total = sum(end_offsets(bootstrap, [source]).values())
    consumer = KafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"{prefix}bench-plumbing",
        client_id="newsline-bench-plumbing",
        auto_offset_reset="earliest",
    )
    producer = idempotent_producer(bootstrap, "newsline-bench-plumbing")
    failures: list[BaseException] = []
    moved, first = 0, None
    deadline = time.monotonic() + 600
    try:
        while moved < total:
            if time.monotonic() > deadline:
                raise NewslineError(f"plumbing: only {moved:,}/{total:,} moved in 600 s")
            for records in consumer.poll(timeout_ms=500, max_records=500).values():
                first = first or time.perf_counter()
                for record in records:
                    producer.send(target, key=record.key, value=record.value).add_errback(
                        failures.append
                    )
                moved += len(records)
        producer.flush()
        elapsed = time.perf_counter() - (first or time.perf_counter())
    finally:
        producer.close()
        consumer.close()
    say(f"  plumbing: {moved:,} messages passed through in {elapsed:.1f} s")
    return Plumbing(moved, elapsed, len(failures))


# -- latency -----------------------------------------------------------------------


@dataclass(slots=True)
class Latency:
    rate: float
    seconds: float
    published: int
    achieved_rate: float
    expected: int  # published copies of articles that yield events
    latencies_ms: list[float] = field(default_factory=list)
    to_extract_ms: list[float] = field(default_factory=list)  # publish -> extracted_at
    to_store_ms: list[float] = field(default_factory=list)  # extracted_at -> queryable

    @property
    def measured(self) -> int:
        return len(self.latencies_ms)


def percentile(values: Sequence[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 10) - 1]


def latency_at_rate(
    bootstrap: str,
    topic: str,
    store: Engine,
    corpus: Corpus,
    yields: dict[str, bool],
    rate: float,
    seconds: float,
    say: Say,
    drain_s: float = 120.0,
) -> Latency:
    """Publish at ``rate`` for ``seconds``; time each article until its row is visible.

    One loop paces the sends (on schedule, catching up if late) and, between them,
    asks the store every 20 ms which pending ids have an ``articles`` row. A row seen
    by a query that started at t was committed before t, so t - publish is the figure
    (an upper bound, within the 20 ms poll).
    """
    messages = corpus.messages(max(1, round(rate * seconds)), "l")
    say(f"latency   {len(messages):,} articles at {rate:g}/s for {seconds:g} s ...")
    query = text("select id from articles where id in :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    producer = idempotent_producer(bootstrap, "newsline-bench-latency", linger_ms=0)
    sent_at: dict[str, tuple[float, float]] = {}  # id -> (monotonic, wall clock)
    seen_at: dict[str, float] = {}
    pending: set[str] = set()
    sent = 0
    started = next_poll = last_said = time.monotonic()
    drain_until = float("inf")
    try:
        while sent < len(messages) or (pending and time.monotonic() < drain_until):
            now = time.monotonic()
            due = started + sent / rate
            if sent < len(messages) and now >= due:
                article_id, key, value = messages[sent]
                sent_at[article_id] = (time.monotonic(), time.time())
                producer.send(topic, key=key, value=value)
                if yields.get(base_id(article_id)):
                    pending.add(article_id)
                sent += 1
                if sent == len(messages):
                    producer.flush()
                    published_s = time.monotonic() - started
                    drain_until = time.monotonic() + drain_s
                continue
            if now >= next_poll and pending:
                asked_at = time.monotonic()
                with store.connect() as connection:
                    found = connection.execute(query, {"ids": sorted(pending)}).scalars().all()
                for article_id in found:
                    seen_at[article_id] = asked_at
                    pending.discard(article_id)
                next_poll = asked_at + STORE_POLL_SECONDS
            if now - last_said >= 5:
                say(f"  {now - started:5.1f} s  sent {sent:,}, queryable {len(seen_at):,}, "
                    f"pending {len(pending)}")  # fmt: skip
                last_said = now
            wake = min(next_poll, due if sent < len(messages) else next_poll)
            time.sleep(max(0.0, min(wake - time.monotonic(), STORE_POLL_SECONDS)))
    finally:
        producer.close()
    expected = sum(1 for article_id in sent_at if yields.get(base_id(article_id)))
    result = Latency(rate, seconds, sent, sent / published_s, expected)
    first_seen = _first_seen(store, list(seen_at))
    for article_id, asked_at in seen_at.items():
        published_mono, published_wall = sent_at[article_id]
        result.latencies_ms.append((asked_at - published_mono) * 1000)
        if article_id in first_seen:
            to_extract = (first_seen[article_id] - published_wall) * 1000
            result.to_extract_ms.append(to_extract)
            result.to_store_ms.append(result.latencies_ms[-1] - to_extract)
    return result


def _first_seen(store: Engine, ids: list[str]) -> dict[str, float]:
    """When the worker extracted each article (``articles.first_seen``, naive UTC)."""
    query = text("select id, first_seen from articles where id in :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    stamps: dict[str, float] = {}
    with store.connect() as connection:
        for start in range(0, len(ids), 500):
            for article_id, stamp in connection.execute(query, {"ids": ids[start : start + 500]}):
                if isinstance(stamp, str):
                    stamp = datetime.fromisoformat(stamp)
                stamps[article_id] = stamp.replace(tzinfo=UTC).timestamp()
    return stamps
