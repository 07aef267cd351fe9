"""Which date a trigger takes (ONTOLOGY §3).

A date belongs to the trigger it is nearest to ("agreed to pursue the policies of the
February Louvre accord": February dates the accord), and not to a trigger it is cut
from by a relative clause or another verb ("laws passed by Congress last fall",
"which on Monday will start"); a deadline ("a Dec. 31 deadline") dates nothing.
Without a date of its own a happening takes one elsewhere in its sentence, except
ongoing states and attacks, whose date must be their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from newsline.extraction.clauses import find_boundaries
from newsline.extraction.dates import DateMention
from newsline.extraction.drafts import SentenceView
from newsline.extraction.pack import LanguagePack
from newsline.extraction.triggers import TriggerHit

Resolver = Callable[[DateMention, bool], tuple[str | None, str | None]]

# These take a date only from their own clause (ONTOLOGY §3: undated facts);
# "la guerre de la Russie en Ukraine" is such a state, its invasion "en février 2022"
# is dated by its own clause.
OWN_CLAUSE_DATE = {
    ("military", "deployment"),
    ("military", "arms_transfer"),
    ("military", "attack"),
}


def clause_date(
    view: SentenceView,
    pack: LanguagePack,
    hit: TriggerHit,
    left: int,
    right: int,
    kind: tuple[str, str],
    subtype: str,
    resolve: Resolver,
) -> tuple[str | None, str | None, bool]:
    """The date of the trigger's clause, else a date elsewhere in the sentence.

    A date belongs to the trigger it is nearest to: in "agreed to pursue the policies
    of the February Louvre accord" February dates the accord, not the agreeing.
    """
    base = view.sentence.start
    relative = [start for start, _ in find_boundaries(view.tokens, pack, base, "relative")]
    relative += [start for start, _ in find_boundaries(view.tokens, pack, base, "intervening_verb")]
    own = [
        d
        for d in view.dates
        if left <= d.start
        and d.end <= right
        and nearest_trigger(view.triggers, d) is hit
        # "met ..., which on Monday will start to hear": the relative clause's date
        # is its own verb's; so is the date of "laws passed by Congress last fall".
        and not any(hit.end <= r < d.start for r in relative)
        and not is_deadline(view, pack, d)
    ]
    from_clause = bool(own)
    candidates = own
    if not own and kind not in OWN_CLAUSE_DATE:
        # "autorisé ... à utiliser le territoire ... lors de son invasion en février 2022":
        # a happening without a date of its own is dated by its sentence.
        candidates = [d for d in view.dates if not (left <= d.start and d.end <= right)]
    if not candidates:
        return None, None, False
    best = min(candidates, key=lambda d: min(abs(d.start - hit.end), abs(hit.start - d.end)))
    future = subtype == "planned"
    value, precision = resolve(best, future)
    return value, precision, from_clause


def is_deadline(view: SentenceView, pack: LanguagePack, d: DateMention) -> bool:
    """ "set a Dec. 31 deadline", "le 31 décembre comme date limite"."""
    words = pack.words("deadline")
    nearby = [t.key for t in view.tokens if d.end <= t.start - view.sentence.start <= d.end + 25]
    return any(tuple(nearby[i : i + len(w)]) == w for w in words for i in range(len(nearby)))


def nearest_trigger(triggers: Sequence[TriggerHit], d: DateMention) -> TriggerHit:
    return min(triggers, key=lambda h: (max(h.start - d.end, d.start - h.end, 0), h.start))
