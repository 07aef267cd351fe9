"""Articles are read from the seed format, JSON Lines and JSON, or refused clearly."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsline.errors import ArticleFormatError
from newsline.readers import read_path, read_paths

REPO = Path(__file__).resolve().parents[2]


def test_the_seed_is_read_with_its_date_and_byline() -> None:
    (article,) = read_path(REPO / "seeds" / "000_98cf7ec9cc4599a5.txt")

    assert article.id == "000_98cf7ec9cc4599a5"
    assert article.published == date(2025, 8, 20)
    assert article.author == "Mark Trevelyan"
    assert article.text.startswith("La Biélorussie et l'Iran, deux pays")
    assert article.text.endswith("selon Belta.")


def test_english_byline_uses_by(tmp_path: Path) -> None:
    path = tmp_path / "minsk.txt"
    path.write_text(" date 2025-08-20 by Jane Doe\n\nBelarus and Iran met.\n")

    (article,) = read_path(path)

    assert (article.author, article.text) == ("Jane Doe", "Belarus and Iran met.")


def test_json_lines_and_json_give_the_same_article(tmp_path: Path) -> None:
    record = {
        "id": "a1",
        "lang": "en",
        "published": "2014-03-17T09:30:00Z",
        "title": "EU sanctions",
        "text": "The EU imposed sanctions on Russia.",
        "source": "wire",
    }
    (tmp_path / "one.json").write_text(json.dumps(record))
    (tmp_path / "many.jsonl").write_text(json.dumps(record) + "\n\n")

    from_json, from_lines = read_paths([tmp_path / "one.json", tmp_path / "many.jsonl"])

    assert from_json == from_lines
    assert from_json.published == date(2014, 3, 17)
    assert from_json.source == "wire"


def test_folders_are_read_recursively_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(" date 2020-01-01 par X\n\nTexte.")
    (tmp_path / "a.json").write_text(json.dumps({"id": "a", "text": "T", "published": None}))
    (tmp_path / "notes.md").write_text("ignored")

    assert [a.id for a in read_paths([tmp_path])] == ["a", "z"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.txt", "no header\n\nbody", "bad.txt:1: expected a first line like"),
        ("empty.txt", " date 2020-01-01 par X\n\n  \n", "empty.txt: the article body is empty"),
        ("bad.jsonl", '{"id": "x"\n', "bad.jsonl:1: not valid JSON"),
        ("noid.jsonl", '{"text": "t"}\n', "noid.jsonl:1: missing required field(s): id"),
        ("date.json", '{"id": "x", "text": "t", "published": "soon"}', "not an ISO 8601 date"),
        ("type.json", '{"id": 7, "text": "t"}', "field 'id' must be a string, not int"),
        ("list.json", "[1]", "expected a JSON object, got int"),
        ("table.csv", "a,b", "unsupported file type '.csv'"),
    ],
)
def test_bad_files_are_refused_with_the_reason(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)

    with pytest.raises(ArticleFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(read_path(path))


def test_undecodable_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(" date 2020-01-01 par X\n\nCaf\xe9".encode("latin-1"))

    with pytest.raises(ArticleFormatError, match="not UTF-8 text"):
        list(read_path(path))
