"""How mentions fold into one event: pure rules, no database.

An event message (schemas/event.v1.json) is one *mention* of a happening. Mentions
sharing an event_id are one event whose fields are the best of them: the most precise
date, the highest confidence, the earliest extraction time (``first_seen``, which
``--as-of`` reads) and, while no mention carries a date, the earliest report date as
its place on the timeline. Every rule here is commutative and idempotent, so the same
mention folded twice, or mentions folded in another order, give the same event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import msgspec

from newsline.errors import InvalidEventMessage
from newsline.store.models import PRECISION_RANK

_MSGSPEC_DECODE = msgspec.json.Decoder().decode

REQUIRED = (
    "event_id", "article_id", "type", "subtype", "countries", "actors", "date",
    "date_precision", "evidence", "confidence", "extractor", "extracted_at",
)  # fmt: skip
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}
_NO_LOCATION: Mapping[str, Any] = {}


class Mention(NamedTuple):
    """One event message, checked and typed for the projection.

    A tuple, not a dataclass: a rebuild parses its messages in reader processes and
    sends them to the projector, and tuples are the cheapest objects to build and to
    serialise (a frozen dataclass cost as much to deserialise as to parse).
    """

    event_id: str
    article_id: str
    type: str
    subtype: str
    countries: tuple[str, ...]
    actors: tuple[tuple[str, str, str, str | None], ...]  # (code, role, name, title)
    date: str | None
    date_precision: str | None
    starts: date | None  # the first day of ``date``'s period
    location: str | None
    location_country: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    extractor: str
    trigger: str | None
    rule: str | None
    extracted_at: datetime
    reported_at: str | None
    reported_on: date | None
    lang: str | None
    outlet: str | None
    url: str | None
    title: str | None

    @property
    def report_date(self) -> date:
        """Where an undated mention sits: its article's date, else when it was extracted."""
        return self.reported_on or self.extracted_at.date()


