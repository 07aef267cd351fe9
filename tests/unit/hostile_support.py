"""Hypothesis strategies for hostile input: what a careless or malicious feed can send.

Text mixes any code point (controls, lone surrogates, bidi and zero-width marks,
characters that NFC lengthens) with real French and English news sentences, so that
some generated articles do reach the extractor's rules instead of all being noise.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import strategies as st

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_98cf7ec9cc4599a5.txt"

#: characters that have broken, or could break, a text pipeline
NASTY_CHARACTERS = [
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\xa0", "\xad", "\r", "\n", "\t", "\u2028",
    "\u200b", "\u200d", "\u200e", "\u202e", "\u2066", "\u2069", "\ufeff", "\ufffd", "\uffff",
    "\ud800", "\udfff",  # lone surrogates: only reachable through JSON escapes
    "\u0958", "\ufb2c", "\U0001d160",  # NFC turns each into two or three characters
    "\u0301", "é", "Я", "中", "ع", "\U0001f600", '"', "\\", "<", "&", ".",
]  # fmt: skip
#: names in several scripts, and Latin look-alikes (Cyrillic letters, fullwidth forms)
MIXED_SCRIPT_WORDS = [
    "Minsk", "Минск", "M\u0456nsk", "Téhéran", "طهران", "明斯克", "Poutine", "Путин",
    "\u0420outine", "Iran", "\u0406ran", "\uff29\uff32\uff21\uff2e", "Loukachenko",
    "Лукашенко", "sanctions", "\u0455anctions", "pre\u0301sident", "pre\u200b\u0301sident",
    "\u202eMinsk\u202c",
]  # fmt: skip


def seed_sentences() -> list[str]:
    """The seed article's sentences: real prose that triggers meetings and sanctions."""
    body = SEED.read_text(encoding="utf-8").partition("\n")[2]
    return [s.strip() + "." for s in body.replace("\n", " ").split(". ") if s.strip()]


SENTENCES = [
    *seed_sentences(),
    "The European Union imposed new sanctions on Russia on Monday.",
    "President Biden met Chinese President Xi Jinping in Bali on November 14, 2022.",
    "Le ministre allemand des Finances Peer Steinbrück a rencontré M. Lagarde à Paris.",
]

any_character = st.characters(exclude_categories=())  # surrogates and controls included
characters = st.one_of(any_character, st.sampled_from(NASTY_CHARACTERS))
junk_text = st.text(characters, max_size=120)
words = st.lists(
    st.one_of(
        st.sampled_from(SENTENCES),
        st.sampled_from(MIXED_SCRIPT_WORDS),
        st.sampled_from(NASTY_CHARACTERS),
        junk_text,
    ),
    max_size=12,
)
prose = words.map(" ".join)
hostile_text = st.one_of(junk_text, prose)

ODD_DATES = [
    "2025-08-20T10:00:00Z", "2025-02-30", "0000-01-01", "9999-12-31T23:59:59+23:59",
    "2025-08-20\n", "2025-08-20 junk", "२०२५-०८-२०", "20250820", "",
]  # fmt: skip
dates = st.one_of(st.dates().map(str), st.dates().map(str), st.sampled_from(ODD_DATES), junk_text)
langs = st.one_of(st.sampled_from(["fr", "en", "de", "zz", "FR", "fr\n", "", "f"]), junk_text)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(junk_text, children, max_size=4)
    ),
    max_leaves=12,
)


def field(good: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly a plausible value, sometimes anything JSON can hold."""
    return st.one_of(good, good, good, json_values)


_REQUIRED = {
    "id": field(st.text(min_size=1, max_size=40)),
    "text": field(hostile_text),
    "published": field(dates),
}
_OPTIONAL = {
    "lang": field(langs),
    "title": field(hostile_text),
    "url": field(junk_text),
    "source": field(junk_text),
    "author": field(junk_text),
    "extra": json_values,
}
article_objects = st.one_of(
    st.fixed_dictionaries(_REQUIRED, optional=_OPTIONAL),
    st.fixed_dictionaries({}, optional={**_REQUIRED, **_OPTIONAL}),
)


@st.composite
def encoded(draw: st.DrawFn, value: object) -> bytes:
    """``value`` as bytes the way some producer might write it, right or wrong."""
    text = json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True)
    # Lone surrogates written raw are not UTF-8: 'surrogatepass' makes them bytes anyway.
    return text.encode("utf-8", "surrogatepass")


@st.composite
def mutated(draw: st.DrawFn, raw: bytes) -> bytes:
    """Damage a JSON message: cut it, splice bytes in, repeat keys, bury it in nesting."""
    how = draw(st.sampled_from(["cut", "splice", "duplicate", "nest", "prefix"]))
    if how == "cut":
        return raw[: draw(st.integers(0, len(raw)))]
    if how == "splice":
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    if how == "duplicate" and raw.startswith(b"{"):
        key = draw(st.sampled_from([b"id", b"text", b"published", b"lang"]))
        value = draw(st.sampled_from([b"5", b"null", b'"x"', b"[]"]))
        return b'{"' + key + b'": ' + value + b"," + raw[1:]
    if how == "nest":
        depth = draw(st.sampled_from([10, 900, 1_100, 100_000]))
        return b"[" * depth + raw + b"]" * depth
    return draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b" \n"])) + raw


@st.composite
def article_messages(draw: st.DrawFn) -> bytes:
    """One message value for the articles topic: valid, nearly valid or garbage."""
    kind = draw(st.sampled_from(["object", "object", "object", "value", "mutated", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    raw = draw(encoded(draw(json_values if kind == "value" else article_objects)))
    return draw(mutated(raw)) if kind == "mutated" else raw


valid_looking_articles = st.fixed_dictionaries(
    {
        "id": st.text(min_size=1, max_size=40),
        "text": words.filter(any).map(" ".join),
        "published": st.dates().map(str),
    },
    optional={"lang": st.sampled_from(["fr", "en", "de"]), "title": junk_text},
)
