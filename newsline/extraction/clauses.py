"""Which part of a sentence belongs to which trigger.

A sentence often reports several happenings, so each trigger claims the words of its
own clause: clauses are cut between two triggers at the boundary word nearest to each
("," "et" "lors" "and" "which" ...), except where that word only joins two names of
one kind ("India and Pakistan", "French and Soviet ministers"). A lone trigger owns
the sentence, but keeps to its side of a "but", ";" or "tandis que" when a party
stands there. The boundary words are per-language data (``lexicon.jsonl``).
"""

from __future__ import annotations

from collections.abc import Sequence

from newsline.extraction.drafts import SentenceView
from newsline.extraction.gazetteer import Mention
from newsline.extraction.pack import LanguagePack
from newsline.extraction.tokens import Token
from newsline.extraction.triggers import TriggerHit


def find_boundaries(
    tokens: Sequence[Token], pack: LanguagePack, base: int, kind: str = "clause_boundary"
) -> list[tuple[int, int]]:
    firsts = pack.phrase_index(kind)
    found = []
    for i, t in enumerate(tokens):
        for phrase in firsts.get(t.key, ()):
            n = len(phrase)
            if n == 1 or tuple(x.key for x in tokens[i : i + n]) == phrase:
                found.append((t.start - base, tokens[i + n - 1].end - base))
                break
    return found


KIND_GROUP = {"capital": "country", "member": "country"}


def not_coordinating(
    boundaries: list[tuple[int, int]], mentions: Sequence[Mention], text: str
) -> list[tuple[int, int]]:
    """Drop the "and"/"," that only joins two names ("French and Soviet ministers"):
    it lists the parties of one clause, it does not end the clause."""
    ends = {m.end: KIND_GROUP.get(m.kind, m.kind) for m in mentions}
    starts = {m.start: KIND_GROUP.get(m.kind, m.kind) for m in mentions}
    kept = []
    for start, end in boundaries:
        before = len(text[:start].rstrip())
        after_text = text[end:]
        after = end + len(after_text) - len(after_text.lstrip())
        for article in ("the ", "la ", "le ", "les ", "l'", "l\u2019"):
            if text.startswith(article, after):
                after += len(article)
                break
        if before in ends and after in starts and ends[before] == starts[after]:
            continue  # two names of one kind: "India and Pakistan", "Santos et Ortega"
        kept.append((start, end))
    return kept


def clause_scope(
    i: int, triggers: Sequence[TriggerHit], boundaries: list[tuple[int, int]], length: int
) -> tuple[int, int]:
    hit = triggers[i]
    previous = [t for t in triggers if t.end <= hit.start]
    following = [t for t in triggers if t.start >= hit.end]
    if previous:
        limit = max(t.end for t in previous)
        cuts = [end for start, end in boundaries if start >= limit and end <= hit.start]
        left = max(cuts) if cuts else limit
    else:
        left = 0
    if following:
        limit = min(t.start for t in following)
        cuts = [start for start, end in boundaries if start >= hit.end and end <= limit]
        right = min(cuts) if cuts else limit
    else:
        right = length
    return left, right


def narrow_to_side(
    in_clause: list[Mention], view: SentenceView, pack: LanguagePack, hit: TriggerHit
) -> list[Mention]:
    """The trigger's side of a "but"/";"/"tandis que", when a party stands there.

    "... summons the Ambassador of the United States on October 21 and, on the other,
    it forbids the Bolivian president's plane ...": Bolivia is in the sentence, not in
    the summons.
    """
    cuts = find_boundaries(view.tokens, pack, view.sentence.start, "strong_boundary")
    if not cuts:
        return in_clause
    lo = max((end for start, end in cuts if end <= hit.start), default=0)
    hi = min((start for start, end in cuts if start >= hit.end), default=len(view.sentence.text))
    side = [m for m in in_clause if lo <= m.start and m.end <= hi]
    return side if side else in_clause


def starts_with_pronoun(tokens: Sequence[Token], pack: LanguagePack) -> bool:
    words = pack.words("subject_pronoun")
    return any((t.key,) in words for t in tokens[:3])


def has_phrase(tokens: Sequence[Token], phrases: frozenset[tuple[str, ...]]) -> bool:
    if not phrases:
        return False
    firsts = {p[0] for p in phrases if p}
    keys = [t.key for t in tokens]
    for i, key in enumerate(keys):
        if key in firsts and any(tuple(keys[i : i + len(p)]) == p for p in phrases if p[0] == key):
            return True
    return False
