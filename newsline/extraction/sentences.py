"""Sentences with their character offsets, so every event can point at its evidence.

Wire copy breaks lines inside sentences (Reuters wraps at 65 columns), so one newline
is not a boundary; a blank line is. A full stop ends a sentence unless it closes a
known abbreviation ("M.", "Mr.", "U.S.", "Oct.") or a single initial ("Robert M.
Gates"); the abbreviation lists are per-language data.

Hostile or broken text can hold "sentences" of any length (no full stop in a
megabyte); several rules cost time in proportion to the square of a sentence's
length, so a sentence longer than ``MAX_SENTENCE_CHARS`` (news sentences stay under
about 450) is cut at a space into pieces of at most that length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_END = re.compile(r"[.!?\u2026]+[\"\u00bb\u201d\u2019)\]]*(?=\s)|\n[ \t]*\n")
_NEXT_START = re.compile(r"\s*[\"\u00ab\u201c(\[]*\s*[A-Z\u00c0-\u00d6\u00d8-\u00de0-9]")
_WORD_BEFORE = re.compile(r"([\w.'-]+)\.$")
MAX_SENTENCE_CHARS = 1_000
# The word before a full stop is looked for in this many characters: abbreviations are
# short, and searching the whole sentence so far for each stop takes quadratic time.
_WORD_WINDOW = 64


class Sentence(NamedTuple):
    """A slice of the article: ``text == article.text[start:end]``."""

    text: str
    start: int
    end: int


def split_sentences(text: str, abbreviations: frozenset[str] = frozenset()) -> list[Sentence]:
    """Split ``text`` into sentences, never losing the offsets."""
    return list(_iter_sentences(text, abbreviations))


def _iter_sentences(text: str, abbreviations: frozenset[str]) -> Iterator[Sentence]:
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if match.group().startswith((".", "!", "?", "\u2026")):
            if not _NEXT_START.match(text, end):
                continue
            window = text[max(start, end - _WORD_WINDOW) : end]
            if match.group() == "." and _is_abbreviation(window, abbreviations):
                continue
        yield from _emit(text, start, end)
        start = end
    yield from _emit(text, start, len(text))


def _is_abbreviation(chunk: str, abbreviations: frozenset[str]) -> bool:
    found = _WORD_BEFORE.search(chunk)
    if not found:
        return False
    word = found.group(1).split("'")[-1]
    if len(word) == 1 and word.isupper():
        return True  # an initial: "Robert M. Gates"
    return word in abbreviations or (len(word) <= 4 and "." in word)


def _emit(text: str, start: int, end: int) -> Iterator[Sentence]:
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        space = max(text.rfind(" ", start, limit), text.rfind("\n", start, limit))
        cut = space if space > start else limit
        yield from _piece(text, start, cut)
        start = cut
    yield from _piece(text, start, end)


def _piece(text: str, start: int, end: int) -> Iterator[Sentence]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    yield Sentence(stripped, s, s + len(stripped))
