"""`newsline publish` as a feed operator runs it: files, folders, feeds, stdin, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsline.topics import articles_topic

from .pipeline_support import consume_all, newsline, pipeline_env

pytestmark = pytest.mark.integration

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><guid>wire-1</guid><title>EU extends sanctions</title>
<pubDate>Mon, 24 Jun 2024 09:30:00 +0000</pubDate>
<description>The European Union extended its sanctions on Russia.</description></item>
</channel></rss>"""


@pytest.fixture
def env(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> dict[str, str]:
    return pipeline_env(kafka_bootstrap, topic_prefix, f"sqlite:///{tmp_path}/s.db", tmp_path)


def test_folder_feed_and_stdin_are_published_and_bad_files_refused(
    env: dict[str, str], tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "feeds").mkdir(parents=True)
    (inbox / "feeds" / "wire.rss").write_text(RSS)
    (inbox / "a.json").write_text(
        json.dumps({"id": "a", "text": "Paris et Berlin.", "published": "2025-01-02"})
    )
    (inbox / "broken.jsonl").write_text('{"id": "b", "text": \n')
    (inbox / "undated.json").write_text(json.dumps({"id": "u", "text": "Sans date."}))
    piped = json.dumps({"id": "s", "text": "From stdin.", "published": "2025-01-03"}) + "\n"

    result = newsline(env, "publish", str(inbox), "-", stdin=piped)

    assert result.returncode == 1
    refusals = [line for line in result.stderr.splitlines() if line.startswith("refused: ")]
    assert refusals == [
        f"refused: {inbox / 'broken.jsonl'}:1: not valid JSON (Expecting value)",
        "refused: article 'u': 'published' is missing or null [no_publication_date]",
    ]
    assert result.stderr.splitlines()[-1].startswith(
        f"published 3 article(s) to {articles_topic(env['NEWSLINE_TOPIC_PREFIX'])} "
        "from 5 input(s) in "
    )
    assert result.stderr.splitlines()[-1].endswith("refused: 2")
    records = consume_all(
        env["KAFKA_BOOTSTRAP_SERVERS"], articles_topic(env["NEWSLINE_TOPIC_PREFIX"])
    )
    assert sorted(r.key for r in records) == [b"a", b"s", b"wire-1"]
    wire = next(json.loads(r.value) for r in records if r.key == b"wire-1")
    assert (wire["published"], wire["source"], wire["lang"]) == ("2024-06-24", "Wire", "en")


def test_no_validate_sends_what_the_worker_will_dead_letter(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "undated.json").write_text(json.dumps({"id": "u", "text": "Sans date."}))

    result = newsline(env, "publish", "--no-validate", str(tmp_path / "undated.json"))

    assert result.returncode == 0, result.stderr
    assert "refused: 0" in result.stderr


def test_a_missing_path_is_refused_and_nothing_else_fails(env: dict[str, str]) -> None:
    result = newsline(env, "publish", "/no/such/folder", "seeds/")

    assert result.returncode == 1
    assert "refused: /no/such/folder: no such file or folder" in result.stderr
    assert "published 1 article(s)" in result.stderr
