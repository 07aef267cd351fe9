"""``newsline reprocess``: replay the articles topic through the current extractor."""

from __future__ import annotations

import typer

from newsline.broker.connect import ensure_broker
from newsline.cli.context import say, settings
from newsline.operations.reprocess import reprocess


def register(app: typer.Typer) -> None:
    """Add ``reprocess`` to the console facade."""
    app.command(
        "reprocess",
        epilog=(
            "Examples:\n\n"
            "  newsline reprocess            # after upgrading newsline's extractor\n\n"
            "  newsline reprocess && newsline timeline Belarus\n\n"
            "The worker folds the new event messages into the store as usual (or stop it "
            "and run `newsline rebuild`)."
        ),
    )(reprocess_command)


def reprocess_command() -> None:
    """Run every article in the log through the current extractor and publish its events.

    Reads the articles topic from offset 0 up to where it ended at the start, applies
    the ingest agent's checks (refused and repeated articles are skipped), extracts,
    and publishes one message per event on its typed topic, keyed by event id, as the
    extract agent does. Nothing is deleted from the log: the new messages carry the
    current extractor version, and newer versions supersede older ones in the views.
    """
    config = settings()
    ensure_broker(config)

    def progress(read: int, total: int, seconds: float) -> None:
        say(f"reprocess: {read:,}/{total:,} articles read, {read / seconds:,.0f} articles/s")

    report = reprocess(config, progress)
    per_type = ", ".join(f"{kind} {count:,}" for kind, count in sorted(report.published.items()))
    say(
        f"reprocessed {report.extracted:,} of {report.read:,} article messages with "
        f"{report.extractor} in {report.seconds:.1f} s: {report.messages:,} event messages "
        f"published ({per_type or 'none'}); skipped {report.duplicates:,} repeated, "
        f"{report.refused:,} refused, {report.failed:,} failed extraction"
    )
