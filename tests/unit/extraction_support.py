"""Shared helpers for the extraction tests: a small knowledge base and article makers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from newsline.domain.article import Article
from newsline.extraction import Extractor
from newsline.extraction.resources import KNOWLEDGE_DIR, KNOWLEDGE_FILES

FIXTURE_KNOWLEDGE = Path(__file__).resolve().parents[1] / "fixtures" / "knowledge"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_98cf7ec9cc4599a5.txt"


def fixture_engine() -> Extractor:
    """The engine over the test knowledge base: stable whatever the packaged data says."""
    return Extractor.from_dirs(FIXTURE_KNOWLEDGE)


def packaged_knowledge_missing() -> str | None:
    """Why the packaged knowledge base cannot be used, or None when it can."""
    missing = [n for n in KNOWLEDGE_FILES if not (KNOWLEDGE_DIR / f"{n}.jsonl").exists()]
    return f"packaged knowledge files missing: {', '.join(missing)}" if missing else None


def article(text: str, lang: str, published: str | None = "2025-08-20") -> Article:
    """One article from a sentence or two."""
    return Article(
        id="t",
        text=text,
        published=date.fromisoformat(published) if published else None,
        lang=lang,
    )


def keys(events: list) -> set[tuple[str, tuple[str, ...], str | None]]:
    """The scorer's identity of each event: type, countries, date."""
    return {e.key for e in events}
