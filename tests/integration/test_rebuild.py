"""`newsline rebuild`: the store folded again from the event topics answers every query
exactly as the worker-built store did, on SQLite and PostgreSQL, and the swap leaves
nothing half-built behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from newsline.store.engine import make_engine

from .operations_support import answers, create_topics, publish_events
from .pipeline_support import (
    Worker,
    newsline,
    pipeline_env,
    produce,
    wait_caught_up,
)
from .store_support import english_messages, seed_messages

pytestmark = pytest.mark.integration


@pytest.fixture
def env(kafka_bootstrap: str, topic_prefix: str, store_url: str, tmp_path: Path) -> dict:
    create_topics(kafka_bootstrap, topic_prefix)
    return pipeline_env(kafka_bootstrap, topic_prefix, store_url, tmp_path / "home")


def _leftovers(url: str) -> list[str]:
    """Staging files or schemas a rebuild might have left beside the store."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        store = Path(parsed.database)
        return sorted(p.name for p in store.parent.iterdir() if ".rebuild-" in p.name)
    engine = make_engine(url)
    with engine.connect() as connection:
        schema = connection.execute(text("select current_schema()")).scalar()
        found = connection.execute(
            text("select nspname from pg_namespace where nspname like :p"), {"p": f"{schema}_%"}
        ).all()
    engine.dispose()
    return [name for (name,) in found]


def test_rebuild_answers_every_query_as_the_worker_built_store(env: dict, tmp_path: Path) -> None:
    url = env["NEWSLINE_DATABASE_URL"]
    with Worker(env, tmp_path / "worker.log") as worker:
        assert newsline(env, "publish", "seeds/").returncode == 0
        publish_events(env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"],
                       english_messages())  # fmt: skip
        wait_caught_up(env, worker)
        refused = newsline(env, "rebuild")
        assert refused.returncode == 1
        assert refused.stderr.startswith("error [NL340]: the worker is running (")
        assert refused.stderr.count("\n") == 1
    before = answers(url)
    assert len(before["events"]) == 13  # the seed's 10 and the English report's 3
    assert sum(len(d.sources) for d in before["events"].values()) == 13

    rebuilt = newsline(env, "rebuild")

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout == ""
    lines = rebuilt.stderr.splitlines()
    keys = " and the foreign keys" if url.startswith("postgresql") else ""
    assert lines[-5].startswith("rebuild: 14/14 messages read, ")  # the count, finished
    assert lines[-4:-1] == [  # then the steps after the log, which move no count
        "rebuild: deciding which mentions later extractions superseded ...",
        f"rebuild: building the timeline index{keys} ...",
        "rebuild: swapping the rebuilt store in ...",
    ]
    last = lines[-1]
    assert "14 messages read from 15 partitions, 13 events in the store" in last
    assert last.endswith(" messages/s")
    assert answers(url) == before
    assert _leftovers(url) == []
    again = newsline(env, "timeline", "Belarus")
    assert again.returncode == 0 and again.stdout.startswith("BLR (Belarus): 10 events")


def test_the_worker_resumes_on_the_rebuilt_store_without_double_counting(
    env: dict, tmp_path: Path
) -> None:
    bootstrap, prefix = env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"]
    publish_events(bootstrap, prefix, seed_messages())
    assert newsline(env, "rebuild").returncode == 0
    before = answers(env["NEWSLINE_DATABASE_URL"])

    with Worker(env, tmp_path / "worker.log") as worker:  # reads the same topics from 0
        publish_events(bootstrap, prefix, english_messages())
        wait_caught_up(env, worker)

    after = answers(env["NEWSLINE_DATABASE_URL"])
    counts = {i: d.entry.source_count for i, d in after["events"].items()}
    english = {m["event_id"] for m in english_messages()}
    assert counts == {i: 2 if i in english else 1 for i in before["events"]}


def test_malformed_messages_are_skipped_and_counted(env: dict) -> None:
    bootstrap, prefix = env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"]
    publish_events(bootstrap, prefix, seed_messages())
    lacking = {k: v for k, v in seed_messages()[0].items() if k != "evidence"}
    produce(bootstrap, f"{prefix}events.meeting",
            [(b"x", b"not json"), (b"y", json.dumps(lacking).encode())])  # fmt: skip

    result = newsline(env, "rebuild")

    assert result.returncode == 0, result.stderr
    assert "12 messages read from 15 partitions, 2 malformed skipped, 10 events in the store" in (
        result.stderr
    )


def test_rebuild_into_another_database(env: dict, tmp_path: Path) -> None:
    bootstrap, prefix = env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"]
    publish_events(bootstrap, prefix, seed_messages() + english_messages())
    assert newsline(env, "rebuild").returncode == 0
    other = f"sqlite:///{tmp_path / 'copy' / 'other.db'}"

    result = newsline(env, "rebuild", "--into", other)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"rebuilt {other}: 13 messages read")
    assert answers(other) == answers(env["NEWSLINE_DATABASE_URL"])


def test_postgres_schema_shared_with_other_tables_keeps_them(env: dict) -> None:
    url = env["NEWSLINE_DATABASE_URL"]
    if not url.startswith("postgresql"):
        pytest.skip("schemas are PostgreSQL's")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("create table not_newsline (note text)"))
        connection.execute(text("insert into not_newsline values ('keep me')"))
    publish_events(env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"], seed_messages())

    for _ in range(2):  # into an empty schema, then over the tables of the first
        result = newsline(env, "rebuild")
        assert result.returncode == 0, result.stderr

    with engine.connect() as connection:
        assert connection.execute(text("select note from not_newsline")).scalar() == "keep me"
        assert connection.execute(text("select count(*) from events")).scalar() == 10
    engine.dispose()
    assert _leftovers(url) == []


def test_unreachable_broker_is_one_line_and_leaves_the_store(env: dict) -> None:
    publish_events(env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"], seed_messages())
    assert newsline(env, "rebuild").returncode == 0
    before = answers(env["NEWSLINE_DATABASE_URL"])

    result = newsline({**env, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}, "rebuild")

    assert result.returncode == 1
    assert result.stderr.startswith("error [NL201]: no Kafka broker answers at")
    assert result.stderr.count("\n") == 1
    assert answers(env["NEWSLINE_DATABASE_URL"]) == before


def test_missing_topics_are_one_line(kafka_bootstrap: str, store_url: str, tmp_path: Path) -> None:
    env = pipeline_env(kafka_bootstrap, "never-created.", store_url, tmp_path)

    result = newsline(env, "rebuild")

    assert result.returncode == 1
    assert result.stderr.startswith("error [NL200]: topic(s) never-created.events.meeting")
    assert result.stderr.count("\n") == 1
