"""Every data file is validated; a bad record names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsline.errors import KnowledgeDataError
from newsline.extraction.pack import load_pack
from newsline.extraction.resources import LANGUAGES, load_jsonl


@pytest.mark.parametrize("lang", LANGUAGES)
def test_packaged_language_data_loads(lang):
    pack = load_pack(lang)
    types = {t.type for t in pack.triggers}
    assert types == {"meeting", "agreement", "sanctions", "military"}
    subtypes = {(t.type, t.subtype) for t in pack.triggers}
    assert len(subtypes) == 18  # every subtype of the ontology has a trigger


def test_bad_record_names_file_and_line(tmp_path: Path):
    path = tmp_path / "triggers.jsonl"
    path.write_text(
        '{"type": "meeting", "subtype": "talks", "pattern": "met"}\n'
        '{"type": "meeting", "subtype": "talks"}\n',
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeDataError, match=r"triggers.jsonl:2: missing field 'pattern'"):
        load_jsonl(path, "triggers")


def test_bad_regular_expression_is_refused(tmp_path: Path):
    path = tmp_path / "distractors.jsonl"
    path.write_text('{"pattern": "foot(ball", "why": "sport"}\n', encoding="utf-8")
    with pytest.raises(KnowledgeDataError, match="bad regular expression"):
        load_jsonl(path, "distractors")


def test_an_unknown_office_is_refused(tmp_path: Path):
    path = tmp_path / "leaders.jsonl"
    path.write_text(
        '{"name": "Peer Steinbrück", "country": "DEU", "office": "minister", '
        '"portfolio": "finance", "start": "2005-11-22", "end": "2009-10-28"}\n'
        '{"name": "Karl Otto Pöhl", "country": "DEU", "office": "banker"}\n',
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeDataError, match=r"leaders.jsonl:2: field 'office' is 'banker'"):
        load_jsonl(path, "leaders")
