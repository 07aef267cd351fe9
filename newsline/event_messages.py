"""Build the messages of one extraction run: schemas/event.v1.json for each event found,
schemas/extraction.v1.json for the run itself, and their bytes on the wire."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from newsline.domain.article import Article
from newsline.domain.event import SCHEMA_VERSION, Event
from newsline.identity import event_id


def event_message(article: Article, event: Event, extracted_at: datetime) -> dict[str, Any]:
    """One mention of ``event`` in ``article``, ready to publish on its typed topic."""
    return {
        "schema_version": SCHEMA_VERSION,
        "event_id": event_id(event),
        "article_id": article.id,
        "reported_at": article.published.isoformat() if article.published else None,
        "lang": article.lang,
        "source": article.source,
        "url": article.url,
        "title": article.title,
        **event.to_dict(),
        "extracted_at": extracted_at.isoformat(timespec="milliseconds"),
    }


def extraction_message(
    article: Article, events: Sequence[Event], extracted_at: datetime, extractor: str
) -> dict[str, Any]:
    """The record of one run over ``article``: which events it found (maybe none).

    Published after the run's event messages so the timeline can retire the mentions
    an earlier run found and this one did not.
    """
    return {
        "schema_version": 1,
        "article_id": article.id,
        "extractor": extractor,
        "extracted_at": extracted_at.isoformat(timespec="milliseconds"),
        "event_ids": sorted({event_id(event) for event in events}),
    }


def encode_message(message: Mapping[str, Any]) -> bytes:
    """An event message or extraction record as the bytes on its topic: UTF-8 JSON, with
    names and evidence in their own script (not escaped), as every producer writes it."""
    return json.dumps(message, ensure_ascii=False).encode("utf-8")
