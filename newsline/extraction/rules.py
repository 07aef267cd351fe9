"""Rules that turn one sentence's triggers, names and dates into draft events.

Why clauses: a sentence often reports several happenings ("Iran supplies drones to
Russia to bomb Ukraine, and Pezeshkian signed a treaty with Putin in January"), so
each trigger claims only the names and dates of its own clause. Clause limits are
cut only between two triggers, at the boundary word (comma, "et", "lors", "and",
"which" ...) nearest to each; a lone trigger owns the whole sentence. When its clause
names fewer than two parties, a trigger borrows the sentence's subject (the names
before its first trigger) and, after a pronoun ("Il a depuis accepté ..."), the
previous sentence's subject. Roles follow word order, which French and English share
for these constructions (subject - verb - object).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsline.extraction.dates import DateMention
from newsline.extraction.gazetteer import Mention
from newsline.extraction.pack import LanguagePack
from newsline.extraction.sentences import Sentence
from newsline.extraction.tokens import Token
from newsline.extraction.triggers import TriggerHit

Resolver = Callable[[DateMention, bool], tuple[str | None, str | None]]

# Subtypes whose actors are directed (who does it to whom): never borrow a subject.
_DIRECTED = {("military", "attack")}
# Ongoing states (deployments, supplies) are never dated by inference (ONTOLOGY §3).
_STATE_ONLY = {("military", "deployment"), ("military", "arms_transfer")}
# These take a date only from their own clause (ONTOLOGY §3: undated facts);
# "la guerre de la Russie en Ukraine" is such a state, its invasion "en février 2022"
# is dated by its own clause.
_OWN_CLAUSE_DATE = {
    ("military", "deployment"),
    ("military", "arms_transfer"),
    ("military", "attack"),
}
STATES = _STATE_ONLY
_LOCATIVE = ("à ", "au ", "aux ", "en ", "in ", "at ", "dans ", "to ")


@dataclass(slots=True)
class ArticleContext:
    """What earlier sentences of the same article tell later ones."""

    previous_subject: list[Mention] = field(default_factory=list)
    attackers: dict[str, Mention] = field(default_factory=dict)


@dataclass(slots=True)
class Draft:
    """An event before the article-level pass fixes its date and identity."""

    type: str
    subtype: str
    actors: list[tuple[Mention, str]]
    date: str | None
    precision: str | None
    sentence: Sentence
    trigger: str
    rule: str
    confidence: float
    location: Mention | None = None
    date_from_clause: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        """Distinct codes taking part, in order of appearance."""
        return tuple(dict.fromkeys(m.code for m, _ in self.actors))


@dataclass(frozen=True, slots=True)
class SentenceView:
    """One sentence with everything found in it (offsets relative to the sentence)."""

    sentence: Sentence
    tokens: Sequence[Token]
    mentions: Sequence[Mention]
    dates: Sequence[DateMention]
    triggers: Sequence[TriggerHit]


def sentence_events(
    view: SentenceView,
    pack: LanguagePack,
    ctx: ArticleContext,
    resolve: Resolver,
) -> list[Draft]:
    """Draft events of one sentence; updates ``ctx`` for the sentences that follow."""
    text = view.sentence.text
    drafts: list[Draft] = []
    first_trigger = min((h.start for h in view.triggers), default=len(text))
    subject = [m for m in view.mentions if m.start < first_trigger]
    boundaries = _boundaries(view.tokens, pack, view.sentence.start)
    scopes = [_scope(i, view.triggers, boundaries, len(text)) for i in range(len(view.triggers))]
    pronoun_start = _starts_with_pronoun(view.tokens, pack) or _has_phrase(
        view.tokens, pack.words("own_country")
    )
    for hit, (left, right) in zip(view.triggers, scopes, strict=True):
        draft = _draft(view, pack, ctx, hit, left, right, scopes, subject, pronoun_start, resolve)
        if draft is not None:
            drafts.append(draft)
    if view.mentions:
        people = [m for m in view.mentions if m.kind == "leader"]
        ctx.previous_subject = [people[0] if people else view.mentions[0]]
    return drafts


def _draft(
    view: SentenceView,
    pack: LanguagePack,
    ctx: ArticleContext,
    hit: TriggerHit,
    left: int,
    right: int,
    scopes: list[tuple[int, int]],
    subject: list[Mention],
    pronoun_start: bool,
    resolve: Resolver,
) -> Draft | None:
    text = view.sentence.text
    kind = (hit.spec.type, hit.spec.subtype)
    subtype = hit.spec.subtype
    clause = text[left:right]
    for modifier in pack.modifiers:
        if modifier.type not in ("*", hit.spec.type):
            continue
        if modifier.sources and subtype not in modifier.sources:
            continue
        if modifier.pattern.search(clause):
            if modifier.target == "drop":
                return None
            subtype = modifier.target
    in_clause = [m for m in view.mentions if left <= m.start and m.end <= right]
    location = _location(text, in_clause) if hit.spec.type == "meeting" else None
    # "a summit in Brussels": the place is where parties meet, not one of them; it
    # comes back as the host only when a single party travelled there (a visit).
    actors = [m for m in in_clause if location is None or m.code != location.code]
    borrowed = False
    if kind == ("military", "attack"):
        actors = _attack_actors(hit, in_clause, ctx)
        if len({m.code for m in actors}) < 2 and pronoun_start and ctx.previous_subject:
            actors = ctx.previous_subject + actors
            borrowed = True
    elif len({m.code for m in actors}) < 2:
        extra = [m for m in subject if m not in actors]
        if extra:
            actors = extra + actors
            borrowed = True
        if len({m.code for m in actors}) < 2 and pronoun_start and ctx.previous_subject:
            actors = ctx.previous_subject + actors
            borrowed = True
    if location is not None and len({m.code for m in actors}) == 1:
        actors = [*actors, location]
        if hit.spec.type == "meeting" and subtype == "talks":
            subtype = "visit"
    codes = list(dict.fromkeys(m.code for m in actors))
    has_bloc = any(not _iso(c) for c in codes)
    is_summit = (
        hit.spec.type == "meeting"
        and subtype in ("summit", "planned")
        and "somm" in (hit.text.lower())
    ) or hit.text.lower() in ("summit", "conference", "conférence")
    iso = [c for c in codes if _iso(c)]
    # Two states, or a bloc meeting in summit; a bloc and one state only where the
    # bloc is named as a party in the trigger's own clause ("the EU and Croatia").
    bloc_party = has_bloc and any(not _iso(m.code) for m in in_clause) and len(iso) == 1
    if len(iso) < 2 and not (is_summit and has_bloc) and not (bloc_party and not borrowed):
        return None
    date, precision, from_clause = _date(view, hit, left, right, scopes, kind, subtype, resolve)
    if hit.spec.needs_date and not from_clause:
        return None
    if hit.spec.type == "meeting" and subtype == "talks":
        iso = [c for c in codes if _iso(c)]
        if location is not None and len(iso) == 2 and location.code in iso:
            subtype = "visit"
        elif len(iso) >= 3:
            subtype = "summit"
    roles = _roles(hit, subtype, actors, location)
    if kind == ("military", "attack"):
        for mention, role in roles:
            if role == "target":
                attacker = next((m for m, r in roles if r == "sender"), None)
                if attacker is not None:
                    ctx.attackers[mention.code] = attacker
    confidence = hit.spec.confidence + (0.15 if not borrowed else -0.15)
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


def _iso(code: str) -> bool:
    return len(code) == 3 and code.isupper() and code.isalpha()


def _attack_actors(hit: TriggerHit, clause: list[Mention], ctx: ArticleContext) -> list[Mention]:
    """Attacker before the trigger (or "war of X in Y"), victim after it."""
    after = [m for m in clause if m.start >= hit.end]
    before = [m for m in clause if m.end <= hit.start]
    if len({m.code for m in after}) >= 2:
        return after[:2] if after[0].code != after[1].code else after
    victims = after[:1]
    attackers = before[-1:]
    if not attackers and victims and victims[0].code in ctx.attackers:
        attackers = [ctx.attackers[victims[0].code]]
    return attackers + victims


def _roles(
    hit: TriggerHit, subtype: str, actors: list[Mention], location: Mention | None
) -> list[tuple[Mention, str]]:
    seen: dict[str, tuple[Mention, str]] = {}
    for m in actors:
        before = m.end <= hit.start
        t = hit.spec.type
        if t == "meeting" and subtype == "visit":
            if location is not None:
                role = "host" if m.code == location.code else "guest"
            else:
                role = "guest" if before else "host"
        elif t in ("meeting", "agreement") or (t, subtype) == ("military", "cooperation"):
            role = "party"
        elif subtype in ("condemned",):
            role = "sender" if m.kind in ("demonym", "bloc") and not before else "speaker"
        elif subtype == "evasion":
            role = "speaker" if before else "beneficiary"
        elif subtype == "arms_transfer":
            role = "sender" if before else "beneficiary"
        else:
            adjective = m.kind == "demonym" and not before
            role = "sender" if before or adjective else "target"
        if m.code not in seen or (m.kind == "leader" and seen[m.code][0].kind != "leader"):
            seen[m.code] = (m, role if m.code not in seen else seen[m.code][1])
    if hit.spec.type == "military" and subtype == "attack" and len(seen) == 2:
        (a, _), (b, _) = seen.values()
        seen = {a.code: (a, "sender"), b.code: (b, "target")}
    return list(seen.values())


def _date(
    view: SentenceView,
    hit: TriggerHit,
    left: int,
    right: int,
    scopes: list[tuple[int, int]],
    kind: tuple[str, str],
    subtype: str,
    resolve: Resolver,
) -> tuple[str | None, str | None, bool]:
    """The date of the trigger's clause, else an unclaimed date of the sentence."""
    own = [d for d in view.dates if left <= d.start and d.end <= right]
    from_clause = bool(own)
    candidates = own
    if not own and kind not in _OWN_CLAUSE_DATE:
        # "autorisé ... à utiliser le territoire ... lors de son invasion en février 2022":
        # a happening without a date of its own is dated by its sentence.
        candidates = list(view.dates)
    if not candidates:
        return None, None, False
    best = min(candidates, key=lambda d: min(abs(d.start - hit.end), abs(hit.start - d.end)))
    future = subtype == "planned" or kind == ("sanctions", "threatened")
    value, precision = resolve(best, future)
    return value, precision, from_clause


def _location(text: str, clause: list[Mention]) -> Mention | None:
    for m in clause:
        if m.kind == "capital" or m.kind == "country":
            before = text[max(0, m.start - 30) : m.start].lower()
            window = " " + " ".join(before.split()[-3:]) + " "
            if m.kind == "capital" and any(" " + w in window for w in _LOCATIVE):
                return m
            if m.kind == "capital" and ("capitale" in before or "capital" in before):
                return m
    return None


def _boundaries(tokens: Sequence[Token], pack: LanguagePack, base: int) -> list[tuple[int, int]]:
    words = pack.words("clause_boundary")
    return [(t.start - base, t.end - base) for t in tokens if (t.key,) in words]


def _scope(
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


def _starts_with_pronoun(tokens: Sequence[Token], pack: LanguagePack) -> bool:
    words = pack.words("subject_pronoun")
    return any((t.key,) in words for t in tokens[:3])


def _has_phrase(tokens: Sequence[Token], phrases: frozenset[tuple[str, ...]]) -> bool:
    keys = [t.key for t in tokens]
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(keys) - n + 1):
            if tuple(keys[i : i + n]) == phrase:
                return True
    return False
