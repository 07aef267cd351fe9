"""Hostile messages straight onto the articles topic, through the real worker.

A fixed list of nasty cases (non-UTF-8 bytes, null bytes, values over the 1 MB limit
or just under it, nesting 100,000 deep, wrong JSON types, lone surrogates, empty and
null values, garbage keys and headers) and a seeded random batch of damaged messages
go to ``<prefix>articles`` in one run of ``newsline worker``. Each message must be
processed (``articles.valid``) or dead-lettered with the reason code the pure ingest
step gives it; the counts must reconcile; the worker must neither crash nor restart.
A few hostile messages also go straight to ``articles.valid`` (as a careless replay
could put them there): the extract agent dead-letters each as ``extraction_failed``.
"""

from __future__ import annotations

import base64
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from kafka import KafkaProducer

from newsline.broker.admin import ensure_topics
from newsline.contracts import problems
from newsline.ingest import DEFAULT_MAX_BYTES, Rejected, content_digest, parse_article
from newsline.topics import dead_letter_topic, topic_specs, valid_articles_topic

from .pipeline_support import Worker, consume_all, pipeline_env, wait_caught_up

pytestmark = pytest.mark.integration

SEED = 20251128
NASTY = [
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u202e", "\u2066", "\ufeff", "\ufffd",
    "\u0301", "\U0001d160", "Минск", "طهران", "明斯克", "M\u0456nsk", "é", '"', "\\",
]  # fmt: skip
PROSE = [
    "Le président iranien Massoud Pezeshkian est arrivé à Minsk mercredi.",
    "The European Union imposed new sanctions on Russia on Monday.",
    "Vladimir Poutine a rencontré Alexandre Loukachenko à Moscou.",
]


@dataclass(frozen=True)
class Message:
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()


def article(article_id: str, text: str, **extra: object) -> dict:
    return {"id": article_id, "text": text, "published": "2025-08-20", **extra}


def as_json(value: object, ascii_only: bool = True) -> bytes:
    """JSON as a producer may write it; raw lone surrogates become invalid UTF-8."""
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def nasty_messages() -> list[Message]:
    """The cases a test reader can name, each once."""
    ok = article("fixed-ok", PROSE[0])
    big_text = "x" * 1_040_000
    cases: list[tuple[bytes | None, bytes | None]] = [
        (b"bytes", b"\xff\xfe\x00 not UTF-8 \xc3\x28"),
        (b"nul-bytes", b"\x00" * 64),
        (b"nul-in-json", as_json(article("fixed-nul", "Le\u0000 président\u0000 est à Minsk."))),
        (b"over-1mb", as_json(article("fixed-over", big_text))),  # over the limit, under Kafka's
        (b"near-1mb", as_json({"id": 5, "text": "x" * 990_000, "published": "2025-08-20"})),
        (b"nfc-grows", as_json(article("fixed-nfc", "\U0001d160" * 90_000), ascii_only=False)),
        (b"deep-list", b"[" * 100_000 + b"]" * 100_000),
        (b"deep-object", b'{"a": ' * 100_000 + b"1" + b"}" * 100_000),
        (b"deep-field", as_json(ok)[:-1] + b', "title": ' + b"[" * 900 + b"]" * 900 + b"}"),
        (b"types-id", as_json({**ok, "id": 17})),
        (b"types-text", as_json({**ok, "text": ["Minsk"]})),
        (b"types-published", as_json({**ok, "published": {"y": 2025}})),
        (b"types-lang", as_json({**ok, "lang": 5})),
        (b"types-root", b'"just a string"'),
        (b"lang-newline", as_json({**ok, "lang": "fr\n"})),
        (b"surrogate", as_json(article("fixed-\ud800", PROSE[1]))),
        (b"bigint", as_json(ok)[:-1] + b', "n": ' + b"9" * 5_000 + b"}"),
        (b"nan", as_json({**ok, "published": float("nan")})),
        (b"duplicate-keys", b'{"id": "fixed-dupkey", "id": [], "text": "t", "published": "2"}'),
        (b"empty", b""),
        (b"tombstone", None),
        (None, as_json(article("fixed-nokey", PROSE[2]))),
        (bytes(range(256)) * 40, as_json(article("fixed-garbage-key", PROSE[2]))),
        (b"mixed", as_json(article("fixed-mixed", "Путин et 習近平 à Минск\u202e؛ طهران.\u2069"))),
        (b"fixed-ok", as_json(ok)),
        (b"fixed-ok", as_json(ok)),  # the same article again: a duplicate, dropped
    ]  # fmt: skip
    headers = (("x-junk", b"\xff\x00\xfe"), ("\u202e\u00e9", b""), ("", b"\x00" * 100))
    return [Message(key, value, headers if i % 3 == 0 else ()) for i, (key, value) in
            enumerate(cases)]  # fmt: skip


def hostile_valid_messages() -> list[Message]:
    """What no ingest would let through, on the topic the extract agent reads."""
    cases = [
        (b"v-bytes", b"\xff\xfe not UTF-8"),
        (b"v-deep", b"[" * 100_000),
        (b"v-surrogate", as_json(article("v-\ud800", PROSE[0]))),
        (b"v-types", as_json({"id": 1, "text": ["x"], "published": 2})),
        (b"v-null", None),
        (b"v-huge", b"{" + b" " * 990_000 + b"}"),  # its letter cannot carry a copy
    ]
    return [Message(key, value) for key, value in cases]


