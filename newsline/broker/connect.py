"""One answer to "where is Kafka?" for every command that needs a broker."""

from __future__ import annotations

from kafka.errors import KafkaError

from newsline.broker.admin import admin_client, probe
from newsline.broker.local import LocalBroker
from newsline.config import Settings
from newsline.errors import BrokerUnavailable


def ensure_broker(settings: Settings) -> str:
    """Return a bootstrap address that answers, starting the local broker if it is ours.

    With KAFKA_BOOTSTRAP_SERVERS set, that cluster must answer; nothing is started.
    Security settings (KAFKA_SECURITY_PROTOCOL) require KAFKA_BOOTSTRAP_SERVERS, so a
    secured configuration never starts the local PLAINTEXT broker.
    """
    if settings.uses_local_broker:
        return LocalBroker(settings).start().state.bootstrap
    bootstrap = settings.bootstrap_servers
    if settings.kafka_security.protocol == "PLAINTEXT":
        if probe(bootstrap) is None:
            raise BrokerUnavailable(
                f"no Kafka broker answers at KAFKA_BOOTSTRAP_SERVERS={bootstrap}"
            )
        return bootstrap
    # A secured cluster: admin_client's error says why the login or handshake failed.
    with admin_client(bootstrap) as client:
        try:
            client.describe_cluster()
        except KafkaError as exc:
            raise BrokerUnavailable(
                f"the Kafka cluster at {bootstrap} ({settings.kafka_security.describe()}) "
                f"refused a metadata request: {exc}"
            ) from exc
    return bootstrap
