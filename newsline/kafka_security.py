"""How newsline's Kafka clients authenticate and encrypt: one description, every client.

``KafkaSecurity`` is built once by ``newsline.config`` from ``KAFKA_SECURITY_PROTOCOL``
and its companions. Two functions turn it into what each client library takes:
``kafka_python_options`` for the CLI's producers, consumers and admin clients, and
``faust_credentials`` for the worker. Both use one ``ssl.SSLContext`` built the same
way, so a CA file or client certificate means the same thing everywhere.

The settings travel to the clients on the bootstrap address itself: ``KafkaEndpoint``
is the ``host:port,...`` text that every Kafka-facing function already takes (and
puts in its error messages), with the security attached. The text is only the
address, so printing an endpoint can never print a password, and a plain string (the
tests' local broker) means PLAINTEXT.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsline.errors import ConfigError
from newsline.redaction import MaskedStr, Secret, scrubbed

if TYPE_CHECKING:  # faust is heavy; only the worker imports it
    from faust.types.auth import CredentialsT

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


@dataclass(frozen=True, slots=True)
class KafkaSecurity:
    """How to reach the cluster: protocol, SASL login and TLS files (see docs/security.md)."""

    protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: Secret | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    ssl_key_password: Secret | None = None

    @property
    def uses_sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def uses_ssl(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    def describe(self) -> str:
        """One line for people: the protocol, mechanism and user; never a password."""
        parts = [self.protocol]
        if self.uses_sasl:
            parts.append(f"{self.sasl_mechanism} as {self.sasl_username}")
        if self.uses_ssl:
            parts.append(f"CA {self.ssl_cafile}" if self.ssl_cafile else "system CAs")
        if self.ssl_certfile:
            parts.append(f"client certificate {self.ssl_certfile}")
        return ", ".join(parts)


PLAINTEXT = KafkaSecurity()


class KafkaEndpoint(str):
    """A bootstrap list (``host:port,...``) carrying the security to connect with.

    A str, so every function that takes a bootstrap address takes it unchanged and
    prints only the address; ``kafka_client_options`` reads the security back.
    """

    security: KafkaSecurity

    def __new__(cls, servers: str, security: KafkaSecurity = PLAINTEXT) -> KafkaEndpoint:
        endpoint = super().__new__(cls, servers)
        endpoint.security = security
        return endpoint


def security_of(bootstrap: str) -> KafkaSecurity:
    """The security an address carries; a plain string (a local broker) is PLAINTEXT."""
    return getattr(bootstrap, "security", PLAINTEXT)


def kafka_client_options(bootstrap: str) -> dict[str, Any]:
    """``bootstrap_servers`` and the security options for a kafka-python client.

    Every KafkaProducer, KafkaConsumer and KafkaAdminClient newsline builds takes
    ``**kafka_client_options(bootstrap)``, so none can forget the security settings.
    """
    return {"bootstrap_servers": str(bootstrap), **kafka_python_options(security_of(bootstrap))}


def kafka_python_options(security: KafkaSecurity) -> dict[str, Any]:
    """kafka-python's keyword arguments for ``security`` (empty for PLAINTEXT)."""
    if security.protocol == "PLAINTEXT":
        return {}
    options: dict[str, Any] = {"security_protocol": security.protocol}
    if security.uses_sasl:
        options |= {
            "sasl_mechanism": security.sasl_mechanism,
            "sasl_plain_username": security.sasl_username,
            "sasl_plain_password": _masked(security.sasl_password),
        }
    if security.uses_ssl:
        options["ssl_context"] = ssl_context(security)  # kafka-python then ignores ssl_*
    return options


def faust_credentials(security: KafkaSecurity) -> CredentialsT | None:
    """Faust's ``broker_credentials`` for ``security`` (None for PLAINTEXT).

    SASLCredentials with an SSL context is SASL_SSL, without one SASL_PLAINTEXT;
    SSLCredentials is TLS alone (with a client certificate when one is configured).
    """
    import faust

    if security.uses_sasl:
        return faust.SASLCredentials(
            username=security.sasl_username,
            password=_masked(security.sasl_password),
            mechanism=security.sasl_mechanism,
            ssl_context=ssl_context(security) if security.uses_ssl else None,
        )
    if security.uses_ssl:
        return faust.SSLCredentials(ssl_context(security))
    return None


