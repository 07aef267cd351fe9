"""The Faust worker: an app configured from newsline's Settings, with its three agents.

``build_worker`` is the composition root: settings and the store's engine come in,
a ready app goes out. Nothing is configured at import time. Every agent runs with
concurrency=1, so an offset is never committed past unfinished work.
"""

from __future__ import annotations

import faust

from agents import extract, ingest, memory, timeline
from agents.log_noise import quiet_retry_loops
from agents.recovery import SeekFirstTableManager, start_uncommitted_at_the_beginning
from agents.topics import worker_topics
from newsline.config import Settings
from newsline.kafka_security import faust_credentials
from newsline.store.engine import make_engine
from newsline.store.projector import Projector


def faust_broker_url(bootstrap: str) -> str:
    """Faust's form of a bootstrap list: ``kafka://a:9092;kafka://b:9092``."""
    return ";".join(
        f"kafka://{server.strip()}" for server in bootstrap.split(",") if server.strip()
    )


def create_app(settings: Settings) -> faust.App:
    """A Faust app on the configured cluster (consumer group ``<prefix>worker``)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    return faust.App(
        f"{settings.topic_prefix}worker",
        env={},  # Faust reads no environment of its own (APP_VALUE_SERIALIZER, say)
        broker=faust_broker_url(settings.bootstrap_servers),
        broker_credentials=faust_credentials(settings.kafka_security),
        topic_partitions=settings.partitions,
        topic_replication_factor=1,
        datadir=str(settings.home / "worker"),
        store="memory://",
        web_enabled=False,
        producer_acks=-1,
        autodiscover=False,
        # A killed worker's partitions move to a live one after this long, not 60 s.
        broker_session_timeout=15.0,
        broker_heartbeat_interval=3.0,
        # No standby copies of the seen-articles table: Faust 0.15's recovery stalls
        # ("No event received for active tp ...") when a standby partition becomes
        # active after a member dies, and that partition's agents never resume. A
        # partition that moves is restored from its changelog instead (seconds here).
        table_standby_replicas=0,
        TableManager=SeekFirstTableManager,  # no messages lost when partitions move
        # A burst waits in Kafka, where it costs the worker no memory: at most 256
        # messages queue in each agent's stream (Faust's default 4,096), a fetch
        # brings at most 128 KB per partition (1 MB; a larger message still comes,
        # alone) and a poll at most 100 records (no limit). Whatever a burst makes the
        # worker hold at once leaves the allocators' arenas that much larger after it
        # (docs/benchmarks.md: 1,024 / 256 KB / 500 grew the RSS by a third; the same
        # throughput at these sizes).
        stream_buffer_maxsize=256,
        consumer_max_fetch_size=128 * 1024,
        broker_max_poll_records=100,
    )


def build_worker(settings: Settings) -> faust.App:
    """The app with the ingest, extract and timeline agents wired to topics and store."""
    quiet_retry_loops()  # a broker outage: one line per kind every 10 s, not thousands
    app = create_app(settings)
    start_uncommitted_at_the_beginning(app)
    topics = worker_topics(app, settings)
    projector = Projector(make_engine(settings.database_url))
    ingest.register(app, topics, settings.max_article_bytes)
    extract.register(app, topics)
    timeline.register(app, topics, projector)
    memory.register(app)
    return app
