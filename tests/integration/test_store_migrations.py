"""Stores of an older schema are upgraded in place by the Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, text

from newsline.errors import StoreError
from newsline.store import queries
from newsline.store.engine import make_engine
from newsline.store.schema import FIRST, HEAD, alembic_config, create_tables, revision

pytestmark = pytest.mark.integration

EVENT = "0123456789abcdef01234567"
SEEN = datetime(2025, 8, 20, 9, 15)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def first_schema_store(engine: Engine) -> None:
    """A store as newsline made it before migrations: the first schema's tables and
    rows, no alembic_version table."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), FIRST)
        connection.execute(text("DROP TABLE alembic_version"))
        tables = MetaData()
        tables.reflect(connection)
        connection.execute(
            tables.tables["events"].insert(),
            {"event_id": EVENT, "type": "meeting", "subtype": "visit", "date": "2025-08-20",
             "date_precision": "day", "sort_date": date(2025, 8, 20), "undated": False,
             "confidence": 0.9, "extractor": "rules-0.4.0", "first_seen": SEEN,
             "last_seen": SEEN, "source_count": 1},
        )  # fmt: skip
        for country in ("BLR", "IRN"):
            connection.execute(
                tables.tables["event_countries"].insert(),
                {"event_id": EVENT, "country": country, "type": "meeting", "subtype": "visit",
                 "date": "2025-08-20", "sort_date": date(2025, 8, 20), "undated": False},
            )  # fmt: skip
        connection.execute(
            tables.tables["sources"].insert(),
            {"event_id": EVENT, "article_id": "a1", "evidence": "a meeting in Minsk",
             "evidence_start": 0, "evidence_end": 17, "confidence": 0.9,
             "extractor": "rules-0.4.0", "first_seen": SEEN, "last_seen": SEEN},
        )  # fmt: skip
        connection.execute(
            tables.tables["projection_offsets"].insert(),
            {"projection": "timeline", "topic": "t", "partition": 0, "next_offset": 41},
        )


def test_head_is_the_newest_migration(engine: Engine) -> None:
    with engine.connect() as connection:
        assert ScriptDirectory.from_config(alembic_config(connection)).get_current_head() == HEAD


def test_an_empty_database_gets_the_current_schema(engine: Engine) -> None:
    create_tables(engine)

    with engine.connect() as connection:
        assert revision(connection) == HEAD
        assert "article_extractions" in inspect(connection).get_table_names()


def test_a_store_of_the_first_schema_is_upgraded_with_its_rows(engine: Engine) -> None:
    first_schema_store(engine)
    with engine.connect() as connection:
        assert revision(connection) == FIRST

    create_tables(engine)

    with engine.connect() as connection:
        assert revision(connection) == HEAD
        offset = connection.execute(text("select next_offset from projection_offsets")).scalar()
    assert offset == 41
    (entry,) = queries.timeline(engine, "BLR").entries
    assert (entry.event_id, entry.countries, entry.source_count) == (EVENT, ("BLR", "IRN"), 1)
    (source,) = queries.event(engine, EVENT).sources
    assert source.superseded is None


def test_offsets_beyond_32_bits_fit_after_the_upgrade(engine: Engine) -> None:
    first_schema_store(engine)
    create_tables(engine)

    with engine.begin() as connection:
        connection.execute(text("update projection_offsets set next_offset = 5000000000"))
        assert connection.execute(text("select next_offset from projection_offsets")).scalar() == (
            5_000_000_000
        )


def test_a_store_newer_than_this_newsline_is_refused_with_advice(engine: Engine) -> None:
    create_tables(engine)
    with engine.begin() as connection:
        connection.execute(text("update alembic_version set version_num = '0999'"))

    with pytest.raises(StoreError, match=r"0999.*upgrade newsline"):
        create_tables(engine)


def test_key_columns_compare_bytes_on_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite compares text bytewise already")
    first_schema_store(engine)
    create_tables(engine)

    with engine.connect() as connection:
        byte_order = connection.execute(
            text(
                "select table_name, column_name from information_schema.columns "
                "where table_schema = current_schema() and collation_name = 'C'"
            )
        ).all()
    assert set(byte_order) == {
        ("articles", "id"), ("events", "event_id"), ("event_countries", "event_id"),
        ("event_countries", "country"), ("event_actors", "event_id"), ("event_actors", "code"),
        ("event_actors", "role"), ("sources", "event_id"), ("sources", "article_id"),
        ("article_extractions", "article_id"),
    }  # fmt: skip
    (entry,) = queries.timeline(engine, "BLR").entries  # the rows went along
    assert entry.event_id == EVENT
