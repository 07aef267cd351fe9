"""Running the real worker and reading what it did, for the pipeline's integration tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kafka import KafkaProducer
from sqlalchemy import text

from newsline.config import Settings
from newsline.errors import MissingTopics
from newsline.operations.log_reader import BoundedReader
from newsline.pipeline_progress import PipelineProgress, measure
from newsline.store.engine import make_engine
from newsline.store.projector import Projector

REPO = Path(__file__).resolve().parents[2]


def pipeline_env(bootstrap: str, prefix: str, database_url: str, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "NEWSLINE_TOPIC_PREFIX": prefix,
        "NEWSLINE_DATABASE_URL": database_url,
        "NEWSLINE_HOME": str(home),
        "NEWSLINE_PARTITIONS": "3",
    }


def newsline(env: dict[str, str], *args: str, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "newsline", *args],
        env=env, cwd=REPO, input=stdin, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


class Worker:
    """``newsline worker`` in a subprocess, its output in a log file for diagnosis."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.env = env
        self.log = log
        self.args = args  # extra ``newsline worker`` options, e.g. ("--loglevel", "info")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "newsline", "worker", *self.args],
                env=self.env, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as an operator's Ctrl-C or a supervisor would; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def __enter__(self) -> Worker:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def progress(env: dict[str, str]) -> PipelineProgress:
    settings = Settings.from_env(env)
    return measure(
        settings, settings.bootstrap_servers, Projector(make_engine(settings.database_url))
    )


def wait_until(
    condition: Callable[[], Any], timeout: float, what: str, worker: Worker | None = None
) -> Any:
    """Poll ``condition`` until it returns something truthy, or fail saying what we waited for."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        if worker is not None and not worker.alive:
            raise AssertionError(f"worker died while waiting for {what}:\n{worker.tail()}")
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def wait_caught_up(env: dict[str, str], worker: Worker, timeout: float = 120) -> PipelineProgress:
    """Until every stage is done and stays so across two polls."""
    seen: list[PipelineProgress] = []

    def settled() -> PipelineProgress | None:
        now = progress(env)
        settled_now = now.caught_up and seen and seen[-1] == now
        seen.append(now)
        return now if settled_now else None

    return wait_until(settled, timeout, "the pipeline to catch up", worker)


def produce(bootstrap: str, topic: str, messages: Iterable[tuple[bytes | None, bytes]]) -> int:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    try:
        futures = [producer.send(topic, key=key, value=value) for key, value in messages]
        producer.flush()
        for future in futures:
            future.get(timeout=30)
    finally:
        producer.close()
    return len(futures)


def consume_all(bootstrap: str, topic: str) -> list[Any]:
    """Every record on ``topic`` up to its end when called (none if it does not exist).

    Reads to the end offsets instead of waiting for the topic to go quiet: a test calls
    this once what it checks has been written, and an idle timeout cost seconds a call.
    """
    try:
        with BoundedReader(bootstrap, [topic], client_id="newsline-tests") as reader:
            return [record for batch in reader.batches() for record in batch]
    except MissingTopics:
        return []


def store_snapshot(database_url: str) -> dict[str, Any]:
    """What the timeline holds, without the times at which it learnt it."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            events = connection.execute(
                text(
                    "select event_id, type, subtype, date, date_precision, source_count, "
                    "confidence from events order by event_id"
                )
            ).all()
            sources = connection.execute(
                text("select event_id, article_id, evidence from sources order by 1, 2")
            ).all()
            countries = connection.execute(
                text("select event_id, country from event_countries order by 1, 2")
            ).all()
    finally:
        engine.dispose()
    return {
        "events": [tuple(row) for row in events],
        "sources": [tuple(row) for row in sources],
        "countries": [tuple(row) for row in countries],
    }


def article_line(article_id: str, text_: str, published: str = "2025-08-20", **extra: str) -> str:
    return json.dumps({"id": article_id, "text": text_, "published": published, **extra})
