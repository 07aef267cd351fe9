"""Dead-letter messages (schemas/dead_letter.v1.json): nothing that fails is lost.

The original key and value travel base64-encoded, byte for byte, so ``newsline dlq
replay`` can re-inject exactly what arrived once the cause is fixed.

A dead letter must itself always be sendable, whatever failed: the reason and article
id are made valid UTF-8 and short, and the letter (with its key) stays within
``DEAD_LETTER_MAX_BYTES``, under Kafka's default 1 MiB message limit. base64 grows the
original by a third, so a value near that limit cannot be copied: the letter then
carries an empty copy and says where the original stays (the source topics keep their
data forever), rather than crash the agent and stop the pipeline.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime

#: key plus value of a letter; Kafka's default limit is 1,048,588 bytes per batch.
DEAD_LETTER_MAX_BYTES = 1_000_000
REASON_MAX_CHARS = 2_000
ARTICLE_ID_MAX_CHARS = 512
_CLIPPED = "... (clipped)"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a failed message came from."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: bytes | None = None
    value: bytes = b""
    timestamp_ms: int | None = None


#: said in the reason of a letter whose original value did not fit: replay reads it back
NOT_COPIED = "is too large to copy here"


def dead_letter(
    origin: Origin,
    reason_code: str,
    reason: str,
    agent: str,
    article_id: str | None = None,
    max_bytes: int = DEAD_LETTER_MAX_BYTES,
) -> bytes:
    """The dead-letter message value for ``origin``, as UTF-8 JSON of at most ``max_bytes``
    together with the original key (which the letter is sent under)."""
    reason = _printable(reason, REASON_MAX_CHARS) or reason_code
    message = {
        "schema_version": 1,
        "reason_code": reason_code,
        "reason": reason,
        "agent": agent,
        "failed_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "article_id": _printable(article_id, ARTICLE_ID_MAX_CHARS) if article_id else None,
        "original": {
            "topic": origin.topic,
            "partition": origin.partition,
            "offset": origin.offset,
            "key_base64": _b64(origin.key),
            "value_base64": _b64(origin.value) or "",
            "timestamp_ms": origin.timestamp_ms,
        },
    }
    budget = max_bytes - len(origin.key or b"")
    encoded = _encoded(message)
    if len(encoded) > budget:
        message["original"]["value_base64"] = ""
        message["reason"] = (
            f"{reason} (the original value, {len(origin.value):,} bytes, {NOT_COPIED}; "
            f"it stays at {origin.topic}[{origin.partition}]@{origin.offset})"
        )
        encoded = _encoded(message)
    if len(encoded) > budget:  # a key as large as the limit: keep only where it was
        message["original"]["key_base64"] = None
        encoded = _encoded(message)
    return encoded


def _encoded(message: dict) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8")


def _printable(text: str, limit: int) -> str:
    """Valid UTF-8 (lone surrogates replaced) and at most ``limit`` characters."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else f"{text[: limit - len(_CLIPPED)]}{_CLIPPED}"


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")
