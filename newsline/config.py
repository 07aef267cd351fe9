"""One frozen settings object, built once at the edge from the environment.

This module is the only reader of ``NEWSLINE_*`` and ``KAFKA_*`` variables (and of
the secret files their ``*_FILE`` forms name); everything else receives a Settings.
The README's configuration table and docs/security.md are the user-facing copies of
``ENVIRONMENT`` below. A Settings never prints a password: its repr masks them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from newsline.errors import ConfigError
from newsline.kafka_security import (
    PLAINTEXT,
    PROTOCOLS,
    SASL_MECHANISMS,
    KafkaEndpoint,
    KafkaSecurity,
    ssl_context,
)
from newsline.redaction import Secret, masked_url

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
    "NEWSLINE_MAX_ARTICLE_BYTES": "larger article messages are dead-lettered (1000000, "
    "also the most: Kafka's default message size)",
    "NEWSLINE_DATABASE_PASSWORD_FILE": "file holding the PostgreSQL password, kept out of the URL",
    "NEWSLINE_DEBUG": "1 shows tracebacks on errors",
    "KAFKA_SECURITY_PROTOCOL": "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (PLAINTEXT)",
    "KAFKA_SASL_MECHANISM": "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (SASL_* only)",
    "KAFKA_SASL_USERNAME": "SASL user (or KAFKA_SASL_USERNAME_FILE)",
    "KAFKA_SASL_PASSWORD": "SASL password (or KAFKA_SASL_PASSWORD_FILE: a file holding it)",
    "KAFKA_SSL_CAFILE": "PEM CA certificate(s) to verify the brokers (system CAs)",
    "KAFKA_SSL_CERTFILE": "PEM client certificate for mutual TLS (SSL, SASL_SSL)",
    "KAFKA_SSL_KEYFILE": "PEM private key of the client certificate (in the certificate file)",
    "KAFKA_SSL_KEY_PASSWORD": "encrypted client key's password (or KAFKA_SSL_KEY_PASSWORD_FILE)",
}


@dataclass(frozen=True, slots=True, repr=False)
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
    kafka_security: KafkaSecurity = PLAINTEXT

    @property
    def bootstrap_servers(self) -> KafkaEndpoint:
        """Where clients connect: the external cluster if set, else the local broker.

        The address carries the security settings to every client built from it.
        """
        if self.external_bootstrap is None:
            return KafkaEndpoint(f"127.0.0.1:{self.broker_port}")
        return KafkaEndpoint(self.external_bootstrap, self.kafka_security)

    @property
    def uses_local_broker(self) -> bool:
        return self.external_bootstrap is None

    def __repr__(self) -> str:
        """Every field, with the database URL's password masked (Secrets mask themselves)."""
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["database_url"] = masked_url(self.database_url)
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    __str__ = __repr__

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the environment once; malformed values raise ConfigError naming the variable."""
        env = os.environ if env is None else env
        home = Path(env.get("NEWSLINE_HOME") or Path.home() / ".newsline").expanduser()
        cache_root = env.get("NEWSLINE_KAFKA_CACHE") or (
            Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsline"
        )
        external_bootstrap = (env.get("KAFKA_BOOTSTRAP_SERVERS") or "").strip() or None
        return cls(
            home=home,
            kafka_cache=Path(cache_root).expanduser(),
            external_bootstrap=external_bootstrap,
            broker_port=_integer(env, "NEWSLINE_BROKER_PORT", DEFAULT_BROKER_PORT, 1, 65534),
            broker_heap_mb=_heap_mb(env.get("NEWSLINE_BROKER_HEAP", "512m")),
            broker_start_timeout=float(_integer(env, "NEWSLINE_BROKER_START_TIMEOUT", 90, 1, 3600)),
            topic_prefix=env.get("NEWSLINE_TOPIC_PREFIX", DEFAULT_TOPIC_PREFIX),
            partitions=_integer(env, "NEWSLINE_PARTITIONS", DEFAULT_PARTITIONS, 1, 1000),
            database_url=_database_url(
                env.get("NEWSLINE_DATABASE_URL") or f"sqlite:///{home / 'newsline.db'}",
                _secret(env, "NEWSLINE_DATABASE_PASSWORD"),
            ),
            # at most what a Kafka message holds by default (1 MiB, less headers)
            max_article_bytes=_integer(
                env, "NEWSLINE_MAX_ARTICLE_BYTES", 1_000_000, 1_000, 1_000_000
            ),
            kafka_security=_kafka_security(env, external_bootstrap),
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


def _kafka_security(env: Mapping[str, str], external_bootstrap: str | None) -> KafkaSecurity:
    """KAFKA_SECURITY_PROTOCOL and its companions, checked as a whole.

    A companion that the protocol would ignore is an error rather than a silent
    no-op: a password set without SASL_* would otherwise connect unauthenticated.
    """
    raw_protocol = (env.get("KAFKA_SECURITY_PROTOCOL") or "PLAINTEXT").strip()
    protocol = raw_protocol.upper()
    if protocol not in PROTOCOLS:
        raise ConfigError(
            f"KAFKA_SECURITY_PROTOCOL={raw_protocol!r} is not one of {', '.join(PROTOCOLS)}"
        )
    if protocol != "PLAINTEXT" and external_bootstrap is None:
        raise ConfigError(
            f"KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_BOOTSTRAP_SERVERS: the local "
            "broker (`newsline broker start`) speaks PLAINTEXT on 127.0.0.1 only"
        )
    sasl = protocol.startswith("SASL_")
    tls = protocol in ("SSL", "SASL_SSL")
    mechanism = (env.get("KAFKA_SASL_MECHANISM") or "").strip().upper() or None
    username = _secret(env, "KAFKA_SASL_USERNAME")
    password = _secret(env, "KAFKA_SASL_PASSWORD")
    key_password = _secret(env, "KAFKA_SSL_KEY_PASSWORD")
    cafile = _pem_path(env, "KAFKA_SSL_CAFILE")
    certfile = _pem_path(env, "KAFKA_SSL_CERTFILE")
    keyfile = _pem_path(env, "KAFKA_SSL_KEYFILE")
    sasl_set = [
        name
        for name, value in (
            ("KAFKA_SASL_MECHANISM", mechanism),
            ("KAFKA_SASL_USERNAME", username),
            ("KAFKA_SASL_PASSWORD", password),
        )
        if value is not None
    ]
    tls_set = [
        name
        for name, value in (
            ("KAFKA_SSL_CAFILE", cafile),
            ("KAFKA_SSL_CERTFILE", certfile),
            ("KAFKA_SSL_KEYFILE", keyfile),
            ("KAFKA_SSL_KEY_PASSWORD", key_password),
        )
        if value is not None
    ]
    if sasl_set and not sasl:
        raise ConfigError(
            f"{', '.join(sasl_set)} set but KAFKA_SECURITY_PROTOCOL={protocol} does not "
            "use SASL; set KAFKA_SECURITY_PROTOCOL=SASL_SSL (or SASL_PLAINTEXT)"
        )
    if tls_set and not tls:
        raise ConfigError(
            f"{', '.join(tls_set)} set but KAFKA_SECURITY_PROTOCOL={protocol} does not "
            "use TLS; set KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL"
        )
    if sasl:
        if mechanism not in SASL_MECHANISMS:
            shown = "unset" if mechanism is None else repr(mechanism)
            raise ConfigError(
                f"KAFKA_SASL_MECHANISM is {shown}; with KAFKA_SECURITY_PROTOCOL={protocol} "
                f"set it to one of {', '.join(SASL_MECHANISMS)}"
            )
        missing = [
            name
            for name, value in (
                ("KAFKA_SASL_USERNAME", username),
                ("KAFKA_SASL_PASSWORD", password),
            )
            if value is None
        ]
        if missing:
            raise ConfigError(
                f"KAFKA_SECURITY_PROTOCOL={protocol} needs {' and '.join(missing)} "
                "(or the *_FILE form naming a file that holds it)"
            )
    if keyfile is not None and certfile is None:
        raise ConfigError("KAFKA_SSL_KEYFILE is set without KAFKA_SSL_CERTFILE, its certificate")
    if key_password is not None and certfile is None:
        raise ConfigError("KAFKA_SSL_KEY_PASSWORD is set without KAFKA_SSL_CERTFILE")
    security = KafkaSecurity(
        protocol=protocol,
        sasl_mechanism=mechanism,
        sasl_username=username.reveal() if username else None,
        sasl_password=password,
        ssl_cafile=cafile,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        ssl_key_password=key_password,
    )
    if tls:
        ssl_context(security)  # a malformed PEM or wrong key password fails here, once
    return security


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    """NAME's value, or the content of the file NAME_FILE names (one is allowed).

    One trailing newline is dropped: ``echo secret > file`` is how such files are made.
    """
    value = env.get(name) or None
    path = (env.get(f"{name}_FILE") or "").strip() or None
    if value is not None and path is not None:
        raise ConfigError(f"set {name} or {name}_FILE, not both")
    if path is not None:
        try:
            value = Path(path).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise ConfigError(f"{name}_FILE={path} cannot be read ({reason})") from None
        value = value.removesuffix("\n").removesuffix("\r")
        if not value:
            raise ConfigError(f"{name}_FILE={path} is empty")
    return None if value is None else Secret(value)


def _pem_path(env: Mapping[str, str], name: str) -> Path | None:
    """A TLS file setting: it must name a readable file (its content is checked later)."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_file():
        raise ConfigError(f"{name}={raw} does not exist or is not a file")
    try:
        path.open("rb").close()
    except OSError as exc:
        raise ConfigError(f"{name}={raw} cannot be read ({exc.strerror})") from None
    return path


def _database_url(url: str, password: Secret | None) -> str:
    """NEWSLINE_DATABASE_URL, with NEWSLINE_DATABASE_PASSWORD_FILE's password put in."""
    if password is None:
        return url
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"NEWSLINE_DATABASE_URL={masked_url(url)!r} is not a database URL"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        raise ConfigError("NEWSLINE_DATABASE_PASSWORD_FILE is set but the store is SQLite")
    if parsed.password is not None:
        raise ConfigError(
            "NEWSLINE_DATABASE_URL has a password and NEWSLINE_DATABASE_PASSWORD_FILE is "
            "set; keep one"
        )
    return parsed.set(password=password.reveal()).render_as_string(hide_password=False)