def random_messages(rng: random.Random, count: int) -> list[Message]:
    """Damaged, mistyped and odd-but-valid messages, reproducible from the seed."""

    def text() -> str:
        parts = [rng.choice(PROSE + NASTY) for _ in range(rng.randint(0, 6))]
        parts += [chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 4))]
        return " ".join(parts)

    def anything() -> object:
        return rng.choice([None, True, 0, -1.5, 10**40, float("inf"), text(), [text()], {"k": 1}])

    messages = []
    for n in range(count):
        fields = article(f"random-{n}", text(), lang=rng.choice(["fr", "en", "de", None]))
        for name in rng.sample(sorted(fields), rng.randint(0, 2)):
            if rng.random() < 0.5:
                fields[name] = anything()
            else:
                del fields[name]
        raw = as_json(fields, ascii_only=rng.random() < 0.5)
        damage = rng.random()
        if damage < 0.15:
            raw = raw[: rng.randint(0, len(raw))]
        elif damage < 0.3:
            at = rng.randint(0, len(raw))
            raw = raw[:at] + rng.randbytes(rng.randint(1, 6)) + raw[at:]
        elif damage < 0.35:
            raw = rng.randbytes(rng.randint(0, 200))
        key = f"random-{n}".encode() if rng.random() < 0.8 else rng.randbytes(rng.randint(0, 40))
        messages.append(Message(key, raw))
    return messages


def expected_outcome(messages: list[Message]) -> tuple[list[str | None], Counter]:
    """Per message: the reason code ingest gives it (None: valid); and valid ids."""
    codes: list[str | None] = []
    valid: Counter = Counter()
    seen: dict[str, str] = {}
    for message in messages:
        try:
            parsed = parse_article(message.value, DEFAULT_MAX_BYTES)
        except Rejected as rejected:
            codes.append(rejected.code)
            continue
        codes.append(None)
        digest = content_digest(parsed)
        if seen.get(parsed.id) != digest:
            valid[parsed.id] += 1
        seen[parsed.id] = digest
    return codes, valid


def send(bootstrap: str, topic: str, messages: list[Message]) -> list[tuple[int, int]]:
    """Produce in order; where each message landed (partition, offset)."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        futures = [
            producer.send(topic, key=m.key, value=m.value, headers=list(m.headers))
            for m in messages
        ]
        producer.flush()
        return [(meta.partition, meta.offset) for meta in (f.get(timeout=60) for f in futures)]
    finally:
        producer.close()


def test_hostile_messages_are_processed_or_dead_lettered_and_the_worker_goes_on(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    env = pipeline_env(kafka_bootstrap, topic_prefix, f"sqlite:///{tmp_path}/s.db", tmp_path)
    messages = nasty_messages() + random_messages(random.Random(SEED), 150)
    codes, valid_ids = expected_outcome(messages)
    # Every article id that repeats travels under one key (one partition, in order), so
    # which copy ingest sees first does not depend on the interleaving of partitions.
    assert all(n == 1 for i, n in valid_ids.items() if i != "fixed-ok")
    ensure_topics(kafka_bootstrap, topic_specs(topic_prefix), 3)

    straight = hostile_valid_messages()

    with Worker(env, tmp_path / "worker.log") as worker:
        pid = worker.process.pid
        landed = send(kafka_bootstrap, f"{topic_prefix}articles", messages)
        send(kafka_bootstrap, valid_articles_topic(topic_prefix), straight)
        progress = wait_caught_up(env, worker, timeout=150)
        assert worker.alive and worker.process.pid == pid
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert "Traceback" not in log and "crashed" not in log.lower(), log[-3000:]

    by_place = dict(zip(landed, zip(messages, codes, strict=True), strict=True))
    letters = consume_all(kafka_bootstrap, dead_letter_topic(topic_prefix))
    got: Counter = Counter()
    for record in letters:
        letter = json.loads(record.value)
        assert problems("dead_letter.v1", letter) == []
        original = letter["original"]
        if original["topic"] == valid_articles_topic(topic_prefix):
            message = next(m for m in straight if m.key == record.key)
            assert (letter["agent"], letter["reason_code"]) == ("extract", "extraction_failed")
            got["extract"] += 1
        else:
            message, code = by_place[(original["partition"], original["offset"])]
            assert (letter["agent"], letter["reason_code"]) == ("ingest", code), letter["reason"]
            assert record.key == message.key
            got[code] += 1
        copied = base64.b64decode(original["value_base64"])
        if copied != (message.value or b""):
            assert copied == b"" and "is too large to copy here" in letter["reason"]
    valid = consume_all(kafka_bootstrap, valid_articles_topic(topic_prefix))

    expected_dead = Counter(code for code in codes if code)
    assert got == expected_dead + Counter(extract=len(straight))
    assert Counter(r.key.decode() for r in valid) == valid_ids + Counter(
        m.key.decode() for m in straight
    )
    duplicates = len(messages) - (len(valid) - len(straight)) - (len(letters) - len(straight))
    assert duplicates == codes.count(None) - sum(valid_ids.values()) >= 1
    assert progress.dead_letters == len(letters)
    assert set(expected_dead) >= {"undecodable", "malformed_json", "schema_violation",
                                  "empty_body", "oversized", "no_publication_date"}  # fmt: skip
