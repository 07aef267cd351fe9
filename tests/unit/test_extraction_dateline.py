"""Wire datelines are recognised, and only at the head of a story."""

from __future__ import annotations

import pytest

from newsline.extraction.dateline import find_dateline


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("WASHINGTON, March 9 - The Treasury Department said", "WASHINGTON"),
        ("FRANKFURT, Oct 19 - News of a meeting between", "FRANKFURT"),
        ("ABILENE, TEXAS, March 12 - Summit Petroleum Corp said", "ABILENE, TEXAS"),
        ("LIVONIA, Mich., March 19 - Workers at a General Motors", "LIVONIA, Mich."),
        ("WASHINGTON, April 9  - The United States, which has long", "WASHINGTON"),
    ],
)
def test_datelines(text, place):
    found = find_dateline(text)
    assert found is not None
    assert found.place == place
    assert text[found.end :].startswith(("The", "News", "Summit", "Workers"))


@pytest.mark.parametrize(
    "text",
    [
        "Le président américain Barack Obama s'envolera pour Oslo, en Norvège.",
        "Tony Blair has hailed a deal, March 9 - or so he said.",
        "The EU and US have agreed to begin talks on ending subsidies.",
    ],
)
def test_no_dateline(text):
    assert find_dateline(text) is None
