"""The Faust app takes its cluster and topic defaults from newsline's settings."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import inspect
from pathlib import Path

import faust
import pytest
from faust.tables.recovery import Recovery
from faust.types import TP

from agents import memory
from agents.app import create_app, faust_broker_url
from agents.recovery import SeekFirstRecovery, start_uncommitted_at_the_beginning
from newsline.config import Settings


def default_app(home: Path) -> faust.App:
    """The worker's app with default settings on a broker it never reaches."""
    return create_app(
        Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "k1:9092", "NEWSLINE_HOME": str(home)})
    )


def test_broker_list_becomes_faust_urls() -> None:
    assert faust_broker_url("a:9092, b:9093") == "kafka://a:9092;kafka://b:9093"


def test_app_uses_the_configured_cluster_and_partitions(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "KAFKA_BOOTSTRAP_SERVERS": "k1:9092",
            "NEWSLINE_PARTITIONS": "4",
            "NEWSLINE_HOME": str(tmp_path),
        }
    )

    app = create_app(settings)

    assert [str(url) for url in app.conf.broker] == ["kafka://k1:9092"]
    assert app.conf.topic_partitions == 4
    assert app.conf.id == "newsline.worker"


def test_faust_reads_no_environment_of_its_own(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("APP_VALUE_SERIALIZER", "pickle")
    monkeypatch.setenv("BROKER_URL", "kafka://elsewhere:9092")
    app = default_app(tmp_path)

    assert app.conf.value_serializer == "json"
    assert [str(url) for url in app.conf.broker] == ["kafka://k1:9092"]


def test_table_recovery_stops_the_flow_before_stream_partitions_resume(
    tmp_path: Path, monkeypatch
) -> None:
    """Faust's recovery resumes the stream partitions before seeking them; with the flow
    on, messages fetched in between were lost (agents/recovery.py)."""
    app = default_app(tmp_path)
    flow_when_faust_resumes: list[bool] = []

    async def faust_on_recovery_completed(self: Recovery, generation_id: int = 0) -> None:
        flow_when_faust_resumes.append(self.app.consumer.flow_active)

    monkeypatch.setattr(Recovery, "on_recovery_completed", faust_on_recovery_completed)
    recovery = app.tables.recovery
    app.consumer.resume_flow()

    asyncio.run(recovery.on_recovery_completed(generation_id=1))

    assert isinstance(recovery, SeekFirstRecovery)
    assert flow_when_faust_resumes == [False]


class FakeConsumer:
    """What start_uncommitted_at_the_beginning uses of a Faust consumer."""

    def __init__(self, committed: dict[TP, int | None]) -> None:
        self.committed = committed
        self.seeks: list[tuple[TP, int]] = []

    async def seek_to_committed(self) -> dict[TP, int | None]:
        return self.committed

    async def seek(self, partition: TP, offset: int) -> None:
        self.seeks.append((partition, offset))


def test_partitions_never_committed_start_at_the_beginning(tmp_path: Path) -> None:
    """aiokafka leaves such a partition where it is: at the log's end after a takeover."""
    app = default_app(tmp_path)
    changelog = app.Table("seen", default=str).changelog_topic.get_topic_name()
    committed = {
        TP("t.articles", 0): None,
        TP("t.articles", 1): 0,
        TP("t.articles", 2): 17,
        TP(changelog, 0): None,
    }
    for method in ("seek_to_committed", "seek"):  # the fake stands for these
        assert inspect.iscoroutinefunction(getattr(app.consumer, method))
    consumer = FakeConsumer(committed)
    app._consumer = consumer

    start_uncommitted_at_the_beginning(app)
    returned = asyncio.run(app.consumer.seek_to_committed())

    assert returned == committed
    assert consumer.seeks == [(TP("t.articles", 0), 0), (TP("t.articles", 1), 0)]


def test_the_worker_trims_freed_memory_on_a_timer(tmp_path: Path) -> None:
    app = default_app(tmp_path)
    if not memory.release_freed_memory():
        pytest.skip("no glibc here: nothing to trim")

    memory.register(app)

    assert any("trim_freed_memory" in repr(timer) for timer in app._app_tasks)


def test_large_blocks_stay_out_of_the_heap_once_tuned() -> None:
    """Tuned, glibc maps a large block on its own even after freeing a larger one.

    By default freeing a mapped 16 MB block raises glibc's threshold to 16 MB, and the
    8 MB block after it would grow the heap instead.
    """
    if not memory.tune_allocator():
        pytest.skip("no glibc here: nothing to tune")
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    if not hasattr(libc, "mallinfo2"):
        pytest.skip("glibc before 2.33: no mallinfo2 to count mapped blocks with")

    class MallInfo2(ctypes.Structure):  # all ten fields: glibc writes the whole struct
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                         "uordblks", "fordblks", "keepcost")
        ]  # fmt: skip

    libc.mallinfo2.restype = MallInfo2
    larger = bytearray(16 << 20)
    del larger
    before = libc.mallinfo2().hblks
    block = bytearray(8 << 20)

    assert libc.mallinfo2().hblks == before + 1
    del block
