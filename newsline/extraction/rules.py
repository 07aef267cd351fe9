"""Rules that turn one sentence's triggers, names and dates into draft events.

Why clauses: a sentence often reports several happenings ("Iran supplies drones to
Russia to bomb Ukraine, and Pezeshkian signed a treaty with Putin in January"), so
each trigger claims only the names and dates of its own clause (``clauses.py``,
``dating.py``). When its clause names fewer than two parties, a trigger borrows the
sentence's subject (the names before its first trigger), after a pronoun ("Il a
depuis accepté ...") the previous sentence's subject, after "both countries" the two
states named last, and with no party at all the bloc whose meeting the article is
about. Roles are assigned in ``roles.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsline.extraction.blocs import learn_members, with_members
from newsline.extraction.clauses import (
    clause_scope,
    find_boundaries,
    has_phrase,
    narrow_to_side,
    not_coordinating,
    starts_with_pronoun,
)
from newsline.extraction.dating import Resolver, clause_date
from newsline.extraction.drafts import ArticleContext, Draft, SentenceView
from newsline.extraction.gazetteer import Mention
from newsline.extraction.pack import LanguagePack
from newsline.extraction.roles import (
    assign_roles,
    attack_actors,
    find_location,
    is_anaphoric,
    is_state,
    is_topic,
    is_visit,
    split_visits,
)
from newsline.extraction.tokens import token_keys
from newsline.extraction.triggers import Modifier, TriggerHit

__all__ = ["STATES", "ArticleContext", "Draft", "SentenceView", "sentence_events"]

# Ongoing states (deployments, supplies) are never dated by inference (ONTOLOGY §3).
STATES = {("military", "deployment"), ("military", "arms_transfer")}


_CUE_REACH = 40  # characters around a trigger where a tense cue applies to it


def sentence_events(
    view: SentenceView,
    pack: LanguagePack,
    ctx: ArticleContext,
    resolve: Resolver,
) -> list[Draft]:
    """Draft events of one sentence; updates ``ctx`` for the sentences that follow."""
    text = view.sentence.text
    drafts: list[Draft] = []
    learn_members(text, view.mentions, ctx.blocs)
    first_trigger = min((h.start for h in view.triggers), default=len(text))
    subject = [m for m in view.mentions if m.start < first_trigger]
    boundaries = not_coordinating(
        find_boundaries(view.tokens, pack, view.sentence.start), view.mentions, text
    )
    scopes = [
        clause_scope(i, view.triggers, boundaries, len(text)) for i in range(len(view.triggers))
    ]
    pronoun_start = starts_with_pronoun(view.tokens, pack) or has_phrase(
        view.tokens, pack.words("own_country")
    )
    # Cues absent from the sentence are absent from every clause of it: test once.
    cues: tuple[Modifier, ...] = ()
    if pack.any_modifier.search(text):
        cues = tuple(m for m in pack.modifiers if m.pattern.search(text))
    for hit, (left, right) in zip(view.triggers, scopes, strict=True):
        draft = _draft(
            view, pack, ctx, hit, (left, right), scopes, subject, pronoun_start, resolve, cues
        )
        if draft is not None:
            drafts.extend(split_visits(draft))
    ctx.remember(view.mentions)
    if view.mentions:
        people = [m for m in view.mentions if m.kind == "leader"]
        ctx.previous_subject = [people[0] if people else view.mentions[0]]
    return drafts


@dataclass(slots=True)
class _Cast:
    """The parties chosen for one trigger, and how they were found."""

    actors: list[Mention]
    borrowed: bool = False
    guests: list[Mention] = field(default_factory=list)
    topical: bool = False


def _draft(
    view: SentenceView,
    pack: LanguagePack,
    ctx: ArticleContext,
    hit: TriggerHit,
    span: tuple[int, int],
    scopes: list[tuple[int, int]],
    subject: list[Mention],
    pronoun_start: bool,
    resolve: Resolver,
    cues: tuple[Modifier, ...],
) -> Draft | None:
    text = view.sentence.text
    left, right = span
    kind = (hit.spec.type, hit.spec.subtype)
    subtype = _cue_subtype(hit, cues, text, left, right)
    if subtype is None:
        return None
    if hit.spec.type == "meeting" and subtype != "planned" and is_anaphoric(text, hit, pack):
        return None  # "The conference decided ...": the meeting already reported
    in_clause = _clause_mentions(view, pack, hit, span, scopes)
    location = (
        find_location(text, in_clause, countries_too=not is_visit(hit))
        if hit.spec.type in ("meeting", "agreement")
        else None
    )
    cast = _cast(view, pack, ctx, hit, in_clause, location, subject, pronoun_start)
    actors = cast.actors
    if location is not None and len({m.code for m in actors}) == 1 and is_state(actors[0].code):
        actors = [*actors, location]
        if hit.spec.type == "meeting" and subtype == "talks":
            subtype = "visit"
    if not _admissible(hit, subtype, actors, in_clause, cast, pack):
        return None
    if hit.spec.type == "meeting" and not cast.borrowed:
        bloc = next((m for m in in_clause if not is_state(m.code)), None)
        if bloc is not None:
            ctx.blocs.topic = bloc
    if hit.spec.type == "agreement" and not cast.borrowed:
        ctx.last_agreement = list(actors)
    date, precision, from_clause = clause_date(view, pack, hit, left, right, kind, subtype, resolve)
    if hit.spec.needs_date and not from_clause:
        return None
    iso = [c for c in dict.fromkeys(m.code for m in actors) if is_state(c)]
    if hit.spec.type == "meeting" and subtype == "talks":
        if location is not None and len(iso) == 2 and location.code in iso:
            subtype = "visit"
        elif len(iso) >= 3:
            subtype = "summit"
    roles = assign_roles(text, hit, subtype, actors, location, cast.guests)
    if kind == ("military", "attack"):
        attacker = next((m for m, r in roles if r == "sender"), None)
        for mention, role in roles:
            if role == "target" and attacker is not None:
                ctx.attackers[mention.code] = attacker
    confidence = hit.spec.confidence + (0.15 if not cast.borrowed else -0.15)
    confidence -= 0.0 if from_clause or date is None else 0.1
    return Draft(
        type=hit.spec.type,
        subtype=subtype,
        actors=roles,
        date=date,
        precision=precision,
        sentence=view.sentence,
        trigger=hit.text,
        rule=hit.spec.rule,
        confidence=max(0.05, min(0.95, confidence)),
        location=location,
        date_from_clause=from_clause,
    )


def _cue_subtype(
    hit: TriggerHit, cues: tuple[Modifier, ...], text: str, left: int, right: int
) -> str | None:
    """The subtype after the clause's cues; None when a cue cancels the trigger.

    A denial anywhere in the clause cancels it; a tense cue counts only next to the
    trigger ("met ... and confirmed that they will respect" is past).
    """
    subtype = hit.spec.subtype
    clause = text[left:right]
    near = text[max(left, hit.start - _CUE_REACH) : min(right, hit.end + _CUE_REACH)]
    for modifier in cues:
        if modifier.type not in ("*", hit.spec.type):
            continue
        if modifier.sources and subtype not in modifier.sources:
            continue
        if modifier.pattern.search(clause if modifier.target == "drop" else near):
            if modifier.target == "drop":
                return None
            subtype = modifier.target
    return subtype


def _clause_mentions(
    view: SentenceView,
    pack: LanguagePack,
    hit: TriggerHit,
    span: tuple[int, int],
    scopes: list[tuple[int, int]],
) -> list[Mention]:
    """The names of the trigger's clause, on its side of a "but", topics left out."""
    left, right = span
    text = view.sentence.text
    in_clause = narrow_to_side(
        [m for m in view.mentions if left <= m.start and m.end <= right], view, pack, hit
    )
    if not in_clause and hit.spec.type == "meeting" and right < len(text):
        # "After an emergency meeting, the three Benelux countries announced ...": a
        # meeting in a fronted phrase is held by the subject of the clause that follows.
        following = [s for s in scopes if s[0] >= right]
        end = following[0][1] if following else len(text)
        in_clause = [m for m in view.mentions if right <= m.start and m.end <= end]
    if hit.spec.type == "meeting":
        in_clause = [m for m in in_clause if not is_topic(view, pack, hit, m)]
    return in_clause


