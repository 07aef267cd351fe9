"""The benchmark's figures on stdout, each as soon as it is known, then ratios and targets.

Targets (issue 6): end to end >= 70% of the smaller of the plumbing's and the engine's
limits; latency p99 < 1 s at 50 articles/s; worker RSS within 10% of its value after
warm-up for the rest of the run.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from corpus import FILL_DATE, Corpus
from phases import EndToEnd, EngineResult, Latency, Plumbing, percentile
from sqlalchemy.engine import make_url
from watched_worker import Sample, WorkerGroup

THROUGHPUT_SHARE = 0.70
P99_LIMIT_MS = 1000.0
RSS_BAND = 0.10


def _cpu_by_phase(samples: list[Sample]) -> str:
    """CPU used and time spent waiting for a core, per phase, from first to last sample."""
    parts = []
    for name in dict.fromkeys(s.phase for s in samples):
        inside = [s for s in samples if s.phase == name]
        span = inside[-1].at - inside[0].at
        if span <= 0:
            continue
        cpu = (inside[-1].cpu_s - inside[0].cpu_s) / span
        waited = (inside[-1].waited_s - inside[0].waited_s) / span
        parts.append(f"{name} CPU {cpu:.0%} + waiting {waited:.0%}")
    return ", ".join(parts)


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


@dataclass
class Report:
    args: argparse.Namespace
    engine_rate: float | None = None
    plumbing_rate: float | None = None
    e2e_rate: float | None = None
    engine_cpu_rate: float | None = None  # articles per CPU-second: contention aside
    worker_cpu_rate: float | None = None
    targets: list[tuple[str, bool, str]] = field(default_factory=list)

    def line(self, label: str, text: str) -> None:
        print(f"{label:11s}{text}", flush=True)

    def corpus(self, corpus: Corpus) -> None:
        undated = (
            f"{corpus.undated} undated (published as they are)"
            if self.args.keep_undated
            else f"{corpus.undated} undated (given {FILL_DATE})"
        )
        self.line(
            "corpus",
            f"{corpus.path}: {len(corpus.articles)} articles, "
            f"{corpus.mean_kb:.1f} KB mean, {undated}",
        )

    def engine(self, r: EngineResult) -> None:
        self.engine_rate = r.rate
        self.engine_cpu_rate = r.articles / r.extract_cpu_s
        per = 1000 / r.articles
        self.line(
            "engine",
            f"{r.rate:9.1f} articles/s   the extractor alone, {r.articles:,} "
            f"articles in one process (engine built in {r.load_s:.1f} s; by CPU time "
            f"{r.articles / r.extract_cpu_s:.1f} articles/s)",
        )
        self.line(
            "",
            f"per article: ingest steps {r.ingest_s * per:.2f} ms, extract "
            f"{r.extract_s * per:.2f} ms, event messages {r.encode_s * per:.2f} ms -> "
            f"all pure steps {r.pure_rate:.1f} articles/s; "
            f"{r.events / r.articles:.2f} events/article",
        )

    def setup(
        self, bootstrap: str, prefix: str, database_url: str, partitions: int, workers: int
    ) -> None:
        store = make_url(database_url).render_as_string(hide_password=True)
        self.line(
            "setup",
            f"broker {bootstrap}, topics {prefix}* ({partitions} partitions), store {store}",
        )

    def warm_up(self, r: EndToEnd) -> None:
        self.line(
            "warm-up",
            f"{r.articles} articles through in {r.elapsed_s:.1f} s "
            "(worker start, group join, engine load; not judged)",
        )

    def end_to_end(self, r: EndToEnd) -> None:
        self.e2e_rate = r.rate
        self.worker_cpu_rate = r.articles / r.worker_cpu_s
        stages = ", ".join(f"{name} {t:.1f} s" for name, t in r.finished_s.items())
        backlog = ", ".join(f"{name} {n:,}" for name, n in r.peak_pending.items())
        self.line(
            "end to end",
            f"{r.rate:9.1f} articles/s   {r.articles:,} articles, first "
            f"publish -> last event in the store {r.elapsed_s:.1f} s "
            f"(publishing took {r.publish_s:.1f} s)",
        )
        self.line(
            "",
            f"stages done at: {stages} (ingest/extract by committed offsets, which lag up to ~3 s)",
        )
        self.line(
            "",
            f"peak backlog: {backlog}; the timeline folded {r.events:,} records "
            f"({r.events / r.elapsed_s:.0f}/s); dead letters {r.final.dead_letters}",
        )
        self.line(
            "",
            f"{'workers' if r.workers > 1 else 'worker'} CPU {r.worker_cpu_s:.1f} s = "
            f"{r.worker_cpu_s / r.elapsed_s:.0%} of one "
            f"core over the phase; runnable but waiting for a core {r.worker_waited_s:.1f} s "
            f"({r.worker_waited_s / r.elapsed_s:.0%})",
        )
        self.line(
            "",
            f"worker CPU per article {1000 / self.worker_cpu_rate:.1f} ms: a worker with a "
            f"core of its own would reach at most {self.worker_cpu_rate:.0f} articles/s",
        )

    def plumbing(self, r: Plumbing) -> None:
        self.plumbing_rate = r.rate
        failed = f", {r.failed} sends FAILED" if r.failed else ""
        self.line(
            "plumbing",
            f"{r.rate:9.1f} articles/s   kafka-python consume -> produce, "
            f"no processing: {r.messages:,} messages in {r.elapsed_s:.1f} s{failed}",
        )

    def latency(self, r: Latency) -> None:
        values = r.latencies_ms
        skipped = r.published - r.expected
        missing = r.expected - r.measured
        if not values:
            self.line("latency", f"nothing measured ({r.published} published, {missing} missing)")
            self.targets.append(("latency p99 < 1 s", False, "nothing measured"))
            return
        p50, p99, top = percentile(values, 50), percentile(values, 99), max(values)
        self.line(
            "latency",
            f"p50 {p50:6.0f} ms   p99 {p99:6.0f} ms   max {top:6.0f} ms   "
            f"publish -> queryable at {r.achieved_rate:.1f} articles/s for "
            f"{r.seconds:g} s",
        )
        self.line(
            "",
            f"{r.measured:,} of {r.published:,} articles measured ({skipped:,} "
            f"yield no events, {missing} never became queryable)",
        )
        if r.to_extract_ms:
            extract50, extract99 = percentile(r.to_extract_ms, 50), percentile(r.to_extract_ms, 99)
            store50, store99 = percentile(r.to_store_ms, 50), percentile(r.to_store_ms, 99)
            self.line(
                "",
                f"publish -> extracted p50 {extract50:.0f} ms p99 {extract99:.0f} ms; "
                f"extracted -> queryable p50 {store50:.0f} ms p99 {store99:.0f} ms",
            )
        ok = p99 < P99_LIMIT_MS and missing == 0
        self.targets.append(
            (f"latency p99 < 1 s at {r.rate:g}/s", ok, f"p99 {p99:.0f} ms, {missing} missing")
        )

    def memory(self, group: WorkerGroup) -> None:
        for number, worker in enumerate(group.workers):
            label = "memory" if number == 0 else ""
            name = f"worker {number}" if len(group.workers) > 1 else "worker"
            self._memory(label, name, worker.samples)

    def _memory(self, label: str, name: str, samples: list[Sample]) -> None:
        after = [s for s in samples if s.phase != "start-up"]
        if not after:
            self.line(label, f"{name}: no samples after warm-up")
            return
        start, end = after[0].rss_mb, after[-1].rss_mb
        peak, low = max(s.rss_mb for s in after), min(s.rss_mb for s in after)
        drift = max(peak - start, start - low) / start
        phases = ", ".join(
            f"{phase} {max(s.rss_mb for s in after if s.phase == phase):.0f}"
            for phase in dict.fromkeys(s.phase for s in after)
        )
        self.line(
            label,
            f"{name} RSS after warm-up {start:.0f} MB, peak {peak:.0f} MB, low {low:.0f} MB, "
            f"end {end:.0f} MB (at most {drift:.1%} from the first); {len(after)} samples, 1/s",
        )
        self.line("", f"peak per phase (MB): {phases}")
        for phase in ("end-to-end", "latency"):  # a leak keeps climbing; buffers level off
            rss = [s.rss_mb for s in after if s.phase == phase]
            if len(rss) >= 5:
                quarters = " / ".join(
                    f"{rss[round(q * (len(rss) - 1))]:.0f}" for q in (0, 0.25, 0.5, 0.75, 1)
                )
                self.line("", f"{phase} RSS at 0, 1/4, 1/2, 3/4 and the end: {quarters} MB")
        self.line("", "share of one core per phase: " + _cpu_by_phase(after))
        self.targets.append((f"{name} RSS within 10%", drift <= RSS_BAND, f"{drift:.1%}"))

    def ratios(self) -> None:
        limits = [r for r in (self.plumbing_rate, self.engine_rate) if r]
        if self.e2e_rate and limits:
            parts = []
            if self.plumbing_rate:
                parts.append(f"end to end / plumbing {self.e2e_rate / self.plumbing_rate:.3f}")
            if self.engine_rate:
                parts.append(f"end to end / engine {self.e2e_rate / self.engine_rate:.2f}")
            share = self.e2e_rate / min(limits)
            both = len(limits) == 2
            parts.append(f"end to end / {'smaller limit' if both else 'the one limit'} {share:.2f}")
            self.line("ratios", "; ".join(parts))
            if both:  # the target is against the smaller of the two, so it needs both
                self.targets.insert(
                    0, ("end to end >= 70% of the smaller limit", share >= THROUGHPUT_SHARE,
                        f"{share:.0%}")
                )  # fmt: skip
        if self.engine_cpu_rate and self.worker_cpu_rate:
            self.line(
                "",
                f"by CPU time (contention aside): worker {self.worker_cpu_rate:.0f} / engine "
                f"{self.engine_cpu_rate:.0f} articles per CPU-second = "
                f"{self.worker_cpu_rate / self.engine_cpu_rate:.2f}",
            )
        for name, ok, detail in self.targets:
            self.line("target", f"{name}: {_verdict(ok)} ({detail})")
