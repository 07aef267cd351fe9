"""`newsline publish` on hostile files and stdin: one clear line per refusal, exit 1.

Binary junk, JSON nested 100,000 deep, integers of 5,000 digits, lone surrogates, XML
bombs, external entities, a 2 MB line, control characters in a file name: each is
refused on its own line of stderr, the good articles are still sent, and no
traceback or internal error is ever printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from newsline.topics import articles_topic

from .pipeline_support import REPO, consume_all, pipeline_env

pytestmark = pytest.mark.integration

# Ten million characters from a 400-byte document: "billion laughs", scaled down.
_ENTITIES = "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in pairwise("abcdefg"))
BOMB = (
    f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">{_ENTITIES}]>'
    "<rss><channel><item><description>&g;</description></item></channel></rss>"
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    "<rss><channel><item><description>&e;</description></item></channel></rss>"
)
ODD_FEED = (
    "<rss><channel><item><guid>odd-1</guid><description>&lt;![&lt;![ Le pr&amp;eacute;sident"
    "</description><pubDate>Mon, 24 Jun 99999999999999999999 09:30:00 +0000</pubDate>"
    "</item></channel></rss>"
)


def good(article_id: str, text: str = "Le président iranien est à Minsk.") -> str:
    """An article line; non-ASCII (lone surrogates too) written as \\u escapes."""
    return json.dumps({"id": article_id, "text": text, "published": "2025-08-20"})


@pytest.fixture
def env(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> dict[str, str]:
    return pipeline_env(kafka_bootstrap, topic_prefix, f"sqlite:///{tmp_path}/s.db", tmp_path)


def publish(env: dict[str, str], *args: str, stdin: bytes = b"") -> tuple[int, list[str]]:
    """Run the real console command; its exit code and stderr lines."""
    done = subprocess.run(
        [sys.executable, "-m", "newsline", "publish", *args],
        env=env, cwd=REPO, input=stdin, capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    stderr = done.stderr.decode("utf-8")
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return done.returncode, stderr.splitlines()


def sent_keys(env: dict[str, str]) -> list[bytes]:
    topic = articles_topic(env["NEWSLINE_TOPIC_PREFIX"])
    return sorted(record.key for record in consume_all(env["KAFKA_BOOTSTRAP_SERVERS"], topic))


def test_hostile_files_are_refused_one_line_each(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    files = {
        "binary.json": b"\x89PNG\r\n\x1a\n\x00\xff\xfe",
        "junk.txt": bytes(range(256)),
        "deep.json": b"[" * 100_000,
        "bigint.jsonl": b'{"id": ' + b"1" * 5_000 + b"}\n",
        "surrogate.jsonl": good("s\ud800").encode() + b"\n",
        "broken.xml": b"<rss><channel><item>",
        "bomb.xml": BOMB.encode(),
        "external.rss": EXTERNAL.encode(),
        "odd.rss": ODD_FEED.encode(),
        "huge.jsonl": good("huge", "Minsk. " * 300_000).encode() + b"\n",
        "bad\nname\x1b[31m.json": b"{",
        "baddate.txt": b" date 2025-99-99 par X\n\nTexte.",
        "controls.jsonl": good("ctl", "\x07Le\u202e pr\u200bésident\x00 est à Minsk.\r\n").encode(),
        "mixed.json": good("mixed", "Путин et 習近平 à Минск ; طهران.").encode(),
    }
    for name, content in files.items():
        (inbox / name).write_bytes(content)

    code, lines = publish(env, str(inbox))

    refusals = sorted(line for line in lines if line.startswith("refused: "))
    assert code == 1
    assert refusals == sorted(
        [
            f"refused: {inbox}/bad\\nname\\x1b[31m.json:1: not valid JSON (Expecting property "
            "name enclosed in double quotes)",
            f"refused: {inbox}/baddate.txt:1: 2025-99-99 is not a calendar date",
            f"refused: {inbox}/bigint.jsonl:1: not valid JSON (Exceeds the limit (4300 digits) "
            "for integer string conversion: value has 5000 digits; use "
            "sys.set_int_max_str_digits() to increase the limit)",
            f"refused: {inbox}/binary.json: not UTF-8 text (byte 0)",
            f"refused: {inbox}/bomb.xml: not well-formed XML (limit on input amplification "
            "factor (from DTD and entities) breached: line 1, column 357)",
            f"refused: {inbox}/broken.xml: not well-formed XML (no element found: line 1, "
            "column 20)",
            f"refused: {inbox}/deep.json: not valid JSON (nested too deeply)",
            f"refused: {inbox}/external.rss: not well-formed XML (undefined entity &e;: line 1, "
            "column 108)",
            "refused: article 'huge': the message is 2,100,127 bytes (limit 1,000,000) [oversized]",
            f"refused: {inbox}/junk.txt: not UTF-8 text (byte 128)",
            f"refused: {inbox}/odd.rss item 1: pubDate 'Mon, 24 Jun 99999999999999999999 09:30:00 "
            "+0000' is not an RFC 822 date",
            f"refused: {inbox}/surrogate.jsonl:1: field 'id' holds a lone surrogate (\\ud800), "
            "which is not Unicode text",
        ]
    )
    assert lines[-1].startswith("published 2 article(s) to ")
    assert lines[-1].endswith("refused: 12")
    assert all(line.startswith(("refused: ", "published ", "... ")) for line in lines), lines
    assert sent_keys(env) == [b"ctl", b"mixed"]


def test_hostile_stdin_is_refused_in_one_line(env: dict[str, str]) -> None:
    cases = {
        b"\xff\xfe\x00 not text": "refused: <stdin>: not UTF-8 text (byte 0)",
        b"[" * 100_000: "refused: <stdin>:1: not valid JSON (nested too deeply)",
        b" date 2025-02-30 par X\n\nTexte.": (
            "refused: <stdin>:1: 2025-02-30 is not a calendar date"
        ),
        good("s\udfff").encode(): "refused: <stdin>: field 'id' holds a lone surrogate "
        "(\\udfff), which is not Unicode text",
        BOMB.encode(): "refused: <stdin>: not well-formed XML (limit on input amplification "
        "factor (from DTD and entities) breached: line 1, column 357)",
    }
    for stdin, refusal in cases.items():
        code, lines = publish(env, "-", stdin=stdin)

        assert (code, lines[:-1]) == (1, [refusal])
        assert lines[-1].endswith("refused: 1")

    assert sent_keys(env) == []


def test_without_validation_an_article_kafka_cannot_take_is_refused_alone(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(good("big", "Minsk. " * 300_000) + "\n" + good("small") + "\n")

    code, lines = publish(env, "--no-validate", str(path))

    assert code == 1
    assert lines[0] == "refused: article 'big': 2,100,126 bytes is more than Kafka accepts"
    assert lines[-1].startswith("published 1 article(s)")
    assert sent_keys(env) == [b"small"]
