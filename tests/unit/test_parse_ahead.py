"""A rebuild's reader processes: every record comes through, parsed, exactly once, and
what goes wrong in a child is raised in the parent as one clear error."""

from __future__ import annotations

import json
import os
from functools import partial

import pytest

from newsline.errors import BrokerError, StoreError
from newsline.operations.parse_ahead import ParseAhead, RawRecord, parse_batch
from newsline.store.fold import Extraction, parse_raw_record

TOPIC = "t.events"
PARTITIONS = 5


def message(number: int) -> bytes:
    return json.dumps(
        {
            "event_id": f"{number:024x}",
            "article_id": f"article-{number}",
            "type": "meeting",
            "subtype": "visit",
            "countries": ["BLR", "IRN"],
            "actors": [{"name": "Alexander Lukashenko", "code": "BLR", "role": "host"}],
            "date": "2025-08-20",
            "date_precision": "day",
            "evidence": {"text": "Lukashenko hosted Pezeshkian.", "start": 0, "end": 29},
            "confidence": 0.9,
            "extractor": "test-1",
            "extracted_at": "2025-08-20T09:15:00Z",
        }
    ).encode()


class FakeLog:
    """Partition p holds records p*100 .. p*100+per-1; every seventh is not JSON.

    Opened in the child (by reference: this module is imported there)."""

    def __init__(self, per: int, share: int, shares: int) -> None:
        self.mine = list(range(PARTITIONS))[share::shares]
        self.per = per
        self.total = per * len(self.mine)
        self.partitions = len(self.mine)

    def batches(self):
        for p in self.mine:
            values = [b"{not json" if n % 7 == 0 else message(p * 100 + n) for n in range(self.per)]
            yield [RawRecord(TOPIC, p, n, v) for n, v in enumerate(values)]

    def close(self) -> None:
        pass


class ExtractionLog(FakeLog):
    """Every record an extraction record: one per article run, as a real log holds them."""

    def batches(self):
        for p in self.mine:
            yield [RawRecord(TOPIC, p, n, extraction(p * 1000 + n)) for n in range(self.per)]


def extraction(number: int) -> bytes:
    return json.dumps(
        {
            "article_id": f"article-{number}",
            "extractor": "test-1",
            "extracted_at": "2025-08-20T09:15:00Z",
            "event_ids": [f"{number:024x}", f"{number + 1:024x}"],
        }
    ).encode()


def refusing(share: int, shares: int) -> FakeLog:
    raise BrokerError("topic(s) t.events do not exist at 127.0.0.1:1")


def dying(share: int, shares: int) -> FakeLog:
    os._exit(3)


@pytest.mark.parametrize("readers", [1, 2])
def test_every_record_comes_through_once_parsed(readers: int) -> None:
    with ParseAhead(partial(FakeLog, 30), readers=readers) as replay:
        batches = list(replay.batches())

    assert replay.shape.total == 30 * PARTITIONS
    assert replay.shape.partitions == PARTITIONS
    positions = sorted((p, o) for b in batches for _, p, o, _ in b.records)
    assert positions == [(p, n) for p in range(PARTITIONS) for n in range(30)]
    malformed = sorted((p, o) for b in batches for _, p, o, m in b.records if m is None)
    assert malformed == [(p, n) for p in range(PARTITIONS) for n in range(0, 30, 7)]
    assert sum(b.skipped for b in batches) == len(malformed)
    # mentions travel as their raw JSON, their rows prepared
    mentions = [m for b in batches for *_, m in b.records if m is not None]
    assert all(isinstance(m, bytes) for m in mentions)
    assert len(mentions) == len(positions) - len(malformed)
    prepared = [e for b in batches for e in b.prepared.event_ids]
    assert prepared == [parse_raw_record(m).event_id for m in mentions]
    assert sum(len(b.prepared.events) for b in batches) == len(mentions)


def test_thousands_of_extraction_records_come_through() -> None:
    with ParseAhead(partial(ExtractionLog, 400), readers=1) as replay:
        batches = list(replay.batches())

    extractions = [m for b in batches for *_, m in b.records]
    assert len(extractions) == 400 * PARTITIONS
    assert all(isinstance(m, Extraction) for m in extractions)
    assert extractions[0].event_ids == (f"{0:024x}", f"{1:024x}")


def test_a_childs_error_is_raised_in_the_parent() -> None:
    with pytest.raises(BrokerError, match="do not exist"), ParseAhead(refusing):
        pass


def test_a_child_that_dies_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="exited with code 3"), ParseAhead(dying, readers=1):
        pass


def test_values_that_are_not_messages_become_position_only() -> None:
    raw = [
        RawRecord(TOPIC, 0, 0, None),
        RawRecord(TOPIC, 0, 1, b"[1, 2]"),
        RawRecord(TOPIC, 0, 2, b"\xff\xfe"),
        RawRecord(TOPIC, 0, 3, b"[" * 100_000),
        RawRecord(TOPIC, 0, 4, message(1)),
    ]
    batch = parse_batch(raw)

    assert [m is None for *_, m in batch.records] == [True, True, True, True, False]
    assert batch.skipped == 4
