"""The destination lock with real processes: exclusion, and no stale lock after kill -9."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.lock import DestLock, LockTimeout, lock_path

HOLDER = """
import sys, time
from flows.lock import DestLock
lock = DestLock(sys.argv[1], "holder")
lock.acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_a_second_holder_waits_and_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    dest = str(tmp_path / "dest")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, dest], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        waiting = DestLock(dest, "second", timeout=0.5)
        with pytest.raises(LockTimeout, match="holder"):
            waiting.acquire()
        assert DestLock(dest, "x").holder()["run_id"] == "holder"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        started = time.monotonic()
        with DestLock(dest, "third", timeout=5) as lock:
            assert time.monotonic() - started < 2
            assert lock.holder()["run_id"] == "third"
    finally:
        holder.kill()


def test_remote_destinations_lock_a_local_file_keyed_by_url(tmp_path: Path) -> None:
    first, second = lock_path("s3://bucket/a"), lock_path("s3://bucket/a/")
    assert first == second and first != lock_path("s3://bucket/b")
    assert lock_path(str(tmp_path)) == tmp_path / "_newsfacts.lock"
