"""``newsline publish``: the upstream feed tool — files, folders, feeds or stdin to Kafka."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from newsline.broker.admin import ensure_topics
from newsline.cli.context import say, settings
from newsline.domain.article import Article
from newsline.errors import ArticleFormatError
from newsline.ingest import Rejected, encode_article, parse_article
from newsline.publishing import Outgoing, publish_articles
from newsline.readers import article_files, read_path, read_stream
from newsline.topics import articles_topic, topic_specs

PROGRESS_EVERY_SECONDS = 2.0
# A refusal is one line whatever the input: control characters (a newline in a file
# name, an escape sequence in a record) are shown escaped, never written raw.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def register(app: typer.Typer) -> None:
    app.command("publish")(publish)


def publish(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders (searched recursively): seed .txt, .json, .jsonl, RSS 2.0 "
            "or Atom (.xml, .rss, .atom). '-' reads standard input (format recognised).",
            show_default=False,
        ),
    ],
    validate: Annotated[
        bool,
        typer.Option(
            "--validate/--no-validate",
            help="Refuse articles the worker would dead-letter (no date, bad fields). "
            "--no-validate sends them anyway, e.g. to exercise the dead-letter topic.",
        ),
    ] = True,
) -> None:
    """Publish articles to the articles topic (idempotent producer, acks=all).

    Each bad file or record is reported on its own line and skipped; the rest is sent,
    and the exit code is 1 if anything was refused. Examples:

      newsline publish seeds/
      newsline publish feeds/lemonde.xml wire/*.jsonl
      cat today.jsonl | newsline publish -
    """
    if publish_paths(paths, validate):
        raise typer.Exit(1)


def publish_paths(paths: list[str], validate: bool) -> int:
    """Publish everything readable under ``paths``; report and return the refused count."""
    config = settings()
    # Sending to a missing topic would let the broker create it with its defaults
    # (wrong partition count, finite retention); create ours first, idempotently.
    ensure_topics(config.bootstrap_servers, topic_specs(config.topic_prefix), config.partitions)
    topic = articles_topic(config.topic_prefix)
    tally = _Tally()
    progress = _Progress()
    sent = publish_articles(
        config.bootstrap_servers,
        topic,
        _checked(_articles(paths, tally), validate, config.max_article_bytes, tally),
        on_sent=progress.tick,
        on_too_large=lambda article_id, why: tally.refuse(f"article {article_id!r}: {why}"),
    )
    say(
        f"published {sent} article(s) to {topic} from {tally.files} input(s) "
        f"in {progress.elapsed():.1f} s; refused: {tally.refused}"
    )
    return tally.refused


class _Tally:
    def __init__(self) -> None:
        self.files = 0
        self.refused = 0

    def refuse(self, message: str) -> None:
        self.refused += 1
        shown = _CONTROL.sub(lambda m: repr(m.group())[1:-1], message)
        say(f"refused: {shown.encode('utf-8', 'backslashreplace').decode('utf-8')}")


class _Progress:
    """A line every few seconds on large inputs: count and rate."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.last = self.started
        self.count = 0

    def tick(self, _message: Outgoing) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            say(f"... {self.count:,} sent ({self.count / (now - self.started):,.0f}/s)")

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def _articles(paths: list[str], tally: _Tally) -> Iterator[Article]:
    """Every readable article; each unreadable file or path is refused and skipped."""
    for given in paths:
        if given == "-":
            tally.files += 1
            yield from _guarded(lambda: read_stream(_standard_input()), tally)
            continue
        try:
            files = list(article_files([Path(given)]))
        except ArticleFormatError as exc:
            tally.refuse(str(exc))
            continue
        for path in files:
            tally.files += 1
            yield from _guarded(lambda path=path: read_path(path), tally)


def _standard_input() -> str:
    """All of stdin, decoded strictly: undecodable bytes are refused, not smuggled on
    as lone surrogates (what the text layer makes of them under a C locale)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise ArticleFormatError("<stdin>: no standard input to read")
    raw = stream.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleFormatError(f"<stdin>: not UTF-8 text (byte {exc.start})") from None


def _guarded(read, tally: _Tally) -> Iterator[Article]:
    """Yield what a reader gives until it fails; its failure refuses the rest of the file."""
    try:
        yield from read()
    except ArticleFormatError as exc:
        tally.refuse(str(exc))


def _checked(
    articles: Iterator[Article], validate: bool, max_bytes: int, tally: _Tally
) -> Iterator[Article]:
    """Apply the ingest agent's own checks, so what is sent will not be dead-lettered."""
    for article in articles:
        if validate:
            try:
                parse_article(encode_article(article), max_bytes)
            except Rejected as exc:
                tally.refuse(f"article {article.id!r}: {exc.reason} [{exc.code}]")
                continue
        yield article
