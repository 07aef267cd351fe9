"""Every message newsline produces validates against its published schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from newsline.contracts import SCHEMAS, problems, validator
from newsline.domain.article import Article
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
