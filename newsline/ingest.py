"""Turn the raw bytes of an ``articles`` message into a clean Article, or say why not.

Pure (no Kafka): the ingest agent calls it, and so do ``newsline publish`` (to refuse
bad input before it is sent) and the tests. Every way a message can be unusable maps
to one reason code of schemas/dead_letter.v1.json, so operators can count and replay
dead letters by cause.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import replace

from newsline.contracts import problems
from newsline.domain.article import Article
from newsline.errors import ArticleFormatError
from newsline.extraction.language import detect
from newsline.readers import article_from_mapping

DEFAULT_MAX_BYTES = 1_000_000

# C0/C1 control characters other than tab and newline, and zero-width marks that
# break word matching; removed so evidence offsets index clean text.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")


class Rejected(Exception):
    """The message cannot be processed; ``code`` is a dead-letter reason code."""

    def __init__(self, code: str, reason: str, article_id: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.article_id = article_id


def normalise_text(text: str) -> str:
    """NFC, Unix newlines, no control or zero-width characters, no outer blank space."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _UNWANTED.sub("", text).strip()


def parse_article(raw: bytes | None, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Validate and normalise one message value; raise Rejected with the reason."""
    if raw is None or not raw.strip():
        raise Rejected("empty_body", "the message is empty")
    if len(raw) > max_bytes:
        raise Rejected("oversized", f"the message is {len(raw):,} bytes (limit {max_bytes:,})")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected("undecodable", f"not UTF-8: invalid byte at position {exc.start}") from None
    try:
        data = json.loads(decoded)
    except (json.JSONDecodeError, RecursionError) as exc:
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise Rejected("malformed_json", f"not valid JSON: {detail}") from None
    article_id = (
        data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    )
    if isinstance(data, dict) and not data.get("published"):
        raise Rejected("no_publication_date", "'published' is missing or null", article_id)
    found = problems("article.v1", data)
    if found:
        code = "empty_body" if _only_text_missing(data) else "schema_violation"
        raise Rejected(code, "; ".join(found[:5]), article_id)
    try:
        article = article_from_mapping(data, where="message")
    except ArticleFormatError as exc:
        raise Rejected("schema_violation", str(exc).removeprefix("message: "), article_id) from None
    text = normalise_text(article.text)
    if not text:
        raise Rejected("empty_body", "the article text is blank", article_id)
    return replace(article, text=text, lang=article.lang or detect(text))


def content_digest(article: Article) -> str:
    """What 'the same content' means for de-duplication: text, date and title."""
    material = "\x1f".join([article.text, str(article.published), article.title or ""])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _only_text_missing(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("text"), str) and not data["text"]
