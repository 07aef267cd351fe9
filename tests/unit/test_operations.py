"""The pure parts of dlq, subscribe and status, and their one-line failures without a broker."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from newsline.dead_letters import Origin, dead_letter
from newsline.errors import DeadLetterNotFound
from newsline.operations import dlq
from newsline.operations.status import (
    PartitionLag,
    Status,
    TopicStatus,
    distinct_failures,
    reconcile,
)
from newsline.operations.subscribe import as_line, involves

P = "t."


def letter(partition: int, offset: int, code: str, article: str | None, topic: str = "t.articles"):
    origin = Origin(topic=topic, partition=0, offset=offset, key=b"k", value=b"\xffraw")
    value = dead_letter(origin, code, "why", "ingest", article)
    return dlq.parse(partition, offset, 1000 + offset, b"k", value)


def test_a_dead_letter_keeps_its_original_bytes() -> None:
    parsed = letter(1, 7, "undecodable", None)

    assert (parsed.ref, parsed.reason_code, parsed.agent) == ("1:7", "undecodable", "ingest")
    assert (parsed.original_key, parsed.original_value) == (b"k", b"\xffraw")


def test_a_record_that_is_not_a_dead_letter_is_still_listed() -> None:
    parsed = dlq.parse(0, 3, 0, None, b"not json")

    assert parsed.reason_code == "unreadable" and parsed.original_value == b"not json"


def test_replay_selection_is_explicit_and_combines_selectors() -> None:
    letters = [letter(0, 0, "oversized", "a"), letter(0, 1, "undecodable", None),
               letter(1, 0, "oversized", "b")]  # fmt: skip

    assert dlq.select(letters) == []
    assert dlq.select(letters, everything=True) == letters
    assert [d.ref for d in dlq.select(letters, ["oversized"])] == ["0:0", "1:0"]
    assert [d.ref for d in dlq.select(letters, ["oversized"], "b")] == ["1:0"]
    assert [d.ref for d in dlq.select(letters, article_id="k")] == ["0:1"]  # key stands in


def test_find_takes_partition_offset_or_an_unambiguous_offset() -> None:
    letters = [letter(0, 0, "oversized", "a"), letter(0, 1, "oversized", "b"),
               letter(2, 0, "oversized", "c")]  # fmt: skip

    assert dlq.find(letters, "2:0").article_id == "c"
    assert dlq.find(letters, "1").article_id == "b"
    with pytest.raises(DeadLetterNotFound, match=r"several partitions \(0:0, 2:0\)"):
        dlq.find(letters, "0")
    with pytest.raises(DeadLetterNotFound, match="no dead letter at 5:5"):
        dlq.find(letters, "5:5")
    with pytest.raises(DeadLetterNotFound, match="not PARTITION:OFFSET"):
        dlq.find(letters, "x")


def test_replay_goes_back_to_the_topic_the_failing_agent_read() -> None:
    assert dlq.replay_target(letter(0, 0, "oversized", "a", "t.articles"), P) == "t.articles"
    valid = letter(0, 0, "extraction_failed", "a", "t.articles.valid")
    assert dlq.replay_target(valid, P) == "t.articles.valid"
    assert dlq.replay_target(letter(0, 0, "x", "a", "t.articles.dlq"), P) == "t.articles"
    assert dlq.replay_target(letter(0, 0, "x", "a", "other.articles"), P) == "t.articles"


def test_bytes_are_shown_safely() -> None:
    assert dlq.safe_text(b"\xff", 10) is None
    assert dlq.safe_text("é\x1b[31m\n".encode(), 10) == ("é\\x1b[31m\n", False)
    assert dlq.safe_text(b"abcdef", 3) == ("abc", True)
    assert dlq.hex_preview(b"\x00\xff" * 40, 2) == "00 ff …"


def test_subscribe_filters_by_participating_country_and_keeps_the_line() -> None:
    assert involves({"countries": ["BLR", "IRN"]}, {"IRN"})
    assert not involves({"countries": ["RUS", "UKR"]}, {"IRN"})
    assert involves({"countries": ["RUS"]}, set())
    assert as_line(b'{"a": 1}\n') == ({"a": 1}, '{"a": 1}')
    assert as_line(b'{\n "a": 1\n}') == ({"a": 1}, '{"a": 1}')
    assert as_line(b"[1]") is None and as_line(b"\xff") is None


def test_reconciliation_adds_up_and_flags_extra_valid_messages() -> None:
    status = Status(bootstrap="b", prefix=P)
    status.topics = [
        TopicStatus("t.articles", {0: 4, 1: 3}),
        TopicStatus("t.articles.valid", {0: 2}),
        TopicStatus("t.events.meeting", {0: 5}),
    ]
    status.lags = [PartitionLag("ingest", "t.articles", 0, 4, 4),
                   PartitionLag("ingest", "t.articles", 1, 2, 3),
                   PartitionLag("extract", "t.articles.valid", 0, 2, 2),
                   PartitionLag("timeline", "t.events.meeting", 0, 3, 5)]  # fmt: skip
    status.dead_letters = {"ingest": 3, "extract": 1}

    recon = reconcile(status, P)

    assert (recon.published, recon.pending, recon.valid, recon.dead_letters) == (7, 1, 2, 3)
    assert recon.duplicates == 1 and recon.extracted == 1 and recon.events_pending == 2
    assert not recon.settled
    status.dead_letters = {"ingest": 5}
    assert reconcile(status, P).duplicates == -1


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "NEWSLINE_HOME": str(tmp_path),
           "NEWSLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "newsline", *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "args", [["status"], ["status", "--format", "json"], ["dlq", "list"], ["subscribe"]]
)
def test_an_unreachable_broker_is_one_line_and_exit_1(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(tmp_path, *args)

    assert result.returncode == 1
    assert result.stderr.startswith("error [NL201]: no Kafka broker answers at 127.0.0.1:1")
    assert result.stderr.count("\n") == 1
    if args == ["status"]:
        assert result.stdout.splitlines()[:3] == [
            "newsline status: UNHEALTHY",
            "broker    127.0.0.1:1: UNREACHABLE",
            f"store     sqlite:///{tmp_path / 'store.db'}: events 0, sources 0, articles 0, "
            "countries 0",
        ]


def test_replay_without_a_selector_is_refused_before_any_connection(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "dlq", "replay", "--dry-run")

    assert result.returncode == 1
    assert result.stderr == (
        "error [NL602]: say which dead letters to replay: --reason CODE, --article ID or "
        "--all (add --dry-run to see them first)\n"
    )


def test_a_message_dead_lettered_twice_counts_once() -> None:
    """After a crash the agent dead-letters the redelivered message again."""
    origin = Origin(topic="t.articles", partition=2, offset=9, key=b"k", value=b"{")
    again = dead_letter(origin, "malformed_json", "why", "ingest", None)
    other = dead_letter(replace(origin, offset=10), "malformed_json", "why", "ingest", None)
    letters = [dlq.parse(0, n, 0, b"k", value) for n, value in enumerate([again, again, other])]
    unreadable = [dlq.parse(0, 3, 0, None, b"not json")] * 2

    assert [x.offset for x in distinct_failures(letters + unreadable)] == [0, 2, 3, 3]
