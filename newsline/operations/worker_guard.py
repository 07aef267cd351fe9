"""Is the worker running? Its consumer group's live members say so.

A rebuild swaps the store under whoever writes to it: a worker folding events into
the old store meanwhile would lose those writes (SQLite: the file is replaced; on
PostgreSQL its prepared statements point at the old tables). The worker is a Faust
app whose consumer group is ``<prefix>worker``; a member in that group is a worker
that is alive, wherever it runs.
"""

from __future__ import annotations

import time

from kafka.errors import CoordinatorNotAvailableError, KafkaError

from newsline.broker.admin import admin_client
from newsline.errors import BrokerError

#: a fresh cluster creates its offsets topic on the first coordinator lookup
_COORDINATOR_WAIT_S = 15.0


def active_members(bootstrap: str, group: str) -> list[str]:
    """``client_id@host`` of each live member of ``group`` (empty when none or no group)."""
    with admin_client(bootstrap) as client:
        deadline = time.monotonic() + _COORDINATOR_WAIT_S
        while True:
            try:
                if group not in _group_ids(client.list_groups()):
                    return []
                described = client.describe_groups([group]).get(group, {})
                break
            except CoordinatorNotAvailableError:
                if time.monotonic() > deadline:
                    raise BrokerError(
                        f"the cluster at {bootstrap} names no coordinator for group {group}"
                    ) from None
                time.sleep(0.5)
            except KafkaError as exc:
                raise BrokerError(f"cannot describe consumer group {group}: {exc}") from exc
    return [
        f"{m.get('client_id', '?')}@{str(m.get('client_host', '?')).lstrip('/')}"
        for m in described.get("members") or []
    ]


def _group_ids(listed: list) -> set[str]:
    """list_groups' answer (dicts in kafka-python 3, tuples before) as a set of group ids."""
    return {item["group_id"] if isinstance(item, dict) else item[0] for item in listed or []}
