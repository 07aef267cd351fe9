"""What an article says about blocs: who their members are, and which bloc it is about.

Two article-level facts the gold and analysts rely on (ONTOLOGY §2, blocs keep codes
of their own): when a story spells a bloc out ("The Group of Seven -- the United
States, Japan, West Germany, France, Britain, Italy and Canada --"), its later
meetings and agreements involve those states, so they count in ``countries``; and
a story about one bloc's conference ("the OPEC conference") goes on to say "the
conference", "the agreement signed in December" with no party named, meaning that
bloc.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsline.extraction.gazetteer import Mention

# Between a bloc and its list: a dash, a parenthesis, a colon or a comma.
_OPENING = re.compile(
    r"\s*(?:--|\u2014|\u2013|\(|:|,)\s*(?:(?:the|namely|soit|à savoir|la|le|les|l')\s*)?$"
)
# Between two members of the list.
_JOINER = re.compile(r"\s*(?:,|;|and|et)?\s*(?:,|;|and|et)?\s*(?:(?:the|la|le|les|l')\s*)?$")
_MIN_MEMBERS = 3


@dataclass(slots=True)
class BlocMemory:
    """Members spelt out by the article (or fixed, like Benelux's), and the bloc it
    was last about."""

    members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topic: Mention | None = None

    @classmethod
    def with_fixed(cls, fixed: dict[str, tuple[str, ...]]) -> BlocMemory:
        """A memory that already knows the blocs whose membership never changes."""
        return cls(members=dict(fixed))


def learn_members(text: str, mentions: Sequence[Mention], memory: BlocMemory) -> None:
    """Record "BLOC -- A, B, C and D" lists of one sentence (offsets relative to it)."""
    for k, bloc in enumerate(mentions):
        if bloc.kind != "bloc" or bloc.code in memory.members:
            continue
        listed: list[str] = []
        end = bloc.end
        for m in mentions[k + 1 :]:
            gap = text[end : m.start]
            pattern = _OPENING if not listed else _JOINER
            if m.kind not in ("country", "demonym") or not pattern.match(gap):
                break
            listed.append(m.code)
            end = m.end
        if len(set(listed)) >= _MIN_MEMBERS:
            memory.members[bloc.code] = tuple(dict.fromkeys(listed))


def with_members(actors: list[Mention], memory: BlocMemory) -> list[Mention]:
    """``actors`` plus the spelt-out members of any bloc among them."""
    present = {m.code for m in actors}
    extra = []
    for m in actors:
        for code in memory.members.get(m.code, ()):
            if code not in present:
                present.add(code)
                extra.append(Mention(m.text, m.start, m.end, code, "member", None))
    return actors + extra if extra else actors


def member_roles(
    actors: list[tuple[Mention, str]], memory: BlocMemory
) -> list[tuple[Mention, str]]:
    """Role-tagged ``actors`` plus spelt-out members, each in its bloc's role."""
    present = {m.code for m, _ in actors}
    out = list(actors)
    for m, role in actors:
        for code in memory.members.get(m.code, ()):
            if code not in present:
                present.add(code)
                out.append((Mention(m.text, m.start, m.end, code, "member", None), role))
    return out
