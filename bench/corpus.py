"""The benchmark's articles: the shared evaluation corpus, repeated under unique ids.

The corpus (``../shared/eval-data/corpus/articles.jsonl``, 156 real French and English
articles) is read with newsline's own JSONL reader. A benchmark needs thousands of
articles, so the corpus is cycled and every copy gets an id of its own
(``<corpus id>~<tag><n>``): the ingest agent drops an article only when both its id and
its content digest were seen, so a new id is enough for a copy to go all the way
through, and its events fold into the same event rows as a second source.

A quarter of the corpus has no publication date; upstream feeds always date their
items, and ingest dead-letters an undated one, so by default copies of those get
``FILL_DATE`` and take the full path like the rest (``keep_undated`` sends them as
they are, to measure the dead-letter path instead).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from itertools import cycle, islice
from pathlib import Path

from newsline.domain.article import Article
from newsline.errors import NewslineError
from newsline.publishing import encode_article
from newsline.readers import read_path

#: Where the corpus lives, relative to this repository (a sibling ``shared`` folder).
DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared/eval-data/corpus"
CORPUS_FILE = "articles.jsonl"
#: The day undated corpus articles are given: the WMT 2014 ones report 31 Oct-1 Nov 2013.
FILL_DATE = date(2013, 11, 1)


class CorpusMissing(NewslineError):
    """The corpus file is not where the benchmark was told to look."""


@dataclass(frozen=True, slots=True)
class Corpus:
    """The distinct articles the benchmark cycles through, and where they came from."""

    path: Path
    articles: tuple[Article, ...]
    undated: int

    @property
    def mean_kb(self) -> float:
        sizes = [len(a.text.encode("utf-8")) for a in self.articles]
        return sum(sizes) / max(1, len(sizes)) / 1000

    def copies(self, count: int, tag: str) -> Iterator[Article]:
        """``count`` articles cycling through the corpus, ids ``<id>~<tag><n>``."""
        for number, article in enumerate(islice(cycle(self.articles), count)):
            yield replace(article, id=f"{article.id}~{tag}{number}")

    def messages(self, count: int, tag: str) -> list[tuple[str, bytes, bytes]]:
        """(article id, key, value) as ``newsline publish`` sends them, encoded up front."""
        return [(a.id, a.id.encode("utf-8"), encode_article(a)) for a in self.copies(count, tag)]


def load_corpus(location: Path, keep_undated: bool = False) -> Corpus:
    """The corpus at ``location`` (its folder or the .jsonl itself), or CorpusMissing."""
    path = location / CORPUS_FILE if location.is_dir() else location
    if not path.is_file():
        raise CorpusMissing(
            f"corpus not found: {path} (expected {CORPUS_FILE} from ../shared/eval-data/corpus/ "
            "next to this repository; point --corpus at another copy)"
        )
    articles = tuple(read_path(path))
    if not articles:
        raise CorpusMissing(f"corpus {path} holds no articles")
    undated = sum(1 for a in articles if a.published is None)
    if not keep_undated:
        articles = tuple(a if a.published else replace(a, published=FILL_DATE) for a in articles)
    return Corpus(path=path, articles=articles, undated=undated)
