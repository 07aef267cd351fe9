"""``newsline topics``: create and inspect the project's Kafka topics."""

from __future__ import annotations

from typing import Annotated

import typer
from kafka import KafkaConsumer, TopicPartition

from newsline.broker.admin import admin_client, ensure_topics, partition_counts, topic_configs
from newsline.cli.context import say, settings
from newsline.kafka_security import kafka_client_options
from newsline.topics import topic_specs

topics_app = typer.Typer(
    help=(
        "The project's topics (prefix $NEWSLINE_TOPIC_PREFIX): articles, events.meeting, "
        "events.agreement, events.sanctions, events.military and articles.dlq. All keep "
        "their data forever (retention.ms=-1) so every view can be rebuilt from the log."
    ),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(topics_app, name="topics")


@topics_app.command()
def create(
    partitions: Annotated[
        int | None,
        typer.Option(
            "--partitions", min=1, help="Partitions per new topic. [env: NEWSLINE_PARTITIONS]"
        ),
    ] = None,
) -> None:
    """Create missing topics and re-apply retention to existing ones (safe to rerun)."""
    config = settings()
    states = ensure_topics(
        config.bootstrap_servers, topic_specs(config.topic_prefix), partitions or config.partitions
    )
    for state in states:
        verb = "created" if state.created else "exists "
        retention = state.config.get("retention.ms", "default")
        say(f"{verb} {state.name:32} partitions={state.partitions} retention.ms={retention}")


@topics_app.command("list")
def list_topics() -> None:
    """Each project topic with its partitions, retention and message count."""
    config = settings()
    names = [spec.name for spec in topic_specs(config.topic_prefix)]
    with admin_client(config.bootstrap_servers) as client:
        present = set(client.list_topics())
        existing = [name for name in names if name in present]
        counts = dict(zip(existing, partition_counts(client, existing), strict=True))
        configs = dict(zip(existing, topic_configs(client, existing), strict=True))
    messages = _message_counts(config.bootstrap_servers, counts)
    typer.echo(f"{'topic':32} {'partitions':>10} {'retention.ms':>12} {'messages':>10}")
    for name in names:
        if name not in present:
            typer.echo(f"{name:32} {'missing (run: newsline topics create)':>36}")
            continue
        retention = configs[name].get("retention.ms", "default")
        typer.echo(f"{name:32} {counts[name]:>10} {retention:>12} {messages[name]:>10}")


def _message_counts(bootstrap: str, partitions: dict[str, int]) -> dict[str, int]:
    """Messages per topic: end minus beginning offsets, summed over partitions."""
    consumer = KafkaConsumer(**kafka_client_options(bootstrap), client_id="newsline-topics")
    try:
        result = {}
        for topic, count in partitions.items():
            parts = [TopicPartition(topic, p) for p in range(count)]
            ends = consumer.end_offsets(parts)
            starts = consumer.beginning_offsets(parts)
            result[topic] = sum(ends[p] - starts[p] for p in parts)
        return result
    finally:
        consumer.close()
