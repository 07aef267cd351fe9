"""Date expressions and their resolution against the publication date (ONTOLOGY §3).

Each expression is found once per sentence and resolved only when an event claims
it, because a weekday's meaning depends on the tense of the verb it qualifies: the
latest such day on or before publication for past and present, the first such day on
or after publication for the future ("se rencontreront samedi" in a paper dated
Saturday means that Saturday, as the dev set's annotators read it). Precision
follows the words: a day, a month ("en janvier", month precision, the latest January
on or before publication) or a year ("en 2022").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from newsline.extraction.tokens import fold

Resolved = tuple[str | None, str | None]  # (date, precision)
_ISO_YEAR = re.compile(r"\d{4}(?:-|$)")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in the text, not yet resolved (weekdays wait for the tense)."""

    text: str
    start: int
    end: int
    kind: str  # "absolute", "weekday", "relative_day", "relative_month", "relative_year"
    year: int | None = None
    month: int | None = None
    day: int | None = None
    value: int = 0
    direction: int = 0  # -1 "dernier"/"last", +1 "prochain"/"next", 0 unsaid

    def resolve(self, published: date | None, future: bool = False) -> Resolved:
        """The ISO date string and precision this expression stands for.

        None when it would fall outside years 1 to 9999, which ISO dates (and
        Python's) cannot write: "mercredi" in an article dated 0001-01-01.
        """
        try:
            resolved = self._resolved(published, future)
        except OverflowError:
            return None, None
        return resolved if _in_calendar(resolved[0]) else (None, None)

    def _resolved(self, published: date | None, future: bool) -> Resolved:
        if self.kind == "absolute":
            return _absolute(self, published, future)
        if published is None:
            return None, None
        if self.kind == "weekday":
            forward = self.direction > 0 or (future and self.direction == 0)
            delta = (self.value - published.weekday()) % 7 if forward else 0
            if not forward:
                delta = -((published.weekday() - self.value) % 7)
            return (published + timedelta(days=delta)).isoformat(), "day"
        if self.kind == "relative_day":
            return (published + timedelta(days=self.value)).isoformat(), "day"
        if self.kind == "relative_month":
            month = published.month + self.value
            year = published.year + (month - 1) // 12
            month = (month - 1) % 12 + 1
            return f"{year:04d}-{month:02d}", "month"
        if self.kind == "relative_year":
            return f"{published.year + self.value:04d}", "year"
        return None, None


def _in_calendar(value: str | None) -> bool:
    return value is None or (_ISO_YEAR.match(value) is not None and not value.startswith("0000"))


def _absolute(m: DateMention, published: date | None, future: bool) -> Resolved:
    year = m.year
    if m.month is None:
        return (f"{year:04d}", "year") if year else (None, None)
    if year is None:
        if published is None:
            return None, None
        year = published.year
        this = (m.month, m.day or 1)
        now = (published.month, published.day if m.day else 1)
        if (future and m.direction >= 0) or m.direction > 0:
            if this < now:
                year += 1
        elif this > now:
            year -= 1
    if m.day is None:
        return f"{year:04d}-{m.month:02d}", "month"
    try:
        return date(year, m.month, m.day).isoformat(), "day"
    except ValueError:
        return f"{year:04d}-{m.month:02d}", "month"


