"""Who is a party, a host, a sender or a target, and where a meeting is held.

Roles mostly follow word order, which French and English share for these
constructions, with the exceptions news prose forces: a traveller named before a visit
is the guest however many places follow; a place after "in"/"à" is where parties
meet, not one of them; what talks are "about" is no party to them; a meeting noun
opening its sentence after "the" names a meeting already reported.
"""

from __future__ import annotations

import re

from newsline.domain.event import is_iso3
from newsline.extraction.drafts import ArticleContext, Draft, SentenceView
from newsline.extraction.gazetteer import Mention
from newsline.extraction.pack import LanguagePack
from newsline.extraction.tokens import token_keys
from newsline.extraction.triggers import TriggerHit

LOCATIVE = ("à ", "au ", "aux ", "en ", "in ", "at ", "dans ", "to ")


IN_COUNTRY = re.compile(
    r"(?:^|\s)(?:in|en|au|aux|dans)\s+(?:(?:the|l'|l\u2019|le|la)\s*)?"
    r"(?:(?:north|south|east|west|centre|center|heart|nord|sud|est|ouest|centre)\w*\s+"
    r"(?:of|de|du|d'|d\u2019)\s*(?:the\s+|l'|l\u2019|la\s+)?)?$",
    re.IGNORECASE,
)


def find_location(text: str, clause: list[Mention], countries_too: bool = True) -> Mention | None:
    for m in clause:
        if m.kind == "capital" or m.kind == "country":
            before = text[max(0, m.start - 30) : m.start].lower()
            window = " " + " ".join(before.split()[-3:]) + " "
            if m.kind == "capital" and any(" " + w in window for w in LOCATIVE):
                return m
            if m.kind == "capital" and ("capitale" in before or "capital" in before):
                return m
            if (
                m.kind == "country"
                and countries_too
                and IN_COUNTRY.search(before)
                and any(o.code != m.code for o in clause)
            ):
                return m  # "the NATO summit in Strasbourg, in the East of France"
    return None


def is_topic(view: SentenceView, pack: LanguagePack, hit: TriggerHit, m: Mention) -> bool:
    """ "Talks also centred on the economies of China and India": what a meeting is
    about is not who meets. Walks back from the name over "of"-chains to the first
    preposition; a topic one ("on", "about", "sur") makes the name a topic."""
    if m.start < hit.end:
        return False
    base = view.sentence.start
    preps = pack.words("preposition")
    chain = pack.words("of_preposition")
    for t in reversed([t for t in view.tokens if hit.end <= t.start - base < m.start]):
        key = (t.key,)
        if key in chain:
            continue
        if key in preps:
            return key in pack.words("topic_preposition")
    return False


def is_anaphoric(text: str, hit: TriggerHit, pack: LanguagePack) -> bool:
    """A meeting noun opening the sentence after a definite article ("The summit also
    concluded ...", "La conférence a décidé ..."): it names the article's meeting
    again as the subject of what it did, it does not report a new one."""
    lead = text[: hit.start].strip(" \"'«“").lower()
    return bool(lead) and token_keys(lead) in pack.words("definite_article")


def is_visit(hit: TriggerHit) -> bool:
    """A trigger that moves someone to a place ("visit", "due to visit", "se rendra")."""
    if hit.spec.type != "meeting":
        return False
    words = hit.text.lower()
    return hit.spec.subtype == "visit" or any(w in words for w in ("visit", "rendr", "rend "))


def split_visits(draft: Draft) -> list[Draft]:
    """One visit per host: a tour of Afghanistan and Iraq is two visits (ONTOLOGY §1)."""
    if draft.type != "meeting" or draft.subtype not in ("visit", "planned"):
        return [draft]
    hosts = [(m, r) for m, r in draft.actors if r == "host" and is_state(m.code)]
    guests = [(m, r) for m, r in draft.actors if r == "guest"]
    if len(hosts) < 2 or not guests:
        return [draft]
    return [
        Draft(
            draft.type,
            draft.subtype,
            [*guests, host],
            draft.date,
            draft.precision,
            draft.sentence,
            draft.trigger,
            draft.rule + " +visit:split",
            draft.confidence,
            draft.location,
            draft.date_from_clause,
        )
        for host in hosts
    ]


def is_state(code: str) -> bool:
    """An ISO 3166 state code, as opposed to a bloc's ("EU", "WTO", "G7")."""
    return is_iso3(code)


def attack_actors(hit: TriggerHit, clause: list[Mention], ctx: ArticleContext) -> list[Mention]:
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


def _qualifies_measure(text: str, m: Mention) -> bool:
    """A demonym right before or after "sanctions"/"embargo" names who imposes them."""
    before = text[max(0, m.start - 12) : m.start].lower().rstrip()
    after = text[m.end : m.end + 12].lower().lstrip()
    return before.endswith(_MEASURES) or after.startswith(_MEASURES)


_MEASURES = ("sanctions", "embargo", "measures", "mesures")


def assign_roles(
    text: str,
    hit: TriggerHit,
    subtype: str,
    actors: list[Mention],
    location: Mention | None,
    guests: list[Mention] | None = None,
) -> list[tuple[Mention, str]]:
    seen: dict[str, tuple[Mention, str]] = {}
    guests = guests or []
    travellers = {
        m.code for m in actors if m in guests or (m.end <= hit.start and m.kind == "leader")
    }
    for m in actors:
        before = m.end <= hit.start or m in guests
        t = hit.spec.type
        if t == "meeting" and (subtype == "visit" or (subtype == "planned" and is_visit(hit))):
            if location is not None:
                role = "host" if m.code == location.code else "guest"
            elif m.code in travellers:
                role = "guest"
            elif any(a.code == m.code and a.start >= hit.end and a not in guests for a in actors):
                role = "host"  # "in northern Iraq during a tour of Afghanistan and Iraq"
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
            role = "sender" if before else "target"
            if hit.spec.passive:
                role = "target" if before else "sender"  # "suspended by UNASUR"
            if m.kind in ("demonym", "bloc") and _qualifies_measure(text, m):
                role = "sender"  # "Canadian sanctions", "sanctions occidentales"
        if m.code not in seen or (m.kind == "leader" and seen[m.code][0].kind != "leader"):
            seen[m.code] = (m, role if m.code not in seen else seen[m.code][1])
    if hit.spec.type == "military" and subtype == "attack" and len(seen) == 2:
        (a, _), (b, _) = seen.values()
        seen = {a.code: (a, "sender"), b.code: (b, "target")}
    return list(seen.values())
