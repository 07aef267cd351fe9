"""The projection folds event messages into the store exactly once per offset."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from newsline.errors import InvalidEventMessage, PositionConflict
from newsline.store import queries
from newsline.store.engine import make_engine
from newsline.store.models import ProjectionOffset
from newsline.store.projector import Projector

from .store_support import (
    EN_ID,
    FR_ID,
    english_messages,
    event_id,
    mention,
    records,
    seed_messages,
)

pytestmark = pytest.mark.integration

TABLES = ("articles", "events", "event_countries", "event_actors", "sources", "projection_offsets")
VISIT = event_id("meeting/visit", ("BLR", "IRN"), "2025-08-20")
DEPLOYMENT = event_id("military/deployment", ("BLR", "RUS"), None)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every store table, sorted: equal snapshots are equal stores."""
    with engine.connect() as connection:
        return {
            table: sorted(map(tuple, connection.execute(text(f"select * from {table}"))), key=repr)
            for table in TABLES
        }


def test_the_seed_article_becomes_its_ten_events(engine: Engine) -> None:
    applied = Projector(engine).apply(records(seed_messages()))

    assert applied == 10
    belarus = queries.timeline(engine, "BLR")
    assert [(e.date, e.type, e.subtype, e.countries) for e in belarus.entries] == [
        ("2022-02", "military", "cooperation", ("BLR", "RUS")),
        ("2025-08-20", "meeting", "visit", ("BLR", "IRN")),
        ("2025-08-20", "agreement", "intent", ("BLR", "IRN")),
        ("2025-08-20", "sanctions", "condemned", ("BLR", "IRN")),
        ("2025-08-20", "sanctions", "evasion", ("BLR", "IRN")),
        ("2025-08-20", "military", "cooperation", ("BLR", "IRN")),
        (None, "military", "deployment", ("BLR", "RUS")),
    ]
    assert {c.country: c.total for c in queries.countries(engine)} == {
        "BLR": 7, "IRN": 7, "RUS": 5, "UKR": 1,
    }  # fmt: skip


def test_replaying_a_batch_changes_nothing(engine: Engine) -> None:
    projector = Projector(engine)
    batch = records(seed_messages()) + records(english_messages(), start=10)
    projector.apply(batch)
    before = snapshot(engine)

    assert projector.apply(batch) == 0
    assert Projector(engine).apply(batch[3:7]) == 0  # a restarted worker re-reading a slice

    assert snapshot(engine) == before


def test_positions_are_the_next_offsets_a_consumer_seeks_to(engine: Engine) -> None:
    projector = Projector(engine)
    projector.apply(records(seed_messages()))

    assert projector.positions() == {
        ("newsline.events.meeting", 0): 1,
        ("newsline.events.agreement", 0): 2,
        ("newsline.events.sanctions", 0): 2,
        ("newsline.events.military", 0): 5,
    }
    assert Projector(engine, name="export").positions() == {}


def test_records_below_the_stored_offset_are_skipped_and_gaps_move_it_on(engine: Engine) -> None:
    projector = Projector(engine)
    seed = seed_messages()
    topic = "newsline.events.military"
    projector.apply([(topic, 2, 40, seed[6])])

    applied = projector.apply([(topic, 2, 39, seed[7]), (topic, 2, 45, seed[8])])

    assert applied == 1  # offset 39 was already passed; 45 is new
    assert projector.positions() == {(topic, 2): 46}
    assert queries.timeline(engine, "UKR").entries == ()


def test_a_record_without_a_message_only_moves_the_position_on(engine: Engine) -> None:
    projector = Projector(engine)
    topic = "newsline.events.sanctions"

    applied = projector.apply([(topic, 1, 7, None)])

    assert applied == 0
    assert projector.positions() == {(topic, 1): 8}
    assert queries.countries(engine) == []


def test_a_position_cannot_be_recorded_twice(engine: Engine) -> None:
    class StaleProjector(Projector):
        """Read its positions before another projector recorded them."""

        def _positions(self, connection, only=None):  # type: ignore[override]
            return {}

    batch = records(seed_messages())
    Projector(engine).apply(batch)
    before = snapshot(engine)

    with pytest.raises(PositionConflict, match=r"events\.\w+\[0\] was recorded by another"):
        StaleProjector(engine).apply(batch)
    assert snapshot(engine) == before
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            ProjectionOffset.__table__.insert().values(  # type: ignore[attr-defined]
                projection="timeline", topic="newsline.events.meeting", partition=0, next_offset=9
            )
        )


