"""The read side answers the analyst's questions over the seed and its English twin."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import Engine

from newsline.errors import InvalidQuery, UnknownEvent
from newsline.store import queries
from newsline.store.engine import make_engine
from newsline.store.projector import Projector

from .store_support import (
    EN_ID,
    EN_TEXT,
    FR_ID,
    english_messages,
    event_id,
    records,
    seed_messages,
)

pytestmark = pytest.mark.integration

BI = ("BLR", "IRN")
VISIT = event_id("meeting/visit", BI, "2025-08-20")
CONDEMNED = event_id("sanctions/condemned", BI, "2025-08-20")


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    """The seed article (extracted 09:15 UTC) and its English twin (17:40 UTC), folded."""
    engine = make_engine(store_url)
    projector = Projector(engine)
    projector.apply(records(seed_messages()))
    projector.apply(records(english_messages(), start=10))
    yield engine
    engine.dispose()


def kinds(timeline: queries.Timeline) -> list[str]:
    return [f"{e.date or 'undated'} {e.type}/{e.subtype}" for e in timeline.entries]


def test_a_timeline_is_in_date_order_with_undated_events_at_their_report_date(
    store: Engine,
) -> None:
    russia = queries.timeline(store, "RUS")

    assert kinds(russia) == [
        "2022-02 military/cooperation",
        "2022-02 military/attack",
        "2025-01 agreement/signed",
        "undated military/arms_transfer",
        "undated military/deployment",
    ]
    assert [(str(e.sort_date), e.undated) for e in russia.entries][-2:] == [
        ("2025-08-20", True),
        ("2025-08-20", True),
    ]
    assert not russia.truncated


def test_date_filters_take_whole_periods(store: Engine) -> None:
    in_2022 = queries.timeline(store, "BLR", date_from=date(2022, 1, 1), date_to=date(2022, 12, 31))
    since_2025 = queries.timeline(store, "IRN", date_from=date(2025, 8, 20))

    assert kinds(in_2022) == ["2022-02 military/cooperation"]
    assert len(since_2025.entries) == 6  # the 2025-01 treaty is before; undated drones sit at 08-20


def test_type_and_subtype_filters(store: Engine) -> None:
    sanctions = queries.timeline(store, "BLR", types=["sanctions"])
    visits_and_signings = queries.timeline(store, "IRN", subtypes=["visit", "signed"])

    assert kinds(sanctions) == ["2025-08-20 sanctions/condemned", "2025-08-20 sanctions/evasion"]
    assert kinds(visits_and_signings) == ["2025-01 agreement/signed", "2025-08-20 meeting/visit"]


def test_with_keeps_events_both_countries_take_part_in(store: Engine) -> None:
    belarus_and_russia = queries.timeline(store, "BLR", with_country="RUS")

    assert kinds(belarus_and_russia) == [
        "2022-02 military/cooperation",
        "undated military/deployment",
    ]


def test_min_sources_keeps_corroborated_events(store: Engine) -> None:
    corroborated = queries.timeline(store, "BLR", min_sources=2)

    assert kinds(corroborated) == [
        "2025-08-20 meeting/visit",
        "2025-08-20 agreement/intent",
        "2025-08-20 sanctions/condemned",
    ]
    assert {e.source_count for e in corroborated.entries} == {2}


def test_limit_keeps_the_most_recent_and_says_more_exist(store: Engine) -> None:
    page = queries.timeline(store, "RUS", limit=2)

    assert kinds(page) == ["undated military/arms_transfer", "undated military/deployment"]
    assert page.truncated


def test_as_of_shows_what_was_known_then(store: Engine) -> None:
    morning = datetime(2025, 8, 20, 12, 0)

    before_anything = queries.timeline(store, "BLR", as_of=datetime(2025, 8, 20, 9, 0))
    corroborated_by_noon = queries.timeline(store, "BLR", min_sources=2, as_of=morning)
    visit_at_noon = queries.event(store, VISIT, as_of=morning)

    assert before_anything.entries == ()
    assert corroborated_by_noon.entries == ()
    assert [s.article_id for s in visit_at_noon.sources] == [FR_ID]
    assert (visit_at_noon.entry.source_count, visit_at_noon.entry.confidence) == (1, 0.9)
    assert queries.event(store, VISIT).entry.source_count == 2


def test_an_event_has_every_source_evidence_actor_and_role(store: Engine) -> None:
    condemned = queries.event(store, CONDEMNED[:8])  # a unique prefix is enough

    assert condemned.entry.event_id == CONDEMNED
    assert [(a.role, a.code, a.names) for a in condemned.actors] == [
        ("sender", "WEST", ("Western", "occidentales")),
        ("target", "BLR", ("la Biélorussie",)),
        ("speaker", "IRN", ("Massoud Pezeshkian", "Pezeshkian")),
    ]
    assert [(s.article_id, s.evidence) for s in condemned.sources] == [
        (FR_ID, 'a qualifié de "sanctions occidentales illégales"'),
        (EN_ID, "Pezeshkian said Western sanctions against both countries were illegal"),
    ]
    english = condemned.sources[1]
    assert EN_TEXT[english.evidence_start : english.evidence_end] == english.evidence
    assert english.url == "https://www.reuters.com/world/belarus-iran-2025-08-20/"


def test_unknown_or_malformed_event_ids_are_clear_errors(store: Engine) -> None:
    with pytest.raises(UnknownEvent, match="no event with id 'ffffffffffff'"):
        queries.event(store, "ffffffffffff")
    with pytest.raises(InvalidQuery, match="'visit' is not an event id"):
        queries.event(store, "visit")
    with pytest.raises(UnknownEvent, match=f"event {VISIT} was first seen after 2025-08-20 09:00"):
        queries.event(store, VISIT, as_of=datetime(2025, 8, 20, 9, 0))


def test_countries_count_events_per_type_with_the_latest_date(store: Engine) -> None:
    summary = {c.country: (c.counts, c.total, c.latest) for c in queries.countries(store)}

    assert summary == {
        "BLR": ({"meeting": 1, "agreement": 1, "sanctions": 2, "military": 3}, 7, "2025-08-20"),
        "IRN": ({"meeting": 1, "agreement": 2, "sanctions": 2, "military": 2}, 7, "2025-08-20"),
        "RUS": ({"meeting": 0, "agreement": 1, "sanctions": 0, "military": 4}, 5, "2025-01"),
        "UKR": ({"meeting": 0, "agreement": 0, "sanctions": 0, "military": 1}, 1, "2022-02"),
    }
