"""Give memory a finished batch freed back to the operating system.

A worker process keeps the heap its largest batch needed: glibc's malloc and Arrow's memory pool hold on to freed
memory for reuse. Between batches that is harmless, but the pool's workers stay alive, idle, until the flow ends,
and the flow process's commit (whose memory grows with the run: ~230 MB at 100,000 articles) comes on top of
them: the process tree peaked then, above the peak during the transforms.
"""

from __future__ import annotations

import ctypes
import sys

import pyarrow as pa


def release_free_memory() -> None:
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass
