"""Ingest's memory of the articles it has seen, at 32 to 64 bytes an article.

Faust's memory store keeps each key and value as Python strings in a dict: about 260
bytes per article id and digest, for as long as the worker runs, allocated one by one
among a burst's short-lived objects (docs/benchmarks.md). This store keeps a 64-bit
hash of the id and the digest's first 64 bits side by side in one array (open
addressing, linear probing, at most half full) that grows by doubling: 16 bytes a
slot, no Python object per article, a million articles in 32 to 64 MB.

What that gives up, deliberately:
- Two ids with the same hash (odds about 3 in 10^8 over a million articles) share a
  slot. The later one then finds the other's digest, so it is processed, and replaces
  it; a later unchanged copy of the first is processed again. Downstream sinks are
  idempotent, so that costs work, not correctness. Dropping a changed article would
  also need its 64-bit digest prefix to match: never, in practice.
- Keys cannot be listed, so the table cannot be iterated, and keys of partitions this
  worker no longer owns are not dropped after a rebalance (they are never looked up;
  if the partition comes back, its changelog is replayed over them in order).

The changelog topic is Faust's, unchanged: ids and digests, replayed on a restart or
when a partition moves to another worker.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any

import faust
from faust.stores import memory
from faust.types import TP, EventT

#: the digest's first 64 bits as hex: what the table keeps, returns and compares
DIGEST_CHARS = 16
_MASK = (1 << 64) - 1


def remembered(digest: str) -> str:
    """The form of a hex digest the table stores and gives back."""
    return digest[:DIGEST_CHARS]


class HashedDigests(MutableMapping[str, str]):
    """id -> hex digest prefix; each entry two 64-bit words, (id hash, digest bits).

    A zero id hash marks an empty slot and zero digest bits a deleted entry (its slot
    keeps the id hash, so later probes still pass it); both are remapped to 1.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._capacity = capacity  # a power of two
        self._slots = array("Q", [0]) * (2 * capacity)
        self._occupied = 0  # slots with an id hash, deleted entries included
        self._live = 0

    def __getitem__(self, key: str) -> str:
        slot = self._slot(_id_hash(key))
        bits = self._slots[slot + 1]
        if not bits:
            raise KeyError(key)
        return f"{bits:0{DIGEST_CHARS}x}"

    def __setitem__(self, key: str, value: str) -> None:
        bits = _digest_bits(value)
        wanted = _id_hash(key)
        slot = self._slot(wanted)
        if not self._slots[slot]:
            if 2 * (self._occupied + 1) > self._capacity:
                self._grow()
                slot = self._slot(wanted)
            self._slots[slot] = wanted
            self._occupied += 1
        if not self._slots[slot + 1]:
            self._live += 1
        self._slots[slot + 1] = bits

    def __delitem__(self, key: str) -> None:
        slot = self._slot(_id_hash(key))
        if not self._slots[slot + 1]:
            raise KeyError(key)
        self._slots[slot + 1] = 0
        self._live -= 1

    def __len__(self) -> int:
        return self._live

    def __iter__(self) -> Iterator[str]:
        raise TypeError("seen-articles keeps hashes of its ids, not the ids: it has no keys")

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]

    def _slot(self, wanted: int) -> int:
        """Where the id hash ``wanted`` is in the array, or the empty slot it would take."""
        mask = self._capacity - 1
        index = wanted & mask
        slots = self._slots
        while True:
            found = slots[2 * index]
            if found == wanted or not found:
                return 2 * index
            index = (index + 1) & mask

    def _grow(self) -> None:
        """Twice the slots; deleted entries are left behind."""
        old = self._slots
        self._capacity *= 2
        self._slots = array("Q", [0]) * (2 * self._capacity)
        self._occupied = self._live  # the live entries, each in a slot again
        for index in range(0, len(old), 2):
            wanted, bits = old[index], old[index + 1]
            if bits:
                slot = self._slot(wanted)
                self._slots[slot], self._slots[slot + 1] = wanted, bits


def _id_hash(key: str) -> int:
    # str's own hash: computed once per string object, and ids stay in this process
    return (hash(key) & _MASK) or 1


def _digest_bits(value: str) -> int:
    try:
        return int(value[:DIGEST_CHARS], 16) or 1
    except (TypeError, ValueError):
        raise ValueError(f"seen-articles keeps hex digests, not {value!r:.40}") from None


class SeenArticlesStore(memory.Store):
    """Faust's memory store over HashedDigests, without its key-to-partition map."""

    def __post_init__(self) -> None:
        self.data = HashedDigests()
        self._key_partition = {}  # kept empty: keys are not known (module docstring)

    def apply_changelog_batch(
        self,
        batch: Iterable[EventT],
        to_key: Callable[[Any], Any],
        to_value: Callable[[Any], Any],
    ) -> None:
        for event in batch:
            key = to_key(event.key)
            if event.message.value is None:
                self.data.pop(key, None)
            else:
                self.data[key] = to_value(event.value)

    async def on_recovery_completed(self, active_tps: set[TP], standby_tps: set[TP]) -> None:
        """Nothing to drop: which partition a key came from is not kept."""


class SeenArticlesTable(faust.Table):
    """A Faust table (changelog, recovery, partitions) stored in SeenArticlesStore."""

    def _new_store(self) -> SeenArticlesStore:
        return SeenArticlesStore(
            "memory://",
            self.app,
            self,
            table_name=self.name,
            key_type=self.key_type,
            key_serializer=self.key_serializer,
            value_serializer=self.value_serializer,
            value_type=self.value_type,
            loop=self.loop,
            options=self.options,
        )


def seen_articles_table(app: faust.App) -> SeenArticlesTable:
    """The table, registered with ``app`` as ``app.Table`` would."""
    table = SeenArticlesTable(
        app, name="seen-articles", default=str, key_type=str, value_type=str,
        beacon=app.tables.beacon,
    )  # fmt: skip
    return app.tables.add(table)  # type: ignore[return-value]
