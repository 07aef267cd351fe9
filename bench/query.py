"""Timeline store: rebuild throughput and per-country query latency, next to baselines.

    python bench/query.py [--events N] [--postgres URL] [--batch N] [--queries N]

Writes N synthetic events (default 1,000,000; four per article, about one in ten
reported twice, by a second article) over 200 countries as a log of JSON records, one
file per partition: the mentions, and the extraction record of each article's run on a
topic of its own, as the worker publishes them. Then it loads the log the way ``newsline
rebuild`` does (``operations.rebuild.load``: reader processes decode, parse and prepare
the batches, the projector writes them into a store with the staging settings of
``store.bulk``, the timeline index is built at the end), and times a per-country
``timeline`` query returning 100 rows. Only the log source differs from a rebuild: files
instead of Kafka. Each figure is printed next to a baseline measured in the same run on
the same database: the load next to plain INSERTs of the very rows the projector writes
(already parsed: no JSON, no offsets, no select-then-merge), the query next to a bare
indexed SELECT of 100 ids. SQLite always (a temporary file); PostgreSQL when a URL is
given (a schema of its own, dropped at the end). Targets (issue 5): p95 < 50 ms, rebuild
>= 20,000 events/s.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pycountry
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from newsline.operations import rebuild
from newsline.operations.parse_ahead import ParseAhead, RawRecord
from newsline.store import queries
from newsline.store.bulk import bulk_loading
from newsline.store.engine import make_engine
from newsline.store.fold import EventState, Extraction, article_row, parse_record, source_row
from newsline.store.models import TABLES
from newsline.store.schema import create_tables

COUNTRIES = sorted(c.alpha_3 for c in pycountry.countries)[:200]
KINDS = [
    ("meeting", "visit"), ("meeting", "talks"), ("meeting", "call"), ("meeting", "summit"),
    ("agreement", "signed"), ("agreement", "intent"), ("sanctions", "imposed"),
    ("sanctions", "condemned"), ("military", "cooperation"), ("military", "attack"),
]  # fmt: skip
TOPIC, EXTRACTIONS, PARTITIONS = "bench.events", "bench.extractions", 6
ROLES = {"visit": ("host", "guest"), "imposed": ("sender", "target")}


def messages(first: int, count: int) -> list[tuple[str, int, int, dict[str, Any]]]:
    """Records for events first..first+count-1 (deterministic: same ids, same rows)."""
    rng = random.Random(first)
    batch = []
    for number in range(first, first + count):
        kind, subtype = rng.choice(KINDS)
        countries = sorted(rng.sample(COUNTRIES, rng.choice((2, 2, 2, 3))))
        year, month, day = rng.randint(1990, 2025), rng.randint(1, 12), rng.randint(1, 28)
        roll = rng.random()
        when, precision = (
            (f"{year}-{month:02d}-{day:02d}", "day") if roll < 0.7
            else (f"{year}-{month:02d}", "month") if roll < 0.85
            else (str(year), "year") if roll < 0.9
            else (None, None)
        )  # fmt: skip
        roles = ROLES.get(subtype, ("party", "party"))
        base = {
            "schema_version": 1,
            "event_id": f"{number:024x}",
            "article_id": f"article-{number // 4}",
            "reported_at": f"{year}-{month:02d}-{day:02d}",
            "lang": "en",
            "source": "Synthetic Wire",
            "url": None,
            "title": None,
            "type": kind,
            "subtype": subtype,
            "countries": countries,
            "actors": [
                {"name": f"official of {c}", "code": c, "role": roles[min(i, 1)]}
                for i, c in enumerate(countries)
            ],
            "date": when,
            "date_precision": precision,
            "location": None,
            "evidence": {
                "text": f"Synthetic sentence about event {number}.",
                "start": 0,
                "end": 40,
            },
            "confidence": round(rng.uniform(0.5, 1.0), 2),
            "extractor": "bench-1",
            "trigger": "met",
            "rule": "en.bench",
            "extracted_at": _run_time(number // 4),
        }
        batch.append(base)
        if rng.random() < 0.1:  # corroborated by a second article
            twin = {"article_id": f"twin-{number}", "extracted_at": _run_time(number)}
            batch.append({**base, **twin, "confidence": 0.9})
    return [
        (TOPIC, number % PARTITIONS, first * 2 + offset, message)
        for offset, (number, message) in enumerate((int(m["event_id"], 16), m) for m in batch)
    ]


def _run_time(article: int) -> str:
    """When the (one) extraction run over synthetic article ``article`` happened."""
    return f"2025-08-20T{article % 24:02d}:00:00Z"


def extraction_records(
    batch: list[tuple[str, int, int, dict[str, Any]]], first: int
) -> list[tuple[str, int, int, dict[str, Any]]]:
    """The extraction record of each article of ``batch`` (its articles are not in any
    other batch), keyed by article id like the worker's: the events its run found."""
    found: dict[str, tuple[str, list[str]]] = {}
    for _, _, _, message in batch:
        run = found.setdefault(message["article_id"], (message["extracted_at"], []))
        run[1].append(message["event_id"])
    return [
        (EXTRACTIONS, zlib.crc32(article.encode()) % PARTITIONS, first + offset,
         {"schema_version": 1, "article_id": article, "extractor": "bench-1",
          "extracted_at": at, "event_ids": sorted(ids)})
        for offset, (article, (at, ids)) in enumerate(found.items())
    ]  # fmt: skip


