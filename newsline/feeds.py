"""RSS 2.0 and Atom feeds as articles, for ``newsline publish``.

Feeds carry HTML in their descriptions; the text the engine sees is that HTML reduced
to plain text (tags, comments and scripts dropped, entities decoded, block elements as
paragraph breaks), so evidence offsets point into readable prose. The standard
library's expat parser does not resolve external entities and bounds entity expansion,
so a hostile feed cannot reach the network or blow up memory. The HTML is reduced in
one linear pass rather than by ``html.parser``, which takes quadratic time on unclosed
tags (CVE-2025-6069, fixed only in recent Python releases) and raises AssertionError on
some malformed declarations.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html import unescape

from newsline.domain.article import Article
from newsline.errors import ArticleFormatError

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "blockquote", "tr"}
# A tag or declaration: '<', a name (or !, ?, /), then anything up to the next '>' that
# does not start another tag; quoted attribute values may hold '>'. No match reaches
# past the next '<', so the pass stays linear on any input.
_TAG = re.compile(
    r"""<(?P<close>/?)(?P<name>[A-Za-z][^\s/<>]*)(?:[^<>"']|"[^"<]*"|'[^'<]*')*>"""
    r"|<[!?/][^<>]*>"
)
_HIDDEN = re.compile(r"<(script|style)\b", re.IGNORECASE)  # code, not prose


def looks_like_feed(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith("<?xml") or head.startswith("<rss") or head.startswith("<feed")


def read_feed(text: str, origin: str) -> Iterator[Article]:
    """Every item (RSS) or entry (Atom) of the feed as an Article."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ArticleFormatError(f"{origin}: not well-formed XML ({exc})") from None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise ArticleFormatError(f"{origin}: RSS without a <channel>")
        outlet = _text(channel.find("title"))
        for index, item in enumerate(channel.iter("item")):
            yield _rss_item(item, outlet, f"{origin} item {index + 1}")
    elif root.tag == f"{ATOM}feed":
        outlet = _text(root.find(f"{ATOM}title"))
        for index, entry in enumerate(root.iter(f"{ATOM}entry")):
            yield _atom_entry(entry, outlet, f"{origin} entry {index + 1}")
    else:
        raise ArticleFormatError(f"{origin}: neither RSS 2.0 (<rss>) nor Atom (<feed>)")


def _rss_item(item: ET.Element, outlet: str | None, where: str) -> Article:
    link = _text(item.find("link"))
    title = _text(item.find("title"))
    body = _text(item.find(CONTENT)) or _text(item.find("description"))
    return _article(
        where,
        identifier=_text(item.find("guid")) or link,
        title=title,
        body=body,
        published=_rfc822(_text(item.find("pubDate")), where),
        url=link,
        source=outlet,
        author=_text(item.find(DC_CREATOR)) or _text(item.find("author")),
    )


def _atom_entry(entry: ET.Element, outlet: str | None, where: str) -> Article:
    links = entry.findall(f"{ATOM}link")
    alternate = next((ln for ln in links if ln.get("rel", "alternate") == "alternate"), None)
    url = alternate.get("href") if alternate is not None else None
    stamp = _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated"))
    author = entry.find(f"{ATOM}author")
    return _article(
        where,
        identifier=_text(entry.find(f"{ATOM}id")) or url,
        title=_text(entry.find(f"{ATOM}title")),
        body=_text(entry.find(f"{ATOM}content")) or _text(entry.find(f"{ATOM}summary")),
        published=_iso(stamp, where),
        url=url,
        source=outlet,
        author=_text(author.find(f"{ATOM}name")) if author is not None else None,
    )


def _article(where: str, *, identifier, title, body, published, url, source, author) -> Article:
    text = html_to_text(body or "")
    if not text:
        raise ArticleFormatError(f"{where}: no text (empty description and content)")
    if not identifier:  # a feed without guid or link: derive a stable id from the content
        identifier = hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()[:16]
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return Article(
        id=identifier, text=text, published=published, title=title, url=url, source=source,
        author=author,
    )  # fmt: skip


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, paragraphs separated by a blank line."""
    visible = _without_hidden(_without_comments(markup))
    text = unescape(_TAG.sub(_tag_as_text, visible))
    paragraphs = (re.sub(r"[ \t\r\f\v\n]+", " ", p).strip() for p in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _tag_as_text(match: re.Match[str]) -> str:
    return "\n\n" if (match["name"] or "").lower() in _BLOCKS else ""


def _without_comments(markup: str) -> str:
    """Drop ``<!-- ... -->``; an unclosed comment hides the rest, as in a browser."""
    parts, at = [], 0
    while (opening := markup.find("<!--", at)) >= 0:
        parts.append(markup[at:opening])
        closing = markup.find("-->", opening + 4)
        if closing < 0:
            return "".join(parts)
        at = closing + 3
    parts.append(markup[at:])
    return "".join(parts)


def _without_hidden(markup: str) -> str:
    """Drop what ``<script>`` and ``<style>`` enclose (an unclosed one: the rest)."""
    lowered = markup.lower()
    parts, at = [], 0
    while found := _HIDDEN.search(markup, at):
        parts.append(markup[at : found.start()])
        closing = lowered.find(f"</{found[1].lower()}", found.end())
        if closing < 0:
            return "".join(parts)
        end = markup.find(">", closing)
        at = len(markup) if end < 0 else end + 1
    parts.append(markup[at:])
    return "".join(parts)


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _rfc822(value: str | None, where: str) -> date | None:
    if value is None:
        return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, OverflowError):  # Overflow: a year of twenty digits
        raise ArticleFormatError(f"{where}: pubDate {value!r} is not an RFC 822 date") from None


def _iso(value: str | None, where: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except (ValueError, OverflowError):
        raise ArticleFormatError(f"{where}: date {value!r} is not ISO 8601") from None
