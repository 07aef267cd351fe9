"""`newsline dlq`, `subscribe` and `status` against the real broker, worker and store.

The seed is the only extraction output relied on (its two sanctions events, BLR+IRN,
subtypes condemned and evasion); everything else is dead letters made on purpose.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition

from newsline.dead_letters import Origin, dead_letter
from newsline.topics import EVENT_TYPES, articles_topic, event_topic, valid_articles_topic

from .pipeline_support import (
    REPO,
    Worker,
    consume_all,
    newsline,
    pipeline_env,
    produce,
    store_snapshot,
    wait_caught_up,
)

pytestmark = pytest.mark.integration

SEED_ID = "000_98cf7ec9cc4599a5"
UNDECODABLE = (b"bad-1", b"\xff\xfe\x1b[31mbad")  # not UTF-8, with a terminal escape
NO_DATE = (b"nodate-1", b'{"id": "nodate-1", "text": "Le Quai d\'Orsay."}')
BROKEN = (b"broken-1", b'{"id": "broken-1", "text": ')  # straight onto articles.valid


@pytest.fixture
def env(kafka_bootstrap: str, topic_prefix: str, store_url: str, tmp_path: Path) -> dict:
    return pipeline_env(kafka_bootstrap, topic_prefix, store_url, tmp_path)


def sqlite_only(database_url: str) -> None:
    if database_url.startswith("postgresql"):
        pytest.skip("Kafka-side only (the worker's store is incidental); SQLite suffices")


def ends(env: dict, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"])
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum(consumer.end_offsets(parts).values())
    finally:
        consumer.close()


def dlq_records(env: dict) -> list[dict]:
    listed = newsline(env, "dlq", "list", "--format", "jsonl")
    assert listed.returncode == 0, listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines()]


def test_dead_letters_listed_shown_and_replayed_once_fixed(env: dict, tmp_path: Path) -> None:
    """The seed is dead-lettered as oversized under a 1,000-byte limit; lifting the limit
    (the fix) and replaying it brings its events into the timeline exactly once."""
    bootstrap, prefix = env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"]
    strict = {**env, "NEWSLINE_MAX_ARTICLE_BYTES": "1000"}
    with Worker(strict, tmp_path / "strict.log") as worker:
        assert newsline(env, "publish", "seeds/").returncode == 0
        produce(bootstrap, articles_topic(prefix), [UNDECODABLE, NO_DATE])
        wait_caught_up(env, worker)

    letters = dlq_records(env)  # newest last; the worker's partitions interleave freely
    found = sorted(
        (d["reason_code"], d["article_id"] or "-", d["key"], d["agent"]) for d in letters
    )
    assert found == [  # oversized and undecodable are rejected before the id is read
        ("no_publication_date", "nodate-1", "nodate-1", "ingest"),
        ("oversized", "-", SEED_ID, "ingest"),
        ("undecodable", "-", "bad-1", "ingest"),
    ]
    by_code = {d["reason_code"]: d for d in letters}
    table = newsline(env, "dlq", "list")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split() == [
        "where", "failed_at", "agent", "reason_code", "article", "reason",
    ]  # fmt: skip
    assert len(table.stdout.splitlines()) == 4 and "no_publication_date" in table.stdout
    filtered = newsline(env, "dlq", "list", "--reason", "undecodable", "--format", "jsonl")
    assert [json.loads(x)["reason_code"] for x in filtered.stdout.splitlines()] == ["undecodable"]
    newest = newsline(env, "dlq", "list", "--limit", "2", "--format", "jsonl")
    assert [json.loads(x) for x in newest.stdout.splitlines()] == letters[-2:]
    assert "showing the 2 newest of 3" in newest.stderr

    bad = by_code["undecodable"]
    shown = newsline(env, "dlq", "show", f"{bad['partition']}:{bad['offset']}")
    assert shown.returncode == 0, shown.stderr
    assert "undecodable: not UTF-8" in shown.stdout
    assert "ff fe 1b 5b 33 31 6d 62 61 64" in shown.stdout
    assert base64.b64encode(UNDECODABLE[1]).decode() in shown.stdout
    assert "\x1b" not in shown.stdout  # the escape never reaches the terminal raw
    seed = by_code["oversized"]
    seed_letter = newsline(env, "dlq", "show", f"{seed['partition']}:{seed['offset']}")
    assert "oversized" in seed_letter.stdout and "Biélorussie" in seed_letter.stdout
    missing = newsline(env, "dlq", "show", "0:999")
    assert missing.returncode == 1 and missing.stderr.startswith("error [NL601]: no dead letter")

    refused = newsline(env, "dlq", "replay")
    assert refused.returncode == 1
    assert refused.stderr.startswith("error [NL602]: say which dead letters to replay")
    assert refused.stderr.count("\n") == 1

    articles_before = ends(env, articles_topic(prefix))
    dry = newsline(env, "dlq", "replay", "--reason", "oversized", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would re-send 1 of 3" in dry.stderr
    assert ends(env, articles_topic(prefix)) == articles_before

    with Worker(env, tmp_path / "fixed.log") as worker:  # the fix: the default size limit
        replayed = newsline(env, "dlq", "replay", "--reason", "oversized")
        assert replayed.returncode == 0, replayed.stderr
        assert f"re-sent 1 of 3 dead letters (1 to {articles_topic(prefix)})" in replayed.stderr
        wait_caught_up(env, worker)
        once = store_snapshot(env["NEWSLINE_DATABASE_URL"])
        again = newsline(env, "dlq", "replay", "--article", SEED_ID)
        assert again.returncode == 0 and "re-sent 1 of 3" in again.stderr
        wait_caught_up(env, worker)
        status = newsline(env, "status", "--format", "json")
        table_status = newsline(env, "status")

    records = consume_all(bootstrap, articles_topic(prefix))
    assert len(records) == articles_before + 2
    original = base64.b64decode(  # what the dead letter kept, and what publish first sent
        json.loads(newsline(env, "dlq", "show", "--format", "json",
                            f"{seed['partition']}:{seed['offset']}").stdout)
        ["value_base64"]
    )  # fmt: skip
    seed_messages = [r for r in records if r.key == SEED_ID.encode()]
    assert len(seed_messages) == 3 and {r.value for r in seed_messages} == {original}
    assert store_snapshot(env["NEWSLINE_DATABASE_URL"]) == once
    sanctions = {(e[1], e[2]) for e in once["events"] if e[1] == "sanctions"}
    assert sanctions == {("sanctions", "condemned"), ("sanctions", "evasion")}
    assert {a for _, a, _ in once["sources"]} == {SEED_ID}
    assert len(dlq_records(env)) == 3  # the replayed seed passed; nothing failed again

    # published 5 = valid 1 + dead-lettered 3 + duplicates skipped 1 (the second replay)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["healthy"] is True and report["problems"] == []
    recon = report["reconciliation"]
    assert (recon["published"], recon["valid"], recon["dead_letters"], recon["duplicates"],
            recon["pending"]) == (5, 1, 3, 1, 0)  # fmt: skip
    assert (recon["extract_input"], recon["extracted"], recon["extract_pending"]) == (1, 1, 0)
    events_on_topics = sum(ends(env, event_topic(prefix, kind)) for kind in EVENT_TYPES)
    assert recon["events_published"] == events_on_topics and recon["events_pending"] == 0
    assert recon["settled"] is True
    assert report["dead_letters"] == {"total": 3, "by_agent": {"ingest": 3}}
    assert report["store"]["counts"] == {
        "events": len(once["events"]),
        "sources": len(once["sources"]),
        "articles": 1,
        "countries": len({code for _, code in once["countries"]}),
    }
    assert report["broker"]["reachable"] is True and report["broker"]["worker_members"]
    lags = report["lag"]
    assert {lag["agent"] for lag in lags} == {"ingest", "extract", "timeline"}
    assert all(lag["lag"] == 0 for lag in lags)
    assert len([lag for lag in lags if lag["agent"] == "ingest"]) == 3  # one per partition

    assert table_status.returncode == 0, table_status.stderr
    assert table_status.stdout.startswith("newsline status: healthy\n")
    assert (
        "  articles  published 5 = valid 1 + dead-lettered 3 + duplicates skipped 1 + pending 0"
        in table_status.stdout.splitlines()
    )
    assert "dead letters  3 (ingest 3)" in table_status.stdout


def test_extract_dead_letters_replay_to_articles_valid(
    env: dict, tmp_path: Path, database_url: str
) -> None:
    """Ingest already passed (and remembered) such an article: via `articles` it would be
    dropped as a duplicate, so its original bytes go back to articles.valid."""
    sqlite_only(database_url)
    bootstrap, prefix = env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"]
    with Worker(env, tmp_path / "worker.log") as worker:
        assert newsline(env, "publish", "seeds/").returncode == 0
        produce(bootstrap, valid_articles_topic(prefix), [BROKEN])
        wait_caught_up(env, worker)
        assert [d["reason_code"] for d in dlq_records(env)] == ["extraction_failed"]
        before = (ends(env, articles_topic(prefix)), ends(env, valid_articles_topic(prefix)))
        dry = newsline(env, "dlq", "replay", "--reason", "extraction_failed", "--dry-run")
        assert f"-> {valid_articles_topic(prefix)}" in dry.stderr
        replayed = newsline(env, "dlq", "replay", "--reason", "extraction_failed")
        assert replayed.returncode == 0, replayed.stderr
        assert f"(1 to {valid_articles_topic(prefix)})" in replayed.stderr
        wait_caught_up(env, worker)

    assert ends(env, articles_topic(prefix)) == before[0]
    valid = consume_all(bootstrap, valid_articles_topic(prefix))
    assert len(valid) == before[1] + 1
    assert [r.value for r in valid if r.key == BROKEN[0]] == [BROKEN[1], BROKEN[1]]
    assert len(dlq_records(env)) == 2  # the unfixed message failed again, nothing else


def subscribe(env: dict, *args: str) -> subprocess.CompletedProcess[str]:
    return newsline(env, "subscribe", *args)


def test_subscribe_prints_event_messages_as_on_the_topic(
    env: dict, tmp_path: Path, database_url: str
) -> None:
    sqlite_only(database_url)
    bootstrap, prefix = env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"]
    with Worker(env, tmp_path / "worker.log") as worker:
        assert newsline(env, "publish", "seeds/").returncode == 0
        wait_caught_up(env, worker)
    on_topics = {
        kind: [r.value.decode() for r in consume_all(bootstrap, event_topic(prefix, kind))]
        for kind in EVENT_TYPES
    }

    sanctions = subscribe(env, "--type", "sanctions", "--from-beginning", "--max", "2",
                          "--timeout", "60")  # fmt: skip
    assert sanctions.returncode == 0, sanctions.stderr
    lines = sanctions.stdout.splitlines()
    assert sorted(lines) == sorted(on_topics["sanctions"])
    messages = [json.loads(line) for line in lines]
    assert {m["subtype"] for m in messages} == {"condemned", "evasion"}
    assert all(m["countries"] == ["BLR", "IRN"] for m in messages)

    iran = subscribe(env, "--country", "Iran", "--from-beginning", "--timeout", "8")
    assert iran.returncode == 0, iran.stderr
    everything = [json.loads(v) for values in on_topics.values() for v in values]
    expected = sorted(json.dumps(m) for m in everything if "IRN" in m["countries"])
    assert len(expected) < len(everything)  # the filter has something to leave out
    assert sorted(json.dumps(json.loads(x)) for x in iran.stdout.splitlines()) == expected

    # Without --from-beginning only events published after the start are shown.
    probe = dict(messages[0], article_id="subscribe-probe")
    tail = subprocess.Popen(
        [sys.executable, "-m", "newsline", "subscribe", "--type", "sanctions", "--country",
         "IR", "--max", "1", "--timeout", "60"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert tail.stderr is not None
    started = tail.stderr.readline()
    assert "from the end (new events only)" in started, started
    produce(bootstrap, event_topic(prefix, "sanctions"),
            [(probe["event_id"].encode(), json.dumps(probe).encode())])  # fmt: skip
    out, err = tail.communicate(timeout=90)
    assert tail.returncode == 0, err
    assert [json.loads(line) for line in out.splitlines()] == [probe]
    assert err.strip() == "1 event"


def test_status_fails_in_one_line_when_the_store_does_not_answer(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    env = pipeline_env(kafka_bootstrap, topic_prefix,
                       "postgresql://nobody@127.0.0.1:1/none", tmp_path)  # fmt: skip

    result = newsline(env, "status")

    assert result.returncode == 1
    assert result.stderr.startswith("error [NL301]: database ")
    assert result.stderr.count("\n") == 1
    assert f"broker    {kafka_bootstrap}: reachable" in result.stdout
    assert "store     postgresql" in result.stdout and "UNREACHABLE" in result.stdout


def test_replay_reads_back_an_original_too_large_to_copy(env: dict, database_url: str) -> None:
    sqlite_only(database_url)
    bootstrap, prefix = env["KAFKA_BOOTSTRAP_SERVERS"], env["NEWSLINE_TOPIC_PREFIX"]
    assert newsline(env, "topics", "create").returncode == 0
    huge = b'{"id": "huge-1", "text": "' + b"x" * 900_000  # broken JSON, 900 KB
    produce(bootstrap, articles_topic(prefix), [(b"huge-1", huge)])
    (stored,) = consume_all(bootstrap, articles_topic(prefix))
    origin = Origin(stored.topic, stored.partition, stored.offset, b"huge-1", huge)
    letter = dead_letter(origin, "malformed_json", "unterminated string", "ingest", "huge-1")
    assert json.loads(letter)["original"]["value_base64"] == ""  # no room for a copy
    produce(bootstrap, f"{prefix}articles.dlq", [(b"huge-1", letter)])

    replayed = newsline(env, "dlq", "replay", "--all")

    assert replayed.returncode == 0, replayed.stderr
    values = [r.value for r in consume_all(bootstrap, articles_topic(prefix))]
    assert values == [huge, huge]
