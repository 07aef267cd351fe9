"""The pipeline under faults (issue 6, item 2): real broker, real database, real kills.

Each test disturbs a worker mid-stream, lets it recover by itself and ends with the
store equal to the one an undisturbed worker built from the same messages, and with
``newsline status`` reconciling every published article: processed (on
articles.valid) or dead-lettered, nothing pending. The undisturbed store is built
once per module (the ``stream`` fixture) on the session broker and SQLite; snapshots
leave out the times at which the store learnt things, so they compare across runs.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsline.config import Settings
from newsline.operations.worker_guard import active_members
from newsline.pipeline_progress import end_offsets, worker_group
from newsline.store.engine import make_engine
from newsline.store.projector import Projector
from newsline.topics import EVENT_TYPES, dead_letter_topic, event_topic

from .fault_support import (
    BAD_ARTICLES,
    PrivateBroker,
    PrivatePostgres,
    article_sources,
    assert_reconciled,
    fault_env,
    last_assignment,
    postgres_bin,
    write_articles,
)
from .pipeline_support import (
    Worker,
    consume_all,
    newsline,
    produce,
    progress,
    store_snapshot,
    wait_caught_up,
    wait_until,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not article_sources(), reason="../shared article files are not beside the repo"
    ),
]

ARTICLES = 600  # two halves of 300: each takes the worker several seconds
OUTAGE_S = 20.0


@dataclass(frozen=True)
class Stream:
    """The messages every fault test publishes, in two halves, and what they must give."""

    first: Path
    second: Path
    expected: dict

    @property
    def published(self) -> int:
        return ARTICLES + len(BAD_ARTICLES)


def canonical(snapshot: dict) -> dict:
    """Rows in one order whatever the database's collation (SQLite vs PostgreSQL)."""
    return {table: sorted(rows, key=repr) for table, rows in snapshot.items()}


def publish_half(env: dict[str, str], path: Path, with_bad: bool) -> None:
    published = newsline(env, "publish", str(path))
    assert published.returncode == 0, published.stderr
    if with_bad:
        produce(
            env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"] + "articles", BAD_ARTICLES
        )


def mid_stream(env: dict[str, str], worker: Worker, at_least: int) -> None:
    """Wait until the timeline holds ``at_least`` events' worth but the pipeline is
    not through: the fault then hits work in flight."""

    def partway() -> bool:
        now = progress(env)
        return now.stages[2].done >= at_least and not now.caught_up

    wait_until(partway, 120, f"the timeline to hold {at_least}+ events, mid-stream", worker)


