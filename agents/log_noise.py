"""Keep a broker outage from flooding the worker's log.

While no broker answers, aiokafka refreshes its metadata whenever any of its users
asks, without backoff, and logs every refused connection at ERROR: thousands of lines
a second (9 MB in a 20-second outage). The worker still recovers by itself once the
broker is back, so the lines carry no news after the first. ``RepeatFilter`` lets the
first record of each kind through, then at most one per ``interval`` seconds, telling
how many like it were held back.
"""

from __future__ import annotations

import logging
import time

#: the libraries whose retry loops repeat themselves
NOISY = ("aiokafka",)


class RepeatFilter(logging.Filter):
    """At most one record per (logger, level, message template) every ``interval`` s."""

    def __init__(self, interval: float = 10.0) -> None:
        super().__init__()
        self.interval = interval
        self._last: dict[tuple[str, int, str], float] = {}
        self._held: dict[tuple[str, int, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        if now - self._last.get(key, -self.interval) < self.interval:
            self._held[key] = self._held.get(key, 0) + 1
            return False
        self._last[key] = now
        held = self._held.pop(key, 0)
        if held:
            record.msg = f"{record.msg} [{held} more like this in the last {self.interval:.0f} s]"
        return True


def quiet_retry_loops(interval: float = 10.0) -> RepeatFilter:
    """Attach one RepeatFilter to every logger of the NOISY libraries imported so far.

    A logger's filters apply only to records created on that very logger (not to its
    children's), hence one attachment per module logger.
    """
    import aiokafka  # noqa: F401  (its modules create their loggers on import)

    repeat = RepeatFilter(interval)
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in NOISY:
            logging.getLogger(name).addFilter(repeat)
    return repeat