def _cast(
    view: SentenceView,
    pack: LanguagePack,
    ctx: ArticleContext,
    hit: TriggerHit,
    in_clause: list[Mention],
    location: Mention | None,
    subject: list[Mention],
    pronoun_start: bool,
) -> _Cast:
    """The trigger's parties: its clause's, else borrowed from context (module doc)."""
    # "a summit in Brussels": the place is where parties meet, not one of them; it
    # comes back as the host only when a single party travelled there (a visit).
    cast = _Cast([m for m in in_clause if location is None or m.code != location.code])
    previous = ctx.previous_subject
    if (hit.spec.type, hit.spec.subtype) == ("military", "attack"):
        cast.actors = attack_actors(hit, in_clause, ctx)
        if _parties(cast.actors) < 2 and pronoun_start and previous:
            cast.actors, cast.borrowed = previous + cast.actors, True
    elif is_visit(hit) and cast.actors and all(m.start >= hit.end for m in cast.actors):
        # "This week he is also due to visit Denmark and Belgium": the places named
        # are hosts; the traveller is the sentence's subject or the one before.
        extra = [m for m in subject if m not in cast.actors and m.start < hit.start]
        if not extra and pronoun_start:
            extra = list(previous)
        if extra:
            cast.actors, cast.borrowed, cast.guests = extra + cast.actors, True, list(extra)
    elif (
        pronoun_start
        and previous
        and is_state(previous[0].code)
        and not any(m.start < hit.start for m in cast.actors)
        and any(is_state(m.code) for m in cast.actors)
        and not any(m.code == previous[0].code for m in cast.actors)
    ):
        # "He also signed a communiqué stressing the EU's commitment to ... Iraq":
        # "he" is a party too.
        cast.actors, cast.borrowed = previous + cast.actors, True
    elif _parties(cast.actors) < 2:
        extra = [m for m in subject if m not in cast.actors]
        if extra:
            cast.actors, cast.borrowed = extra + cast.actors, True
        if _parties(cast.actors) < 2 and pronoun_start and previous:
            cast.actors, cast.borrowed = previous + cast.actors, True
    _borrow_pair(view, pack, ctx, cast)
    if (
        not cast.actors
        and hit.spec.type in ("meeting", "agreement")
        and ctx.blocs.topic is not None
        and has_phrase(view.tokens, pack.words("topic_reference"))
    ):
        # "the next meeting of the conference", "the agreement signed in December":
        # no party named, so the bloc the article is about.
        cast.actors = [ctx.blocs.topic]
        cast.topical = cast.borrowed = True
    elif (
        not cast.actors
        and hit.spec.type == "agreement"
        and ctx.last_agreement
        and has_phrase(view.tokens, pack.words("topic_reference"))
    ):
        # "Completed the ratification process of the agreement, ...": the agreement
        # last reported, between the same parties.
        cast.actors = list(ctx.last_agreement)
        cast.topical = cast.borrowed = True
    cast.actors = with_members(cast.actors, ctx.blocs)
    return cast


