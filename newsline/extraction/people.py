"""People introduced by the article itself: "Iraqi Prime Minister Nouri al-Maliki".

No list holds every official, but news introduces them the same way in both
languages: a country (name or demonym), a title and a name, in either order
("U.S. Treasury Secretary James Baker", "le ministre allemand des Finances Peer
Steinbrück", "the President of Colombia, Juan Manuel Santos"). Whoever is introduced
so belongs to that country for the rest of the article, so a later bare surname
("Steinbrück a déclaré ...") resolves too. The words (titles, portfolios,
honorifics, name particles) are per-language data (``lexicon.jsonl``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from newsline.extraction.gazetteer import Mention
from newsline.extraction.pack import LanguagePack
from newsline.extraction.tokens import Token

_PLACE_KINDS = ("country", "demonym", "capital")
_WINDOW = 5  # tokens between the country and the title word


@dataclass(slots=True)
class PeopleMemory:
    """Names the article has tied to a country, by folded token keys."""

    names: dict[tuple[str, ...], tuple[str, str | None]] = field(default_factory=dict)
    longest: int = 1

    def learn(self, keys: tuple[str, ...], code: str, title: str | None) -> None:
        """Remember a full name and its surname (when the surname is distinctive)."""
        for key in (keys, keys[-1:]):
            if key and len(key[-1]) > 2:
                self.names.setdefault(key, (code, title))
                self.longest = max(self.longest, len(key))


def find_people(
    tokens: Sequence[Token],
    text: str,
    base: int,
    mentions: list[Mention],
    pack: LanguagePack,
    memory: PeopleMemory,
) -> list[Mention]:
    """Mentions of people the article introduced, here or earlier; ``memory`` learns.

    ``mentions`` carry offsets relative to ``text`` (which starts at ``base``).
    """
    covered = _covered(tokens, mentions, base)
    found: list[Mention] = []
    for person, keys in _introductions(tokens, mentions, covered, base, text, pack):
        memory.learn(keys, person.code, person.title)
        found.append(person)
        covered.update(range(*_token_range(tokens, person, base)))
    found.extend(_recalled(tokens, text, base, covered, memory))
    return sorted(found, key=lambda m: m.start)


def _covered(tokens: Sequence[Token], mentions: list[Mention], base: int) -> set[int]:
    if not mentions:
        return set()
    spans = [(m.start + base, m.end + base) for m in mentions]
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    return {
        i
        for i, t in enumerate(tokens)
        if lo <= t.start < hi and any(s <= t.start < e for s, e in spans)
    }


def _token_range(tokens: Sequence[Token], m: Mention, base: int) -> tuple[int, int]:
    idx = [i for i, t in enumerate(tokens) if m.start + base <= t.start < m.end + base]
    return (idx[0], idx[-1] + 1) if idx else (0, 0)


def _introductions(
    tokens: Sequence[Token],
    mentions: list[Mention],
    covered: set[int],
    base: int,
    text: str,
    pack: LanguagePack,
) -> list[tuple[Mention, tuple[str, ...]]]:
    titles = pack.words("office_word")
    if not titles:
        return []
    places = {}
    for m in mentions:
        if m.kind in _PLACE_KINDS:
            for i, t in enumerate(tokens):
                if m.start + base <= t.start < m.end + base:
                    places[i] = m
    out = []
    i, n = 0, len(tokens)
    while i < n:
        if (tokens[i].key,) not in titles:
            i += 1
            continue
        place, right = _place_near(tokens, i, places, pack)
        if place is None:
            i += 1
            continue
        start = _name_start(tokens, max(i, right) + 1, pack)
        end = _name_end(tokens, start, covered, pack)
        if end > start and not any(k in covered for k in range(start, end)):
            s, e = tokens[start].start, tokens[end - 1].end
            title = " ".join(t.text for t in tokens[i : i + 1]).lower()
            person = Mention(
                text[s - base : e - base], s - base, e - base, place.code, "leader", title
            )
            out.append((person, tuple(t.key for t in tokens[start:end])))
            i = end
            continue
        i += 1
    return out


def _place_near(
    tokens: Sequence[Token], i: int, places: dict[int, Mention], pack: LanguagePack
) -> tuple[Mention | None, int]:
    """The country of the title at ``i``: before it ("Russian energy minister"), or
    after it ("le ministre allemand des Finances", "President of Colombia")."""
    glue = pack.words("title_glue")
    for k in range(i - 1, max(-1, i - 1 - _WINDOW), -1):
        if k in places:
            return places[k], i
        if not _is_glue(tokens[k], glue):
            break
    for k in range(i + 1, min(len(tokens), i + 1 + _WINDOW)):
        if k in places:
            if places[k].kind == "capital":
                return None, i
            last = k
            while last + 1 in places and places[last + 1] is places[k]:
                last += 1
            return places[k], last
        if not _is_glue(tokens[k], glue):
            break
    return None, i


def _is_glue(token: Token, glue: frozenset[tuple[str, ...]]) -> bool:
    """Words that may sit inside a title: portfolios, "first deputy", "of the", "'s"."""
    return (token.key,) in glue or token.key in ("'", "\u2019", "s", "-")


def _name_start(tokens: Sequence[Token], j: int, pack: LanguagePack) -> int:
    glue = pack.words("title_glue")
    honorifics = pack.words("honorific")
    n = len(tokens)
    while j < n and (
        tokens[j].key in (",", ".") or (tokens[j].key,) in honorifics or (tokens[j].key,) in glue
    ):
        j += 1
    return j


def _name_end(tokens: Sequence[Token], j: int, covered: set[int], pack: LanguagePack) -> int:
    """End of a capitalised name run starting at ``j`` (at most four words)."""
    particles = pack.words("name_particle")
    k, n = j, len(tokens)
    while k < n and k - j < 4:
        t = tokens[k]
        if k in covered:
            break
        if t.text[:1].isupper() and t.text[:1].isalpha():
            k += 1
            continue
        if (t.key,) in particles and k + 1 < n and tokens[k + 1].text[:1].isupper() and k > j:
            k += 1
            continue
        if t.key == "." and k > j and len(tokens[k - 1].text) == 1:
            k += 1  # an initial: "Robert M. Gates"
            continue
        break
    return k


def _recalled(
    tokens: Sequence[Token], text: str, base: int, covered: set[int], memory: PeopleMemory
) -> list[Mention]:
    found = []
    i, n = 0, len(tokens)
    while i < n:
        hit = None
        if i not in covered and tokens[i].text[:1].isupper():
            for size in range(min(memory.longest, n - i), 0, -1):
                keys = tuple(t.key for t in tokens[i : i + size])
                if keys in memory.names and not any(i + k in covered for k in range(size)):
                    code, title = memory.names[keys]
                    s, e = tokens[i].start, tokens[i + size - 1].end
                    hit = Mention(
                        text[s - base : e - base], s - base, e - base, code, "leader", title
                    )
                    i += size
                    break
        if hit is None:
            i += 1
        else:
            found.append(hit)
    return found
