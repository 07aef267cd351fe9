"""One answer to "where is Kafka?" for every command that needs a broker."""

from __future__ import annotations

from newsline.broker.admin import probe
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
    if probe(bootstrap) is None:
        security = settings.kafka_security
        hint = (
            ""
            if security.protocol == "PLAINTEXT"
            else f" with {security.describe()}: check the address, credentials and CA file"
        )
        raise BrokerUnavailable(
            f"no Kafka broker answers at KAFKA_BOOTSTRAP_SERVERS={bootstrap}{hint}"
        )
    return bootstrap
