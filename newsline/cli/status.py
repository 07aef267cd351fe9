"""``newsline status``: one look at the whole pipeline, with an exit code monitors can use.

Exit 0 when the broker and the store both answer, 1 otherwise (the report still shows
whatever could be measured, then one ``error [...]`` line says what is down). Lag and
pending messages are information, not failures. The figures and the reconciliation
are computed in ``newsline.operations.status``; this module only prints them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from newsline.cli.context import examples, settings
from newsline.cli.store_io import aligned, echo_lines, format_option, pick_format, write_json
from newsline.errors import BrokerUnavailable, StoreUnavailable
from newsline.operations.status import Reconciliation, Status, collect

FORMATS = ("table", "json")


def register(app: typer.Typer) -> None:
    """Add ``status`` to the console facade."""
    app.command(
        "status",
        epilog=examples(
            "newsline status",
            "newsline status --format json | jq .reconciliation",
            "newsline status > /dev/null || alert 'newsline is down'   # exit 1 when unhealthy",
        ),
    )(status_command)


def status_command(
    fmt: Annotated[str, format_option(FORMATS, json="one object")] = "table",
) -> None:
    """Broker, topics, worker lag, dead letters, store and the article count reconciled.

    Shows the broker's address and whether it answers; each project topic's partitions
    and end offsets; the worker's consumer-group lag per agent and partition (ingest on
    articles, extract on articles.valid) and the timeline projection's stored offsets
    against the event topics; dead letters per agent; the store's counts; and the
    reconciliation: articles published = valid + dead-lettered + duplicates skipped +
    pending, so you can see nothing was lost. Exit 1 when the broker or the store does
    not answer; lag alone never fails.
    """
    fmt = pick_format(fmt, FORMATS)
    status = collect(settings())
    if fmt == "json":
        write_json(status.to_dict())
    else:
        print_status(status)
    if status.broker_error:
        raise BrokerUnavailable("; ".join(status.problems))
    if status.problems:
        raise StoreUnavailable("; ".join(status.problems))


def print_status(status: Status) -> None:
    echo = typer.echo
    echo(f"newsline status: {'healthy' if status.healthy else 'UNHEALTHY'}")
    if status.broker_error:
        echo(f"broker    {status.bootstrap}: UNREACHABLE")
    else:
        members = status.worker_members
        worker = (
            "worker group not described"
            if members is None
            else f"worker running ({len(members)} member{'' if len(members) == 1 else 's'})"
            if members
            else "no worker running"
        )
        plural = "" if status.brokers == 1 else "s"
        echo(f"broker    {status.bootstrap}: reachable, {status.brokers} broker{plural}; {worker}")
    store = status.store
    if store is not None:
        if store.error:
            echo(f"store     {store.url}: UNREACHABLE")
        else:
            counts = ", ".join(f"{name} {n}" for name, n in store.counts.items())
            echo(f"store     {store.url}: {counts}")
    if status.topics:
        echo("")
        rows = [("topic", "partitions", "end offsets", "messages")]
        for topic in status.topics:
            if topic.end_offsets is None:
                rows.append((topic.name, "-", "missing (newsline topics create)", "-"))
                continue
            ends = " ".join(str(n) for _, n in sorted(topic.end_offsets.items()))
            rows.append((topic.name, str(len(topic.end_offsets)), ends, str(topic.messages)))
        echo_lines(aligned(rows, right=(1, 3)))
    if status.lags:
        echo("")
        rows = [("consumer", "topic", "partition", "done", "end", "lag")]
        for lag in status.lags:
            rows.append(
                (lag.agent, lag.topic, str(lag.partition), str(lag.done), str(lag.end),
                 str(lag.lag))
            )  # fmt: skip
        echo_lines(aligned(rows, right=(2, 3, 4, 5)))
        echo("(ingest, extract: the worker's committed offsets; timeline: the store's positions)")
    if not status.broker_error:
        echo("")
        letters = status.dead_letters
        detail = ", ".join(f"{agent} {n}" for agent, n in sorted(letters.items()))
        echo(f"dead letters  {sum(letters.values())}" + (f" ({detail})" if detail else ""))
    if status.reconciliation is not None:
        echo("")
        echo_lines(reconciliation_lines(status.reconciliation))
    for note in status.notes:
        echo(f"note: {note}")


def reconciliation_lines(r: Reconciliation) -> list[str]:
    """The count of articles, stage by stage, as equations that must add up."""
    remainder = (
        f"+ duplicates skipped {r.duplicates}"
        if r.duplicates >= 0
        else f"- extra in articles.valid {-r.duplicates}"
    )
    lines = [
        "reconciliation",
        f"  articles  published {r.published} = valid {r.valid} + dead-lettered {r.dead_letters}"
        f" {remainder} + pending {r.pending}",
        f"  extract   valid {r.extract_input} = extracted {r.extracted} + dead-lettered "
        f"{r.extract_dead_letters} + pending {r.extract_pending}",
        f"  timeline  events {r.events_published} = folded {r.events_published - r.events_pending}"
        f" + pending {r.events_pending} (dead-lettered by the timeline: {r.timeline_dead_letters})",
    ]
    if r.duplicates < 0:
        lines.append(
            f"  articles.valid holds {-r.duplicates} more than ingest sent once per article: "
            "replayed extract dead letters, re-sends after a restart, or commits in flight"
        )
    elif r.settled:
        lines.append("  all accounted for: every published article is valid, dead-lettered "
                     "or a duplicate, and nothing is pending")  # fmt: skip
    else:
        lines.append("  messages pending: the worker has not processed everything yet")
    return lines
