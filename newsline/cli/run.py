"""``newsline run``: the main job, end to end on local files with the embedded defaults.

Broker (started if it is ours), topics, publish the articles, run the worker until
every stage has caught up, stop it, and print the per-country timeline from the
store. A file that cannot be read is reported and skipped; the rest goes through.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from newsline.broker import jars
from newsline.broker.admin import ensure_topics
from newsline.broker.connect import ensure_broker
from newsline.cli.context import say, settings
from newsline.cli.publish import publish_paths
from newsline.cli.timeline import print_table
from newsline.errors import NewslineError
from newsline.pipeline_progress import PipelineProgress, measure
from newsline.store import queries
from newsline.store.engine import make_engine
from newsline.store.projector import Projector
from newsline.topics import topic_specs


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Article files or folders (seed .txt, .json, .jsonl, RSS/Atom). Default: seeds/",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for the worker to process everything.")
    ] = 180.0,
) -> None:
    """Run the whole pipeline on local files and print the per-country timeline.

    With no arguments it reads seeds/. The local broker is started if needed (set
    KAFKA_BOOTSTRAP_SERVERS to use another cluster); the store is
    NEWSLINE_DATABASE_URL (an SQLite file under NEWSLINE_HOME by default).
    """
    config = settings()
    if config.uses_local_broker and not jars.is_fetched(config.kafka_cache):
        say(f"fetching Apache Kafka {jars.kafka_version()} from Maven Central (once) ...")
    bootstrap = ensure_broker(config)
    ensure_topics(bootstrap, topic_specs(config.topic_prefix), config.partitions)
    say(f"broker {bootstrap}; topics ready")
    publish_paths(paths or ["seeds"], validate=True)

    engine = make_engine(config.database_url)
    projector = Projector(engine)
    log = config.home / "worker.log"
    say(f"worker started (log: {log}); waiting for it to catch up ...")
    progress = _run_worker_until_caught_up(
        log, timeout, lambda: measure(config, bootstrap, projector)
    )
    say(f"done: {progress.summary()}")

    summaries = queries.countries(engine)
    if not summaries:
        typer.echo("no events found in the store")
    for summary in summaries:
        typer.echo("")
        print_table(queries.timeline(engine, summary.country))


def _run_worker_until_caught_up(log: Path, timeout: float, poll) -> PipelineProgress:
    """Start ``newsline worker``, wait until two polls in a row show nothing pending, stop it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as sink:
        worker = subprocess.Popen(
            [sys.executable, "-m", "newsline", "worker"],
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT, env=dict(os.environ),
        )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        previous: PipelineProgress | None = None
        last_said = time.monotonic()
        while True:
            if worker.poll() is not None:
                raise NewslineError(f"the worker exited with code {worker.returncode}; see {log}")
            progress = poll()
            if progress.caught_up and progress == previous:
                return progress
            if time.monotonic() > deadline:
                raise NewslineError(
                    f"the worker did not catch up within {timeout:.0f} s "
                    f"({progress.summary()}); see {log}"
                )
            if time.monotonic() - last_said > 5:
                say(f"... {progress.summary()}")
                last_said = time.monotonic()
            previous = progress
            time.sleep(1.0)
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
