"""Build the event messages of schemas/event.v1.json from an article and its events."""

from __future__ import annotations

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
