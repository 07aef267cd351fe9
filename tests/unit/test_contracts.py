"""Every message newsline produces validates against its published schema."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsline.contracts import SCHEMAS, conforms, problems, validator
from newsline.domain.article import Article
from newsline.event_messages import event_message, extraction_message
from newsline.extraction import EXTRACTOR_VERSION, extract
from newsline.publishing import encode_article
from newsline.readers import read_paths

REPO = Path(__file__).resolve().parents[2]


def test_every_schema_is_valid_2020_12_and_versioned_in_its_name() -> None:
    names = sorted(path.stem for path in SCHEMAS.glob("*.json"))

    assert names, "no schemas found"
    for name in names:
        assert name.rsplit(".", 1)[-1].startswith("v"), name
        validator(name)  # raises on an invalid schema


def test_published_seed_articles_validate() -> None:
    for article in read_paths([REPO / "seeds"]):
        assert problems("article.v1", json.loads(encode_article(article))) == []


def test_problems_name_the_field_and_the_reason() -> None:
    message = json.loads(encode_article(Article(id="x", text="t", published=date(2025, 1, 2))))
    message["published"] = "yesterday"
    del message["text"]

    assert problems("article.v1", message) == [
        "(root): 'text' is a required property",
        "published: 'yesterday' does not match '^\\\\d{4}-\\\\d{2}-\\\\d{2}([T ].*)?$'",
    ]


# -- the fast check agrees with jsonschema --------------------------------------------

json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
        st.text(max_size=30), st.sampled_from(["", "x" * 300, "2025-01-02", "0" * 24, "en"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)  # fmt: skip


def seed_messages() -> dict[str, dict]:
    """One valid message per schema, built by the code that publishes them."""
    article = next(iter(read_paths([REPO / "seeds"])))
    events = extract(article)
    at = datetime(2026, 1, 2, tzinfo=UTC)
    return {
        "article.v1": json.loads(encode_article(article)),
        "event.v1": event_message(article, events[0], at),
        "extraction.v1": extraction_message(article, events, at, EXTRACTOR_VERSION),
    }


SEED_MESSAGES = seed_messages()


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(SEED_MESSAGES)),
    edits=st.lists(st.tuples(st.integers(0, 40), json_values, st.booleans()), max_size=3),
)
def test_the_fast_check_agrees_with_jsonschema(name: str, edits: list) -> None:
    """Random fields of a valid message replaced, removed or nested values altered:
    conforms() must say valid exactly when jsonschema finds no error."""
    message = copy.deepcopy(SEED_MESSAGES[name])
    for index, value, remove in edits:
        target = message
        nested = [k for k, v in target.items() if isinstance(v, dict | list) and v]
        if nested and index % 3 == 0:  # one level down: actors, evidence, location...
            inner = target[nested[index % len(nested)]]
            target = inner[0] if isinstance(inner, list) else inner
            if not isinstance(target, dict):
                continue
        keys = sorted(target)
        key = keys[index % len(keys)] if keys else "x"
        if remove:
            target.pop(key, None)
        else:
            target[key] = value

    slow = not list(validator(name).iter_errors(message))
    assert conforms(name, message) == slow
    assert (problems(name, message) == []) == slow


def test_every_seed_message_conforms() -> None:
    for name, message in SEED_MESSAGES.items():
        assert conforms(name, message), name
