"""``newsline extract PATH...``: run the engine over article files, print the events.

One JSON line per article (``{"id", "lang", "published", "events"}``) is the format
``../shared/eval/score.py`` reads as is; ``--format table`` is for a human skimming.
This module only translates: reading is ``newsline.readers``, extraction is
``newsline.extraction``; their NewslineErrors reach the facade, which prints one line
and exits 1.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from newsline.extraction import default_extractor
from newsline.readers import read_paths


class OutputFormat(StrEnum):
    """How ``extract`` prints its results."""

    jsonl = "jsonl"
    table = "table"


def register(app: typer.Typer) -> None:
    """Add the ``extract`` command to the console facade."""
    app.command("extract")(extract_command)


def extract_command(
    paths: list[Path] = typer.Argument(  # noqa: B008 - typer declares options this way
        ..., help="Article files (.txt seed format, .jsonl, .json) or folders of them."
    ),
    output_format: OutputFormat = typer.Option(  # noqa: B008
        OutputFormat.jsonl,
        "--format",
        help="jsonl: one JSON line per article (score.py reads it); table: for reading.",
        envvar="NEWSLINE_EXTRACT_FORMAT",
    ),
) -> None:
    """Extract typed political events from articles. [env: NEWSLINE_EXTRACT_FORMAT]"""
    for article in read_paths(paths):
        engine = default_extractor()  # built on the first article: input errors come first
        lang = engine.language(article)
        events = engine.extract(article)
        if output_format is OutputFormat.jsonl:
            record = {
                "id": article.id,
                "lang": lang,
                "published": article.published.isoformat() if article.published else None,
                "events": [e.to_dict() for e in events],
            }
            typer.echo(json.dumps(record, ensure_ascii=False, sort_keys=False))
            continue
        typer.echo(f"{article.id} [{lang}] {len(events)} event(s)")
        for e in events:
            typer.echo(
                f"  {e.type + '/' + e.subtype:26s} {','.join(e.countries) or '-':16s} "
                f"{e.date or '-':10s} {e.confidence:.2f}  «{e.trigger}»"
            )
