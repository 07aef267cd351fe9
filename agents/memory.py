"""Hand memory freed after a burst back to the system (glibc's allocator only).

A burst makes the worker hold thousands of articles at once (fetched, queued,
decoded); once they are processed Python frees them, but glibc keeps the freed heap
pages for reuse, and the Faust consumer's thread gets heap arenas of its own, so the
worker's RSS stays at the burst's peak. Asking glibc to trim every few seconds returns
what is free. Elsewhere (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from functools import cache
from typing import Any

log = logging.getLogger("newsline.agents")

TRIM_EVERY_S = 10.0


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


def register(app: Any) -> None:
    """A timer on ``app`` that trims every TRIM_EVERY_S seconds (a few ms each)."""
    if _glibc() is None:
        log.info("memory: no glibc, freed memory is left to the allocator")
        return

    @app.timer(interval=TRIM_EVERY_S, name="trim-freed-memory")
    async def trim_freed_memory() -> None:
        release_freed_memory()
