"""A newer extraction of an article supersedes the mentions it no longer finds.

``newsline reprocess`` publishes new mentions and an extraction record per article;
the log keeps the old ones. These tests fold such histories, in every arrival order a
partitioned log allows, and check what the views show.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from newsline.contracts import problems
from newsline.store import queries
from newsline.store.engine import make_engine
from newsline.store.models import Source
from newsline.store.projector import Projector

from .store_support import EN_ID, FR_ID, as_read, english_messages, event_id, seed_messages

pytestmark = pytest.mark.integration

V1_AT = "2025-08-20T09:15:00Z"
V2_AT = "2025-09-01T08:00:00Z"
V3_AT = "2025-10-01T08:00:00Z"
TABLES = ("events", "event_countries", "event_actors", "sources", "article_extractions")
# (children after their parent: emptied in reverse)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def record(article: str, at: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The extraction record of the run that produced ``messages`` (maybe none)."""
    message = {
        "schema_version": 1,
        "article_id": article,
        "extractor": "rules-0.5.0",
        "extracted_at": at,
        "event_ids": sorted({m["event_id"] for m in messages}),
    }
    assert problems("extraction.v1", message) == []
    return message


def rerun(messages: list[dict[str, Any]], at: str) -> list[dict[str, Any]]:
    """The same mentions as a later run of a newer extractor publishes them."""
    return [{**m, "extracted_at": at, "extractor": "rules-0.5.0"} for m in messages]


