"""A rebuild's fast paths: rows prepared outside the transaction, checks and indexes
deferred to the end. Each must leave exactly the store the plain path leaves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from newsline.store import bulk
from newsline.store.bulk import checks_and_indexes_deferred, insert_ignore, row_tuples
from newsline.store.engine import make_engine
from newsline.store.models import TABLES
from newsline.store.prepared import ARTICLES, COUNTRIES
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


def emptied(engine: Engine) -> None:
    """Every store table emptied, children first: the foreign keys hold."""
    with engine.begin() as connection:
        for table in reversed(TABLES):
            connection.execute(table.delete())


def test_prepared_batches_build_the_same_store(engine: Engine) -> None:
    projector = Projector(engine)
    for batch in two_batches():
        projector.apply(batch)
    expected = snapshot(engine)
    emptied(engine)

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
    if engine.dialect.name == "postgresql":
        assert unvalidated_keys_and_table_options(engine) == []


def unvalidated_keys_and_table_options(engine: Engine) -> list[tuple[str, Any]]:
    """PostgreSQL: foreign keys not validated yet, and store tables with options set."""
    with engine.connect() as connection:
        keys = connection.execute(
            text(
                "select conname, convalidated from pg_constraint where contype = 'f' "
                "and connamespace = current_schema()::regnamespace and not convalidated"
            )
        ).all()
        options = connection.execute(
            text(
                "select relname, reloptions from pg_class "
                "where relnamespace = current_schema()::regnamespace and reloptions is not null"
            )
        ).all()
    return [tuple(row) for row in [*keys, *options]]


def test_restored_before_the_body_ends_the_keys_hold_for_what_it_still_writes(
    engine: Engine,
) -> None:
    """A rebuild calls ``restore`` after its last batch and settles meanwhile: the
    writes after it land in a store whose keys are enforced, and the block's end
    leaves the schema as before, every key validated, autovacuum as it was."""
    plain = Projector(engine)
    before = schema(engine)
    first, second = two_batches()
    for batch in (first, second):
        plain.apply(batch)
    wanted = snapshot(engine)
    emptied(engine)

    with checks_and_indexes_deferred(engine) as restore:
        Projector(engine).apply(first)
        restore()
        restore()  # once is enough; a second call changes nothing
        Projector(engine).apply(second)
        if engine.dialect.name == "postgresql":  # enforced from restore() on
            orphan = {
                "event_id": "f" * 24,
                "country": "BLR",
                "type": "meeting",
                "subtype": "visit",
                "sort_date": dt.date(2025, 1, 1),
                "undated": False,
            }
            with pytest.raises(IntegrityError, match="foreign key"), engine.begin() as connection:
                connection.execute(COUNTRIES.insert(), [orphan])

    assert schema(engine) == before
    assert snapshot(engine) == wanted
    if engine.dialect.name == "postgresql":
        assert unvalidated_keys_and_table_options(engine) == []


def test_a_failure_after_restore_is_the_one_reported(engine: Engine) -> None:
    Projector(engine)
    body = pytest.raises(RuntimeError, match="the body failed")
    with body, checks_and_indexes_deferred(engine) as restore:
        Projector(engine).apply(records(seed_messages()))
        restore()
        raise RuntimeError("the body failed")


@pytest.mark.parametrize("staged_from", [1, 10_000], ids=["staged", "executemany"])
def test_insert_ignore_keeps_the_first_row_of_each_key(
    engine: Engine, staged_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows already stored, repeated within one call, and sent again by a second call in
    the same transaction: each key is stored once, as first written, whichever way
    PostgreSQL takes them."""
    monkeypatch.setattr(bulk, "STAGED_FROM", staged_from)
    Projector(engine)
    seen = dt.datetime(2025, 8, 20, 12, 0, 0, 123456)

    def article(key: str, title: str) -> dict[str, Any]:
        return {
            "id": key,
            "published": "2025-08-20",
            "lang": "en",
            "source": "Wire",
            "url": None,
            "title": title,
            "first_seen": seen,
        }

    with engine.begin() as connection:
        insert_ignore(connection, ARTICLES, row_tuples(ARTICLES, [article("a", "first")]))
    with engine.begin() as connection:
        insert_ignore(
            connection,
            ARTICLES,
            row_tuples(
                ARTICLES, [article("a", "again"), article("b", "first"), article("b", "repeated")]
            ),
        )
        insert_ignore(
            connection,
            ARTICLES,
            row_tuples(ARTICLES, [article("b", "later"), article("c", "first")]),
        )
        insert_ignore(connection, ARTICLES, [])

    with engine.connect() as connection:
        stored = connection.execute(
            select(ARTICLES.c.id, ARTICLES.c.title, ARTICLES.c.first_seen).order_by(ARTICLES.c.id)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("a", "first", seen),
        ("b", "first", seen),
        ("c", "first", seen),
    ]
