"""Raw article messages become clean Articles, or a reason code for the dead letters."""

from __future__ import annotations

import json
from datetime import date

import pytest

from newsline.ingest import Rejected, content_digest, normalise_text, parse_article


def message(**fields: object) -> bytes:
    base = {"id": "a1", "text": "Le président iranien est à Minsk.", "published": "2025-08-20"}
    return json.dumps({**base, **fields}, ensure_ascii=False).encode("utf-8")


def test_a_good_message_is_normalised_and_its_language_detected() -> None:
    article = parse_article(message(text="  Le président\r\niranien\u200b est à Minsk.\x07  "))

    assert article.id == "a1"
    assert article.published == date(2025, 8, 20)
    assert article.text == "Le président\niranien est à Minsk."
    assert article.lang == "fr"


@pytest.mark.parametrize(
    ("raw", "code", "reason"),
    [
        (b"", "empty_body", "the message is empty"),
        (b"\xff\xfe{}", "undecodable", "not UTF-8: invalid byte at position 0"),
        (b'{"id": "a1", "text": ', "malformed_json", "not valid JSON: Expecting value"),
        (b"[1, 2]", "schema_violation", "(root): [1, 2] is not of type 'object'"),
        (message(published=None), "no_publication_date", "'published' is missing or null"),
        (message(text=""), "empty_body", "text: '' should be non-empty"),
        (message(text=" \u200b\n "), "empty_body", "the article text is blank"),
        (message(id=7), "schema_violation", "id: 7 is not of type 'string'"),
        (message(lang="french"), "schema_violation", "lang: 'french' does not match"),
        (b"[" * 50_000, "malformed_json", "not valid JSON: nested too deeply"),
    ],
)
def test_every_failure_has_its_reason_code(raw: bytes, code: str, reason: str) -> None:
    with pytest.raises(Rejected) as caught:
        parse_article(raw)

    assert caught.value.code == code
    assert caught.value.reason.startswith(reason)


def test_the_size_limit_is_configurable() -> None:
    with pytest.raises(Rejected, match=r"the message is 1,2\d\d bytes \(limit 1,000\)") as caught:
        parse_article(message(text="x" * 1200), max_bytes=1000)

    assert caught.value.code == "oversized"


def test_the_article_id_is_kept_when_it_could_be_read() -> None:
    with pytest.raises(Rejected) as caught:
        parse_article(message(published=None))

    assert caught.value.article_id == "a1"


def test_same_content_same_digest_whatever_the_formatting() -> None:
    first = parse_article(message(text="Minsk  et Téhéran.\r\n"))
    again = parse_article(message(text="Minsk  et Téhéran.", lang="fr"))
    edited = parse_article(message(text="Minsk et Téhéran, deux capitales."))

    assert content_digest(first) == content_digest(again)
    assert content_digest(first) != content_digest(edited)


def test_normalise_text_composes_accents() -> None:
    assert normalise_text("Te\u0301he\u0301ran") == "Téhéran"
