"""The real ``newsline worker`` in a subprocess, its memory and CPU sampled every second.

psutil is not a dependency, so the samples come from ``/proc/<pid>/status`` (VmRSS)
``/proc/<pid>/stat`` (user + system CPU ticks) and each thread's ``schedstat`` (time
spent waiting for a CPU): Linux only, which is where the
benchmark runs. Each sample carries the benchmark phase it was taken in, so memory
can be judged from the end of warm-up on and CPU per phase.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float | None:
    """Resident set size of ``pid`` in MB, or None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time ``pid`` has used so far, or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)"; utime, stime are 14, 15
    return (int(fields[11]) + int(fields[12])) / _TICKS


def run_queue_seconds(pid: int) -> float:
    """Time ``pid``'s threads spent runnable but waiting for a CPU (/proc/.../schedstat).

    On a machine shared with other work this is the share of the run the worker
    wanted a core and did not get one: it separates "slow" from "starved".
    """
    total = 0
    for schedstat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(schedstat.read_text().split()[1])  # ns on the run queue
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


@dataclass(frozen=True, slots=True)
class Sample:
    at: float  # time.monotonic()
    phase: str
    rss_mb: float
    cpu_s: float
    waited_s: float  # on the run queue, cumulative


class WatchedWorker:
    """Start ``python -m newsline worker``; a daemon thread samples it every ``every`` s."""

    def __init__(
        self, env: dict[str, str], log: Path, every: float = 1.0, profile: Path | None = None
    ) -> None:
        self.env = env
        self.log = log
        self.profile = profile
        self.every = every
        self.phase = "start-up"
        self.samples: list[Sample] = []
        self.process: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_loop, daemon=True)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> WatchedWorker:
        # cProfile writes its file when the worker exits after SIGTERM (SystemExit).
        profiler = ["-m", "cProfile", "-o", str(self.profile)] if self.profile else []
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen(
                [sys.executable, *profiler, "-m", "newsline", "worker"],
                env=self.env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=sink,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        self._thread.start()
        return self

    def sample_now(self) -> Sample | None:
        """Take one sample (also what the thread does each second)."""
        rss, cpu = rss_mb(self.pid), cpu_seconds(self.pid)
        if rss is None or cpu is None:
            return None
        sample = Sample(time.monotonic(), self.phase, rss, cpu, run_queue_seconds(self.pid))
        self.samples.append(sample)
        return sample

    def in_phase(self, phase: str) -> list[Sample]:
        return [s for s in self.samples if s.phase == phase]

    def stop(self) -> int | None:
        """SIGTERM as an operator would, SIGKILL after 60 s; returns the exit code."""
        self._stop.set()
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def _sample_loop(self) -> None:
        while not self._stop.wait(self.every):
            if self.sample_now() is None:
                return


class WorkerGroup:
    """One or more workers in the same consumer group: Kafka spreads the partitions."""

    def __init__(self, workers: list[WatchedWorker]) -> None:
        self.workers = workers

    def start(self) -> WorkerGroup:
        for worker in self.workers:
            worker.start()
        return self

    def set_phase(self, phase: str) -> None:
        for worker in self.workers:
            worker.phase = phase

    @property
    def alive(self) -> bool:
        return all(worker.alive for worker in self.workers)

    def totals(self) -> tuple[float, float] | None:
        """(CPU seconds, run-queue seconds) summed over the workers, sampled now."""
        samples = [worker.sample_now() for worker in self.workers]
        if any(s is None for s in samples):
            return None
        return sum(s.cpu_s for s in samples), sum(s.waited_s for s in samples)  # type: ignore[union-attr]

    def rss_mb(self) -> float:
        latest = [w.samples[-1].rss_mb for w in self.workers if w.samples]
        return sum(latest)

    def tail(self) -> str:
        return "\n".join(f"--- {w.log}\n{w.tail()}" for w in self.workers)

    def stop(self) -> list[int | None]:
        return [worker.stop() for worker in self.workers]
