"""The article as every part of newsline sees it, whatever feed it came from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Article:
    """One news article. ``published`` anchors every relative date the engine resolves."""

    id: str
    text: str
    published: date | None
    lang: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the date in ISO 8601 (the wire and eval format)."""
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return data
