"""`newsline timeline`, `event` and `countries` as an analyst runs them: exact output,
exit 0 on answers (even empty ones), exit 1 with one line on bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest

from newsline.store.engine import make_engine
from newsline.store.projector import Projector

from .store_support import (
    FR_ID,
    english_messages,
    event_id,
    newsline,
    records,
    seed_messages,
)

pytestmark = pytest.mark.integration

BI = ("BLR", "IRN")
VISIT = event_id("meeting/visit", BI, "2025-08-20")
INTENT = event_id("agreement/intent", BI, "2025-08-20")
CONDEMNED = event_id("sanctions/condemned", BI, "2025-08-20")
EVASION = event_id("sanctions/evasion", BI, "2025-08-20")
COOPERATION = event_id("military/cooperation", BI, "2025-08-20")
TERRITORY = event_id("military/cooperation", ("BLR", "RUS"), "2022-02")
DEPLOYMENT = event_id("military/deployment", ("BLR", "RUS"), None)


@pytest.fixture
def url(store_url: str) -> str:
    """A store holding the seed article and its English twin."""
    engine = make_engine(store_url)
    projector = Projector(engine)
    projector.apply(records(seed_messages()))
    projector.apply(records(english_messages(), start=10))
    engine.dispose()
    return store_url


def test_timeline_by_french_name_is_a_readable_table(url: str) -> None:
    result = newsline(url, "timeline", "Biélorussie")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "BLR (Belarus): 7 events, oldest first",
        "date         event                 with  sources  confidence  id",
        f"2022-02      military/cooperation  RUS         1        0.80  {TERRITORY}",
        f"2025-08-20   meeting/visit         IRN         2        0.95  {VISIT}",
        f"2025-08-20   agreement/intent      IRN         2        0.80  {INTENT}",
        f"2025-08-20   sanctions/condemned   IRN         2        0.85  {CONDEMNED}",
        f"2025-08-20   sanctions/evasion     IRN         1        0.80  {EVASION}",
        f"2025-08-20   military/cooperation  IRN         1        0.60  {COOPERATION}",
        f"2025-08-20*  military/deployment   RUS         1        0.70  {DEPLOYMENT}",
        "* undated: placed at the day it was first reported",
    ]
    assert result.stderr == ""


def test_with_and_min_sources_as_csv(url: str) -> None:
    result = newsline(
        url, "timeline", "BY", "--with", "Iran", "--min-sources", "2", "--format", "csv"
    )

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["event_id"], r["countries"], r["source_count"]) for r in rows] == [
        (VISIT, "BLR IRN", "2"),
        (INTENT, "BLR IRN", "2"),
        (CONDEMNED, "BLR IRN", "2"),
    ]


def test_filters_as_json_and_jsonl(url: str) -> None:
    as_json = newsline(url, "timeline", "blr", "--from", "2022", "--to", "2022", "--format", "json")
    as_jsonl = newsline(url, "timeline", "Belarus", "--type", "sanctions", "--format", "jsonl")

    assert json.loads(as_json.stdout) == [
        {
            "event_id": TERRITORY,
            "type": "military",
            "subtype": "cooperation",
            "date": "2022-02",
            "date_precision": "month",
            "sort_date": "2022-02-01",
            "undated": False,
            "countries": ["BLR", "RUS"],
            "location": None,
            "confidence": 0.8,
            "source_count": 1,
            "extractor": "rules-0.4.0",
            "first_seen": "2025-08-20T09:15:00",
            "last_seen": "2025-08-20T09:15:00",
        }
    ]
    lines = [json.loads(line) for line in as_jsonl.stdout.splitlines()]
    assert [(e["subtype"], e["source_count"]) for e in lines] == [("condemned", 2), ("evasion", 1)]


def test_as_of_shows_what_was_known_at_noon(url: str) -> None:
    result = newsline(
        url, "timeline", "IRN", "--subtype", "visit", "--as-of", "2025-08-20T14:00+02:00"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2] == (
        f"2025-08-20  meeting/visit  BLR         1        0.90  {VISIT}"
    )


def test_an_empty_timeline_says_so(url: str) -> None:
    result = newsline(url, "timeline", "BLR", "--from", "2030", "--type", "meeting")

    assert result.returncode == 0
    assert result.stdout == "no events for BLR (Belarus) matching --from 2030 --type meeting\n"


def test_event_shows_sources_evidence_and_roles(url: str) -> None:
    result = newsline(url, "event", VISIT[:8])

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:14] == [
        f"event {VISIT}: meeting/visit",
        "  date        2025-08-20 (day)",
        "  countries   BLR IRN",
        "  location    Minsk",
        "  confidence  0.95 (highest of its sources)",
        "  extractor   rules-0.4.0",
        "  first seen  2025-08-20 09:15:00 UTC",
        "  last seen   2025-08-20 17:40:00 UTC",
        "actors",
        "  host   BLR   Alexander Lukashenko / Alexandre Loukachenko (President)",
        "  guest  IRN   Masoud Pezeshkian / Massoud Pezeshkian (President)",
        "sources (2)",
        f"  [1] {FR_ID} (Reuters (FR), fr, reported 2025-08-20)",
        "      \"ont déclaré mercredi leurs présidents lors d'une rencontre dans la capitale "
        'biélorusse Minsk" [characters 175-267]',
    ]
    as_json = json.loads(newsline(url, "event", VISIT, "--format", "json").stdout)
    assert [s["lang"] for s in as_json["sources"]] == ["fr", "en"]


def test_countries_lists_counts_per_type(url: str) -> None:
    result = newsline(url, "countries")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "country  name     meeting  agreement  sanctions  military  total  latest",
        "BLR      Belarus        1          1          2         3      7  2025-08-20",
        "IRN      Iran           1          2          2         2      7  2025-08-20",
        "RUS      Russia         0          1          0         4      5  2025-01",
        "UKR      Ukraine        0          0          0         1      1  2022-02",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["timeline", "Belarussia"],
            "error [NL323]: unknown country 'Belarussia'; did you mean Belarus (BLR), "
            "Russia (RUS)? (give an ISO-3 or ISO-2 code, or the name in English or French)",
        ),
        (
            ["timeline", "BLR", "--from", "2025-13-01"],
            "error [NL322]: --from '2025-13-01' is not a date: give YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            ["timeline", "BLR", "--format", "xml"],
            "error [NL322]: unknown --format 'xml' (choose from table, json, jsonl, csv)",
        ),
        (
            ["timeline", "BLR", "--as-of", "yesterday"],
            "error [NL322]: --as-of 'yesterday' is not a time: give e.g. 2025-08-20T12:00:00Z "
            "or 2025-08-20",
        ),
        (
            ["event", "ffffffffffffffffffffffff"],
            "error [NL324]: no event with id 'ffffffffffffffffffffffff' in the store "
            "(ids are in `newsline timeline COUNTRY`)",
        ),
    ],
    ids=["country", "date", "format", "as-of", "event-id"],
)
def test_bad_input_is_one_line_and_exit_1(url: str, args: list[str], message: str) -> None:
    result = newsline(url, *args)

    assert result.returncode == 1
    assert result.stderr == message + "\n"
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["timeline", "event", "countries"])
def test_an_unreachable_database_is_one_line_and_exit_1(command: str) -> None:
    args = {"timeline": ["BLR"], "event": [VISIT], "countries": []}[command]
    result = newsline("postgresql://nobody@127.0.0.1:1/none", command, *args)

    assert result.returncode == 1
    assert result.stderr.startswith(
        "error [NL301]: database postgresql+psycopg://nobody@127.0.0.1:1/none does not answer"
    )
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["timeline", "event", "countries"])
def test_help_teaches_with_examples(command: str) -> None:
    result = newsline("sqlite:///unused.db", command, "--help")

    assert result.returncode == 0
    assert f"newsline {command}" in result.stdout
    assert "Examples" in result.stdout
    assert "NEWSLINE_DATABASE_URL" in result.stdout