def test_a_french_and_an_english_report_are_one_event_with_two_sources(engine: Engine) -> None:
    projector = Projector(engine)
    projector.apply(records(seed_messages()))
    projector.apply(records(english_messages(), start=10))

    visit = queries.event(engine, VISIT)

    assert [s.article_id for s in visit.sources] == [FR_ID, EN_ID]
    assert [s.lang for s in visit.sources] == ["fr", "en"]
    assert visit.entry.source_count == 2
    assert visit.entry.confidence == 0.95  # the English mention's, the higher
    assert str(visit.entry.first_seen) == "2025-08-20 09:15:00"  # the French extraction
    assert [(a.role, a.code, a.names) for a in visit.actors] == [
        ("host", "BLR", ("Alexander Lukashenko", "Alexandre Loukachenko")),
        ("guest", "IRN", ("Masoud Pezeshkian", "Massoud Pezeshkian")),
    ]
    assert visit.sources[0].evidence.endswith(
        "lors d'une rencontre dans la capitale biélorusse Minsk"
    )


def test_an_article_reporting_a_stored_event_again_updates_its_own_source(
    engine: Engine,
) -> None:
    projector = Projector(engine)
    projector.apply(records(seed_messages()))
    projector.apply(records(english_messages(), start=10))
    french = next(m for m in seed_messages() if m["event_id"] == VISIT)
    again = {**french, "confidence": 0.99, "extracted_at": "2025-08-21T08:00:00Z"}
    english_before = queries.event(engine, VISIT).sources[1]

    projector.apply(records([again], start=20))

    visit = queries.event(engine, VISIT)
    assert [s.article_id for s in visit.sources] == [FR_ID, EN_ID]
    assert visit.entry.source_count == 2
    assert visit.sources[0].confidence == 0.99
    assert (str(visit.sources[0].first_seen), str(visit.sources[0].last_seen)) == (
        "2025-08-20 09:15:00", "2025-08-21 08:00:00",
    )  # fmt: skip
    assert visit.sources[1] == english_before


def test_the_most_precise_date_and_the_earliest_extraction_win(engine: Engine) -> None:
    signed = event_id("agreement/signed", ("IRN", "RUS"), "2025-01")
    vague = mention(
        "agreement/signed", ("IRN", "RUS"), "2025",
        "un traité de coopération stratégique", [], confidence=0.9,
        extracted_at="2025-08-19T08:00:00Z",
    )  # fmt: skip
    vague["event_id"] = signed  # an extractor that could only date it to the year
    precise = next(m for m in seed_messages() if m["event_id"] == signed)

    Projector(engine).apply(records([precise, vague]))

    stored = queries.event(engine, signed)
    assert (stored.entry.date, stored.entry.date_precision) == ("2025-01", "month")
    assert stored.entry.confidence == 0.9
    assert str(stored.entry.first_seen) == "2025-08-19 08:00:00"
    assert stored.entry.source_count == 1  # one article, seen twice


def test_an_undated_event_sits_at_its_earliest_report_date(engine: Engine) -> None:
    later = next(m for m in seed_messages() if m["event_id"] == DEPLOYMENT)
    earlier = {
        **later,
        "article_id": "belta-2025-06-02",
        "reported_at": "2025-06-02T07:00:00+03:00",
    }

    Projector(engine).apply(records([later, earlier]))

    entry = queries.event(engine, DEPLOYMENT).entry
    assert (entry.undated, entry.date, str(entry.sort_date)) == (True, None, "2025-06-02")
    assert entry.source_count == 2


def test_a_message_missing_a_required_field_is_refused_whole(engine: Engine) -> None:
    broken = seed_messages()
    del broken[4]["evidence"]

    with pytest.raises(InvalidEventMessage, match=r"events\.sanctions\[0\]@1: .* lacks evidence"):
        Projector(engine).apply(records(broken))

    assert all(rows == [] for rows in snapshot(engine).values())


def test_positions_live_in_their_own_table(engine: Engine) -> None:
    Projector(engine).apply(records(seed_messages()[:1]))

    with engine.connect() as connection:
        rows = connection.execute(select(ProjectionOffset.__table__)).all()  # type: ignore[attr-defined]
    assert [tuple(r) for r in rows] == [("timeline", "newsline.events.meeting", 0, 1)]
