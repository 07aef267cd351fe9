"""Hostile article messages: the ingest step, the extractor and the dead letter never crash.

Whatever bytes arrive on the articles topic, ``parse_article`` returns an Article that
can be sent on, or raises Rejected with a reason code of the dead-letter contract; the
dead letter for it is itself valid and sendable; an Article that passes is extracted
without an exception. The fixed cases below are the crashes these properties found,
one regression test each.
"""

from __future__ import annotations

import inspect
import json
import sys
import time
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsline.contracts import problems, validator
from newsline.dead_letters import DEAD_LETTER_MAX_BYTES, Origin, dead_letter
from newsline.domain.article import Article
from newsline.event_messages import event_message
from newsline.extraction import extract
from newsline.extraction.sentences import MAX_SENTENCE_CHARS, split_sentences
from newsline.ingest import (
    Rejected,
    content_digest,
    encode_article,
    normalise_text,
    parse_article,
)

from .hostile_support import article_messages, valid_looking_articles

REASON_CODES = set(validator("dead_letter.v1").schema["properties"]["reason_code"]["enum"])
MAX_BYTES = 20_000
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(raw: bytes | None, max_bytes: int = MAX_BYTES) -> Article | Rejected:
    """What ingest makes of ``raw``, checked against every promise it makes."""
    try:
        article = parse_article(raw, max_bytes)
    except Rejected as rejected:
        assert rejected.code in REASON_CODES
        assert rejected.reason and len(rejected.reason) <= 1_200
        origin = Origin("t.articles", 0, 7, b"k", raw or b"")
        letter = dead_letter(origin, rejected.code, rejected.reason, "ingest", rejected.article_id)
        assert problems("dead_letter.v1", json.loads(letter)) == []
        return rejected
    wire = encode_article(article)  # what the agent sends on: UTF-8, within the limit
    assert len(wire) <= max_bytes
    assert parse_article(wire, max_bytes) == article  # valid output is valid input
    assert normalise_text(article.text) == article.text and article.text
    assert article.lang is not None and len(article.lang) == 2
    content_digest(article)
    article.id.encode("utf-8")
    return article


@FAST
@given(article_messages())
def test_any_message_is_an_article_or_a_reason(raw: bytes) -> None:
    outcome(raw)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2_000))
def test_random_bytes_are_rejected_with_a_reason(raw: bytes) -> None:
    assert isinstance(outcome(raw), Rejected | Article)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_looking_articles)
def test_what_ingest_lets_through_is_extracted_without_error(fields: dict) -> None:
    found = outcome(json.dumps(fields).encode("utf-8"))
    if isinstance(found, Rejected):
        return
    moment = datetime(2025, 8, 20, tzinfo=UTC)
    for event in extract(found):
        message = event_message(found, event, moment)
        assert problems("event.v1", message) == []
        json.dumps(message, ensure_ascii=False).encode("utf-8")
        start, end = event.evidence.start, event.evidence.end
        assert found.text[start:end] == event.evidence.text
        assert len(event.evidence.text) <= MAX_SENTENCE_CHARS


def message(*, escaped: bool = False, **fields: object) -> bytes:
    """An article message; ``escaped`` writes non-ASCII as \\u escapes (surrogates too)."""
    base = {"id": "a1", "text": "Le président iranien est à Minsk.", "published": "2025-08-20"}
    return json.dumps({**base, **fields}, ensure_ascii=escaped).encode("utf-8")


def rejected(raw: bytes | None, max_bytes: int = MAX_BYTES) -> Rejected:
    with pytest.raises(Rejected) as caught:
        parse_article(raw, max_bytes)
    return caught.value


@pytest.mark.parametrize(
    ("raw", "code", "reason"),
    [
        # bug: ValueError (int of more than 4,300 digits) escaped from json.loads
        (message()[:-1] + b', "n": ' + b"1" * 5_000 + b"}", "malformed_json", "not valid JSON"),
        # bug: a "\ud800" escape passed, then crashed the agent's UTF-8 encoding
        (message(id="\ud800", escaped=True), "undecodable", "id: holds a lone surrogate (\\ud800)"),
        (message(title="ok\udfff", escaped=True), "undecodable", "title: holds a lone surrogate"),
        # bug: the schema's ^[a-z]{2}$ accepts a trailing newline
        (message(lang="fr\n"), "schema_violation", "lang: 'fr\\n' is not an ISO 639-1 code"),
        (b"[" * 100_000, "malformed_json", "not valid JSON: nested too deeply"),
        (b'{"a": ' * 100_000, "malformed_json", "not valid JSON: nested too deeply"),
        (message(published=float("nan")), "schema_violation", "published: nan is not of type"),
        (b'{"id": "a1", "id": 5, "text": "t", "published": "2025-08-20"}', "schema_violation",
         "id: 5 is not of type 'string'"),
        (None, "empty_body", "the message is empty"),
    ],
)  # fmt: skip
def test_hostile_messages_have_their_reason(raw: bytes, code: str, reason: str) -> None:
    caught = rejected(raw, max_bytes=1_000_000)

    assert (caught.code, caught.reason[: len(reason)]) == (code, reason)


