"""Event and dead-letter messages validate against the schemas consumers rely on."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

from newsline.contracts import problems
from newsline.dead_letters import Origin, dead_letter
from newsline.event_messages import encode_message, event_message, extraction_message
from newsline.extraction import extract
from newsline.identity import event_id
from newsline.readers import read_path

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_98cf7ec9cc4599a5.txt"


def test_every_seed_event_message_is_valid_and_carries_its_source() -> None:
    (article,) = read_path(SEED)
    moment = datetime(2025, 8, 20, 12, 0, tzinfo=UTC)

    for event in extract(article):
        message = event_message(article, event, moment)
        assert problems("event.v1", message) == []
        assert message["event_id"] == event_id(event)
        assert message["article_id"] == "000_98cf7ec9cc4599a5"
        assert message["reported_at"] == "2025-08-20"
        assert message["extracted_at"] == "2025-08-20T12:00:00.000+00:00"
        start, end = message["evidence"]["start"], message["evidence"]["end"]
        assert article.text[start:end] == message["evidence"]["text"]


def test_messages_go_on_the_wire_as_utf8_json_in_their_own_script() -> None:
    (article,) = read_path(SEED)
    moment = datetime(2025, 8, 20, 12, 0, tzinfo=UTC)
    record = extraction_message(article, extract(article), moment, "rules-test")
    mention = {"event_id": "a" * 24, "evidence": {"text": "Лукашенко в Тегеране"}}

    assert json.loads(encode_message(record)) == record
    assert (
        encode_message(mention)
        == (
            '{"event_id": "' + "a" * 24 + '", "evidence": {"text": "Лукашенко в Тегеране"}}'
        ).encode()
    )


def test_dead_letter_keeps_the_original_bytes_and_validates() -> None:
    origin = Origin("newsline.articles", 2, 41, b"a1", b"\xff not utf-8", 1_700_000_000_000)

    message = json.loads(dead_letter(origin, "undecodable", "not UTF-8", "ingest", "a1"))

    assert problems("dead_letter.v1", message) == []
    assert base64.b64decode(message["original"]["value_base64"]) == b"\xff not utf-8"
    assert base64.b64decode(message["original"]["key_base64"]) == b"a1"
    assert (message["reason_code"], message["agent"]) == ("undecodable", "ingest")
    assert message["original"]["offset"] == 41
