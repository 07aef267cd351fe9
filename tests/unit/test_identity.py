"""One happening, one id: across articles and languages, and only then."""

from __future__ import annotations

from pathlib import Path

from newsline.domain.event import Actor, Event, Evidence
from newsline.extraction import extract
from newsline.identity import event_id, event_key
from newsline.readers import read_path

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_98cf7ec9cc4599a5.txt"


def visit(guest: str, host: str, date: str | None, *, sentence: str, subtype: str = "visit"):
    return Event(
        type="meeting",
        subtype=subtype,
        actors=(Actor(guest, "IRN", "guest"), Actor(host, "BLR", "host")),
        date=date,
        date_precision="day" if date else None,
        evidence=Evidence(sentence, 0, len(sentence)),
        confidence=0.8,
        extractor="test",
        trigger="visit",
        rule="test",
    )


def test_the_same_visit_reported_in_two_languages_has_one_id() -> None:
    french = visit("Massoud Pezeshkian", "Loukachenko", "2025-08-20", sentence="Rencontre à Minsk.")
    english = visit("Masoud Pezeshkian", "Lukashenko", "2025-08-20", sentence="Talks in Minsk.")

    assert event_id(french) == event_id(english)
    assert len(event_id(french)) == 24


def test_subtype_date_and_precision_make_different_events() -> None:
    base = visit("A", "B", "2025-08-20", sentence="s")

    assert event_id(base) != event_id(visit("A", "B", "2025-08-21", sentence="s"))
    assert event_id(base) != event_id(visit("A", "B", "2025-08-20", sentence="s", subtype="talks"))
    assert event_id(base) != event_id(visit("A", "B", None, sentence="s"))


def test_key_is_readable_and_blocs_count_only_without_countries() -> None:
    assert event_key("sanctions", "imposed", ["RUS"], "2014-03", ["EU"]) == (
        "v1|sanctions|imposed|RUS|2014-03"
    )
    assert event_key("meeting", "talks", [], "2014-03", ["NATO", "EU"]) == (
        "v1|meeting|talks|bloc:EU,bloc:NATO|2014-03"
    )


def test_the_seed_gives_ten_distinct_ids() -> None:
    (article,) = read_path(SEED)

    assert len({event_id(event) for event in extract(article)}) == 10
