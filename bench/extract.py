"""Throughput of the extraction engine next to a same-run baseline.

    python bench/extract.py [CORPUS.jsonl] [--repeat N]

The baseline reads the same articles, normalises the text (NFC) and splits it into
sentences and words with two regular expressions: the floor any extractor pays. The
engine's figures only mean something next to it, on the same machine, in the same
run. The process is pinned to one core (where the OS allows it); peak RSS is the
process's high-water mark after each phase. Targets (issue 3): >= 200 articles/s for
~3 KB articles and peak RSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from newsline.domain.article import Article
from newsline.extraction import default_extractor
from newsline.readers import parse_published

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "eval-data"
    / "corpus"
    / "articles.jsonl"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_WORD = re.compile(r"\w+", re.UNICODE)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _load(path: Path) -> list[Article]:
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            articles.append(
                Article(d["id"], d["text"], parse_published(d.get("published")), d.get("lang"))
            )
    return articles


def _baseline(article: Article) -> int:
    text = unicodedata.normalize("NFC", article.text)
    return sum(len(_WORD.findall(s)) for s in _SENTENCE.split(text))


def _run(
    name: str,
    work: Callable[[Article], object],
    articles: list[Article],
    repeat: int,
    size_mb: float,
) -> None:
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        for article in articles:
            work(article)
    elapsed = time.perf_counter() - start
    cpu = max(time.process_time() - cpu_start, 1e-9)
    n = len(articles) * repeat
    # Wall time is the figure; CPU time beside it shows how much of a shortfall is
    # the core being shared with other processes rather than the engine's own cost.
    print(
        f"{name:9s} {n / elapsed:10.1f} articles/s {size_mb * repeat / elapsed:8.2f} MB/s "
        f"{elapsed:7.2f} s   peak RSS {_peak_rss_mb():6.1f} MB   "
        f"(CPU time: {n / cpu:.1f} articles/s)"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run baseline then engine, print one line for each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"error: corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    articles = _load(args.corpus)
    size_mb = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6
    mean_kb = size_mb * 1000 / max(1, len(articles))
    print(f"corpus    {args.corpus} ({len(articles)} articles, {mean_kb:.1f} KB mean)")
    print(f"startup   peak RSS {_peak_rss_mb():6.1f} MB before the engine is built")
    _run("baseline", _baseline, articles, args.repeat, size_mb)
    t0 = time.perf_counter()
    engine = default_extractor()
    engine.extract(articles[0])
    print(f"load      {time.perf_counter() - t0:7.2f} s to build the engine (once per process)")
    _run("engine", engine.extract, articles, args.repeat, size_mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
