"""The seed article gives the ten events of ONTOLOGY §5, with evidence and roles."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsline.extraction import EXTRACTOR_VERSION
from newsline.readers import read_paths

from .extraction_support import SEED, fixture_engine, keys

TEN_EVENTS = {
    ("meeting", ("BLR", "IRN"), "2025-08-20"),
    ("agreement", ("BLR", "IRN"), "2025-08-20"),
    ("military", ("BLR", "IRN"), "2025-08-20"),
    ("sanctions", ("BLR", "IRN"), "2025-08-20"),
    ("agreement", ("IRN", "RUS"), "2025-01"),
    ("military", ("BLR", "RUS"), "2022-02"),
    ("military", ("RUS", "UKR"), "2022-02"),
    ("military", ("BLR", "RUS"), None),
    ("military", ("IRN", "RUS"), None),
}


@pytest.fixture(scope="module")
def seed_events():
    (article,) = read_paths([Path(SEED)])
    return article, fixture_engine().extract(article)


def test_seed_gives_the_ontology_events(seed_events):
    _, events = seed_events
    # Nine keys: sanctions condemned and evasion share (sanctions, BLR-IRN, 2025-08-20).
    assert keys(events) == TEN_EVENTS
    subtypes = {(e.type, e.subtype, e.countries) for e in events}
    assert ("meeting", "visit", ("BLR", "IRN")) in subtypes
    assert ("sanctions", "condemned", ("BLR", "IRN")) in subtypes
    assert ("sanctions", "evasion", ("BLR", "IRN")) in subtypes
    assert ("military", "deployment", ("BLR", "RUS")) in subtypes
    assert ("military", "arms_transfer", ("IRN", "RUS")) in subtypes


def test_visit_names_host_guest_and_place(seed_events):
    _, events = seed_events
    visit = next(e for e in events if e.subtype == "visit")
    assert {(a.code, a.role) for a in visit.actors} == {("BLR", "host"), ("IRN", "guest")}
    assert visit.location is not None and visit.location.name == "Minsk"
    assert visit.to_dict()["location"] == {"name": "Minsk", "country": "BLR"}


def test_evidence_points_into_the_article(seed_events):
    article, events = seed_events
    for event in events:
        ev = event.evidence
        assert article.text[ev.start : ev.end] == ev.text
        assert event.trigger.lower() in ev.text.lower()


def test_western_sanctions_are_a_bloc_not_a_country(seed_events):
    _, events = seed_events
    condemned = next(e for e in events if e.subtype == "condemned")
    assert "WEST" in {a.code for a in condemned.actors}
    assert condemned.countries == ("BLR", "IRN")


def test_agency_and_byline_are_never_actors(seed_events):
    _, events = seed_events
    names = {a.name for e in events for a in e.actors}
    assert not {"Belta", "Mark Trevelyan"} & names
    assert all("agence" not in e.evidence.text[:0] for e in events)


def test_wire_form_has_exactly_the_ontology_fields(seed_events):
    _, events = seed_events
    record = events[0].to_dict()
    assert set(record) == {
        "type",
        "subtype",
        "countries",
        "actors",
        "date",
        "date_precision",
        "location",
        "evidence",
        "confidence",
        "extractor",
        "trigger",
        "rule",
    }
    assert record["extractor"] == EXTRACTOR_VERSION
    assert set(record["evidence"]) == {"text", "start", "end"}
    assert 0.0 <= record["confidence"] <= 1.0


def test_output_is_deterministic(seed_events):
    article, events = seed_events
    again = fixture_engine().extract(article)
    assert [e.to_dict() for e in again] == [e.to_dict() for e in events]