@pytest.fixture(scope="module")
def stream(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Stream:
    """The articles, and the store an undisturbed worker builds from them (on SQLite)."""
    root = tmp_path_factory.mktemp("faults-reference")
    articles = (
        write_articles(root / "articles.jsonl", ARTICLES).read_text().splitlines(keepends=True)
    )
    first, second = root / "first.jsonl", root / "second.jsonl"
    first.write_text("".join(articles[: ARTICLES // 2]))
    second.write_text("".join(articles[ARTICLES // 2 :]))
    prefix = f"faults-ref-{uuid.uuid4().hex[:8]}."
    env = fault_env(kafka_bootstrap, prefix, f"sqlite:///{root / 'reference.db'}", root / "home")
    with Worker(env, root / "worker.log") as worker:
        publish_half(env, first, with_bad=True)
        publish_half(env, second, with_bad=False)
        wait_caught_up(env, worker)
    expected = canonical(store_snapshot(env["NEWSLINE_DATABASE_URL"]))
    assert len(expected["events"]) > 100 and len(expected["sources"]) > len(expected["events"])
    return Stream(first, second, expected)


def assert_same_store_and_reconciled(env: dict[str, str], stream: Stream) -> None:
    assert canonical(store_snapshot(env["NEWSLINE_DATABASE_URL"])) == stream.expected
    assert_reconciled(env, stream.published, dead_letters=len(BAD_ARTICLES))


# -- the dead-letter gap: a malformed event message must not stay pending -------------


def test_a_malformed_event_message_is_dead_lettered_and_its_position_moves_on(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    env = fault_env(kafka_bootstrap, topic_prefix, f"sqlite:///{tmp_path / 'store.db'}", tmp_path)
    topic = event_topic(topic_prefix, "sanctions")
    bad = [(b"not-json", b"{oops"), (b"not-an-event", json.dumps({"event_id": "x"}).encode())]

    with Worker(env, tmp_path / "worker.log") as worker:
        produce(kafka_bootstrap, topic, bad)
        wait_caught_up(env, worker, timeout=90)

    ends = {(t.topic, t.partition): n for t, n in end_offsets(kafka_bootstrap, [topic]).items()}
    assert sum(ends.values()) == len(bad)
    positions = Projector(make_engine(env["NEWSLINE_DATABASE_URL"])).positions()
    assert {tp: positions.get(tp, 0) for tp in ends} == ends  # every partition at its end
    letters = [
        json.loads(r.value) for r in consume_all(kafka_bootstrap, dead_letter_topic(topic_prefix))
    ]
    assert (
        sorted((x["agent"], x["reason_code"]) for x in letters)
        == [("timeline", "schema_violation")] * 2
    )
    assert store_snapshot(env["NEWSLINE_DATABASE_URL"])["events"] == []


# -- the four faults of the issue --------------------------------------------------------


@pytest.fixture
def private_broker(tmp_path: Path, free_port: int) -> Iterator[PrivateBroker]:
    broker = PrivateBroker(tmp_path / "broker-home", free_port).start()
    try:
        yield broker
    finally:
        broker.stop()


def test_the_broker_stopped_for_20_s_mid_stream(
    private_broker: PrivateBroker, stream: Stream, tmp_path: Path
) -> None:
    env = fault_env(
        private_broker.bootstrap, "faults.", f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "home"
    )
    with Worker(env, tmp_path / "worker.log") as worker:
        publish_half(env, stream.first, with_bad=True)
        mid_stream(env, worker, at_least=1)
        private_broker.stop()
        time.sleep(OUTAGE_S)
        assert worker.alive, worker.tail()
        private_broker.start()
        publish_half(env, stream.second, with_bad=False)
        wait_caught_up(env, worker, timeout=150)
        assert worker.alive, worker.tail()

    refused = worker.log.read_text(errors="replace").count("Unable connect to node")
    assert 0 < refused < 200, f"{refused} lines of refused connections in {OUTAGE_S:.0f} s"
    assert_same_store_and_reconciled(env, stream)


@pytest.fixture
def private_postgres(free_port: int) -> Iterator[PrivatePostgres]:
    bin_dir = postgres_bin()
    if bin_dir is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "CI=true and no PostgreSQL server binaries in /usr/lib/postgresql", pytrace=False
            )
        pytest.skip("PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin)")
    server = PrivatePostgres(bin_dir, free_port).init()
    try:
        server.start()
        yield server
    finally:
        server.remove()


def test_the_database_stopped_for_20_s_mid_stream(
    kafka_bootstrap: str,
    topic_prefix: str,
    private_postgres: PrivatePostgres,
    stream: Stream,
    tmp_path: Path,
) -> None:
    env = fault_env(kafka_bootstrap, topic_prefix, private_postgres.url, tmp_path / "home")
    group = worker_group(Settings.from_env(env))
    with Worker(env, tmp_path / "worker.log") as worker:
        publish_half(env, stream.first, with_bad=True)
        mid_stream(env, worker, at_least=1)
        private_postgres.stop()
        publish_half(env, stream.second, with_bad=False)  # arrives while the store is down
        time.sleep(OUTAGE_S)
        assert worker.alive, worker.tail()
        # The timeline waits by awaiting: heartbeats go on, the worker stays in its group.
        assert len(active_members(kafka_bootstrap, group)) == 1
        private_postgres.start()
        wait_caught_up(env, worker, timeout=150)
        assert worker.alive, worker.tail()

    log = worker.log.read_text(errors="replace")
    assert "timeline: batch of" in log and "not stored" in log, worker.tail()
    assert "Traceback" not in log, worker.tail()
    assert "rebalancing" not in log and "session expired" not in log, worker.tail()
    assert_same_store_and_reconciled(env, stream)


@pytest.fixture
def leftovers() -> Iterator[list[Worker]]:
    """Workers a test kills itself; any still alive when it fails early are killed."""
    workers: list[Worker] = []
    yield workers
    for worker in workers:
        if worker.alive:
            worker.kill()


def test_the_worker_killed_twice_mid_stream(
    kafka_bootstrap: str, topic_prefix: str, stream: Stream, tmp_path: Path, leftovers: list
) -> None:
    env = fault_env(
        kafka_bootstrap, topic_prefix, f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "home"
    )
    first = Worker(env, tmp_path / "first.log").start()
    leftovers.append(first)
    publish_half(env, stream.first, with_bad=True)
    mid_stream(env, first, at_least=1)
    first.kill()

    second = Worker(env, tmp_path / "second.log").start()
    leftovers.append(second)
    publish_half(env, stream.second, with_bad=False)
    done_before = progress(env).stages[2].done
    mid_stream(env, second, at_least=done_before + 1)
    second.kill()

    with Worker(env, tmp_path / "third.log") as third:
        wait_caught_up(env, third, timeout=150)

    assert_same_store_and_reconciled(env, stream)


def test_two_workers_in_one_group_one_killed(
    kafka_bootstrap: str, topic_prefix: str, stream: Stream, tmp_path: Path
) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    envs = [fault_env(kafka_bootstrap, topic_prefix, store, tmp_path / name) for name in ("a", "b")]
    group = worker_group(Settings.from_env(envs[0]))
    articles = topic_prefix + "articles"

    def members() -> int:
        return len(active_members(kafka_bootstrap, group))

    def doomed_share() -> bool:  # its first assignment, which Faust logs at info
        return last_assignment(doomed.log, articles) not in (None, "{}", "{0-2}")

    doomed = Worker(envs[0], tmp_path / "a.log", "--loglevel", "info")
    with Worker(envs[1], tmp_path / "b.log", "--loglevel", "info") as survivor:
        wait_until(lambda: members() == 1, 90, "the first worker in the group", survivor)
        try:
            doomed.start()
            wait_until(doomed_share, 90, "the second worker's share of the partitions", doomed)
            assert members() == 2
            publish_half(envs[0], stream.first, with_bad=True)
            mid_stream(envs[0], survivor, at_least=1)
            doomed.kill()
        finally:
            if doomed.alive:  # the test failed before the kill: leave no worker behind
                doomed.kill()
        # Published after the kill: the dead worker's partitions get new messages that
        # only the survivor can take, once the group has noticed (session timeout 15 s).
        publish_half(envs[0], stream.second, with_bad=False)
        wait_caught_up(envs[0], survivor, timeout=150)
        assert members() == 1

    assert_same_store_and_reconciled(envs[0], stream)


def test_the_reference_covers_every_event_type(stream: Stream) -> None:
    """Guards the fixture: a stream without some event type would test less than it says."""
    assert {row[1] for row in stream.expected["events"]} == set(EVENT_TYPES)