def plain_rows(batch: list[tuple[str, int, int, dict[str, Any]]]) -> dict[str, list[dict]]:
    """The rows the projector would write for a fresh batch, for the INSERT baseline."""
    rows: dict[str, list[dict]] = {t.name: [] for t in TABLES if t.name != "projection_offsets"}
    events: dict[str, EventState] = {}
    articles: dict[str, dict] = {}
    for _, _, _, message in batch:
        mention = parse_record(message)
        if isinstance(mention, Extraction):
            rows["article_extractions"].append(mention.as_row())
            continue
        state = events.setdefault(mention.event_id, EventState.start(mention))
        state.absorb(mention, new_source=True)
        rows["sources"].append(source_row(mention))
        articles.setdefault(mention.article_id, article_row(mention))
        if state.source_count == 1:
            rows["event_countries"] += [
                {"event_id": mention.event_id, "country": c, "type": mention.type,
                 "subtype": mention.subtype, "date": mention.date,
                 "sort_date": state.sort_date, "undated": state.undated}
                for c in mention.countries
            ]  # fmt: skip
            rows["event_actors"] += [
                {"event_id": mention.event_id, "code": code, "role": role, "name": name,
                 "title": title}
                for code, role, name, title in mention.actors
            ]  # fmt: skip
    rows["events"] = [s.as_row() for s in events.values()]
    rows["articles"] = list(articles.values())
    return rows


def batches(total: int, size: int) -> Iterator[tuple[int, int]]:
    for first in range(0, total, size):
        yield first, min(size, total - first)


#: the log's (topic, partition)s in the order a rebuild's readers share them out
LOG_PARTITIONS = [(t, p) for t in (TOPIC, EXTRACTIONS) for p in range(PARTITIONS)]


class SyntheticLog:
    """The synthetic log as the rebuild's log readers yield it: batches of 5,000 JSON
    records, read from the files ``write_log`` wrote beforehand (so that making them
    costs nothing in the timed run). Like a consumer's polls, a batch mixes records of
    all the partitions read, mentions and extraction records alike. Share ``share`` of
    ``shares`` reads every ``shares``-th (topic, partition), as ``BoundedReader`` does;
    opened in a reader process (``ParseAhead``)."""

    def __init__(self, directory: Path, total: int, share: int, shares: int) -> None:
        mine = LOG_PARTITIONS[share::shares]
        self.files = [(t, p, (directory / f"{t}.{p}.jsonl").open("rb")) for t, p in mine]
        self.total = total * len(mine) // len(LOG_PARTITIONS)
        self.partitions = len(mine)

    def batches(self) -> Iterator[list[RawRecord]]:
        batch: list[RawRecord] = []
        open_files = list(self.files)
        while open_files:
            for entry in list(open_files):
                topic, partition, file = entry
                lines = list(itertools.islice(file, 1000))
                if len(lines) < 1000:
                    open_files.remove(entry)
                for line in lines:
                    offset, value = line.split(b" ", 1)
                    batch.append(RawRecord(topic, partition, int(offset), value))
                if len(batch) >= 5000:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def close(self) -> None:
        for *_, file in self.files:
            file.close()


def write_log(directory: Path, total: int, size: int) -> int:
    """The synthetic log as ``offset json`` lines, one file per (topic, partition);
    returns the number of records (mentions and extraction records)."""
    directory.mkdir()
    files = {(t, p): (directory / f"{t}.{p}.jsonl").open("wb") for t, p in LOG_PARTITIONS}
    written = 0
    try:
        for first, count in batches(total, size):
            mentions = messages(first, count)
            for topic, partition, offset, message in mentions + extraction_records(mentions, first):
                files[(topic, partition)].write(f"{offset} {json.dumps(message)}\n".encode())
                written += 1
    finally:
        for file in files.values():
            file.close()
    return written


def load_with_rebuild(engine: Engine, log: Path, records: int, events: int) -> float:
    """``newsline rebuild``'s load (reader processes preparing ahead, the projector
    writing) from the synthetic log; events/s from the first batch until the indexes
    are built again."""
    settle_disk()
    with ParseAhead(partial(SyntheticLog, log, records)) as replay:
        started = time.perf_counter()
        rebuild.load(engine, replay, partial(_progress, unit="records"))
        elapsed = time.perf_counter() - started
    return events / elapsed


