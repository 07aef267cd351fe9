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

# C0/C1 control characters other than tab and newline, zero-width marks and bidi
# controls (invisible, they break word matching and can reorder what a reader sees);
# removed so evidence offsets index clean text.
_UNWANTED = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
# A JSON "\\ud800" escape decodes to a lone surrogate, which no UTF-8 encoder accepts.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LANG = re.compile(r"[a-z]{2}")
_ARTICLE_FIELDS = ("id", "text", "lang", "title", "url", "source", "author")
# Each schema problem quotes the offending value; a reason stays readable in a log line.
_PROBLEM_CHARS = 200


class Rejected(Exception):
    """The message cannot be processed; ``code`` is a dead-letter reason code."""

    def __init__(self, code: str, reason: str, article_id: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.article_id = article_id


def normalise_text(text: str) -> str:
    """NFC, Unix newlines, no control or zero-width characters, no outer blank space.

    Characters are removed before composing: a zero-width space between a letter and
    its accent would otherwise leave the pair uncomposed (and a second pass different).
    """
    text = _UNWANTED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text).strip()


def parse_article(raw: bytes | None, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Validate and normalise one message value; raise Rejected with the reason.

    Whatever the bytes, the outcome is an Article or Rejected: the agent that calls
    this must never crash on input, and the Article it gets can always be encoded
    (UTF-8, within ``max_bytes``) and sent on.
    """
    if raw is None or not raw.strip():
        raise Rejected("empty_body", "the message is empty")
    if len(raw) > max_bytes:
        raise Rejected("oversized", f"the message is {len(raw):,} bytes (limit {max_bytes:,})")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected("undecodable", f"not UTF-8: invalid byte at position {exc.start}") from None
    try:
        return _validated(_decoded_json(decoded), max_bytes)
    except RecursionError:
        # Parsed within the limit, yet too deep for what reads it next (a schema
        # message quoting the value); an article is one flat object anyway.
        raise Rejected("malformed_json", "not valid JSON: nested too deeply") from None


def _decoded_json(decoded: str) -> object:
    try:
        return json.loads(decoded)
    except json.JSONDecodeError as exc:
        raise Rejected("malformed_json", f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise Rejected("malformed_json", "not valid JSON: nested too deeply") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise Rejected("malformed_json", f"not valid JSON: {_clipped(str(exc))}") from None


def _validated(data: object, max_bytes: int) -> Article:
    article_id = (
        data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    )
    if article_id is not None and _SURROGATE.search(article_id):
        article_id = None  # not Unicode text: it could not travel in the dead letter
    if isinstance(data, dict) and not data.get("published"):
        raise Rejected("no_publication_date", "'published' is missing or null", article_id)
    found = problems("article.v1", data)
    if found:
        code = "empty_body" if _only_text_missing(data) else "schema_violation"
        raise Rejected(code, "; ".join(_clipped(p) for p in found[:5]), article_id)
    assert isinstance(data, dict)  # the schema says so
    for name in _ARTICLE_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and (where := _SURROGATE.search(value)):
            raise Rejected(
                "undecodable",
                f"{name}: holds a lone surrogate (\\u{ord(where.group()):04x}) at position "
                f"{where.start()}, which is not Unicode text",
                article_id,
            )
    lang = data.get("lang")
    if isinstance(lang, str) and not _LANG.fullmatch(lang):
        # The schema's pattern ends in $, which also accepts a trailing newline.
        shown = _clipped(repr(lang))
        raise Rejected("schema_violation", f"lang: {shown} is not an ISO 639-1 code", article_id)
    try:
        article = article_from_mapping(data, where="message")
    except ArticleFormatError as exc:
        raise Rejected("schema_violation", str(exc).removeprefix("message: "), article_id) from None
    text = normalise_text(article.text)
    if not text:
        raise Rejected("empty_body", "the article text is blank", article_id)
    article = replace(article, text=text, lang=article.lang or detect(text))
    size = len(encode_article(article))
    if size > max_bytes:  # normalisation (NFC) can lengthen a text up to threefold
        raise Rejected(
            "oversized",
            f"the normalised article is {size:,} bytes (limit {max_bytes:,})",
            article_id,
        )
    return article


def encode_article(article: Article) -> bytes:
    """The wire form of an article (article.v1): what publish and the ingest agent send."""
    return json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")


def content_digest(article: Article) -> str:
    """What 'the same content' means for de-duplication: text, date and title."""
    material = "\x1f".join([article.text, str(article.published), article.title or ""])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _only_text_missing(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("text"), str) and not data["text"]


def _clipped(text: str) -> str:
    return text if len(text) <= _PROBLEM_CHARS else f"{text[:_PROBLEM_CHARS]}... (clipped)"
