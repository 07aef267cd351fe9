"""The store's engine reaches SQLite and PostgreSQL, or says clearly why not."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from newsline.errors import StoreError, StoreUnavailable
from newsline.store.engine import make_engine

pytestmark = pytest.mark.integration


def test_engine_round_trips_a_row(database_url: str) -> None:
    engine = make_engine(database_url)
    table = f"probe_{uuid.uuid4().hex[:8]}"
    try:
        with engine.begin() as connection:
            connection.execute(text(f"create table {table} (id integer primary key, name text)"))
            connection.execute(
                text(f"insert into {table} values (:id, :name)"), {"id": 1, "name": "Biélorussie"}
            )
        with engine.connect() as connection:
            assert connection.execute(text(f"select name from {table}")).scalar_one() == (
                "Biélorussie"
            )
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"drop table if exists {table}"))
        engine.dispose()


def test_sqlite_file_uses_write_ahead_logging(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'deep' / 'store.db'}")

    with engine.connect() as connection:
        assert connection.execute(text("pragma journal_mode")).scalar_one() == "wal"
    assert (tmp_path / "deep" / "store.db").exists()


def test_unreachable_postgres_is_one_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match=r"^database postgresql\+psycopg://nobody@127\.0"):
        make_engine("postgresql://nobody@127.0.0.1:1/none")


def test_garbage_url_is_refused() -> None:
    with pytest.raises(StoreError, match="is not a database URL"):
        make_engine("not a url")
