"""Dead letters as operators see them: read from the log, selected, previewed, replayed.

Pure-ish on purpose: reading and replaying talk to Kafka through kafka-python, and
everything else (parsing, selecting, previewing bytes) is plain functions the CLI and
the tests share. The dead-letter topic is read with ``BoundedReader`` (assigned
partitions, no consumer group, stopping at the end offsets taken when reading began),
so listing never hangs on a busy topic and never moves anyone's committed offsets.

Replay re-sends the ORIGINAL key and value bytes to the topic the failing agent read
them from (``articles`` for ingest's dead letters, ``articles.valid`` for extract's,
the event topic for the timeline's). Sending an extract failure back to ``articles``
would be a silent no-op: ingest already remembered that article id with that content
and drops it as a duplicate, so the fixed extractor would never see it. Replaying is
safe to repeat: ingest de-duplicates by id and content and the projector folds a
mention (event id, article id) once, so no timeline event is lost or doubled.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import TopicPartition

from newsline.broker.admin import probe
from newsline.dead_letters import NOT_COPIED
from newsline.errors import BrokerError, BrokerUnavailable, DeadLetterNotFound
from newsline.operations.log_reader import BoundedReader
from newsline.publishing import Outgoing, idempotent_producer, send_all
from newsline.topics import articles_topic, dead_letter_topic, topic_specs

#: the reason codes of schemas/dead_letter.v1.json
REASON_CODES = (
    "malformed_json", "schema_violation", "undecodable", "empty_body", "oversized",
    "no_publication_date", "extraction_failed", "internal_error",
)  # fmt: skip
#: header on every replayed message: which dead letter it came from (provenance only)
REPLAY_HEADER = "newsline-replayed-from"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One dead-letter record: where it sits in the DLQ topic and what it says."""

    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    reason_code: str
    reason: str
    agent: str
    failed_at: str
    article_id: str | None
    original_topic: str | None
    original_partition: int | None
    original_offset: int | None
    original_key: bytes | None
    original_value: bytes

    @property
    def origin(self) -> tuple[str | None, int | None, int | None]:
        """Where the failed message sits: (topic, partition, offset), None where unknown."""
        return (self.original_topic, self.original_partition, self.original_offset)

    @property
    def article(self) -> str | None:
        """The article id, or else the original key: on ``articles`` the key is the id.

        Ingest rejects an oversized or undecodable message before reading its id, so
        its dead letter has none; the key still tells the operator which article it was.
        """
        if self.article_id is not None:
            return self.article_id
        if self.original_key is None:
            return None
        try:
            return self.original_key.decode("utf-8")
        except UnicodeDecodeError:
            return None

    @property
    def ref(self) -> str:
        """``PARTITION:OFFSET``: how ``dlq show`` names it."""
        return f"{self.partition}:{self.offset}"

    def summary(self) -> dict[str, Any]:
        """The fields ``dlq list`` shows, JSON-ready."""
        return {
            "partition": self.partition,
            "offset": self.offset,
            "failed_at": self.failed_at,
            "agent": self.agent,
            "reason_code": self.reason_code,
            "article_id": self.article_id,
            "key": self.article if self.original_key is not None else None,
            "reason": self.reason,
            "original_topic": self.original_topic,
            "original_partition": self.original_partition,
            "original_offset": self.original_offset,
            "bytes": len(self.original_value),
        }


def parse(partition: int, offset: int, timestamp_ms: int, key: bytes | None, value: bytes | None):
    """A DeadLetter from one DLQ record; a record that breaks the contract still shows up.

    A foreign or corrupt record gets reason_code ``unreadable`` and its own bytes as the
    original, so it is listed (and counted) instead of crashing the listing.
    """
    try:
        letter = json.loads(value or b"")
        original = letter["original"]
        original_value = base64.b64decode(original["value_base64"], validate=True)
        original_key = (
            base64.b64decode(original["key_base64"], validate=True)
            if original.get("key_base64") is not None
            else None
        )
        return DeadLetter(
            partition=partition, offset=offset, timestamp_ms=timestamp_ms, key=key,
            reason_code=str(letter["reason_code"]), reason=str(letter.get("reason") or ""),
            agent=str(letter.get("agent") or "?"), failed_at=str(letter.get("failed_at") or ""),
            article_id=letter.get("article_id"), original_topic=original.get("topic"),
            original_partition=original.get("partition"), original_offset=original.get("offset"),
            original_key=original_key, original_value=original_value,
        )  # fmt: skip
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        return DeadLetter(
            partition=partition, offset=offset, timestamp_ms=timestamp_ms, key=key,
            reason_code="unreadable", reason=f"not a dead_letter.v1 message: {exc}",
            agent="?", failed_at="", article_id=None, original_topic=None,
            original_partition=None, original_offset=None, original_key=key,
            original_value=value or b"",
        )  # fmt: skip


def require_broker(bootstrap: str) -> None:
    """Fail in one line, within seconds, when no broker answers (a consumer would wait 30 s)."""
    if probe(bootstrap) is None:
        raise BrokerUnavailable(
            f"no Kafka broker answers at {bootstrap}; "
            "start one with `newsline broker start` or check KAFKA_BOOTSTRAP_SERVERS"
        )


def read_dead_letters(bootstrap: str, prefix: str) -> list[DeadLetter]:
    """Every dead letter in the topic when reading began, oldest first (newest last)."""
    require_broker(bootstrap)
    with BoundedReader(bootstrap, [dead_letter_topic(prefix)], "newsline-dlq") as reader:
        letters = [
            parse(r.partition, r.offset, r.timestamp, r.key, r.value)
            for batch in reader.batches()
            for r in batch
        ]
    return oldest_first(letters)


