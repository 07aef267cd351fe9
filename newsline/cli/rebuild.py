"""``newsline rebuild``: fold the event topics again into a fresh store and swap it in."""

from __future__ import annotations

from typing import Annotated

import typer

from newsline.broker.connect import ensure_broker
from newsline.cli.context import say, settings
from newsline.operations.rebuild import rebuild


def register(app: typer.Typer) -> None:
    """Add ``rebuild`` to the console facade."""
    app.command(
        "rebuild",
        epilog=(
            "Examples:\n\n"
            "  newsline worker  # stop it first (Ctrl-C): the store is replaced\n\n"
            "  newsline rebuild\n\n"
            "  newsline rebuild --into postgresql://newsline@db/newsline   # a new home\n\n"
            "The store is $NEWSLINE_DATABASE_URL (default: sqlite:///$NEWSLINE_HOME/newsline.db)."
        ),
    )(rebuild_command)


def rebuild_command(
    into: Annotated[
        str | None,
        typer.Option(
            "--into",
            metavar="URL",
            help="Rebuild this database instead of $NEWSLINE_DATABASE_URL (its store "
            "tables are replaced; the worker may keep running).",
        ),
    ] = None,
) -> None:
    """Rebuild the timeline store from the event topics, then swap it in atomically.

    Reads every event topic and the extraction records from offset 0 up to where
    they ended when the rebuild started, folds them into a new SQLite file beside the
    store (or a new PostgreSQL schema), and replaces the store with it in one step:
    readers see the old store or the new one, never a half-built one, and a failed
    rebuild changes nothing. The worker must be stopped when the configured store is
    rebuilt; the rebuild refuses while the worker's consumer group has a live member.
    """
    config = settings()
    ensure_broker(config)

    def progress(read: int, total: int, seconds: float) -> None:
        say(f"rebuild: {read:,}/{total:,} messages read, {read / seconds:,.0f} messages/s")

    def phase(what: str) -> None:
        say(f"rebuild: {what} ...")

    report = rebuild(config, into, progress, phase)
    skipped = f", {report.skipped:,} malformed skipped" if report.skipped else ""
    say(
        f"rebuilt {report.target}: {report.read:,} messages read from {report.partitions} "
        f"partitions{skipped}, {report.events:,} events in the store, "
        f"{report.seconds:.1f} s, {report.rate:,.0f} messages/s"
    )
