"""One answer to "where is Kafka?" for every command that needs a broker."""

from __future__ import annotations

from newsline.broker.admin import probe
from newsline.broker.local import LocalBroker
from newsline.config import Settings
from newsline.errors import BrokerUnavailable


def ensure_broker(settings: Settings) -> str:
    """Return a bootstrap address that answers, starting the local broker if it is ours.

    With KAFKA_BOOTSTRAP_SERVERS set, that cluster must answer; nothing is started.
    """
    if settings.uses_local_broker:
        return LocalBroker(settings).start().state.bootstrap
    if probe(settings.bootstrap_servers) is None:
        raise BrokerUnavailable(
            f"no Kafka broker answers at KAFKA_BOOTSTRAP_SERVERS={settings.bootstrap_servers}"
        )
    return settings.bootstrap_servers
