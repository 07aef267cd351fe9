"""The Faust application, configured from newsline's Settings (never at import time)."""

from __future__ import annotations

import faust

from newsline.config import Settings


def faust_broker_url(bootstrap: str) -> str:
    """Faust's form of a bootstrap list: ``kafka://a:9092;kafka://b:9092``."""
    return ";".join(
        f"kafka://{server.strip()}" for server in bootstrap.split(",") if server.strip()
    )


def create_app(settings: Settings) -> faust.App:
    """A Faust app on the configured cluster; agents keep concurrency=1 (see DEVELOPERS)."""
    return faust.App(
        f"{settings.topic_prefix}worker",
        broker=faust_broker_url(settings.bootstrap_servers),
        topic_partitions=settings.partitions,
        topic_replication_factor=1,
        datadir=str(settings.home / "worker"),
        store="memory://",
        web_enabled=False,
        producer_acks=-1,
    )
