"""The streaming pipeline on the real broker and database: seed to typed topics to timeline."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from newsline.broker.admin import ensure_topics
from newsline.contracts import problems
from newsline.topics import (
    EVENT_TYPES,
    dead_letter_topic,
    event_topic,
    topic_specs,
    valid_articles_topic,
)

from .pipeline_support import (
    REPO,
    Worker,
    article_line,
    consume_all,
    newsline,
    pipeline_env,
    produce,
    progress,
    store_snapshot,
    wait_caught_up,
    wait_until,
)

pytestmark = pytest.mark.integration

SHARED_EVAL = REPO.parent / "shared" / "eval"

SEED_EVENTS = {
    ("meeting", "visit", ("BLR", "IRN"), "2025-08-20"),
    ("agreement", "intent", ("BLR", "IRN"), "2025-08-20"),
    ("military", "cooperation", ("BLR", "IRN"), "2025-08-20"),
    ("sanctions", "condemned", ("BLR", "IRN"), "2025-08-20"),
    ("sanctions", "evasion", ("BLR", "IRN"), "2025-08-20"),
    ("agreement", "signed", ("IRN", "RUS"), "2025-01"),
    ("military", "cooperation", ("BLR", "RUS"), "2022-02"),
    ("military", "attack", ("RUS", "UKR"), "2022-02"),
    ("military", "deployment", ("BLR", "RUS"), None),
    ("military", "arms_transfer", ("IRN", "RUS"), None),
}


def event_keys(snapshot: dict) -> set[tuple]:
    countries: dict[str, list[str]] = {}
    for eid, code in snapshot["countries"]:
        countries.setdefault(eid, []).append(code)
    return {
        (kind, subtype, tuple(sorted(countries.get(eid, []))), date)
        for eid, kind, subtype, date, *_ in snapshot["events"]
    }


@pytest.fixture
def env(kafka_bootstrap: str, topic_prefix: str, store_url: str, tmp_path: Path):
    return pipeline_env(kafka_bootstrap, topic_prefix, store_url, tmp_path)


def test_the_seed_reaches_typed_topics_and_the_timeline(env: dict, tmp_path: Path) -> None:
    with Worker(env, tmp_path / "worker.log") as worker:
        published = newsline(env, "publish", "seeds/")
        assert published.returncode == 0, published.stderr
        wait_caught_up(env, worker)
    assert worker.process.returncode == 0, worker.tail()

    snapshot = store_snapshot(env["NEWSLINE_DATABASE_URL"])
    assert event_keys(snapshot) == SEED_EVENTS
    assert {article for _, article, _ in snapshot["sources"]} == {"000_98cf7ec9cc4599a5"}

    on_topics = []
    for kind in EVENT_TYPES:
        for record in consume_all(
            env["KAFKA_BOOTSTRAP_SERVERS"], event_topic(env["NEWSLINE_TOPIC_PREFIX"], kind)
        ):
            message = json.loads(record.value)
            assert problems("event.v1", message) == []
            assert message["type"] == kind
            assert record.key.decode() == message["event_id"]
            on_topics.append(
                (message["type"], message["subtype"], tuple(message["countries"]), message["date"])
            )
    assert sorted(on_topics, key=str) == sorted(SEED_EVENTS, key=str)

    timeline = newsline(env, "timeline", "Biélorussie")
    assert timeline.returncode == 0, timeline.stderr
    assert timeline.stdout.startswith("BLR (Belarus): 7 events")


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is not installed")
def test_kcat_reads_the_sanctions_topic(env: dict, tmp_path: Path) -> None:
    with Worker(env, tmp_path / "worker.log") as worker:
        assert newsline(env, "publish", "seeds/").returncode == 0
        wait_caught_up(env, worker)

    topic = event_topic(env["NEWSLINE_TOPIC_PREFIX"], "sanctions")
    consumed = subprocess.run(
        ["kcat", "-b", env["KAFKA_BOOTSTRAP_SERVERS"], "-C", "-t", topic, "-o", "beginning",
         "-e", "-q", "-f", "%k %s\\n"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    lines = consumed.stdout.splitlines()
    assert len(lines) == 2
    subtypes = set()
    for line in lines:
        key, value = line.split(" ", 1)
        message = json.loads(value)
        assert key == message["event_id"]
        subtypes.add(message["subtype"])
    assert subtypes == {"condemned", "evasion"}


def _dated_twins() -> list[tuple[dict, dict]]:
    articles = {
        a["id"]: a
        for a in map(json.loads, (SHARED_EVAL / "dev.articles.jsonl").read_text().splitlines())
    }
    pairs = []
    for article in articles.values():
        twin = articles.get(article.get("twin") or "")
        if twin and article["lang"] == "fr" and article["published"] and twin["published"]:
            pairs.append((article, twin))
    return pairs


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="../shared/eval is not beside the repo")
def test_republishing_changes_nothing_and_twins_corroborate(env: dict, tmp_path: Path) -> None:
    pairs = _dated_twins()
    twins = tmp_path / "twins.jsonl"
    twins.write_text("".join(json.dumps(a) + "\n" for pair in pairs for a in pair))

    with Worker(env, tmp_path / "worker.log") as worker:
        assert newsline(env, "publish", "seeds/").returncode == 0
        wait_caught_up(env, worker)
        first = store_snapshot(env["NEWSLINE_DATABASE_URL"])
        assert newsline(env, "publish", "seeds/").returncode == 0
        wait_caught_up(env, worker)
        assert store_snapshot(env["NEWSLINE_DATABASE_URL"]) == first
        published = newsline(env, "publish", str(twins))
        assert published.returncode == 0, published.stderr
        wait_caught_up(env, worker)

    snapshot = store_snapshot(env["NEWSLINE_DATABASE_URL"])
    sources: dict[str, set[str]] = {}
    for eid, article_id, _ in snapshot["sources"]:
        sources.setdefault(eid, set()).add(article_id)
    mentioned: dict[str, set[str]] = {}  # what the extract agent published, per article
    for kind in EVENT_TYPES:
        topic = event_topic(env["NEWSLINE_TOPIC_PREFIX"], kind)
        for record in consume_all(env["KAFKA_BOOTSTRAP_SERVERS"], topic):
            message = json.loads(record.value)
            mentioned.setdefault(message["article_id"], set()).add(message["event_id"])
    corroborated = 0
    for french, english in pairs:
        for shared in mentioned.get(french["id"], set()) & mentioned.get(english["id"], set()):
            assert {french["id"], english["id"]} <= sources[shared]
            corroborated += 1
    assert corroborated >= 3, "too few twin events agree to test corroboration"
    assert len(snapshot["events"]) == len({row[0] for row in snapshot["events"]})


def test_a_restarted_worker_still_drops_the_articles_it_has_seen(env: dict, tmp_path: Path) -> None:
    """The seen-articles table comes back from its changelog: unchanged copies are
    dropped after a restart, an edited one goes through."""
    text = "Alexandre Loukachenko a reçu Massoud Pezeshkian à Minsk le {}."
    first = tmp_path / "first.jsonl"
    first.write_text("".join(article_line(f"seen-{n}", text.format(n)) + "\n" for n in range(3)))
    again = tmp_path / "again.jsonl"
    again.write_text(first.read_text() + article_line("seen-1", text.format("edited")) + "\n")

    with Worker(env, tmp_path / "first.log") as worker:
        assert newsline(env, "publish", str(first)).returncode == 0
        wait_caught_up(env, worker)
    with Worker(env, tmp_path / "restarted.log") as worker:
        assert newsline(env, "publish", str(again)).returncode == 0
        wait_caught_up(env, worker)

    valid = consume_all(
        env["KAFKA_BOOTSTRAP_SERVERS"], valid_articles_topic(env["NEWSLINE_TOPIC_PREFIX"])
    )
    assert sorted(record.key.decode() for record in valid) == [
        "seen-0",
        "seen-1",
        "seen-1",
        "seen-2",
    ]


MALFORMED = {
    "undecodable": [b"\xff\xfe\x00bad" + bytes([i]) for i in range(20)],
    "malformed_json": [b'{"id": "x%d", "text": ' % i for i in range(20)],
    "schema_violation": [
        json.dumps({"id": i, "text": "t", "published": "2025-01-01"}).encode() for i in range(20)
    ],
    "empty_body": [b"" if i % 2 else article_line(f"empty-{i}", " ").encode() for i in range(20)],
    "oversized": [article_line(f"big-{i}", "x" * 6000).encode() for i in range(10)],
    "no_publication_date": [
        json.dumps({"id": f"nodate-{i}", "text": "Le Quai d'Orsay."}).encode() for i in range(10)
    ],
}


def test_a_hundred_bad_messages_are_dead_lettered_and_the_worker_goes_on(
    env: dict, tmp_path: Path, database_url: str
) -> None:
    if database_url.startswith("postgresql"):
        pytest.skip("the dead-letter path does not touch the store; SQLite suffices")
    env = {**env, "NEWSLINE_MAX_ARTICLE_BYTES": "5000"}
    good = [
        (f"good-{i}".encode(), article_line(f"good-{i}", f"Bulletin météo numéro {i}.").encode())
        for i in range(100)
    ]
    bad = [(f"bad-{code}-{i}".encode(), value) for code, values in MALFORMED.items()
           for i, value in enumerate(values)]  # fmt: skip
    assert len(bad) == 100
    mixed = [message for pair in zip(good, bad, strict=True) for message in pair]
    topic = env["NEWSLINE_TOPIC_PREFIX"] + "articles"
    ensure_topics(env["KAFKA_BOOTSTRAP_SERVERS"], topic_specs(env["NEWSLINE_TOPIC_PREFIX"]), 3)

    with Worker(env, tmp_path / "worker.log") as worker:
        pid = worker.process.pid
        produce(env["KAFKA_BOOTSTRAP_SERVERS"], topic, mixed)
        progress = wait_caught_up(env, worker)
        assert worker.alive and worker.process.pid == pid

    assert progress.dead_letters == 100
    letters = consume_all(
        env["KAFKA_BOOTSTRAP_SERVERS"], dead_letter_topic(env["NEWSLINE_TOPIC_PREFIX"])
    )
    sent = dict(bad)
    by_code: dict[str, int] = {}
    for record in letters:
        letter = json.loads(record.value)
        assert problems("dead_letter.v1", letter) == []
        assert letter["agent"] == "ingest" and letter["reason"]
        assert base64.b64decode(letter["original"]["value_base64"]) == sent[record.key]
        assert record.key.decode().startswith(f"bad-{letter['reason_code']}-")
        by_code[letter["reason_code"]] = by_code.get(letter["reason_code"], 0) + 1
    assert by_code == {code: len(values) for code, values in MALFORMED.items()}
    valid = consume_all(
        env["KAFKA_BOOTSTRAP_SERVERS"], valid_articles_topic(env["NEWSLINE_TOPIC_PREFIX"])
    )
    assert sorted(r.key for r in valid) == sorted(key for key, _ in good)


CORPUS = REPO.parent / "shared" / "eval-data" / "corpus" / "articles.jsonl"


def _two_thousand_articles(path: Path) -> Path:
    """The corpus repeated with unique ids (undated ones get a date) up to 2,000 articles."""
    corpus = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    with path.open("w") as out:
        for n in range(2000):
            article = dict(corpus[n % len(corpus)])
            article = {
                key: article.get(key) for key in ("id", "lang", "published", "title", "text")
            }
            article["id"] = f"{article['id']}#{n // len(corpus)}"
            article["published"] = article["published"] or "2014-06-01"
            out.write(json.dumps(article) + "\n")
    return path


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/eval-data/corpus is not beside the repo")
def test_a_killed_worker_resumes_to_the_same_store(
    kafka_bootstrap: str, tmp_path: Path, database_url: str, topic_prefix: str
) -> None:
    if database_url.startswith("postgresql"):
        pytest.skip("one database is enough for the crash test; the projector is shared")
    articles = _two_thousand_articles(tmp_path / "articles.jsonl")
    # Two pipelines with prefixes of their own: a broker kept between runs must not hand
    # this run the topics, consumer group and seen-articles table of an earlier one.
    calm = pipeline_env(kafka_bootstrap, f"{topic_prefix}calm.",
                        f"sqlite:///{tmp_path / 'calm.db'}", tmp_path / "calm")  # fmt: skip
    crash = pipeline_env(kafka_bootstrap, f"{topic_prefix}crash.",
                         f"sqlite:///{tmp_path / 'crash.db'}", tmp_path / "crash")  # fmt: skip

    with Worker(calm, tmp_path / "calm.log") as worker:
        assert newsline(calm, "publish", str(articles)).returncode == 0
        wait_caught_up(calm, worker, timeout=300)
    expected = store_snapshot(calm["NEWSLINE_DATABASE_URL"])

    first = Worker(crash, tmp_path / "crash.log").start()
    assert newsline(crash, "publish", str(articles)).returncode == 0
    # Killed once ingest is past 300 (polling for an upper bound too could miss the
    # window: ingest alone runs at over 1,000 articles/s); extraction lags far behind.
    wait_until(lambda: progress(crash).stages[0].done > 300, 300, "some progress", first)
    first.kill()
    assert progress(crash).stages[2].pending > 0 or not progress(crash).caught_up
    with Worker(crash, tmp_path / "crash-again.log") as second:
        wait_caught_up(crash, second, timeout=300)

    assert len(expected["events"]) > 100
    assert store_snapshot(crash["NEWSLINE_DATABASE_URL"]) == expected
