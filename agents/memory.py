"""Keep the worker's memory where it was after a burst: glibc tuned, freed memory trimmed.

A burst makes the worker hold thousands of articles at once (fetched, queued,
decoded); once they are processed Python frees them, but glibc keeps the freed heap
pages for reuse, so the worker's RSS would stay at the burst's peak. Two settings, made
before the worker's threads start, and a trim every few seconds return what is free
(docs/benchmarks.md measures each). Elsewhere (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from functools import cache
from typing import Any

log = logging.getLogger("newsline.agents")

TRIM_EVERY_S = 10.0
#: mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
#: blocks from this size never grow the heap (mapped on their own, unmapped when freed)
MMAP_FROM = 64 * 1024


@cache
def _glibc() -> Any | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def release_freed_memory() -> bool:
    """Return glibc's free heap pages to the system; False where there is no glibc."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def tune_allocator() -> bool:
    """Set glibc up for a long-running process with bursts; False where there is no glibc.

    - One heap arena for every thread (M_ARENA_MAX 1). The Faust consumer's thread
      would otherwise allocate the fetched messages in an arena of its own, whose
      freed pages stay out of reach of the main arena's reuse.
    - A fixed mmap threshold (M_MMAP_THRESHOLD, MMAP_FROM): fetch responses and large
      messages never grow the heap; where no free heap space fits them they get
      mappings of their own, unmapped when freed. By default glibc raises the
      threshold to the largest mapped block freed (up to 32 MB), after which such
      blocks grow the heap and leave holes there that trimming cannot return.
    """
    libc = _glibc()
    if libc is None:
        return False
    libc.mallopt(_M_ARENA_MAX, 1)
    libc.mallopt(_M_MMAP_THRESHOLD, MMAP_FROM)
    return True


def register(app: Any) -> None:
    """``tune_allocator``, and a timer on ``app`` that trims every TRIM_EVERY_S seconds.

    Called while the app is built, before its threads start.
    """
    if not tune_allocator():
        log.info("memory: no glibc, freed memory is left to the allocator")
        return

    @app.timer(interval=TRIM_EVERY_S, name="trim-freed-memory")
    async def trim_freed_memory() -> None:
        release_freed_memory()
