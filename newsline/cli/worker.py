"""``newsline worker``: run the streaming agents until Ctrl-C or SIGTERM."""

from __future__ import annotations

from typing import Annotated

import typer

from newsline.broker.admin import ensure_topics
from newsline.broker.connect import ensure_broker
from newsline.cli.context import say, settings
from newsline.topics import topic_specs

LOG_LEVELS = ("crit", "error", "warn", "info", "debug")


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def worker(
    loglevel: Annotated[
        str, typer.Option("--loglevel", "-l", help=f"One of {', '.join(LOG_LEVELS)}.")
    ] = "warn",
) -> None:
    """Run the Faust agents: ingest, extract and timeline (consumer group <prefix>worker).

    Reads the articles topic, dead-letters what cannot be processed, publishes events
    on the typed topics and folds them into the store (NEWSLINE_DATABASE_URL). Stops
    cleanly on Ctrl-C or SIGTERM; a restart resumes where the store left off.
    """
    if loglevel not in LOG_LEVELS:
        raise typer.BadParameter(f"choose one of {', '.join(LOG_LEVELS)}", param_hint="--loglevel")
    from faust import Worker  # heavy import: only the worker pays for it

    from agents.app import build_worker

    config = settings()
    bootstrap = ensure_broker(config)
    ensure_topics(bootstrap, topic_specs(config.topic_prefix), config.partitions)
    app = build_worker(config)
    say(f"worker {app.conf.id}: broker {bootstrap}, store {_safe(config.database_url)}")
    Worker(app, loglevel=loglevel, quiet=True, redirect_stdouts=False).execute_from_commandline()


def _safe(url: str) -> str:
    """The database URL without its password, for logs."""
    from newsline.redaction import masked_url

    return masked_url(url)
