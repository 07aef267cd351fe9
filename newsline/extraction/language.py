"""Which of the supported languages an article is written in.

A function-word vote is enough for news prose in French or English and costs
microseconds; a statistical detector would add a dependency for no measurable gain
on two languages this far apart. The words are data (``lexicon.jsonl`` kind
``stopword``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str, stopwords: Mapping[str, frozenset[str]], default: str = "en") -> str:
    """The language whose stop words are most frequent in the first 3000 characters."""
    counts = dict.fromkeys(stopwords, 0)
    for word in _WORD.findall(text[:3000].lower()):
        for lang, words in stopwords.items():
            if word in words:
                counts[lang] += 1
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0] == default))
    return best[0] if best[1] > 0 else default


def detect(text: str) -> str:
    """The language of ``text`` by the packaged stop-word lists ('fr' or 'en')."""
    from newsline.extraction.pack import stopwords  # the packaged lists, loaded once

    return detect_language(text, stopwords())