class DateLexicon:
    """Finds date expressions in one language, built from ``dates.jsonl`` records."""

    def __init__(self, records: Iterable[Mapping[str, Any]], case_sensitive_months: bool) -> None:
        records_list = list(records)
        words: dict[str, dict[str, int]] = {}
        for record in records_list:
            table = words.setdefault(record["kind"], {})
            for word in record["words"]:
                table[fold(word)] = record["value"]
                table[word] = record["value"]
        self._months = words.get("month", {})
        self._weekdays = words.get("weekday", {})
        self._relative = {
            kind: words.get(kind, {})
            for kind in ("relative_day", "relative_month", "relative_year")
        }
        originals = [w for r in records_list if r["kind"] == "month" for w in r["words"]]
        if case_sensitive_months:
            month_alt = _alternation(originals)
        else:
            month_alt = "(?i:" + _alternation(self._months) + ")"
        weekday_alt = "(?i:" + _alternation(self._weekdays) + ")"
        relative_alt = "(?i:" + _alternation(w for t in self._relative.values() for w in t) + ")"
        cue_alt = "(?i:" + _alternation(words.get("year_cue", {})) + ")"
        day = r"(?:1er|\d{1,2})(?:st|nd|rd|th)?"
        year = r"(?:1[89]|20)\d{2}"
        self._pattern = re.compile(
            rf"(?<!\w)(?:"
            rf"(?P<rel>{relative_alt})"
            rf"|(?:(?i:le|the)\s+)?(?P<d1>{day})\s+(?:of\s+)?(?P<m1>{month_alt})(?:,?\s+(?P<y1>{year}))?"
            rf"|(?P<m2>{month_alt})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<y2>{year}))?"
            rf"|(?P<m3>{month_alt})(?:,?\s+(?:de\s+|of\s+)?(?P<y3>{year}))?"
            rf"|(?P<wd>{weekday_alt})"
            rf"|{cue_alt}\s+(?:(?i:l'année|the year|fin|début|early|late)\s+)?(?P<y4>{year})"
            rf")(?!\w)"
        )
        self._direction = re.compile(
            r"\s+(?i:(?P<past>dernier|dernière|passé|last)|(?P<next>prochain|prochaine|next))\b"
        )
        self._direction_before = re.compile(r"(?i:(?P<past>last)|(?P<next>next|this coming))\s+$")
        # "said Friday that ... will impose": the weekday dates the speech, a past act,
        # whatever the tense of the verb it reports.
        past_alt = "(?i:" + _alternation(words.get("past_cue", {})) + ")"
        self._past_before = re.compile(rf"(?<!\w){past_alt}\s+(?:(?i:on|le)\s+)?$")

    def find(self, text: str, base: int = 0) -> list[DateMention]:
        """Every date expression in ``text``, offsets shifted by ``base``."""
        found = []
        for m in self._pattern.finditer(text):
            mention = self._mention(m, text, base)
            if mention is not None:
                found.append(mention)
        return found

    def _mention(self, m: re.Match[str], text: str, base: int) -> DateMention | None:
        start, end = m.start() + base, m.end() + base
        after = self._direction.match(text, m.end())
        before = self._direction_before.search(text[max(0, m.start() - 12) : m.start()])
        direction = 0
        for found in (after, before):
            if found:
                direction = -1 if found.group("past") else 1
        if direction == 0 and self._past_before.search(text[max(0, m.start() - 20) : m.start()]):
            direction = -1
        g = m.groupdict()
        if g["rel"]:
            key = fold(g["rel"])
            for kind, table in self._relative.items():
                if key in table:
                    return DateMention(m.group(), start, end, kind, value=table[key])
            return None
        if g["wd"]:
            value = self._weekdays.get(fold(g["wd"]), self._weekdays.get(g["wd"]))
            return DateMention(
                m.group(), start, end, "weekday", value=value or 0, direction=direction
            )
        if g["y4"]:
            return DateMention(m.group(), start, end, "absolute", year=int(g["y4"]))
        for d, mo, y in (("d1", "m1", "y1"), ("d2", "m2", "y2"), (None, "m3", "y3")):
            if g[mo]:
                month = self._months.get(g[mo], self._months.get(fold(g[mo])))
                day = int(g[d].rstrip("erstndh")) if d and g[d] else None
                if day is not None and not 1 <= day <= 31:
                    return None
                yr = int(g[y]) if g[y] else None
                return DateMention(
                    m.group(), start, end, "absolute", yr, month, day, direction=direction
                )
        return None


def _alternation(words: Iterable[str]) -> str:
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in unique) or "(?!)"
