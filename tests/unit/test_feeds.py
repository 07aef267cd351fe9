"""RSS 2.0 and Atom feeds become articles with plain text and their dates."""

from __future__ import annotations

from datetime import date

import pytest

from newsline.errors import ArticleFormatError
from newsline.feeds import html_to_text
from newsline.readers import read_stream

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Le Monde - International</title>
<item>
  <title>Loukachenko reçoit Pezeshkian</title>
  <link>https://example.org/a/1</link>
  <guid>lemonde-1</guid>
  <pubDate>Wed, 20 Aug 2025 14:02:00 +0200</pubDate>
  <dc:creator>AFP</dc:creator>
  <description>&lt;p&gt;Le pr&amp;eacute;sident iranien &lt;b&gt;Massoud Pezeshkian&lt;/b&gt; est &amp;agrave; Minsk.&lt;/p&gt;&lt;p&gt;Deuxi&amp;egrave;me paragraphe.&lt;/p&gt;</description>
</item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry>
  <id>urn:wire:42</id><title>EU extends sanctions on Russia</title>
  <link rel="alternate" href="https://example.org/42"/>
  <published>2024-06-24T09:30:00Z</published>
  <author><name>Jane Doe</name></author>
  <content type="html">&lt;p&gt;The European Union extended its sanctions on Russia.&lt;/p&gt;</content>
</entry></feed>"""


def test_rss_item() -> None:
    (article,) = read_stream(RSS, "feed.xml")

    assert article.id == "lemonde-1"
    assert article.published == date(2025, 8, 20)
    assert article.source == "Le Monde - International"
    assert article.author == "AFP"
    assert article.url == "https://example.org/a/1"
    assert article.lang == "fr"
    assert article.text == (
        "Loukachenko reçoit Pezeshkian\n\n"
        "Le président iranien Massoud Pezeshkian est à Minsk.\n\nDeuxième paragraphe."
    )


def test_atom_entry() -> None:
    (article,) = read_stream(ATOM)

    assert (article.id, article.published, article.author) == (
        "urn:wire:42",
        date(2024, 6, 24),
        "Jane Doe",
    )
    assert article.text.endswith("The European Union extended its sanctions on Russia.")
    assert article.lang == "en"


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        ("<rss><channel><item>", "not well-formed XML"),
        ("<?xml version='1.0'?><html/>", "neither RSS 2.0"),
        (RSS.replace("Wed, 20 Aug 2025 14:02:00 +0200", "yesterday"), "is not an RFC 822 date"),
        (RSS.replace("<description>", "<description>&lt;br/&gt;").split("<description>")[0]
         + "</item></channel></rss>", "no text"),
    ],
)  # fmt: skip
def test_bad_feeds_are_refused_with_the_reason(feed: str, message: str) -> None:
    with pytest.raises(ArticleFormatError, match=message):
        list(read_stream(feed, "feed.xml"))


def test_entities_are_not_expanded_beyond_reason() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
        '<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">'
        "]><rss><channel><item><description>&g;</description></item></channel></rss>"
    )
    with pytest.raises(ArticleFormatError):
        list(read_stream(bomb))


def test_html_to_text_keeps_paragraphs_and_decodes_entities() -> None:
    assert html_to_text("<div>A&nbsp;b</div><br>c &amp; d<script></script>") == "A\xa0b\n\nc & d"


def test_stdin_recognises_json_lines_and_seed_text() -> None:
    lines = '{"id": "x", "text": "Hello there.", "published": "2020-01-01"}\n' * 2
    assert [a.id for a in read_stream(lines)] == ["x", "x"]

    (seed,) = read_stream(" date 2025-08-20 par X\n\nLa Biélorussie et l'Iran.")
    assert seed.id.startswith("stdin-")
    assert seed.published == date(2025, 8, 20)
