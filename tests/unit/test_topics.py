"""Topic names and retention are what downstream consumers are promised."""

from __future__ import annotations

import pytest

from newsline.topics import dead_letter_topic, event_topic, topic_specs


def test_topics_under_a_prefix_keep_data_forever() -> None:
    specs = topic_specs("prod.")

    assert [s.name for s in specs] == [
        "prod.articles",
        "prod.articles.valid",
        "prod.events.meeting",
        "prod.events.agreement",
        "prod.events.sanctions",
        "prod.events.military",
        "prod.extractions",
        "prod.articles.dlq",
    ]
    assert all(s.config["retention.ms"] == "-1" for s in specs)
    assert [s.key for s in specs] == [
        "article id",
        "article id",
        *["event id"] * 4,
        "article id",
        "article id",
    ]


def test_event_topic_names_only_known_types() -> None:
    assert event_topic("", "sanctions") == "events.sanctions"
    assert dead_letter_topic("x.") == "x.articles.dlq"
    with pytest.raises(ValueError, match="unknown event type 'football'"):
        event_topic("", "football")
