"""Read articles from the files upstream feeds and analysts hand us.

Four formats, chosen by file extension (or by content, for standard input):

* ``.txt`` — the seed format: a first line `` date YYYY-MM-DD par AUTHOR`` ("par" or
  "by" before the byline), a blank line, then the body. The id is the file name
  without its extension.
* ``.jsonl`` — one JSON object per line with ``id``, ``published``, ``text`` and
  optionally ``lang``, ``title``, ``url``, ``source``, ``author``.
* ``.json`` — one such object, or a list of them.
* ``.xml``, ``.rss``, ``.atom`` — an RSS 2.0 or Atom feed (see feeds.py).

When a record has no ``lang``, it is detected (``newsline.extraction.language``).

Readers never guess silently: a file that does not fit raises ArticleFormatError
naming the file, the line where it applies, and what was expected.
"""

from __future__ import annotations

import hashlib
import json
import re
import reprlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from newsline.domain.article import Article
from newsline.errors import ArticleFormatError
from newsline.extraction.language import detect
from newsline.feeds import looks_like_feed, read_feed

ARTICLE_SUFFIXES = (".txt", ".json", ".jsonl", ".xml", ".rss", ".atom")

# Matched against the stripped header line: a lazy byline followed by \s*$ would try
# every split of a long run of spaces (quadratic time on a hostile first line).
_SEED_HEADER = re.compile(
    r"date\s+(?P<date>\d{4}-\d{2}-\d{2})(?:\s+(?:par|by)\s+(?P<author>.+))?",
    re.IGNORECASE,
)
# A JSON "\\ud800" escape decodes to a lone surrogate: not text any encoder can send.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_STRING_FIELDS = ("id", "text", "lang", "title", "url", "source", "author")
# How a refused value is quoted: short, and safe for values nested a thousand deep.
_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 80
_SHOWN.maxlevel = 2


def parse_published(value: Any) -> date | None:
    """An ISO date or date-time (as feeds send them) to a date; None stays None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"'published' must be an ISO 8601 date string, not {_SHOWN.repr(value)}")
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"'published' is not an ISO 8601 date: {_SHOWN.repr(value)}") from None


def article_from_mapping(data: Any, *, where: str) -> Article:
    """Build an Article from a decoded JSON object, checking the fields it needs."""
    if not isinstance(data, dict):
        raise ArticleFormatError(f"{where}: expected a JSON object, got {type(data).__name__}")
    missing = [name for name in ("id", "text") if not data.get(name)]
    if missing:
        raise ArticleFormatError(f"{where}: missing required field(s): {', '.join(missing)}")
    for name in _STRING_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ArticleFormatError(
                f"{where}: field '{name}' must be a string, not {type(value).__name__}"
            )
        if value is not None and (lone := _SURROGATE.search(value)):
            raise ArticleFormatError(
                f"{where}: field '{name}' holds a lone surrogate "
                f"(\\u{ord(lone.group()):04x}), which is not Unicode text"
            )
    try:
        published = parse_published(data.get("published"))
    except ValueError as exc:
        raise ArticleFormatError(f"{where}: {exc}") from None
    return Article(
        id=data["id"],
        text=data["text"],
        published=published,
        lang=data.get("lang") or detect(data["text"]),
        title=data.get("title") or None,
        url=data.get("url") or None,
        source=data.get("source") or None,
        author=data.get("author") or None,
    )


def parse_seed_text(raw: str, article_id: str, origin: str) -> Article:
    """One article in the seed's plain-text format (header line, blank line, body)."""
    header, _, body = raw.partition("\n")
    match = _SEED_HEADER.fullmatch(header.strip())
    if not match:
        raise ArticleFormatError(
            f"{origin}:1: expected a first line like ' date 2025-08-20 par AUTHOR', "
            f"got {header[:80]!r}"
        )
    try:
        published = date.fromisoformat(match["date"])
    except ValueError:
        raise ArticleFormatError(f"{origin}:1: {match['date']} is not a calendar date") from None
    text = body.strip("\n")
    if not text.strip():
        raise ArticleFormatError(f"{origin}: the article body is empty")
    return Article(
        id=article_id,
        text=text,
        published=published,
        lang=detect(text),
        author=match["author"],
    )


def parse_json_lines(raw: str, origin: str) -> Iterator[Article]:
    """JSON Lines, one article per non-blank line."""
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        yield article_from_mapping(_json_value(line, where), where=where)


def parse_json(raw: str, origin: str) -> Iterator[Article]:
    """A JSON document holding one article object or a list of them."""
    data = _json_value(raw, origin, name_the_line=True)
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        yield article_from_mapping(item, where=f"{origin}[{index}]" if len(items) > 1 else origin)


def parse_feed(raw: str, origin: str) -> Iterator[Article]:
    """RSS 2.0 or Atom, each item with its language detected."""
    for article in read_feed(raw, origin):
        yield replace(article, lang=detect(article.text))


def read_path(path: Path) -> Iterator[Article]:
    """Read every article in one file, choosing the reader by extension."""
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise ArticleFormatError(
            f"{path}: unsupported file type '{suffix}' (expected one of "
            f"{', '.join(ARTICLE_SUFFIXES)})"
        )
    raw = _read_text(path)
    if suffix == ".txt":
        yield parse_seed_text(raw, path.stem, str(path))
    elif suffix == ".jsonl":
        yield from parse_json_lines(raw, str(path))
    elif suffix == ".json":
        yield from parse_json(raw, str(path))
    else:
        yield from parse_feed(raw, str(path))


def read_stream(raw: str, origin: str = "<stdin>") -> Iterator[Article]:
    """Articles piped in, their format recognised from the content itself.

    A feed starts with ``<``; a JSON document parses whole; otherwise lines of JSON;
    a seed-format text gets the id ``stdin-`` plus a digest of its content.
    """
    stripped = raw.lstrip()
    if looks_like_feed(stripped):
        yield from parse_feed(raw, origin)
    elif stripped.startswith(("{", "[")):
        try:
            json.loads(raw)
        except (ValueError, RecursionError):
            yield from parse_json_lines(raw, origin)
        else:
            yield from parse_json(raw, origin)
    else:
        digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]
        yield parse_seed_text(raw, f"stdin-{digest}", origin)


def article_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders (recursively, in name order) into the article files they hold."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
        elif path.exists():
            yield path
        else:
            raise ArticleFormatError(f"{path}: no such file or folder")


def read_paths(paths: Iterable[Path]) -> Iterator[Article]:
    """Read every article under the given files and folders."""
    for path in article_files(paths):
        yield from read_path(path)


def _json_value(raw: str, where: str, *, name_the_line: bool = False) -> Any:
    """``json.loads``, with every way it fails (not only JSONDecodeError) refused."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        line = f":{exc.lineno}" if name_the_line else ""
        raise ArticleFormatError(f"{where}{line}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ArticleFormatError(f"{where}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # an integer with more digits than Python converts
        raise ArticleFormatError(f"{where}: not valid JSON ({exc})") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleFormatError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ArticleFormatError(f"{path}: cannot be read ({exc.strerror})") from None