def _borrow_pair(view: SentenceView, pack: LanguagePack, ctx: ArticleContext, cast: _Cast) -> None:
    """ "a meeting of foreign ministers of both countries": the last two states named."""
    states = {m.code for m in cast.actors if is_state(m.code)}
    if len(states) >= 2 or not has_phrase(view.tokens, pack.words("pair_reference")):
        return
    named = {m.code for m in cast.actors}
    pair = [m for m in ctx.recent if m.code not in named][-(2 - len(states)) :]
    if pair:
        cast.actors, cast.borrowed = [*cast.actors, *pair], True


def _parties(actors: list[Mention]) -> int:
    return len({m.code for m in actors})


def _admissible(
    hit: TriggerHit,
    subtype: str,
    actors: list[Mention],
    in_clause: list[Mention],
    cast: _Cast,
    pack: LanguagePack,
) -> bool:
    """Two states; or a bloc holding a meeting or concluding an agreement by itself
    (an OPEC conference, a euro-zone summit: ``countries`` empty); or a bloc and one
    state named as parties in the trigger's own clause ("the EU and Croatia")."""
    kind = (hit.spec.type, subtype)
    iso = {m.code for m in actors if is_state(m.code)}
    if len(iso) >= 2 or cast.topical:
        return True
    adjectives = pack.words("bloc_adjective")
    # "European asylum decisions": a bloc named as an adjective holds nothing itself.
    has_bloc = any(not is_state(m.code) and token_keys(m.text) not in adjectives for m in actors)
    if not has_bloc:
        return False
    words = hit.text.lower()
    is_summit = (
        hit.spec.type == "meeting" and subtype in ("summit", "planned") and "somm" in words
    ) or words in ("summit", "conference", "conférence")
    if is_summit:
        return True
    if not iso and not cast.borrowed:
        return hit.spec.type == "meeting" or kind == ("agreement", "signed")
    named_bloc = any(not is_state(m.code) for m in in_clause)
    return named_bloc and len(iso) == 1 and not cast.borrowed
