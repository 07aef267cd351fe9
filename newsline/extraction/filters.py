"""Names that are in the text but are not parties to anything it reports.

A name can sit in a sentence without acting in it: a news agency or paper that
reports the story ("l'agence officielle biélorusse Belta"), the body an envoy is
accredited to ("Iran's mission to the United Nations"), or a place that only names
a text or an institution ("the Paris Accord", "le Pacte de Bogota", "the Paris Stock
Exchange"). Each filter is a closed word list per language (``lexicon.jsonl``).
"""

from __future__ import annotations

from collections.abc import Sequence

from newsline.extraction.gazetteer import Mention
from newsline.extraction.pack import LanguagePack
from newsline.extraction.tokens import Token

_PLACES = ("country", "capital")
# Lexicon kinds of this module: media_head, agency, attach_head, attach_prep,
# name_head, name_before, region_prefix, non_state_head, amount_word, currency_word,
# market_head, speech_verb (with honorific, title_glue and
# office_word from people.py).
_HEAD_WINDOW = 8


def drop_non_actors(
    mentions: list[Mention], tokens: Sequence[Token], pack: LanguagePack
) -> list[Mention]:
    """``mentions`` without media, accreditation targets and places inside names."""
    if not mentions:
        return mentions
    index = {t.start: i for i, t in enumerate(tokens)}
    end_index = {t.end: i for i, t in enumerate(tokens)}
    keys = [t.key for t in tokens]
    kept = []
    for m in mentions:
        i, j = index.get(m.start), end_index.get(m.end)
        if i is None or j is None:
            kept.append(m)
            continue
        if _is_media(keys, i, j, pack) or _is_accreditation(keys, i, pack):
            continue
        if m.kind == "leader" and _is_reporting_speaker(keys, i, j, pack):
            continue
        if m.kind == "demonym" and _qualifies_non_state(tokens, keys, j, pack):
            continue
        if _is_money_or_market(tokens, keys, i, j, pack):
            continue
        if m.kind in _PLACES and _names_a_text(tokens, keys, i, j, pack):
            continue
        if (
            i > 0
            and tokens[i - 1].text[:1].isupper()
            and (keys[i - 1],) in pack.words("region_prefix")
        ):
            continue  # "South American", "Latin America"
        kept.append(m)
    return kept


def _is_media(keys: list[str], i: int, j: int, pack: LanguagePack) -> bool:
    """News agencies and media are never actors ("l'agence officielle biélorusse Belta")."""
    before = keys[max(0, i - 3) : i]
    after = keys[j + 1 : j + 3]
    near = _phrases(before) | _phrases(after)
    return bool(near & pack.words("media_head") or near & pack.words("agency"))


def _is_accreditation(keys: list[str], i: int, pack: LanguagePack) -> bool:
    """ "mission to the United Nations": a preposition right before, an envoy word near."""
    preps = pack.words("attach_prep")
    if not any(tuple(keys[i - n : i]) in preps for n in (1, 2, 3) if i - n >= 0):
        return False
    window = keys[max(0, i - _HEAD_WINDOW) : i]
    return bool(_phrases(window) & pack.words("attach_head"))


def _qualifies_non_state(
    tokens: Sequence[Token], keys: list[str], j: int, pack: LanguagePack
) -> bool:
    """ "the outlawed South African nationalist group", "les entreprises chinoises":
    a demonym next to a company, party or armed group names no state."""
    heads = pack.words("non_state_head")
    after = [keys[k] for k in range(j + 1, min(len(keys), j + 4))]
    before = [keys[k] for k in range(max(0, j - 4), j)]
    for n in (1, 2):
        for k in range(len(after) - n + 1):
            if tuple(after[k : k + n]) in heads:
                return all(tokens[j + 1 + x].text[:1].islower() for x in range(k))
    # French puts the demonym after its noun: "les entreprises chinoises".
    return bool(before) and (before[-1],) in heads


def _is_money_or_market(
    tokens: Sequence[Token], keys: list[str], i: int, j: int, pack: LanguagePack
) -> bool:
    """ "11.2 billion U.S. dollars", "(16,3 milliards US)", "the Paris, Amsterdam and
    Lisbon stock exchanges": a currency or a market named after a place."""
    if i > 0 and (keys[i - 1],) in pack.words("amount_word"):
        return True
    k = j + 1
    # Skip the rest of a list of places: ", Amsterdam and Lisbon".
    while (
        k < len(tokens)
        and k - j <= 6
        and (keys[k] in (",", "and", "et") or tokens[k].text[:1].isupper())
    ):
        k += 1
    after = keys[k : k + 2]
    for kind in ("currency_word", "market_head"):
        index = pack.phrase_index(kind)
        if after and any(tuple(after[: len(p)]) == p for p in index.get(after[0], ())):
            return True
    return False


_QUOTES = {",", '"', "»", "”", "“", "«"}


def _is_reporting_speaker(keys: list[str], i: int, j: int, pack: LanguagePack) -> bool:
    """ ", Mr Blair said." / "», a déclaré le président Santos.": who reports the
    sentence, set off by a comma or a quote, is not a party to what it reports."""
    verbs = pack.phrase_index("speech_verb")
    skip = pack.words("honorific") | pack.words("title_glue") | pack.words("office_word")
    k = i - 1
    while k >= 0 and (keys[k],) in skip:
        k -= 1
    if k >= 0 and keys[k] in _QUOTES and _starts_phrase(keys, j + 1, verbs):
        return True  # postposed: ', Mr Blair said'
    for n in (1, 2, 3, 4):  # inverted: '», a déclaré le président X'
        start = k - n + 1
        if start > 0 and tuple(keys[start : k + 1]) in pack.words("speech_verb"):
            return keys[start - 1] in _QUOTES
    return False


def _starts_phrase(keys: list[str], i: int, index: dict[str, tuple[tuple[str, ...], ...]]) -> bool:
    if i >= len(keys):
        return False
    return any(tuple(keys[i : i + len(p)]) == p for p in index.get(keys[i], ()))


def _names_a_text(
    tokens: Sequence[Token], keys: list[str], i: int, j: int, pack: LanguagePack
) -> bool:
    """ "the Paris Accord" (a capitalised head after) or "le Pacte de Bogota" (before)."""
    heads = pack.words("name_head")
    for n in (1, 2):
        after = tokens[j + 1 : j + 1 + n]
        if len(after) == n and after[0].text[:1].isupper() and tuple(t.key for t in after) in heads:
            return True
    befores = pack.words("name_before")
    return any(tuple(keys[i - n : i]) in befores for n in (2, 3) if i - n >= 0)


def _phrases(keys: list[str]) -> set[tuple[str, ...]]:
    return {tuple(keys[i:j]) for i in range(len(keys)) for j in range(i + 1, len(keys) + 1)}