def oldest_first(letters: Iterable[DeadLetter]) -> list[DeadLetter]:
    """In the order they failed (their DLQ timestamp, then place): the log's own order
    is per partition only, and replaying versions of one article must keep their order."""
    return sorted(letters, key=lambda d: (d.timestamp_ms, d.partition, d.offset))


def select(
    letters: Iterable[DeadLetter],
    reasons: Sequence[str] = (),
    article_id: str | None = None,
    everything: bool = False,
) -> list[DeadLetter]:
    """The dead letters matching every selector given; ``everything`` alone selects all.

    ``article_id`` matches the letter's article id, or its original key when ingest
    could not read an id (see ``DeadLetter.article``).
    """
    return [
        d
        for d in letters
        if (everything or reasons or article_id is not None)
        and (not reasons or d.reason_code in reasons)
        and (article_id is None or d.article == article_id)
    ]


def find(letters: Sequence[DeadLetter], ref: str) -> DeadLetter:
    """The letter at ``PARTITION:OFFSET``, or at ``OFFSET`` when one partition has it."""
    match = re.fullmatch(r"\s*(?:(\d+)\s*:\s*)?(\d+)\s*", ref)
    if not match:
        raise DeadLetterNotFound(f"{ref!r} is not PARTITION:OFFSET (e.g. 0:12) or OFFSET")
    partition = int(match[1]) if match[1] is not None else None
    offset = int(match[2])
    found = [d for d in letters if d.offset == offset and partition in (None, d.partition)]
    if len(found) == 1:
        return found[0]
    if found:
        where = ", ".join(d.ref for d in sorted(found, key=lambda d: d.partition))
        raise DeadLetterNotFound(f"offset {offset} is in several partitions ({where}); give one")
    raise DeadLetterNotFound(
        f"no dead letter at {ref.strip()} (`newsline dlq list` shows PARTITION:OFFSET of each)"
    )


def replay_target(letter: DeadLetter, prefix: str) -> str:
    """Where a replayed letter goes: its original topic if it is one of ours, else articles.

    The dead-letter topic itself and foreign topics are never targets.
    """
    ours = {spec.name for spec in topic_specs(prefix)} - {dead_letter_topic(prefix)}
    if letter.original_topic in ours:
        return letter.original_topic
    return articles_topic(prefix)


def replay(bootstrap: str, prefix: str, letters: Sequence[DeadLetter]) -> dict[str, int]:
    """Re-send each letter's original key and value bytes; returns messages sent per topic.

    Oldest first, so versions of one article keep their order. The producer is
    idempotent with acks=all and every send is awaited: a count returned is a count the
    broker has stored.
    """
    if not letters:
        return {}
    require_broker(bootstrap)
    kept_elsewhere = fetch_originals(bootstrap, [x for x in letters if NOT_COPIED in x.reason])
    messages = [
        Outgoing(
            replay_target(letter, prefix),
            letter.original_key,
            kept_elsewhere.get(letter.origin, letter.original_value),
            ((REPLAY_HEADER, _origin(letter, prefix)),),
        )
        for letter in oldest_first(letters)
    ]
    with idempotent_producer(bootstrap, "newsline-dlq-replay") as producer:
        send_all(producer, messages, f"replaying dead letters at {bootstrap}")
    return dict(Counter(message.topic for message in messages))


def _origin(letter: DeadLetter, prefix: str) -> bytes:
    """Where a replayed message's dead letter sits, for the replay header."""
    return f"{dead_letter_topic(prefix)}:{letter.partition}:{letter.offset}".encode()


def fetch_originals(bootstrap: str, letters: Sequence[DeadLetter]) -> dict[tuple, bytes]:
    """The original values of letters too large to carry a copy, read where they stayed.

    A dead letter holds at most about 1 MB; when the original value does not fit, the
    letter keeps only its topic, partition and offset (the topic keeps data forever).
    Replay reads those originals back, so replaying never sends an empty article.
    """
    wanted = {x.origin for x in letters if x.original_topic is not None}
    if not wanted:
        return {}
    found: dict[tuple, bytes] = {}
    with BoundedReader(bootstrap, sorted({t for t, _, _ in wanted}), "newsline-dlq") as reader:
        consumer = reader.consumer
        for topic, partition, offset in sorted(wanted):
            tp = TopicPartition(topic, partition)
            consumer.assign([tp])
            consumer.seek(tp, offset)
            records = consumer.poll(timeout_ms=10_000, max_records=1).get(tp, [])
            if not records or records[0].offset != offset or records[0].value is None:
                raise BrokerError(
                    f"the original of a dead letter is gone from {topic}[{partition}]@{offset}; "
                    "it cannot be replayed (leave it out with --reason or --article)"
                )
            found[(topic, partition, offset)] = records[0].value
    return found


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def safe_text(data: bytes, limit: int) -> tuple[str, bool] | None:
    """``data`` as printable text (control characters escaped), or None if not UTF-8.

    Escaping keeps a hostile message from driving the operator's terminal (ANSI
    escapes, carriage returns). Returns the text cut at ``limit`` characters and
    whether it was cut.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text[:limit])
    return shown, len(text) > limit


def hex_preview(data: bytes, limit: int = 64) -> str:
    """The first ``limit`` bytes as spaced hex, '…' when there is more."""
    shown = data[:limit].hex(" ")
    return shown + (" …" if len(data) > limit else "")


def base64_of(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
