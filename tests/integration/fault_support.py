"""What the fault tests disturb and measure: a private broker, a private PostgreSQL
cluster, the articles they stream and the reconciliation ``newsline status`` reports.

The faults are real: the broker's JVM and the PostgreSQL server are stopped and
started again. Each test gets its own of both, so stopping them never touches the
session broker or the shared database other tests (and engineers) use.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsline.broker.admin import ensure_topics
from newsline.broker.local import LocalBroker
from newsline.config import Settings
from newsline.topics import topic_specs

from .pipeline_support import REPO, consume_all, newsline, pipeline_env

SHARED_EVAL = REPO.parent / "shared" / "eval"
CORPUS = REPO.parent / "shared" / "eval-data" / "corpus" / "articles.jsonl"

#: raw messages ingest must dead-letter, one per kind, keyed so a test can find them
BAD_ARTICLES: list[tuple[bytes, bytes]] = [
    (b"bad-json", b'{"id": "bad-json", "text": '),
    (b"bad-date", json.dumps({"id": "bad-date", "text": "Le Quai d'Orsay."}).encode()),
    (b"bad-empty", b""),
    (b"bad-bytes", b"\xff\xfe\x00bad"),
]


def article_sources() -> list[Path]:
    """The article files the fault tests draw on, those present beside the repo."""
    return [path for path in (SHARED_EVAL / "dev.articles.jsonl", CORPUS) if path.exists()]


def write_articles(path: Path, count: int) -> Path:
    """``count`` real articles (dev set and corpus, repeated) with unique ids, as JSONL.

    A repeated text gets a new id, so it is a second source for the same events: the
    store then holds corroborated events, which the projector must fold the same way
    however the stream was interrupted. Undated articles get a date (else ingest would
    dead-letter them; the tests add their own dead letters).
    """
    pool_by_id = {}  # the dev set is part of the corpus: one copy of each article
    for source in article_sources():
        for line in source.read_text().splitlines():
            if line.strip():
                article = json.loads(line)
                pool_by_id.setdefault(article["id"], article)
    pool = list(pool_by_id.values())
    with path.open("w") as out:
        for n in range(count):
            article = {
                k: pool[n % len(pool)].get(k) for k in ("id", "lang", "published", "title", "text")
            }
            article["id"] = f"{article['id']}#{n // len(pool)}"
            article["published"] = article["published"] or "2014-06-01"
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


def fault_env(bootstrap: str, prefix: str, database_url: str, home: Path) -> dict[str, str]:
    """``pipeline_env`` with the project's topics already created.

    The worker and ``newsline publish`` both create missing topics at start; run at
    the same moment on a fresh prefix they race in ensure_topics (the loser re-applies
    configs to a topic the broker does not describe yet and fails). Creating them
    first keeps these tests about their faults.
    """
    ensure_topics(bootstrap, topic_specs(prefix), 3)
    return pipeline_env(bootstrap, prefix, database_url, home)


def status_report(env: dict[str, str]) -> dict[str, Any]:
    """``newsline status --format json``, parsed; fails on an unhealthy pipeline."""
    result = newsline(env, "status", "--format", "json")
    assert result.returncode == 0, result.stderr + result.stdout
    return json.loads(result.stdout)


def assert_reconciled(env: dict[str, str], published: int, dead_letters: int) -> dict[str, Any]:
    """Every published article processed or dead-lettered, nothing pending anywhere.

    ``newsline status`` counts messages; after a crash ingest may have sent an article
    to articles.valid twice (at-least-once), which its reconciliation shows as a
    negative remainder. Counting the distinct article ids on articles.valid tells such
    re-sends from a loss: published = distinct valid + dead letters, exactly.
    """
    report = status_report(env)
    recon = report["reconciliation"]
    prefix = env["NEWSLINE_TOPIC_PREFIX"]
    valid = consume_all(env["KAFKA_BOOTSTRAP_SERVERS"], f"{prefix}articles.valid")
    distinct = len({record.key for record in valid})
    assert recon["published"] == published, recon
    assert recon["dead_letters"] == dead_letters, recon
    assert recon["pending"] == 0 and recon["extract_pending"] == 0, recon
    assert recon["events_pending"] == 0, recon
    assert recon["extract_dead_letters"] == 0 and recon["timeline_dead_letters"] == 0, recon
    assert distinct + recon["dead_letters"] == recon["published"], (distinct, recon)
    assert recon["valid"] == len(valid), (len(valid), recon)
    return recon


def last_assignment(log: Path, topic: str) -> str | None:
    """The partitions of ``topic`` last assigned to a worker run with ``--loglevel info``.

    Faust logs a worker's first assignment as a table (``| <topic> | {0-2} |``), not
    always the later ones; None when the log shows none. The group's own description
    carries Faust's assignment in an encoding kafka-python does not read, so the
    worker's word is the simplest witness.
    """
    row = re.compile(rf"^\|\s*{re.escape(topic)}\s*\|\s*(\{{[^}}]*\}})", re.MULTILINE)
    found = row.findall(log.read_text(errors="replace")) if log.exists() else []
    return found[-1] if found else None


class PrivateBroker:
    """A local Kafka broker of one test's own, on free ports, that the test may stop.

    It keeps its data folder across ``stop``/``start``, so topics, messages and the
    worker group's committed offsets survive the outage as they would in production.
    """

    def __init__(self, home: Path, port: int) -> None:
        env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
        settings = replace(Settings.from_env(env), home=home, broker_port=port, partitions=3)
        self.broker = LocalBroker(settings)
        self.bootstrap = self.broker.bootstrap

    def start(self) -> PrivateBroker:
        self.broker.start()
        return self

    def stop(self) -> None:
        self.broker.stop()

    def __enter__(self) -> PrivateBroker:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries Debian installed, if any."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent.parent.name
    )
    usable = [p.parent for p in found if (p.parent / "pg_ctl").exists()]
    return usable[-1] if usable else None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (trust auth, 127.0.0.1) that one test may stop.

    PostgreSQL refuses to run as root, so under root every server command runs as the
    ``postgres`` user (as .ci/run does), in a folder that user owns outside pytest's
    root-only temporary tree.
    """

    def __init__(self, bin_dir: Path, port: int) -> None:
        self.bin = bin_dir
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="newsline-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_root = os.geteuid() == 0
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        result = subprocess.run(
            [*prefix, *command], cwd="/", capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise AssertionError(
                f"{' '.join(command)} failed: {result.stderr}{result.stdout}\n{log}"
            )

    def init(self) -> PrivatePostgres:
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o755)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
        )
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
