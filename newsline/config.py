"""One frozen settings object, built once at the edge from the environment.

This module is the only reader of ``NEWSLINE_*`` (and ``KAFKA_BOOTSTRAP_SERVERS``)
variables; everything else receives a Settings. The README's configuration table is
the user-facing copy of ``ENVIRONMENT`` below.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newsline.errors import ConfigError

DEFAULT_BROKER_PORT = 9092
DEFAULT_PARTITIONS = 6
DEFAULT_TOPIC_PREFIX = "newsline."

#: variable -> what it sets; shown by `newsline --help` users in the README.
ENVIRONMENT: dict[str, str] = {
    "KAFKA_BOOTSTRAP_SERVERS": "use this Kafka cluster (host:port,...); no local broker is started",
    "NEWSLINE_HOME": "state folder: local broker data, log and the SQLite store (~/.newsline)",
    "NEWSLINE_KAFKA_CACHE": "where the broker's jars are kept between runs (~/.cache/newsline)",
    "NEWSLINE_BROKER_PORT": "local broker's client port on 127.0.0.1 (9092); controller uses +1",
    "NEWSLINE_BROKER_HEAP": "local broker's JVM heap, at most 512m (512m)",
    "NEWSLINE_BROKER_START_TIMEOUT": "seconds to wait for the local broker to answer (90)",
    "NEWSLINE_TOPIC_PREFIX": "prefix of every topic name ('newsline.')",
    "NEWSLINE_PARTITIONS": "partitions of each topic newsline creates (6)",
    "NEWSLINE_DATABASE_URL": "timeline store (sqlite:///$NEWSLINE_HOME/newsline.db)",
    "NEWSLINE_MAX_ARTICLE_BYTES": "larger article messages are dead-lettered (1000000)",
    "NEWSLINE_DEBUG": "1 shows tracebacks on errors",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything newsline is configured by; see ENVIRONMENT for the variables."""

    home: Path
    kafka_cache: Path
    external_bootstrap: str | None
    broker_port: int
    broker_heap_mb: int
    broker_start_timeout: float
    topic_prefix: str
    partitions: int
    database_url: str
    max_article_bytes: int

    @property
    def bootstrap_servers(self) -> str:
        """Where clients connect: the external cluster if set, else the local broker."""
        return self.external_bootstrap or f"127.0.0.1:{self.broker_port}"

    @property
    def uses_local_broker(self) -> bool:
        return self.external_bootstrap is None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the environment once; malformed values raise ConfigError naming the variable."""
        env = os.environ if env is None else env
        home = Path(env.get("NEWSLINE_HOME") or Path.home() / ".newsline").expanduser()
        cache_root = env.get("NEWSLINE_KAFKA_CACHE") or (
            Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsline"
        )
        return cls(
            home=home,
            kafka_cache=Path(cache_root).expanduser(),
            external_bootstrap=(env.get("KAFKA_BOOTSTRAP_SERVERS") or "").strip() or None,
            broker_port=_integer(env, "NEWSLINE_BROKER_PORT", DEFAULT_BROKER_PORT, 1, 65534),
            broker_heap_mb=_heap_mb(env.get("NEWSLINE_BROKER_HEAP", "512m")),
            broker_start_timeout=float(_integer(env, "NEWSLINE_BROKER_START_TIMEOUT", 90, 1, 3600)),
            topic_prefix=env.get("NEWSLINE_TOPIC_PREFIX", DEFAULT_TOPIC_PREFIX),
            partitions=_integer(env, "NEWSLINE_PARTITIONS", DEFAULT_PARTITIONS, 1, 1000),
            database_url=env.get("NEWSLINE_DATABASE_URL") or f"sqlite:///{home / 'newsline.db'}",
            max_article_bytes=_integer(
                env, "NEWSLINE_MAX_ARTICLE_BYTES", 1_000_000, 1_000, 100_000_000
            ),
        )


def _integer(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} is out of range ({low} to {high})")
    return value


def _heap_mb(raw: str) -> int:
    """'512m', '256M', '1g' or a bare number of MB; capped at 512 MB by design."""
    text = raw.strip().lower()
    try:
        value = int(text[:-1]) * 1024 if text.endswith("g") else int(text.removesuffix("m"))
    except ValueError:
        raise ConfigError(f"NEWSLINE_BROKER_HEAP={raw!r} is not a size like 512m") from None
    if not 128 <= value <= 512:
        raise ConfigError(f"NEWSLINE_BROKER_HEAP={raw!r} must be between 128m and 512m")
    return value
