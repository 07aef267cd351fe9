"""A single-node Apache Kafka (KRaft, broker+controller) run from Maven Central's jars.

This machine has no Docker, so newsline runs Kafka itself: the jars come from the
committed pom (see jars.py), storage is formatted once with a static controller quorum,
and ``kafka.Kafka`` runs detached on 127.0.0.1 with its log in a file. A small JSON
state file records the pid, address and timings, so ``status`` can answer without
starting anything and ``stop`` can find the JVM again from another process.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsline.broker import jars
from newsline.broker.admin import wait_until_ready
from newsline.config import Settings
from newsline.errors import BrokerError, BrokerUnavailable

STOP_GRACE_SECONDS = 30.0

_SERVER_PROPERTIES = """\
# Written by newsline on every start; edit newsline/broker/local.py, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={data}
num.partitions={partitions}
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions={partitions}
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Topics are created by newsline with their partitions and retention, never by accident.
auto.create.topics.enable=false
"""

_LOG4J2_PROPERTIES = """\
# Written by newsline: the broker logs to one rolling file, nothing to the console.
status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = {log}
appender.file.filePattern = {log}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.kafka.name = org.apache.kafka
logger.kafka.level = warn
"""


@dataclass(frozen=True, slots=True)
class BrokerState:
    """What ``status`` reports; persisted as JSON beside the broker's data."""

    pid: int
    bootstrap: str
    started_at: str
    start_seconds: float
    log: str
    kafka_version: str


@dataclass(frozen=True, slots=True)
class StartResult:
    state: BrokerState
    already_running: bool
    fetched_jars: bool


