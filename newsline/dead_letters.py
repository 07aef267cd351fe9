"""Dead-letter messages (schemas/dead_letter.v1.json): nothing that fails is lost.

The original key and value travel base64-encoded, byte for byte, so ``newsline dlq
replay`` can re-inject exactly what arrived once the cause is fixed.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a failed message came from."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: bytes | None = None
    value: bytes = b""
    timestamp_ms: int | None = None


def dead_letter(
    origin: Origin, reason_code: str, reason: str, agent: str, article_id: str | None = None
) -> bytes:
    """The dead-letter message value for ``origin``, as UTF-8 JSON."""
    message = {
        "schema_version": 1,
        "reason_code": reason_code,
        "reason": reason,
        "agent": agent,
        "failed_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "article_id": article_id,
        "original": {
            "topic": origin.topic,
            "partition": origin.partition,
            "offset": origin.offset,
            "key_base64": _b64(origin.key),
            "value_base64": _b64(origin.value) or "",
            "timestamp_ms": origin.timestamp_ms,
        },
    }
    return json.dumps(message, ensure_ascii=False).encode("utf-8")


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")
