"""Mentions fold into one event the same way whatever their order or repetition."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from newsline.errors import InvalidEventMessage
from newsline.store.fold import EventState, Extraction, Mention, parse_mention, parse_record
from newsline.store.prepared import fold_new

BASE: dict[str, Any] = {
    "schema_version": 1, "event_id": "a" * 24, "article_id": "fr-1", "type": "agreement",
    "subtype": "signed", "countries": ["IRN", "RUS"], "actors": [], "date": "2025-01",
    "date_precision": "month", "evidence": {"text": "a signé en janvier", "start": 0, "end": 18},
    "confidence": 0.7, "extractor": "rules-0.4.0", "extracted_at": "2025-08-20T09:15:00Z",
    "reported_at": "2025-08-20",
}  # fmt: skip
MENTIONS = [
    BASE,
    {**BASE, "article_id": "en-1", "date": "2025", "date_precision": "year", "confidence": 0.9,
     "extracted_at": "2025-08-20T17:40:00+00:00"},
    {**BASE, "article_id": "ru-1", "date": "2025-01-17", "date_precision": "day",
     "extracted_at": "2025-08-21T06:00:00+03:00"},
]  # fmt: skip


def fold(messages: list[dict[str, Any]]) -> dict[str, Any]:
    mentions = [parse_mention(m) for m in messages]
    state = EventState.start(mentions[0])
    seen: set[str] = set()
    for mention in mentions:
        state.absorb(mention, new_source=mention.article_id not in seen)
        seen.add(mention.article_id)
    return state.as_row()


def test_the_fold_takes_the_best_of_every_mention() -> None:
    event = fold(MENTIONS)

    assert (event["date"], event["date_precision"], str(event["sort_date"])) == (
        "2025-01-17", "day", "2025-01-17",
    )  # fmt: skip
    assert event["confidence"] == 0.9
    assert (str(event["first_seen"]), str(event["last_seen"])) == (
        "2025-08-20 09:15:00", "2025-08-21 03:00:00",
    )  # fmt: skip
    assert event["source_count"] == 3


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_order_and_repetition_do_not_matter(order: tuple[int, ...]) -> None:
    shuffled = [MENTIONS[i] for i in order]

    assert fold(shuffled + shuffled) == fold(MENTIONS)


def test_a_malformed_date_is_refused() -> None:
    with pytest.raises(InvalidEventMessage, match="does not have precision 'day'"):
        parse_mention({**BASE, "date": "2025-01", "date_precision": "day"})


def test_a_record_is_an_extraction_when_it_lists_event_ids_else_a_mention() -> None:
    record = {"schema_version": 1, "article_id": "fr-1", "extractor": "rules-0.4.0",
              "extracted_at": "2025-08-20T09:15:00Z", "event_ids": ["a" * 24]}  # fmt: skip

    assert isinstance(parse_record(BASE), Mention)
    assert parse_record(record) == Extraction(
        "fr-1", parse_mention(BASE).extracted_at, "rules-0.4.0", ("a" * 24,)
    )
    with pytest.raises(InvalidEventMessage, match="extraction record of fr-1 is malformed"):
        parse_record({**record, "event_ids": "a" * 24})
    with pytest.raises(InvalidEventMessage, match="lacks confidence"):
        parse_record({k: v for k, v in BASE.items() if k != "confidence"})


def test_an_events_row_holds_every_field_of_the_fold() -> None:
    state = EventState.start(parse_mention(BASE))

    assert set(state.as_row()) == set(EventState.__slots__)
    assert EventState.from_row(state.as_row()) == state


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_a_new_events_prepared_rows_are_its_fold(order: tuple[int, ...]) -> None:
    messages = [MENTIONS[i] for i in order] + [MENTIONS[order[0]]]  # one report twice
    event, sources = fold_new([parse_mention(m) for m in messages])

    assert event == fold(messages)
    assert sorted(s["article_id"] for s in sources) == ["en-1", "fr-1", "ru-1"]
