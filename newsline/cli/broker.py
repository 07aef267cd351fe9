"""``newsline broker``: run Apache Kafka locally, with no Docker and no download by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from newsline.broker import jars
from newsline.broker.admin import probe
from newsline.broker.local import BrokerState, LocalBroker
from newsline.cli.context import say, settings
from newsline.errors import BrokerUnavailable

broker_app = typer.Typer(
    help=(
        "Run a local single-node Apache Kafka (KRaft) on 127.0.0.1.\n\n"
        "The jars come from Maven Central on first use (`mvn`, cached in "
        "$NEWSLINE_KAFKA_CACHE); data and the log live in $NEWSLINE_HOME/broker. "
        "When KAFKA_BOOTSTRAP_SERVERS is set, that cluster is used and nothing is started."
    ),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(broker_app, name="broker")


@broker_app.command()
def start() -> None:
    """Start the broker and wait until it answers (a running broker is left alone)."""
    config = settings()
    if not config.uses_local_broker:
        _report_external(config.bootstrap_servers)
        return
    broker = LocalBroker(config)
    if not jars.is_fetched(config.kafka_cache):
        say(f"fetching Apache Kafka {jars.kafka_version()} from Maven Central (once) ...")
    result = broker.start()
    state = result.state
    if result.already_running:
        say(f"broker already running at {state.bootstrap} (pid {state.pid}); nothing to do")
        return
    say(
        f"broker started at {state.bootstrap} (pid {state.pid}, Kafka {state.kafka_version}) "
        f"in {state.start_seconds:.1f} s"
        + (" including the jar download" if result.fetched_jars else " from the warm jar cache")
    )
    say(f"log: {state.log}")


@broker_app.command()
def stop() -> None:
    """Stop the broker; waits until its JVM has exited (nothing is left behind)."""
    config = settings()
    if not config.uses_local_broker:
        say("KAFKA_BOOTSTRAP_SERVERS is set: newsline did not start that cluster; not stopping it")
        return
    state = LocalBroker(config).stop()
    if state is None:
        say("no local broker is running")
    else:
        say(f"broker stopped (pid {state.pid} at {state.bootstrap})")


@broker_app.command()
def status() -> None:
    """Say whether the broker runs, where, since when and how long its start took.

    Exits 1 when no broker answers, so scripts and monitors can use it.
    """
    config = settings()
    if not config.uses_local_broker:
        _report_external(config.bootstrap_servers)
        return
    broker = LocalBroker(config)
    state = broker.state()
    if state is None:
        typer.echo(
            f"not running (would listen on {broker.bootstrap}; start: newsline broker start)"
        )
        raise typer.Exit(1)
    answers = probe(state.bootstrap) is not None
    typer.echo(_describe(state, answers))
    if not answers:
        raise typer.Exit(1)


@broker_app.command()
def fetch() -> None:
    """Fetch Apache Kafka's jars from Maven Central into the cache (start does this too)."""
    config = settings()
    cached = jars.is_fetched(config.kafka_cache)
    if not cached:
        say(f"fetching Apache Kafka {jars.kafka_version()} from Maven Central ...")
    libs = jars.fetch(config.kafka_cache)
    count = sum(1 for _ in libs.glob("*.jar"))
    say(f"{'already cached' if cached else 'fetched'}: {count} jars in {libs}")


@broker_app.command()
def reset(
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: every topic and message is deleted.")
    ] = False,
) -> None:
    """Delete the stopped local broker's data (all topics and messages)."""
    if not yes:
        say("this deletes every topic and message of the local broker; rerun with --yes")
        raise typer.Exit(1)
    LocalBroker(settings()).reset()
    say("local broker data deleted")


def _describe(state: BrokerState, answers: bool) -> str:
    started = datetime.fromisoformat(state.started_at)
    uptime = int((datetime.now(UTC) - started).total_seconds())
    health = "running" if answers else "NOT ANSWERING (JVM alive)"
    return "\n".join(
        [
            f"{health} at {state.bootstrap}",
            f"  pid          {state.pid}",
            f"  Kafka        {state.kafka_version}",
            f"  since        {state.started_at} (up {_duration(uptime)})",
            f"  start took   {state.start_seconds:.1f} s",
            f"  log          {state.log}",
        ]
    )


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def _report_external(bootstrap: str) -> None:
    if probe(bootstrap) is None:
        raise BrokerUnavailable(
            f"KAFKA_BOOTSTRAP_SERVERS={bootstrap} is set but no broker answers there; "
            "unset it to use the local broker"
        )
    typer.echo(f"using KAFKA_BOOTSTRAP_SERVERS={bootstrap} (answers); no local broker started")
