"""newsline end to end on the real broker, next to the plumbing's and the engine's limits.

    python bench/pipeline.py                                   # the full run (20,000 articles)
    python bench/pipeline.py --articles 2000 --latency-seconds 20   # quick, for development
    python bench/pipeline.py --database-url postgresql+psycopg://postgres@127.0.0.1:55440/postgres

Publishes N articles (the corpus in ../shared/eval-data/corpus/ repeated under unique
ids) and measures, in the same run and on the same broker:

  engine      the extractor alone over the same articles, in this process: the
              engine's limit (ingest's parsing and the event messages' encoding are
              timed beside it, to show what else the worker pays per article);
  end to end  the real worker (``python -m newsline worker``) with N articles
              published as fast as possible: from the first publish until the
              store's projection holds every event (articles with no events end at
              the extract stage);
  plumbing    a plain kafka-python consume-and-produce pass-through of the same
              messages, no processing: the plumbing's limit;
  latency     articles published at a fixed rate (50/s) for S seconds, each timed
              from publish until it is queryable (its ``articles`` row, written in
              the same transaction as its events, is visible in the store);
              articles whose copy yields no events are not counted.

Worker memory (VmRSS) and CPU are sampled every second over the whole run. Targets
(issue 6): end to end >= 70% of the smaller limit; latency p99 < 1 s at 50
articles/s; worker RSS within 10% of its post-warm-up value throughout.

The broker: KAFKA_BOOTSTRAP_SERVERS (or --bootstrap) if set, else a local broker of
its own on free ports in a temporary NEWSLINE_HOME, stopped at the end. Every run
uses its own topic prefix and its own store (an SQLite file in the temporary home,
or a fresh schema of --database-url's PostgreSQL, dropped at the end).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

from corpus import DEFAULT_CORPUS, load_corpus
from phases import (
    EngineResult,
    end_to_end,
    engine_limit,
    events_by_article,
    latency_at_rate,
    plumbing_limit,
)
from report import Report
from sqlalchemy import text
from sqlalchemy.engine import make_url
from watched_worker import WatchedWorker, WorkerGroup

from newsline.broker.admin import ensure_topics, probe
from newsline.broker.local import LocalBroker
from newsline.config import Settings
from newsline.errors import NewslineError
from newsline.store.engine import make_engine
from newsline.store.projector import Projector
from newsline.topics import TopicSpec, articles_topic, topic_specs


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add(
        "--articles",
        type=int,
        default=20_000,
        metavar="N",
        help="articles for the throughput phases (default 20,000)",
    )
    add("--rate", type=float, default=50.0, help="articles/s in the latency phase (default 50)")
    add(
        "--latency-seconds",
        type=float,
        default=60.0,
        metavar="S",
        help="how long the latency phase publishes (default 60)",
    )
    add(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="the corpus folder or its articles.jsonl (default ../shared/eval-data/corpus)",
    )
    add(
        "--keep-undated",
        action="store_true",
        help="publish undated corpus articles undated (ingest dead-letters them)",
    )
    add(
        "--database-url",
        metavar="URL",
        help="PostgreSQL to hold the store (a fresh schema, dropped at the end); "
        "default: an SQLite file in the temporary home",
    )
    add(
        "--bootstrap",
        metavar="HOST:PORT",
        help="an existing Kafka cluster (default: KAFKA_BOOTSTRAP_SERVERS, else a local "
        "broker of the benchmark's own)",
    )
    add("--partitions", type=int, default=6, help="partitions per topic (default 6, as deployed)")
    add(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="give up on the end-to-end phase after S seconds (default: N/20 + 300)",
    )
    add("--skip-engine", action="store_true", help="skip the engine's limit")
    add("--skip-plumbing", action="store_true", help="skip the plumbing's limit")
    add("--skip-end-to-end", action="store_true", help="skip the end-to-end throughput")
    add("--skip-latency", action="store_true", help="skip the latency phase")
    add(
        "--workers",
        type=int,
        default=1,
        help="worker processes in the consumer group (default 1; Kafka spreads the partitions)",
    )
    add(
        "--profile-worker",
        type=Path,
        metavar="FILE",
        help="run the worker under cProfile; its stats go to FILE (read them with pstats)",
    )
    add(
        "--keep",
        action="store_true",
        help="keep the temporary home (worker log, store, broker data) and print where",
    )
    args = parser.parse_args(argv)
    if min(args.articles, args.workers) < 1 or args.rate <= 0 or args.latency_seconds <= 0:
        parser.error("--articles, --workers, --rate and --latency-seconds must be positive")
    return args


def say(message: str) -> None:
    """Progress on stderr, so stdout holds only the figures."""
    print(message, file=sys.stderr, flush=True)


def free_port_pair() -> int:
    """A port p with p and p+1 free on 127.0.0.1 (client and controller ports)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        with socket.socket() as other:
            try:
                other.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise NewslineError("no two consecutive free ports on 127.0.0.1")


