"""A rebuild's fast paths: rows prepared outside the transaction, checks and indexes
deferred to the end. Each must leave exactly the store the plain path leaves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, inspect

from newsline.store.bulk import checks_and_indexes_deferred
from newsline.store.engine import make_engine
from newsline.store.models import TABLES
from newsline.store.projector import Projector, Record

from .store_support import as_read, english_messages, records, seed_messages
from .test_store_projector import snapshot

pytestmark = pytest.mark.integration


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def two_batches() -> list[list[Record]]:
    """The seed, then its English twin: the second batch reports stored events again."""
    return [records(seed_messages()), records(english_messages(), start=10)]


def test_prepared_batches_build_the_same_store(engine: Engine) -> None:
    projector = Projector(engine)
    for batch in two_batches():
        projector.apply(batch)
    expected = snapshot(engine)
    with engine.begin() as connection:  # children first: the foreign keys hold
        for table in reversed(TABLES):
            connection.execute(table.delete())

    for batch in two_batches():  # the second folds stored events from their raw JSON
        read = as_read(batch)
        projector.apply(read.records, read.prepared)

    assert snapshot(engine) == expected


def test_a_prepared_batch_is_not_used_once_records_are_skipped(engine: Engine) -> None:
    projector = Projector(engine)
    first, second = two_batches()
    projector.apply(first + second[:2])
    expected_events = snapshot(engine)["events"]

    stale = as_read(first + second[:2])  # prepared as if none of the events were stored
    assert projector.apply(stale.records, stale.prepared) == 0  # replayed: every record skipped

    assert snapshot(engine)["events"] == expected_events


def schema(engine: Engine) -> dict[str, Any]:
    """Every table's indexes and foreign keys, as the database reports them."""
    found = inspect(engine)
    return {
        table: (
            sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(table)),
            sorted(
                (tuple(k["constrained_columns"]), k["referred_table"])
                for k in found.get_foreign_keys(table)
            ),
        )
        for table in found.get_table_names()
    }


def test_checks_and_indexes_are_dropped_for_the_load_and_built_again(engine: Engine) -> None:
    Projector(engine)  # the migrated schema
    before = schema(engine)
    assert before["event_countries"][0], "the timeline index exists"

    with checks_and_indexes_deferred(engine):
        during = schema(engine)
        Projector(engine).apply(records(seed_messages()))

    assert during["event_countries"][0] == []
    if engine.dialect.name == "postgresql":
        assert during["sources"][1] == []
    assert schema(engine) == before