def settle_disk() -> None:
    """Write back what earlier phases left dirty (the synthetic log, the other store)
    before a timed phase, so it does not pay for their writeback: a rebuild's Kafka
    segments were written long before it starts."""
    os.sync()


def load_plain(engine: Engine, total: int, size: int) -> float:
    settle_disk()
    create_tables(engine)
    tables = {t.name: t for t in TABLES}
    elapsed = 0.0
    for first, count in batches(total, size):
        mentions = messages(first, count)
        rows = plain_rows(mentions + extraction_records(mentions, first))
        started = time.perf_counter()
        with engine.begin() as connection:
            for name, table_rows in rows.items():
                connection.execute(tables[name].insert(), table_rows)
        elapsed += time.perf_counter() - started
        _progress(first + count, total, elapsed)
    return total / elapsed


def query_latencies(engine: Engine, runs: int) -> tuple[list[float], list[float], int]:
    """(timeline ms, bare-select ms, rows per timeline) over random countries."""
    rng = random.Random(7)
    timeline_ms, bare_ms, rows = [], [], []
    bare = text(
        "select event_id from event_countries where country = :c "
        "order by sort_date desc, event_id desc limit 100"
    )
    for _ in range(runs):
        country = rng.choice(COUNTRIES)
        started = time.perf_counter()
        result = queries.timeline(engine, country, limit=100)
        timeline_ms.append((time.perf_counter() - started) * 1000)
        rows.append(len(result.entries))
        started = time.perf_counter()
        with engine.connect() as connection:
            connection.execute(bare, {"c": country}).all()
        bare_ms.append((time.perf_counter() - started) * 1000)
    return timeline_ms, bare_ms, min(rows)


def _progress(done: int, total: int, elapsed: float, unit: str = "events") -> None:
    print(f"\r  {done:>9,}/{total:,} {unit}  {done / elapsed:>8,.0f}/s", end="", file=sys.stderr)
    if done == total:
        print(file=sys.stderr)


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def bench(
    label: str, projector_engine: Engine, plain_engine: Engine, log: Path, records: int, args
) -> None:
    print(f"== {label}: {args.events:,} events over {len(COUNTRIES)} countries", file=sys.stderr)
    print("  rebuild (reader process parsing ahead, projector folding):", file=sys.stderr)
    rebuilt = load_with_rebuild(projector_engine, log, records, args.events)
    print("  baseline (plain INSERT of the same rows):", file=sys.stderr)
    plain = load_plain(plain_engine, args.events, args.batch)
    with projector_engine.begin() as connection:
        connection.execute(text("analyze"))  # fresh statistics, as after any rebuild
    timeline_ms, bare_ms, rows = query_latencies(projector_engine, args.queries)
    print(f"{label}")
    print(
        f"  rebuild   {rebuilt:>10,.0f} events/s   baseline plain INSERT {plain:>10,.0f} events/s"
        f"   target >= 20,000 {'OK' if rebuilt >= 20_000 else 'MISSED'}"
    )
    print(
        f"  timeline  p50 {_pct(timeline_ms, 50):6.2f} ms  p95 {_pct(timeline_ms, 95):6.2f} ms"
        f"   baseline bare select p50 {_pct(bare_ms, 50):6.2f} ms  p95 {_pct(bare_ms, 95):6.2f} ms"
        f"   ({rows}+ rows, {args.queries} queries)"
        f"   target p95 < 50 ms {'OK' if _pct(timeline_ms, 95) < 50 else 'MISSED'}"
    )


def postgres_schema(url: str, schema: str) -> str:
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"create schema {schema}"))
    admin.dispose()
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


def drop_schema(url: str, schema: str) -> None:
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"drop schema if exists {schema} cascade"))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--batch", type=int, default=20_000, help="events per INSERT batch of the baseline"
    )
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres", metavar="URL", help="also bench this PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsline-bench-") as tmp:
        log = Path(tmp) / "log"
        print(f"writing the synthetic log ({args.events:,} events) ...", file=sys.stderr)
        records = write_log(log, args.events, args.batch)
        sqlite = (
            bulk_loading(make_engine(f"sqlite:///{Path(tmp) / n}.db")) for n in ("store", "plain")
        )
        bench("SQLite", next(sqlite), next(sqlite), log, records, args)
        if args.postgres:
            schemas = [f"bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
            try:
                engines = [
                    bulk_loading(make_engine(postgres_schema(args.postgres, s))) for s in schemas
                ]
                bench("PostgreSQL", *engines, log, records, args)
                for engine in engines:
                    engine.dispose()
            finally:
                for schema in schemas:
                    drop_schema(args.postgres, schema)


if __name__ == "__main__":
    main()
