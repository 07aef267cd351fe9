"""``newsline subscribe``: event messages on stdout, one JSON line each, as they arrive.

Ctrl-C and SIGTERM end it cleanly (exit 0, the consumer closed): a tail is meant to
be stopped. A closed pipe (``| head -1``) ends it quietly too.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Annotated

import typer

from newsline.cli.context import say, settings
from newsline.cli.store_io import choices
from newsline.operations.subscribe import EventTail, event_topics
from newsline.store import country_names
from newsline.topics import EVENT_TYPES


def register(app: typer.Typer) -> None:
    """Add ``subscribe`` to the console facade."""
    app.command(
        "subscribe",
        epilog=(
            "Examples:\n\n"
            "  newsline subscribe --type sanctions                 # new sanctions events\n\n"
            "  newsline subscribe --type sanctions --country Iran --from-beginning\n\n"
            "  newsline subscribe --from-beginning --max 100 --timeout 10 > events.jsonl\n\n"
            "Each line is an event message exactly as on the topic (schemas/event.v1.json)."
        ),
    )(subscribe_command)


def subscribe_command(
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="meeting, agreement, sanctions or military (repeat or a,b). Default: all.",
        ),
    ] = None,
    countries: Annotated[
        list[str] | None,
        typer.Option(
            "--country",
            metavar="COUNTRY",
            help="Only events this country takes part in: ISO-3, ISO-2 or an English or "
            "French name (repeat for any of several).",
        ),
    ] = None,
    from_beginning: Annotated[
        bool,
        typer.Option(
            "--from-beginning", help="Start at the oldest event, not at the end (new ones only)."
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option("--max", metavar="N", min=1, help="Stop after N matching events."),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", metavar="SECONDS", min=0, help="Stop after this many seconds."),
    ] = None,
) -> None:
    """Tail the event topics: each event message as one JSON line on stdout.

    Starts at the end of the topics (only events published from now on) unless
    --from-beginning is given. Runs until Ctrl-C, --max events or --timeout seconds.
    It reads without a consumer group, so it commits nothing and takes no work from
    the worker or another subscriber.
    """
    kinds = choices(types or [], EVENT_TYPES, "--type") or list(EVENT_TYPES)
    codes = {country_names.resolve(c) for value in countries or [] for c in value.split(",")}
    config = settings()
    topics = event_topics(config.topic_prefix, dict.fromkeys(kinds))
    stop = {"now": False}

    def on_signal(_signum: int, _frame: object) -> None:
        stop["now"] = True

    previous = signal.signal(signal.SIGTERM, on_signal)
    count = 0
    try:
        with EventTail(config.bootstrap_servers, topics, from_beginning) as tail:
            start = "the beginning" if from_beginning else "the end (new events only)"
            say(f"subscribed to {', '.join(topics)} from {start}")
            for event in tail.events(
                countries=codes,
                limit=limit,
                timeout_s=timeout,
                stopped=lambda: stop["now"],
                on_skipped=lambda why: say(f"skipped: {why}"),
            ):
                sys.stdout.write(event.line + "\n")
                sys.stdout.flush()
                count += 1
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:  # the reader went away (e.g. `| head -1`): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return
    finally:
        signal.signal(signal.SIGTERM, previous)
    say(f"{count} event{'' if count == 1 else 's'}")
