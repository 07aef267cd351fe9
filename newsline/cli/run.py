"""``newsline run``: the main job, end to end on local files with the embedded defaults.

It starts (or finds) the broker, makes sure the topics exist, reads the articles under
the given paths, and publishes them to the ``articles`` topic. A file that cannot be
read is reported and skipped; the rest still goes through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsline.broker import jars
from newsline.broker.admin import ensure_topics
from newsline.broker.connect import ensure_broker
from newsline.cli.context import say, settings
from newsline.domain.article import Article
from newsline.errors import ArticleFormatError
from newsline.publishing import publish_articles
from newsline.readers import article_files, read_path
from newsline.topics import articles_topic, topic_specs


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Article files or folders (.txt seed format, .json, .jsonl). Default: seeds/",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the pipeline on local article files: broker, topics, publish.

    With no arguments it reads seeds/. The local broker is started if needed (set
    KAFKA_BOOTSTRAP_SERVERS to use another cluster).
    """
    config = settings()
    if config.uses_local_broker and not jars.is_fetched(config.kafka_cache):
        say(f"fetching Apache Kafka {jars.kafka_version()} from Maven Central (once) ...")
    bootstrap = ensure_broker(config)
    say(f"broker: {bootstrap}")
    states = ensure_topics(bootstrap, topic_specs(config.topic_prefix), config.partitions)
    created = [state.name for state in states if state.created]
    say(f"topics: {len(states)} ready" + (f" ({len(created)} created)" if created else ""))

    articles, failures = _read_all(paths or [Path("seeds")])
    topic = articles_topic(config.topic_prefix)
    sent = publish_articles(bootstrap, topic, articles)
    say(f"published {sent} article(s) to {topic}; {failures} file(s) could not be read")
    for article in articles:
        typer.echo(f"{article.id}\t{article.published or 'undated'}\t{len(article.text)} chars")


def _read_all(paths: list[Path]) -> tuple[list[Article], int]:
    """Every readable article; unreadable files are reported on stderr and counted."""
    articles: list[Article] = []
    failures = 0
    for root in paths:
        try:
            for path in article_files([root]):
                try:
                    articles.extend(read_path(path))
                except ArticleFormatError as exc:
                    say(f"skipped: {exc}")
                    failures += 1
        except ArticleFormatError as exc:  # the path itself is missing
            say(f"skipped: {exc}")
            failures += 1
    return articles, failures