def test_nfc_growing_a_text_past_the_limit_is_oversized() -> None:
    # bug: U+1D160 is 4 bytes, 12 once composed: the valid message grew past what
    # Kafka accepts and the agent's send failed.
    raw = message(text="\U0001d160" * 3_000)
    assert len(raw) < MAX_BYTES

    caught = rejected(raw)

    assert caught.code == "oversized"
    assert caught.reason.startswith("the normalised article is 36,")


def test_a_huge_value_is_quoted_briefly_in_the_reason() -> None:
    # bug: the schema message quoted a 900 kB value whole into the dead letter
    caught = rejected(message(published="2" * 900_000), max_bytes=1_000_000)

    assert caught.code == "schema_violation"
    assert len(caught.reason) < 300 and caught.reason.endswith("... (clipped)")


def test_deep_nesting_at_the_depth_an_agent_runs_is_a_reason_not_a_crash() -> None:
    # bug: nesting that json.loads accepts could still exhaust the stack in the schema
    # check (it quotes the value), depending on how deep the caller already is; the
    # agent calls parse_article from deep inside Faust.
    room = sys.getrecursionlimit() - len(inspect.stack()) - 60
    codes = set()

    def at_depth(levels: int, raw: bytes) -> None:
        if levels:
            return at_depth(levels - 1, raw)
        codes.add(rejected(raw).code)

    nested = b'{"a": ' * 600 + b"1" + b"}" * 600
    raw = message(published={}).replace(b'"published": {}', b'"published": ' + nested)
    for levels in range(0, room):
        at_depth(levels, raw)

    assert codes == {"schema_violation", "malformed_json"}


def test_bidi_and_zero_width_controls_are_removed_and_accents_composed() -> None:
    text = "\u202eLe pre\u200b\u0301sident\u202c \u2066iranien\u2069 est à\u200e Minsk."

    assert parse_article(message(text=text)).text == "Le président iranien est à Minsk."


def test_the_dead_letter_of_a_message_near_the_limit_still_fits_in_kafka() -> None:
    # bug: base64 makes a 900 kB original 1.2 MB: the letter exceeded Kafka's 1 MiB
    # message limit and the agent crashed sending it.
    origin = Origin("t.articles", 2, 41, b"k" * 40_000, b"x" * 900_000, None)

    letter = dead_letter(origin, "schema_violation", "id: 5 is not of type", "ingest", "a1")

    assert len(letter) + len(origin.key) <= DEAD_LETTER_MAX_BYTES
    body = json.loads(letter)
    assert problems("dead_letter.v1", body) == []
    assert body["original"]["value_base64"] == ""
    assert body["reason"].endswith("is too large to copy here; it stays at t.articles[2]@41)")


def test_a_small_original_is_still_copied_whole() -> None:
    letter = json.loads(dead_letter(Origin(value=b"\xff" * 600_000), "undecodable", "x", "i"))

    assert len(letter["original"]["value_base64"]) == 800_000


def test_a_dead_letter_never_carries_what_utf8_cannot_encode() -> None:
    # bug: an id or exception text with a lone surrogate broke the letter's encoding
    letter = dead_letter(Origin(), "extraction_failed", "bad \ud800" * 1_000, "x", "\udfff")

    body = json.loads(letter)
    assert body["article_id"] == "?"
    assert len(body["reason"]) <= 2_000 and body["reason"].startswith("bad ?")


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def test_abbreviations_do_not_make_sentence_splitting_quadratic() -> None:
    # bug: each "M." re-searched the sentence so far: 50 kB took 14 s, 200 kB 170 s
    text = "M. Dupont " * 5_000

    assert timed(split_sentences, text, frozenset({"M"})) < 2


def test_a_sentence_without_end_is_cut_and_extracted_in_linear_time() -> None:
    # bug: rules cost the square of a sentence's length: 56 kB without a full stop
    # took 11 s, a megabyte hours.
    text = "Le président iranien a rencontré Loukachenko à Minsk et " * 1_000
    article = Article(id="a", text=text, published=date(2025, 8, 20), lang="fr")

    assert timed(extract, article) < 5
    pieces = split_sentences(text)
    assert max(len(p.text) for p in pieces) <= MAX_SENTENCE_CHARS
    assert all(text[p.start : p.end] == p.text for p in pieces)


@pytest.mark.parametrize("published", [date(1, 1, 1), date(9999, 12, 31)])
def test_relative_dates_at_the_edges_of_the_calendar_resolve_to_none(published: date) -> None:
    # bug: OverflowError from "mercredi" (the Wednesday before 0001-01-01) or "demain"
    # after 9999-12-31, found by the property above
    text = (
        "Les présidents biélorusse et iranien se sont rencontrés mercredi à Minsk. "
        "Ils se reverront demain, le mois prochain et l'an prochain à Téhéran."
    )
    article = Article(id="a", text=text, published=published, lang="fr")
    moment = datetime(2025, 8, 20, tzinfo=UTC)

    events = extract(article)

    assert events
    for event in events:
        assert problems("event.v1", event_message(article, event, moment)) == []
