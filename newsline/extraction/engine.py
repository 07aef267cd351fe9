"""The extraction pipeline: article -> sentences -> names, dates, triggers -> events.

This module only orchestrates; each step lives in the module that owns it. It also
does the one thing no sentence can do alone: the article-level pass (ONTOLOGY §4),
where an undated mention of a happening takes the date of the dated mention of the
same happening (same type and country set) and duplicates collapse into one event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from newsline.domain.article import Article
from newsline.domain.event import Actor, Event, Evidence, Location, is_iso3
from newsline.extraction.dates import DateMention
from newsline.extraction.gazetteer import Gazetteer, Mention, load_gazetteer
from newsline.extraction.language import detect_language
from newsline.extraction.pack import LanguagePack, load_pack, stopwords
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
        ctx = ArticleContext()
        drafts: list[Draft] = []
        published = article.published

        def resolve(mention: DateMention, future: bool) -> tuple[str | None, str | None]:
            return mention.resolve(published, future)

        previous: Sentence | None = None
        for sentence in split_sentences(article.text, pack.abbreviations):
            view = self._view(sentence, pack, published)
            if view is None:
                previous = sentence
                continue
            if previous is not None:
                # The sentence before had no trigger: look its names up only now, as
                # the antecedent of this sentence's pronouns.
                earlier = self._mentions(previous, pack, published)
                if earlier:
                    ctx.previous_subject = [_subject(earlier)]
            previous = None
            drafts.extend(sentence_events(view, pack, ctx, resolve))
        return self._finish(article, drafts)

    def _view(
        self, sentence: Sentence, pack: LanguagePack, published: date | None
    ) -> SentenceView | None:
        """Everything rules need about a sentence; None when it cannot hold an event."""
        text = sentence.text
        if not pack.any_trigger.search(text) or pack.distractors.why(text):
            return None
        triggers = find_triggers(pack.triggers, text)
        if not triggers:
            return None
        tokens = tokenize(text, sentence.start)
        mentions = self._mentions(sentence, pack, published, tokens)
        return SentenceView(sentence, tokens, mentions, pack.dates.find(text), triggers)

    def _mentions(
        self,
        sentence: Sentence,
        pack: LanguagePack,
        published: date | None,
        tokens: list[Token] | None = None,
    ) -> list[Mention]:
        """Actor names of a sentence, offsets relative to it, media names removed."""
        tokens = tokens if tokens is not None else tokenize(sentence.text, sentence.start)
        found = self.gazetteer.find(tokens, sentence.text, sentence.start, published, pack.lang)
        base = sentence.start
        return [
            Mention(m.text, m.start - base, m.end - base, m.code, m.kind, m.title)
            for m in _drop_media(found, tokens, pack)
        ]

    def _finish(self, article: Article, drafts: list[Draft]) -> list[Event]:
        dated: dict[tuple[str, tuple[str, ...]], set[tuple[str, str]]] = {}
        for d in drafts:
            if d.date is not None:
                for key in (
                    (d.type, _countries(d)),
                    ("*" if d.type == "meeting" else "", _countries(d)),
                ):
                    dated.setdefault(key, set()).add((d.date, d.precision or ""))
        events: dict[tuple[object, ...], Event] = {}
        for d in drafts:
            value, precision, inherited = d.date, d.precision, False
            if value is None and (d.type, d.subtype) not in STATES:
                # Same happening (type and countries) dated elsewhere in the article; else
                # the outcome of the article's dated meeting between the same countries.
                for key in ((d.type, _countries(d)), ("*", _countries(d))):
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
                evidence=Evidence(d.sentence.text, d.sentence.start, d.sentence.end),
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


def _subject(mentions: list[Mention]) -> Mention:
    """The likely subject of a sentence: its first person, else its first name."""
    people = [m for m in mentions if m.kind == "leader"]
    return people[0] if people else mentions[0]


def _countries(d: Draft) -> tuple[str, ...]:
    return tuple(sorted({c for c in d.codes if is_iso3(c)}))


def _drop_media(mentions: list[Mention], tokens: list[Token], pack: LanguagePack) -> list[Mention]:
    """News agencies and media are never actors ("l'agence officielle biélorusse Belta")."""
    heads = pack.words("media_head")
    agencies = pack.words("agency")
    if not mentions:
        return mentions
    index = {t.start: i for i, t in enumerate(tokens)}
    end_index = {t.end: i for i, t in enumerate(tokens)}
    kept = []
    for m in mentions:
        i, j = index.get(m.start), end_index.get(m.end)
        if i is None or j is None:
            kept.append(m)
            continue
        before = [t.key for t in tokens[max(0, i - 3) : i]]
        after = [t.key for t in tokens[j + 1 : j + 3]]
        near = _phrases(before) | _phrases(after)
        if near & heads or near & agencies:
            continue
        kept.append(m)
    return kept


def _phrases(keys: list[str]) -> set[tuple[str, ...]]:
    return {tuple(keys[i:j]) for i in range(len(keys)) for j in range(i + 1, len(keys) + 1)}