def start_broker(args: argparse.Namespace, home: Path) -> tuple[str, LocalBroker | None]:
    """The bootstrap address, and the local broker to stop at the end if we started it."""
    external = args.bootstrap or os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if external:
        if probe(external, timeout_s=10) is None:
            raise NewslineError(f"no Kafka broker answers at {external}")
        say(f"broker    {external} (existing)")
        return external, None
    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
    settings = replace(Settings.from_env(env), home=home, broker_port=free_port_pair(),
                       partitions=args.partitions)  # fmt: skip
    broker = LocalBroker(settings)
    say("broker    starting a local Kafka broker of the benchmark's own ...")
    state = broker.start().state
    say(f"broker    {state.bootstrap} (started in {state.start_seconds:.1f} s, pid {state.pid})")
    return state.bootstrap, broker


def store_url(args: argparse.Namespace, home: Path, schema: str) -> str:
    if not args.database_url:
        return f"sqlite:///{home / 'newsline.db'}"
    admin = make_engine(args.database_url)
    with admin.begin() as connection:
        connection.execute(text(f"create schema {schema}"))
    admin.dispose()
    url = make_url(args.database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def drop_schema(args: argparse.Namespace, schema: str) -> None:
    admin = make_engine(args.database_url)
    with admin.begin() as connection:
        connection.execute(text(f"drop schema if exists {schema} cascade"))
    admin.dispose()


def run(args: argparse.Namespace, home: Path, report: Report) -> None:
    corpus = load_corpus(args.corpus, keep_undated=args.keep_undated)
    report.corpus(corpus)
    engine: EngineResult | None = None
    if not args.skip_engine:
        say(f"engine    the extractor over {args.articles:,} articles in this process ...")
        engine = engine_limit(corpus, args.articles, say)
        report.engine(engine)
    if args.skip_end_to_end and args.skip_plumbing and args.skip_latency:
        report.ratios()
        return
    bootstrap, broker = start_broker(args, home)
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    schema = f"bench_{prefix[6:14]}"
    workers: WorkerGroup | None = None
    try:
        database_url = store_url(args, home, schema)
        passthrough = TopicSpec(f"{prefix}bench.passthrough", "article id", "plumbing baseline")
        ensure_topics(bootstrap, [*topic_specs(prefix), passthrough], args.partitions)
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "NEWSLINE_TOPIC_PREFIX": prefix,
            "NEWSLINE_DATABASE_URL": database_url,
            "NEWSLINE_HOME": str(home),
            "NEWSLINE_PARTITIONS": str(args.partitions),
        }
        settings = Settings.from_env(env)
        projector = Projector(make_engine(database_url))
        report.setup(bootstrap, prefix, database_url, args.partitions, args.workers)
        workers = WorkerGroup(
            [
                WatchedWorker(env, home / f"worker-{n}.log", profile=args.profile_worker)
                if n == 0
                else WatchedWorker(env, home / f"worker-{n}.log")
                for n in range(args.workers)
            ]
        ).start()
        for w in workers.workers:
            say(f"worker    pid {w.pid}, log {w.log}")
        say("warm-up   the corpus once through the pipeline ...")
        warm = end_to_end(
            settings, bootstrap, projector, workers, corpus.messages(len(corpus.articles), "w"),
            timeout=300, say=say, label="warm-up",
        )  # fmt: skip
        report.warm_up(warm)
        if not args.skip_end_to_end:
            workers.set_phase("end-to-end")
            e2e = end_to_end(
                settings, bootstrap, projector, workers, corpus.messages(args.articles, "e"),
                timeout=args.timeout or args.articles / 20 + 300, say=say,
            )  # fmt: skip
            report.end_to_end(e2e)
        if not args.skip_plumbing:
            workers.set_phase("plumbing")
            say("plumbing  kafka-python pass-through of the articles topic ...")
            report.plumbing(
                plumbing_limit(bootstrap, articles_topic(prefix), passthrough.name, prefix, say)
            )
        if not args.skip_latency:
            workers.set_phase("latency")
            yields = engine.yields_events if engine else events_by_article(corpus)
            report.latency(
                latency_at_rate(
                    bootstrap, articles_topic(prefix), projector.engine, corpus, yields,
                    args.rate, args.latency_seconds, say,
                )
            )  # fmt: skip
        workers.set_phase("idle")
        workers.totals()
        report.memory(workers)
        report.ratios()
    finally:
        if workers is not None:
            codes = workers.stop()
            if any(code not in (0, None, -15) for code in codes):
                say(f"worker exit codes {codes}; end of their logs:\n{workers.tail()}")
        if broker is not None:
            broker.stop()
        if args.database_url and not args.keep:
            drop_schema(args, schema)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="newsline-bench-"))
    report = Report(args)
    started = time.monotonic()
    try:
        run(args, home, report)
    except NewslineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if args.keep:
            say(f"kept      {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    say(f"done      in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
