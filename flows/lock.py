"""One run at a time per destination: an exclusive `flock` on a lock file.

Why flock: the kernel releases it when the holding process dies, `kill -9` included, so a crashed run never
leaves a stale lock behind and no timeout or pid check is needed on the same machine. The lock file records who
holds it (pid, host, run id, since) for the message a waiting run prints.

For a local destination the lock file is `<dest>/_newsfacts.lock`. For a remote destination (s3://…) it is a
local file keyed by the destination URL, so runs on one machine still exclude each other; runs on different
machines against the same remote destination are not coordinated by this lock (see README, Concurrency).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import socket
import tempfile
import time
from pathlib import Path
from types import TracebackType


class LockTimeout(Exception):
    pass


def lock_path(dest: str) -> Path:
    if "://" not in dest or dest.startswith("file://"):
        root = Path(dest.removeprefix("file://"))
        root.mkdir(parents=True, exist_ok=True)
        return root / "_newsfacts.lock"
    key = hashlib.sha256(dest.rstrip("/").encode("utf-8")).hexdigest()[:24]
    folder = Path(tempfile.gettempdir()) / "newsfacts-locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.lock"


class DestLock:
    """Exclusive lock of a destination, held for the whole run. Waits up to `timeout` seconds (None: forever)."""

    def __init__(self, dest: str, owner: str, timeout: float | None = None, poll: float = 0.2) -> None:
        self.path = lock_path(dest)
        self.owner = owner
        self.timeout = timeout
        self.poll = poll
        self._fd: int | None = None
        self.waited_s = 0.0

    def holder(self) -> dict | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "null")
        except (OSError, ValueError):
            return None

    def acquire(self, on_wait=None) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        started = time.monotonic()
        notified = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if on_wait and not notified:
                    on_wait(self.holder())
                    notified = True
                if self.timeout is not None and time.monotonic() - started > self.timeout:
                    os.close(fd)
                    raise LockTimeout(f"another run holds {self.path}: {self.holder()}") from None
                time.sleep(self.poll)
        self.waited_s = time.monotonic() - started
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "run_id": self.owner,
            "since": dt.datetime.now(dt.timezone.utc).isoformat(),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> DestLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
