"""Ingest's seen-articles table: a dict's behaviour in 32-64 bytes an article."""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path
from types import SimpleNamespace

import faust
import pytest

from agents.seen_articles import (
    DIGEST_CHARS,
    HashedDigests,
    SeenArticlesStore,
    remembered,
    seen_articles_table,
)

from .test_agents_app import default_app


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_it_behaves_as_a_dict_through_growth_overwrites_and_deletes() -> None:
    rng = random.Random(6)
    table, model = HashedDigests(capacity=8), {}
    for step in range(20_000):
        key = f"article-{rng.randrange(5_000)}"
        if rng.random() < 0.1 and key in model:
            del table[key], model[key]
        else:
            table[key] = model[key] = remembered(digest(f"{key}/{step}"))
    assert len(table) == len(model)
    for n in range(6_000):
        key = f"article-{n}"
        assert table.get(key) == model.get(key), key
        assert (key in table) == (key in model)


def test_it_keeps_the_digest_prefix_and_compares_equal_to_it() -> None:
    table = HashedDigests()
    full = digest("text")
    table["a"] = full  # a full digest (an older changelog's) is kept as its prefix

    assert table["a"] == remembered(full) == full[:DIGEST_CHARS]
    with pytest.raises(KeyError):
        table["b"]
    del table["a"]
    with pytest.raises(KeyError):
        del table["a"]
    assert len(table) == 0


def test_an_article_costs_at_most_64_bytes_and_no_python_object() -> None:
    table = HashedDigests()
    blocks = sys.getallocatedblocks()
    for n in range(100_000):
        table[f"article-{n}"] = digest(str(n))

    assert len(table) == 100_000
    assert sys.getallocatedblocks() - blocks < 100  # no object kept per article
    assert table._slots.itemsize * len(table._slots) <= 64 * len(table)  # 16 a slot, 1/4-1/2 full


def test_values_must_be_hex_digests_and_keys_cannot_be_listed() -> None:
    table = HashedDigests()
    with pytest.raises(ValueError, match="hex digests"):
        table["a"] = "not a digest"
    with pytest.raises(TypeError, match="no keys"):
        list(table)


def changelog_event(key: str, value: str | None) -> SimpleNamespace:
    return SimpleNamespace(key=key, value=value, message=SimpleNamespace(value=value))


def test_the_store_replays_its_changelog_in_order(tmp_path: Path) -> None:
    app = default_app(tmp_path)
    table = seen_articles_table(app)
    store = table.data
    first, second = remembered(digest("1")), remembered(digest("2"))
    batch = [
        changelog_event("kept", first),
        changelog_event("edited", first),
        changelog_event("edited", second),
        changelog_event("gone", first),
        changelog_event("gone", None),
    ]

    table.apply_changelog_batch(batch)

    assert isinstance(store, SeenArticlesStore)
    assert isinstance(table, faust.Table)
    assert app.tables["seen-articles"] is table
    assert (table["kept"], table["edited"], table["gone"]) == (first, second, "")
    assert store._key_partition == {}


def test_its_changelog_is_json_under_faust_s_usual_name(tmp_path: Path) -> None:
    """The same topic and encoding as Faust's own table: no pickle of wire bytes, and
    a worker upgraded in place replays the changelog an earlier one wrote."""
    table = seen_articles_table(default_app(tmp_path))
    changelog = table.changelog_topic

    assert changelog.get_topic_name() == "newsline.worker-seen-articles-changelog"
    assert (changelog.key_serializer, changelog.value_serializer) == ("json", "json")