def parse_mention(message: Mapping[str, Any]) -> Mention:
    """A Mention from a wire message; InvalidEventMessage names what is missing or wrong.

    The topics carry schema-validated messages, so this checks only what the fold
    relies on (full JSON Schema validation per message would halve the rebuild rate).
    It runs once per message of a rebuild, so it is written for speed: one lookup per
    field, the checks inline.
    """
    if not isinstance(message, Mapping):
        raise InvalidEventMessage(f"event message is {type(message).__name__}, not an object")
    try:
        event_id, article_id = message["event_id"], message["article_id"]
        kind, subtype, extractor = message["type"], message["subtype"], message["extractor"]
        evidence, countries = message["evidence"], message["countries"]
        actors, confidence = message["actors"], message["confidence"]
        date_text, precision = message["date"], message["date_precision"]
        extracted_at = message["extracted_at"]
    except KeyError:
        missing = [name for name in REQUIRED if name not in message]
        who = message.get("event_id", "?")
        raise InvalidEventMessage(f"event message {who} lacks {', '.join(missing)}") from None
    try:
        _check_texts((event_id, article_id, kind, subtype, extractor))
        if precision != (_PRECISION_OF_LENGTH.get(len(date_text)) if date_text else None):
            raise ValueError(f"date {date_text!r} does not have precision {precision!r}")
        location = message.get("location") or _NO_LOCATION
        reported_at = message.get("reported_at")
        return Mention(
            event_id=event_id,
            article_id=article_id,
            type=kind,
            subtype=subtype,
            countries=_codes(countries),
            actors=_actors(actors),
            date=date_text,
            date_precision=precision,
            starts=period_start(date_text),
            location=location.get("name"),
            location_country=location.get("country"),
            evidence=str(evidence["text"]),
            evidence_start=int(evidence["start"]),
            evidence_end=int(evidence["end"]),
            confidence=float(confidence),
            extractor=extractor,
            trigger=message.get("trigger"),
            rule=message.get("rule"),
            extracted_at=utc_naive(extracted_at),
            reported_at=reported_at,
            reported_on=_calendar_date(reported_at),
            lang=message.get("lang"),
            outlet=message.get("source"),
            url=message.get("url"),
            title=message.get("title"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidEventMessage(
            f"event message {message.get('event_id', '?')} is malformed: {exc}"
        ) from exc


@dataclass(frozen=True, slots=True)
class Extraction:
    """One extractor run over one article (schemas/extraction.v1.json): what it found.

    ``event_ids`` is a sorted tuple, not a frozenset: a rebuild's readers serialise
    these without the memo (``parse_ahead``), and CPython loses count of frozensets in
    that mode (a batch of many fails with a KeyError).
    """

    article_id: str
    extracted_at: datetime
    extractor: str
    event_ids: tuple[str, ...]  # sorted, distinct

    def __reduce__(self) -> tuple[type[Extraction], tuple[str, datetime, str, tuple[str, ...]]]:
        """Serialised as its constructor's arguments: a third of the time of a frozen
        dataclass's default state methods, for the 1 in 4 records a rebuild sends."""
        return (Extraction, (self.article_id, self.extracted_at, self.extractor, self.event_ids))

    def as_row(self) -> dict[str, Any]:
        """The ``article_extractions`` row."""
        return {
            "article_id": self.article_id,
            "extracted_at": self.extracted_at,
            "extractor": self.extractor,
            "event_ids": " ".join(self.event_ids),
        }


def parse_extraction(message: Mapping[str, Any]) -> Extraction:
    """An Extraction from a wire message; InvalidEventMessage says what is wrong."""
    try:
        ids = message["event_ids"]
        if not isinstance(ids, list):
            raise TypeError(f"event_ids is {type(ids).__name__}, not a list")
        return Extraction(
            article_id=_text(message["article_id"]),
            extracted_at=utc_naive(message["extracted_at"]),
            extractor=_text(message["extractor"]),
            event_ids=tuple(sorted({_text(i) for i in ids})),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidEventMessage(
            f"extraction record of {message.get('article_id', '?')} is malformed: {exc}"
        ) from exc


def parse_record(message: Mapping[str, Any]) -> Mention | Extraction:
    """What one consumed message is: an extraction record (it has ``event_ids``), else a
    mention; InvalidEventMessage says what is wrong with it.

    The projector calls this once per message of a rebuild, so the dispatch is inline.
    """
    if isinstance(message, Mapping) and "event_ids" in message:
        return parse_extraction(message)
    return parse_mention(message)


def parse_raw_record(value: bytes | str) -> Mention | Extraction:
    """``parse_record`` of a record's value as the log holds it (JSON text)."""
    try:
        message = decode_json(value)
    except (ValueError, TypeError, RecursionError) as exc:
        raise InvalidEventMessage(f"record is not JSON: {exc}") from None
    return parse_record(message)


def decode_json(value: bytes | str) -> Any:
    """JSON text as ``json.loads`` decodes it, in a third of the time (a rebuild decodes
    every record of the log).

    msgspec's decoder gives the same values for what it accepts; what it refuses (NaN,
    a byte-order mark, UTF-16, lone surrogates, out-of-range floats, malformed text)
    goes to ``json.loads``, which accepts or refuses it as before.
    """
    try:
        return _MSGSPEC_DECODE(value)
    except msgspec.MsgspecError:
        return json.loads(value)


def period_start(text: str | None) -> date | None:
    """The first day of a YYYY, YYYY-MM or YYYY-MM-DD period (ValueError if none)."""
    if text is None:
        return None
    match = _PARTIAL_DATE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    return date(int(year), int(month or 1), int(day or 1))


def utc_naive(value: str | datetime) -> datetime:
    """An ISO 8601 time as naive UTC (no zone means UTC): the store's one convention."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _calendar_date(reported_at: Any) -> date | None:
    """The date as the article wrote it: 2025-08-20T01:00+02:00 stays the 20th."""
    if not isinstance(reported_at, str) or len(reported_at) < 10:
        return None
    try:
        return date.fromisoformat(reported_at[:10])
    except ValueError:
        return None


def _codes(countries: Any) -> tuple[str, ...]:
    """The country codes, sorted and distinct."""
    _check_texts(countries)
    return tuple(sorted(set(countries)))


def _actors(actors: Any) -> tuple[tuple[str, str, str, Any], ...]:
    """(code, role, name, title) per actor; code, role and name must be non-empty text."""
    rows = []
    for actor in actors:
        row = (actor["code"], actor["role"], actor["name"], actor.get("title"))
        _check_texts(row[:3])
        rows.append(row)
    return tuple(rows)


def _check_texts(values: Any) -> None:
    """ValueError unless every value is a non-empty str (the exact-class test first:
    it is the cheap one, and it passes for nearly every value of a rebuild)."""
    for value in values:
        if value.__class__ is not str or not value:
            _text(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value


@dataclass(slots=True)
class EventState:
    """The mutable fold of one event; ``as_row()`` is its ``events`` row."""

    event_id: str
    type: str
    subtype: str
    date: str | None
    date_precision: str | None
    sort_date: date
    undated: bool
    location: str | None
    location_country: str | None
    confidence: float
    extractor: str
    first_seen: datetime
    last_seen: datetime
    source_count: int

    @classmethod
    def start(cls, mention: Mention) -> EventState:
        """The event as its first mention describes it (no source counted yet)."""
        return cls(
            event_id=mention.event_id,
            type=mention.type,
            subtype=mention.subtype,
            date=mention.date,
            date_precision=mention.date_precision,
            sort_date=mention.starts or mention.report_date,
            undated=mention.date is None,
            location=mention.location,
            location_country=mention.location_country,
            confidence=mention.confidence,
            extractor=mention.extractor,
            first_seen=mention.extracted_at,
            last_seen=mention.extracted_at,
            source_count=0,
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EventState:
        """The stored event, ready to absorb more mentions."""
        return cls(**{name: row[name] for name in cls.__slots__})

    def absorb(self, mention: Mention, new_source: bool) -> None:
        """Fold one more mention in; ``new_source`` when its article is not yet counted."""
        if PRECISION_RANK[mention.date_precision] > PRECISION_RANK[self.date_precision]:
            self.date, self.date_precision = mention.date, mention.date_precision
            self.sort_date, self.undated = mention.starts, False
        elif self.undated and mention.date is None:
            self.sort_date = min(self.sort_date, mention.report_date)
        self.confidence = max(self.confidence, mention.confidence)
        if mention.extracted_at >= self.last_seen:
            self.extractor = mention.extractor
        self.first_seen = min(self.first_seen, mention.extracted_at)
        self.last_seen = max(self.last_seen, mention.extracted_at)
        if self.location is None and mention.location is not None:
            self.location, self.location_country = mention.location, mention.location_country
        self.source_count += int(new_source)

    def as_row(self) -> dict[str, Any]:
        """The ``events`` row (spelt out: built once per event of a rebuild)."""
        return {
            "event_id": self.event_id,
            "type": self.type,
            "subtype": self.subtype,
            "date": self.date,
            "date_precision": self.date_precision,
            "sort_date": self.sort_date,
            "undated": self.undated,
            "location": self.location,
            "location_country": self.location_country,
            "confidence": self.confidence,
            "extractor": self.extractor,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "source_count": self.source_count,
        }


def source_row(mention: Mention) -> dict[str, Any]:
    """The ``sources`` row of one mention."""
    return {
        "event_id": mention.event_id,
        "article_id": mention.article_id,
        "evidence": mention.evidence,
        "evidence_start": mention.evidence_start,
        "evidence_end": mention.evidence_end,
        "trigger": mention.trigger,
        "rule": mention.rule,
        "outlet": mention.outlet,
        "lang": mention.lang,
        "reported_at": mention.reported_at,
        "reported_on": mention.reported_on,
        "date": mention.date,
        "date_precision": mention.date_precision,
        "confidence": mention.confidence,
        "extractor": mention.extractor,
        "first_seen": mention.extracted_at,
        "last_seen": mention.extracted_at,
        "superseded": None,
    }


def merge_source(stored: Mapping[str, Any], mention: Mention) -> dict[str, Any]:
    """A source seen again: the latest extraction's content, the earliest first_seen.

    Whether it is superseded is not the mention's to say: ``supersede`` decides that
    from the article's extractions, and recounts the event when it changes.
    """
    fresh = source_row(mention)
    base = fresh if mention.extracted_at >= stored["last_seen"] else dict(stored)
    return {
        **base,
        "first_seen": min(stored["first_seen"], mention.extracted_at),
        "last_seen": max(stored["last_seen"], mention.extracted_at),
        "superseded": stored["superseded"],
    }


def article_row(mention: Mention) -> dict[str, Any]:
    """The ``articles`` row the mention's metadata describes."""
    return {
        "id": mention.article_id,
        "published": mention.reported_at,
        "lang": mention.lang,
        "source": mention.outlet,
        "url": mention.url,
        "title": mention.title,
        "first_seen": mention.extracted_at,
    }


def refold(sources: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The event fields as only ``sources`` (``sources`` rows) describe them: for --as-of.

    The same rules as EventState.absorb, applied to the stored mentions a moment in
    the past knew about.
    """
    best = max(sources, key=lambda s: (PRECISION_RANK[s["date_precision"]], -_order(s)))
    latest = max(sources, key=lambda s: s["last_seen"])
    dated = best["date"] is not None
    return {
        "date": best["date"],
        "date_precision": best["date_precision"],
        "undated": not dated,
        "sort_date": period_start(best["date"])
        if dated
        else min(s["reported_on"] or s["first_seen"].date() for s in sources),
        "confidence": max(s["confidence"] for s in sources),
        "extractor": latest["extractor"],
        "first_seen": min(s["first_seen"] for s in sources),
        "last_seen": latest["last_seen"],
        "source_count": len(sources),
    }


def _order(source: Mapping[str, Any]) -> float:
    """Earlier extraction wins a tie between equally precise dates (as in the live fold)."""
    return source["first_seen"].timestamp()