def history() -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Run 1 finds the seed's ten events; run 2 keeps the first four, drops the rest and
    finds one run 1 missed (the visit as talks)."""
    first = seed_messages()
    talks = {**first[0], "subtype": "talks",
             "event_id": event_id("meeting/talks", ("BLR", "IRN"), "2025-08-20")}  # fmt: skip
    second = rerun([*first[:4], talks], V2_AT)
    dropped = {m["event_id"]: m["subtype"] for m in first[4:]}
    return [*first, record(FR_ID, V1_AT, first), *second, record(FR_ID, V2_AT, second)], dropped


def apply_in(
    engine: Engine, messages: list[dict[str, Any]], batch: int = 1000, ahead: bool = False
) -> None:
    """Each message on a topic of its own kind, in ``batch``-sized applies; ``ahead``:
    as a rebuild folds them: each batch as its reader hands it over (prepared, mentions
    as raw JSON), superseding decided once at the end."""
    projector = Projector(engine, settle_later=ahead)
    counters: dict[str, int] = {}
    records = []
    for message in messages:
        topic = "extractions" if "event_ids" in message else f"events.{message['type']}"
        counters[topic] = counters.get(topic, -1) + 1
        records.append((topic, 0, counters[topic], message))
    for start in range(0, len(records), batch):
        chunk = records[start : start + batch]
        if ahead:
            read = as_read(chunk)
            projector.apply(read.records, read.prepared)
        else:
            projector.apply(chunk)
    if ahead:
        projector.settle()


def _emptied(engine: Engine) -> None:
    Projector(engine)  # the tables, before emptying them
    with engine.begin() as connection:
        for table in (*reversed(TABLES), "articles", "projection_offsets"):
            connection.execute(text(f"delete from {table}"))


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table: sorted(map(tuple, connection.execute(text(f"select * from {table}"))), key=repr)
            for table in TABLES
        }


def shown(engine: Engine, country: str, **options: Any) -> set[str]:
    return {e.event_id for e in queries.timeline(engine, country, **options).entries}


def test_events_a_newer_extraction_no_longer_finds_leave_the_views(engine: Engine) -> None:
    messages, dropped = history()

    apply_in(engine, messages)

    everything = shown(engine, "BLR") | shown(engine, "RUS") | shown(engine, "IRN")
    assert len(everything) == 5 and not everything & dropped.keys()
    assert "UKR" not in {c.country for c in queries.countries(engine)}  # only a dropped event
    evasion = next(i for i, subtype in dropped.items() if subtype == "evasion")
    detail = queries.event(engine, evasion)
    assert detail.entry.source_count == 0
    assert [s.superseded for s in detail.sources] == [datetime(2025, 9, 1, 8, 0)]


def test_the_past_is_still_visible_as_of_before_the_newer_extraction(engine: Engine) -> None:
    messages, dropped = history()
    apply_in(engine, messages)

    before = shown(engine, "BLR", as_of=datetime(2025, 8, 25))
    after = shown(engine, "BLR", as_of=datetime(2025, 9, 2))

    assert before & dropped.keys()
    assert not after & dropped.keys()
    assert after - before == {event_id("meeting/talks", ("BLR", "IRN"), "2025-08-20")}


def test_an_event_another_article_still_reports_stays_with_one_source(engine: Engine) -> None:
    english = english_messages()
    first = seed_messages()
    second: list[dict[str, Any]] = []  # the re-run finds nothing in the French article
    english_record = record(EN_ID, english[0]["extracted_at"], english)
    messages = [*first, record(FR_ID, V1_AT, first), *english, english_record,
                record(FR_ID, V2_AT, second)]  # fmt: skip

    apply_in(engine, messages)

    entries = queries.timeline(engine, "BLR").entries
    assert {e.event_id for e in entries} == {m["event_id"] for m in english}
    assert all(e.source_count == 1 for e in entries)
    assert shown(engine, "BLR", min_sources=2) == set()


def test_every_arrival_order_gives_the_same_store(store_url: str) -> None:
    messages, _ = history()
    first, first_record = messages[:10], messages[10]
    second, second_record = messages[11:16], messages[16]
    orders = {
        "as published": [*first, first_record, *second, second_record],
        "records first": [first_record, second_record, *first, *second],
        "newer run first": [*second, second_record, *first, first_record],
        "old mentions last": [first_record, *second, second_record, *first],
    }
    stores = {}
    for (name, order), batch, ahead in itertools.product(
        orders.items(), (1, 3, 1000), (False, True)
    ):
        engine = make_engine(store_url)
        try:
            _emptied(engine)
            apply_in(engine, order, batch, ahead)
            stores[(name, batch, ahead)] = snapshot(engine)
        finally:
            engine.dispose()
    reference = stores[("as published", 1000, False)]
    assert all(store == reference for store in stores.values())


def test_a_dropped_mention_is_stamped_with_the_first_run_that_dropped_it(store_url: str) -> None:
    # A third run that agrees with the second: the mentions the second dropped were
    # gone from then on, whichever of the two records arrives first.
    messages, dropped = history()
    first, first_record = messages[:10], messages[10]
    second, second_record = messages[11:16], messages[16]
    third = rerun(second, V3_AT)
    third_record = record(FR_ID, V3_AT, third)
    orders = {
        "as published": [*first, first_record, *second, second_record, *third, third_record],
        "third record first": [third_record, *first, first_record, *second, second_record],
        "second record last": [*first, first_record, *third, third_record, second_record],
    }
    for (name, order), batch, ahead in itertools.product(orders.items(), (1, 1000), (False, True)):
        engine = make_engine(store_url)
        try:
            _emptied(engine)
            apply_in(engine, order, batch, ahead)
            with engine.connect() as connection:
                stamps = dict(connection.execute(select(Source.event_id, Source.superseded)).all())
        finally:
            engine.dispose()
        assert {stamps[i] for i in dropped} == {datetime(2025, 9, 1, 8, 0)}, (name, batch, ahead)
        assert {stamps[i] for i in stamps.keys() - dropped.keys()} == {None}, (name, batch)


def test_mentions_without_any_extraction_record_stay_current(engine: Engine) -> None:
    apply_in(engine, seed_messages())

    assert len(shown(engine, "BLR")) == 7


def test_a_mention_newer_than_the_latest_record_counts_before_its_record_arrives(
    engine: Engine,
) -> None:
    messages, _ = history()
    talks = messages[15]

    apply_in(engine, [*messages[:11], talks])  # run 1 and its record, then one of run 2

    assert talks["event_id"] in shown(engine, "BLR")
