"""The extraction pipeline: article -> sentences -> names, dates, triggers -> events.

This module only orchestrates; each step lives in the module that owns it. It reads
an article once, in order, and carries what earlier sentences tell later ones: the
wire dateline ("WASHINGTON, March 9 -", never a party, never an event date), the
people the article introduces (``people.py``), the states named last (for "both
countries") and the blocs spelt out (``blocs.py``). Names are looked up only where
they can matter: in sentences with a trigger, in sentences that may introduce an
official, and in the sentence before a pronoun. It also does the one thing no
sentence can do alone: the article-level pass (ONTOLOGY §4), where an undated mention
of a happening takes the date of the dated mention of the same happening (same type,
subtype and country set) and duplicates collapse into one event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from newsline.domain.article import Article
from newsline.domain.event import Actor, Event, Evidence, Location, is_iso3
from newsline.extraction.blocs import BlocMemory, member_roles
from newsline.extraction.dateline import find_dateline
from newsline.extraction.dates import DateMention
from newsline.extraction.filters import drop_non_actors
from newsline.extraction.gazetteer import Gazetteer, Mention, load_gazetteer
from newsline.extraction.language import detect_language
from newsline.extraction.pack import LanguagePack, load_pack, stopwords
from newsline.extraction.people import PeopleMemory, find_people
from newsline.extraction.resources import DATA_DIR, KNOWLEDGE_DIR, LANGUAGES
from newsline.extraction.rules import (
    STATES,
    ArticleContext,
    Draft,
    SentenceView,
    sentence_events,
)
from newsline.extraction.sentences import Sentence, split_sentences
from newsline.extraction.tokens import Token, tokenize
from newsline.extraction.triggers import find_triggers

EXTRACTOR_VERSION = "newsline-rules/0.1.0"


@dataclass(frozen=True)
class Extractor:
    """A configured engine: one gazetteer and the language packs it may use."""

    gazetteer: Gazetteer
    data_dir: Path = DATA_DIR
    version: str = EXTRACTOR_VERSION

    @classmethod
    def default(cls) -> Extractor:
        """The engine over the packaged data and knowledge files."""
        return cls(load_gazetteer(KNOWLEDGE_DIR, DATA_DIR))

    @classmethod
    def from_dirs(cls, knowledge_dir: Path, data_dir: Path = DATA_DIR) -> Extractor:
        """An engine over other knowledge files (tests use small fixtures)."""
        return cls(load_gazetteer(knowledge_dir, data_dir), data_dir)

    def language(self, article: Article) -> str:
        """The article's language: as given, else detected."""
        return article.lang or detect_language(article.text, stopwords(self.data_dir))

    def extract(self, article: Article) -> list[Event]:
        """Every event the article reports, in text order; deterministic."""
        lang = self.language(article)
        if lang not in LANGUAGES:
            return []  # no rules for this language: report nothing rather than noise
        pack = load_pack(lang, self.data_dir)
        ctx = ArticleContext(blocs=BlocMemory.with_fixed(self.gazetteer.fixed_members))
        drafts: list[Draft] = []
        published = article.published
        dateline = find_dateline(article.text)
        reading = _Reading(published, dateline.end if dateline else 0, PeopleMemory())

        def resolve(mention: DateMention, future: bool) -> tuple[str | None, str | None]:
            return mention.resolve(published, future)

        unread: list[Sentence] = []  # sentences whose names were not looked up yet

        def read(sentence: Sentence) -> None:
            earlier = self._mentions(sentence, pack, reading)
            if earlier:
                ctx.previous_subject = [_subject(earlier)]
                ctx.remember(earlier)

        for wrapped in split_sentences(article.text, pack.abbreviations):
            # Wire copy wraps lines inside sentences: match on one line (same offsets);
            # evidence is still cut from the article text as written.
            sentence = Sentence(wrapped.text.replace("\n", " "), wrapped.start, wrapped.end)
            view = self._view(sentence, pack, reading)
            if view is None:
                if pack.office_words.search(sentence.text):
                    # No event here, but perhaps a person introduced for later sentences
                    # ("Dutch Finance Minister Wouter Bos said ...").
                    for earlier_sentence in [*unread[-1:], sentence]:
                        read(earlier_sentence)
                    unread = []
                else:
                    unread.append(sentence)
                continue
            if unread and pack.pair_reference.search(sentence.text):
                # "both countries": the two states named most recently, however far back.
                for earlier_sentence in unread:
                    read(earlier_sentence)
            elif unread and pack.anaphora.search(sentence.text):
                # The sentence before had no trigger: look its names up only now, as
                # the antecedent of this sentence's pronouns.
                read(unread[-1])
            unread = []
            drafts.extend(sentence_events(view, pack, ctx, resolve))
        return self._finish(article, drafts, ctx.blocs)

    def _view(
        self, sentence: Sentence, pack: LanguagePack, reading: _Reading
    ) -> SentenceView | None:
        """Everything rules need about a sentence; None when it cannot hold an event."""
        text = sentence.text
        if not pack.any_trigger.search(text) or pack.distractors.why(text):
            return None
        triggers = find_triggers(pack.triggers, text)
        if not triggers:
            return None
        tokens = tokenize(text, sentence.start)
        mentions = self._mentions(sentence, pack, reading, tokens)
        cut = reading.dateline_end - sentence.start
        dates = [d for d in pack.dates.find(text) if d.start >= cut]
        return SentenceView(sentence, tokens, mentions, dates, triggers)

    def _mentions(
        self,
        sentence: Sentence,
        pack: LanguagePack,
        reading: _Reading,
        tokens: list[Token] | None = None,
    ) -> list[Mention]:
        """Actor names of a sentence, offsets relative to it, media and dateline removed.

        People the article introduced ("le ministre allemand des Finances Peer
        Steinbrück") are added, and remembered for the sentences that follow.
        """
        tokens = tokens if tokens is not None else tokenize(sentence.text, sentence.start)
        found = self.gazetteer.find(
            tokens, sentence.text, sentence.start, reading.published, pack.lang
        )
        base = sentence.start
        mentions = [
            Mention(m.text, m.start - base, m.end - base, m.code, m.kind, m.title)
            for m in drop_non_actors(found, tokens, pack)
            if m.start >= reading.dateline_end
        ]
        people = find_people(tokens, sentence.text, base, mentions, pack, reading.people)
        if not people:
            return mentions
        return sorted([*mentions, *people], key=lambda m: m.start)

    def _finish(self, article: Article, drafts: list[Draft], blocs: BlocMemory) -> list[Event]:
        for d in drafts:
            # Members a bloc was spelt out with anywhere in the article take part.
            d.actors = member_roles(d.actors, blocs)
        dated: dict[tuple[str, str, tuple[str, ...]], set[tuple[str, str]]] = {}
        for d in drafts:
            if d.date is not None:
                for key in (
                    (d.type, d.subtype, _countries(d)),
                    ("*" if d.type == "meeting" else "", "", _countries(d)),
                ):
                    dated.setdefault(key, set()).add((d.date, d.precision or ""))
        events: dict[tuple[object, ...], Event] = {}
        for d in drafts:
            value, precision, inherited = d.date, d.precision, False
            if value is None and (d.type, d.subtype) not in STATES:
                # Same happening (type and countries) dated elsewhere in the article; else
                # the outcome of the article's dated meeting between the same countries.
                for key in ((d.type, d.subtype, _countries(d)), ("*", "", _countries(d))):
                    same = dated.get(key, set())
                    if len(same) == 1:
                        value, precision = next(iter(same))
                        inherited = True
                        break
            event = Event(
                type=d.type,
                subtype=d.subtype,
                actors=tuple(Actor(m.text, m.code, role, m.title) for m, role in d.actors),
                date=value,
                date_precision=precision,  # type: ignore[arg-type]
                evidence=Evidence(
                    article.text[d.sentence.start : d.sentence.end],
                    d.sentence.start,
                    d.sentence.end,
                ),
                confidence=round(d.confidence - (0.05 if inherited else 0.0), 3),
                extractor=self.version,
                trigger=d.trigger,
                rule=d.rule + (" +date:inherited" if inherited else ""),
                location=Location(d.location.text, d.location.code) if d.location else None,
                article_id=article.id,
            )
            key = (
                event.type,
                event.subtype,
                event.countries,
                event.date,
                tuple(sorted(a.code for a in event.actors if not is_iso3(a.code))),
            )
            if key not in events or events[key].confidence < event.confidence:
                events[key] = event
        return sorted(
            events.values(),
            key=lambda e: (e.evidence.start, e.type, e.subtype, e.countries, e.date or ""),
        )


@dataclass(slots=True)
class _Reading:
    """What the engine carries through one article: its date, dateline and people."""

    published: date | None
    dateline_end: int
    people: PeopleMemory


def _subject(mentions: list[Mention]) -> Mention:
    """The likely subject of a sentence: its first person, else its first name."""
    people = [m for m in mentions if m.kind == "leader"]
    return people[0] if people else mentions[0]


def _countries(d: Draft) -> tuple[str, ...]:
    return tuple(sorted({c for c in d.codes if is_iso3(c)}))
