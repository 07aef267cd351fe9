"""The extraction engine: ``extract(article) -> list[Event]`` (ONTOLOGY.md).

A pure library: no Kafka, no database, no environment variables. The data it reads
ships inside the package (``data/`` for language resources, ``knowledge/`` for
countries, leaders and blocs); the default engine is built once per process on
first use.
"""

from __future__ import annotations

from functools import lru_cache

from newsline.domain.article import Article
from newsline.domain.event import Event
from newsline.extraction.engine import EXTRACTOR_VERSION, Extractor

__all__ = ["EXTRACTOR_VERSION", "Extractor", "default_extractor", "detect_language", "extract"]


@lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    """The engine over the packaged data, built on first use."""
    return Extractor.default()


def extract(article: Article) -> list[Event]:
    """Every political event the article reports, in text order."""
    return default_extractor().extract(article)


def detect_language(text: str) -> str:
    """'fr' or 'en' for a text, by the packaged stop-word lists."""
    return default_extractor().language(Article(id="", text=text, published=None))
