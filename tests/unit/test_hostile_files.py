"""Hostile files and stdin for ``newsline publish``: articles, or one clear refusal.

The readers (seed text, JSON, JSON Lines, RSS/Atom, stdin) either give articles that
can be sent as UTF-8, or raise ArticleFormatError, whose message the CLI prints as
one line; never another exception, and never minutes of work on a small input. The
fixed cases are the crashes and slow paths these properties found, one test each.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsline.errors import ArticleFormatError
from newsline.feeds import html_to_text, read_feed
from newsline.ingest import encode_article
from newsline.readers import ARTICLE_SUFFIXES, read_path, read_stream

from .hostile_support import article_objects, encoded, hostile_text, junk_text, mutated, prose

ON_TMP_PATH = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def read_or_refuse(read) -> list:
    """Run a reader to the end: articles that can be sent, or ArticleFormatError."""
    try:
        articles = list(read())
    except ArticleFormatError as exc:
        assert str(exc) and len(str(exc)) < 2_000
        return []
    for article in articles:
        encode_article(article)
        article.id.encode("utf-8")
        assert article.text
    return articles


file_contents = st.one_of(
    st.binary(max_size=500),
    hostile_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
    article_objects.flatmap(encoded),
    article_objects.flatmap(encoded).flatmap(mutated),
    st.lists(article_objects.flatmap(encoded), max_size=4).map(b"\n".join),
    junk_text.map(lambda text: f" date 2025-08-20 par {text}\n\n{text}".encode("utf-8", "replace")),
)


@ON_TMP_PATH
@given(content=file_contents, suffix=st.sampled_from(ARTICLE_SUFFIXES))
def test_any_file_is_read_or_refused(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(content)

    read_or_refuse(lambda: read_path(path))


@settings(max_examples=200, deadline=None)
@given(file_contents.map(lambda raw: raw.decode("utf-8", "replace")))
def test_anything_on_stdin_is_read_or_refused(text: str) -> None:
    read_or_refuse(lambda: read_stream(text))


def xml_text(raw: str) -> str:
    """Text as a feed generator would write it: escaped, with characters XML forbids."""
    return escape(raw)


NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
GOOD_DATE = "Wed, 20 Aug 2025 14:02:00 +0200"
ISO_DATES = {GOOD_DATE: "2025-08-20T14:02:00+02:00"}  # what Atom writes instead
ODD_DATES = [
    "Mon, 24 Jun 99999999999999999999 09:30 +0000", "Wed, 20 Aug 2025 14:02:00 +9999",
    "2025-08-20T10:00:00Z", "yesterday", "",
]  # fmt: skip
markup = st.text(st.sampled_from("<>/!-?'\"=&#;[] apbr"), max_size=200)
rss_items = st.fixed_dictionaries(
    {
        "guid": junk_text.map(xml_text),
        "title": hostile_text.map(xml_text),
        "pubDate": st.one_of(
            st.just(GOOD_DATE), st.just(GOOD_DATE), st.sampled_from(ODD_DATES), junk_text
        ).map(xml_text),
        "description": st.one_of(prose, prose, markup, hostile_text)
        .filter(str.strip)
        .map(xml_text),
    }
)


@settings(max_examples=150, deadline=None)
@given(items=st.lists(rss_items, max_size=3), atom=st.booleans(), careful=st.booleans())
def test_any_feed_is_read_or_refused(items: list[dict], atom: bool, careful: bool) -> None:
    if atom:
        entries = "".join(
            f"<entry><id>{i['guid']}</id><title>{i['title']}</title>"
            f"<published>{ISO_DATES.get(i['pubDate'], i['pubDate'])}</published>"
            f"<content>{i['description']}</content></entry>"
            for i in items
        )
        feed = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title>{entries}</feed>'
    else:
        entries = "".join(
            "<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in i.items()) + "</item>" for i in items
        )
        feed = f"<rss><channel><title>W</title>{entries}</channel></rss>"

    if careful:  # a generator that drops the characters XML 1.0 forbids
        feed = NOT_IN_XML.sub("", feed)
    # Files and stdin are decoded strictly: no lone surrogate reaches the feed reader.
    decoded = feed.encode("utf-8", "replace").decode("utf-8")
    read_or_refuse(lambda: read_feed(decoded, "feed.xml"))


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.sampled_from("<>/!-?'\"=&#;[]\n ap"), st.characters()), max_size=400))
def test_any_markup_becomes_text(markup: str) -> None:
    assert isinstance(html_to_text(markup), str)


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


@pytest.mark.parametrize(
    "markup",
    [
        "<a " * 20_000,  # bug: html.parser took 67 s (quadratic on unclosed tags)
        "<a b='" * 20_000,  # bug: 46 s
        "<!--" * 20_000,  # bug: 4 s
        "<![" * 20_000,  # bug: AssertionError from html.parser
        "<p>" + "&#" * 20_000 + "<script>" + "</scrip" * 20_000,
    ],
)
def test_hostile_markup_is_reduced_quickly(markup: str) -> None:
    assert timed(html_to_text, markup) < 2


def test_markup_becomes_prose_without_comments_styles_or_scripts() -> None:
    markup = (
        '<p class="lead">Le pr&eacute;sident <b>iranien</b> est <a href="/x?a=1&amp;b=2" '
        'title="a > b">&agrave; Minsk</a>.</p><!-- pub --><ul><li>Un</li><li>Deux</li></ul>'
        "<style>p { color: red }</style>3 &lt; 4<br/>fin<script>alert(1)</script>"
    )

    assert html_to_text(markup) == (
        "Le président iranien est à Minsk.\n\nUn\n\nDeux\n\n3 < 4\n\nfin"
    )


def test_a_twenty_digit_year_in_pubdate_is_refused() -> None:
    # bug: OverflowError escaped from email.utils
    feed = (
        "<rss><channel><item><pubDate>Mon, 24 Jun 99999999999999999999 09:30:00 +0000</pubDate>"
        "<description>Texte.</description></item></channel></rss>"
    )

    with pytest.raises(ArticleFormatError, match="is not an RFC 822 date"):
        list(read_feed(feed, "feed.xml"))


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + "x" * 50_000 + '">]><rss><channel>'
         "<item><description>" + "&a;" * 50_000 + "</description></item></channel></rss>",
         "limit on input amplification factor"),
        ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss>'
         "<channel><item><description>&e;</description></item></channel></rss>",
         "undefined entity"),
        ("<rss><channel>" + "<x>" * 100_000 + "</x>" * 100_000 + "</channel></rss>" + "\x00",
         "not well-formed"),
    ],
)  # fmt: skip
def test_xml_bombs_and_external_entities_are_refused(feed: str, message: str) -> None:
    with pytest.raises(ArticleFormatError, match=message):
        list(read_stream(feed))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # bug: ValueError (month must be in 1..12) escaped from the seed reader
        (" date 2025-99-99 par X\n\nTexte.", "<stdin>:1: 2025-99-99 is not a calendar date"),
        # bug: RecursionError escaped from json.loads
        ("[" * 100_000, "<stdin>:1: not valid JSON (nested too deeply)"),
        ('{"a": ' * 100_000, "<stdin>:1: not valid JSON (nested too deeply)"),
        # bug: ValueError (int of more than 4,300 digits) escaped from json.loads
        ('{"id": ' + "1" * 5_000 + "}", "<stdin>:1: not valid JSON (Exceeds the limit"),
        # bug: accepted, then crashed publish's UTF-8 encoding
        ('{"id": "a\\ud800", "text": "t", "published": "2025-08-20"}',
         "<stdin>: field 'id' holds a lone surrogate (\\ud800), which is not Unicode text"),
        ('{"id": "a", "text": "t", "published": ' + "[" * 900 + "]" * 900 + "}",
         "<stdin>: 'published' must be an ISO 8601 date string, not [[[...]]]"),
    ],
)  # fmt: skip
def test_hostile_stdin_is_refused_with_the_reason(content: str, message: str) -> None:
    with pytest.raises(ArticleFormatError) as caught:
        list(read_stream(content))

    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_hostile_json_files_are_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * 100_000)

    with pytest.raises(ArticleFormatError, match="not valid JSON \\(nested too deeply\\)"):
        list(read_path(path))


def test_a_long_byline_is_read_in_linear_time() -> None:
    # bug: the header's lazy byline before \s*$ took 9 s on 60,000 spaces
    header = " date 2025-08-20 par X" + " " * 60_000 + "Y\n\nTexte."

    assert (
        timed(
            lambda: list(read_stream(header)),
        )
        < 1
    )
    (article,) = read_stream(header)
    assert article.author == "X" + " " * 60_000 + "Y"


def test_json_values_are_quoted_briefly() -> None:
    line = json.dumps({"id": "a", "text": "t", "published": "x" * 100_000})

    with pytest.raises(ArticleFormatError) as caught:
        list(read_stream(line))

    assert len(str(caught.value)) < 200