def ssl_context(security: KafkaSecurity) -> ssl.SSLContext:
    """A client TLS context: the CA file (or the system's CAs), hostname checked,
    TLS 1.2 at least, and the client certificate when one is configured.

    A file that is not PEM, or a key that does not match its certificate or
    password, is a ConfigError naming the variable.
    """
    try:
        context = ssl.create_default_context(
            ssl.Purpose.SERVER_AUTH,
            cafile=str(security.ssl_cafile) if security.ssl_cafile else None,
        )
    except (ssl.SSLError, OSError) as exc:
        raise ConfigError(
            f"KAFKA_SSL_CAFILE={security.ssl_cafile} is not a PEM CA certificate file "
            f"({_ssl_reason(exc)})"
        ) from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if security.ssl_certfile:
        try:
            context.load_cert_chain(
                str(security.ssl_certfile),
                keyfile=str(security.ssl_keyfile) if security.ssl_keyfile else None,
                password=security.ssl_key_password.reveal() if security.ssl_key_password else None,
            )
        except (ssl.SSLError, OSError) as exc:
            raise ConfigError(
                f"KAFKA_SSL_CERTFILE={security.ssl_certfile} with KAFKA_SSL_KEYFILE="
                f"{security.ssl_keyfile or '(in the certificate file)'} cannot be loaded "
                f"({_ssl_reason(exc)}); check the files and KAFKA_SSL_KEY_PASSWORD"
            ) from None
    return context


def unreachable_hint(bootstrap: str) -> str:
    """What to check when no broker answers at ``bootstrap``, by how it is reached."""
    if security_of(bootstrap).protocol == "PLAINTEXT":
        return "start one with `newsline broker start` or check KAFKA_BOOTSTRAP_SERVERS"
    return "check KAFKA_BOOTSTRAP_SERVERS and the KAFKA_SASL_* / KAFKA_SSL_* settings"


#: words of a reason that names the cause, preferred over a bare "socket disconnected"
_SPECIFIC = ("Authentication", "Sasl", "SSL", "Handshake", "certificate")


class _FailureLog(logging.Handler):
    """Keeps the most telling reason kafka-python logs for a failed connection attempt.

    A broker that refuses a login often just closes the socket, and the client logs a
    bare "socket disconnected"; when any attempt names the cause (authentication, TLS),
    that reason wins over the first one.
    """

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__(logging.WARNING)
        self.secrets = secrets
        self.reasons: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not any(m in message for m in ("Bootstrap connection to ", "Connection failed: ")):
            return
        reason = scrubbed(message.split("failed: ", 1)[-1].split(" (backoff", 1)[0], *self.secrets)
        specific = any(word in reason for word in _SPECIFIC)
        if not self.reasons or (specific and not any(w in self.reasons[0] for w in _SPECIFIC)):
            self.reasons[:] = [reason]


@contextmanager
def connection_failures(bootstrap: str) -> Iterator[list[str]]:
    """Why kafka-python's connections to ``bootstrap`` failed, as it logged them.

    Its exception only says the bootstrap timed out; the cause (bad credentials, an
    unverified certificate, a refused connection) is in its log. The list holds at
    most one reason, scrubbed of the configured secrets.
    """
    security = security_of(bootstrap)
    secrets = tuple(
        s.reveal() for s in (security.sasl_password, security.ssl_key_password) if s is not None
    )
    handler = _FailureLog(secrets)
    logger = logging.getLogger("kafka")
    logger.addHandler(handler)
    try:
        yield handler.reasons
    finally:
        logger.removeHandler(handler)


def _masked(secret: Secret | None) -> str | None:
    return None if secret is None else MaskedStr(secret.reveal())


def _ssl_reason(exc: BaseException) -> str:
    return getattr(exc, "reason", None) or getattr(exc, "strerror", None) or type(exc).__name__