class LocalBroker:
    """Start, stop and inspect newsline's own broker under ``settings.home / 'broker'``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.home / "broker"
        self.data = self.root / "data"
        self.log = self.root / "broker.log"
        self.console_log = self.root / "broker.out"
        self.state_file = self.root / "state.json"
        self.port = settings.broker_port
        self.controller_port = settings.broker_port + 1
        self.bootstrap = f"127.0.0.1:{self.port}"

    # -- queries -------------------------------------------------------------------

    def state(self) -> BrokerState | None:
        """The recorded state if its JVM is still alive, else None (stale state is removed)."""
        try:
            state = BrokerState(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if _is_our_kafka(state.pid, self.root):
            return state
        self.state_file.unlink(missing_ok=True)
        return None

    # -- commands ------------------------------------------------------------------

    def start(self) -> StartResult:
        """Start the broker and wait until it answers; a running broker is left as it is."""
        current = self.state()
        if current is not None:
            return StartResult(current, already_running=True, fetched_jars=False)
        began = time.monotonic()
        java = _java()
        needed_fetch = not jars.is_fetched(self.settings.kafka_cache)
        libs = jars.fetch(self.settings.kafka_cache)
        for port in (self.port, self.controller_port):
            if _port_in_use(port):
                raise BrokerError(
                    f"port {port} on 127.0.0.1 is taken by another program; stop it or "
                    "choose another port with NEWSLINE_BROKER_PORT (the controller uses +1)"
                )
        self.root.mkdir(parents=True, exist_ok=True)
        server_properties, log4j = self._write_config()
        classpath = f"{libs}/*"
        log4j_option = f"-Dlog4j2.configurationFile={log4j}"
        self._format_storage(java, classpath, log4j_option, server_properties)
        heap = f"{self.settings.broker_heap_mb}m"
        command = [
            java,
            f"-Xmx{heap}",
            f"-Xms{min(self.settings.broker_heap_mb, 256)}m",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            log4j_option,
            f"-Dnewsline.broker.root={self.root}",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(server_properties),
        ]
        with self.console_log.open("ab") as console:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # survives the CLI; stop finds it by pid
                cwd=self.root,
            )
        try:
            wait_until_ready(
                self.bootstrap,
                self.settings.broker_start_timeout,
                still_starting=lambda: process.poll() is None,
            )
        except BrokerUnavailable:
            exited = process.poll()
            _terminate(process.pid)
            process.wait(timeout=5)
            why = (
                f"the JVM exited with code {exited}"
                if exited is not None
                else f"it did not answer within {self.settings.broker_start_timeout:.0f} s"
            )
            raise BrokerError(
                f"the local Kafka broker failed to start: {why}; see {self.log} "
                f"and {self.console_log}"
            ) from None
        state = BrokerState(
            pid=process.pid,
            bootstrap=self.bootstrap,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            start_seconds=round(time.monotonic() - began, 2),
            log=str(self.log),
            kafka_version=jars.kafka_version(),
        )
        self.state_file.write_text(json.dumps(asdict(state), indent=2) + "\n")
        return StartResult(state, already_running=False, fetched_jars=needed_fetch)

    def stop(self) -> BrokerState | None:
        """Stop the broker (SIGTERM, then SIGKILL after a grace period); None if not running."""
        state = self.state()
        if state is None:
            return None
        _terminate(state.pid)
        if not _wait_gone(state.pid, STOP_GRACE_SECONDS):
            _signal(state.pid, signal.SIGKILL)
            if not _wait_gone(state.pid, 10.0):
                raise BrokerError(
                    f"the broker JVM (pid {state.pid}) would not die; kill it by hand"
                )
        self.state_file.unlink(missing_ok=True)
        return state

    def reset(self) -> None:
        """Delete the broker's data (it must be stopped): every topic and offset is lost."""
        if self.state() is not None:
            raise BrokerError("stop the broker before deleting its data")
        shutil.rmtree(self.data, ignore_errors=True)

    # -- internals -----------------------------------------------------------------

    def _write_config(self) -> tuple[Path, Path]:
        server = self.root / "server.properties"
        server.write_text(
            _SERVER_PROPERTIES.format(
                port=self.port,
                controller_port=self.controller_port,
                data=self.data,
                partitions=self.settings.partitions,
            )
        )
        log4j = self.root / "log4j2.properties"
        log4j.write_text(_LOG4J2_PROPERTIES.format(log=self.log))
        return server, log4j

    def _format_storage(
        self, java: str, classpath: str, log4j_option: str, server_properties: Path
    ) -> None:
        """Format KRaft storage once; a formatted data folder is reused as it is."""
        if (self.data / "meta.properties").exists():
            return
        cluster_id = new_cluster_id()
        result = subprocess.run(
            [java, log4j_option, "-cp", classpath, "kafka.tools.StorageTool", "format",
             "-t", cluster_id, "-c", str(server_properties)],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            detail = (result.stdout + result.stderr).strip().splitlines()[-3:]
            raise BrokerError("formatting the broker's storage failed: " + " | ".join(detail))


def new_cluster_id() -> str:
    """A random KRaft cluster id that the storage tool's argument parser accepts.

    Ids are 22 url-safe base64 characters; one in 64 starts with "-", which the tool
    reads as an option, so those are drawn again (Kafka's own Uuid.randomUuid does so).
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cluster_id.startswith("-"):
            return cluster_id


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    candidate = Path(home, "bin", "java") if home else None
    java = str(candidate) if candidate and candidate.exists() else shutil.which("java")
    if java is None:
        raise BrokerError(
            "Java is not installed; Kafka needs Java 17 or newer "
            "(Debian: apt-get install openjdk-17-jre-headless) or set KAFKA_BOOTSTRAP_SERVERS"
        )
    return java


def _is_our_kafka(pid: int, root: Path) -> bool:
    """True when ``pid`` is a live (not zombie) Kafka JVM started for this root."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    marker = f"-Dnewsline.broker.root={root}".encode()
    return marker in cmdline and b"kafka.Kafka" in cmdline and _alive(pid)


def kafka_pids(root: Path) -> list[int]:
    """Every live Kafka JVM started for ``root`` (tests use it to prove none is left)."""
    return sorted(
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _is_our_kafka(int(entry.name), root)
    )


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie awaiting its parent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _terminate(pid: int) -> None:
    _signal(pid, signal.SIGTERM)


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _reap(pid)
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def _reap(pid: int) -> None:
    """Collect the exit status when the JVM is our own child (tests start it in-process)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
