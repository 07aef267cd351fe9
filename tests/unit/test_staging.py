"""Where a PostgreSQL rebuild builds: the store URL with only its search_path changed."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from newsline.operations.staging import with_search_path

BASE = "postgresql+psycopg://u:p@db:5432/news"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (None, "-csearch_path=new"),
        ("-csearch_path=old", "-csearch_path=new"),
        ("-c search_path=old -cstatement_timeout=0", "-cstatement_timeout=0 -csearch_path=new"),
        (
            "-cstatement_timeout=0 -csearch_path=old,public",
            "-cstatement_timeout=0 -csearch_path=new",
        ),
    ],
)
def test_only_the_search_path_changes(options: str | None, expected: str) -> None:
    url = make_url(BASE).update_query_dict({"options": options} if options else {})

    staged = with_search_path(url, "new")

    assert staged.query["options"] == expected
    assert staged.set(query={}) == make_url(BASE)
    assert staged.password == "p"
