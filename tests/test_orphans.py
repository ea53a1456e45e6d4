"""flows.orphans: pool workers exit when the process that started them dies without stopping them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARENT = textwrap.dedent(
    """
    import functools, multiprocessing, os, sys
    from concurrent.futures import ProcessPoolExecutor
    from flows.orphans import exit_with_parent

    if __name__ == "__main__":
        watch = sys.argv[1] == "watch"
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=functools.partial(exit_with_parent, 0.1) if watch else None)
        print(pool.submit(os.getpid).result(), flush=True)
        os._exit(0)  # as a SIGKILL would: no shutdown of the pool
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def _orphan_pid(tmp_path: Path, mode: str) -> int:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    # stdout to a file, not a pipe: an orphan holding the pipe would block this call (the bug being tested)
    out = tmp_path / f"out-{mode}.txt"
    with open(out, "w") as handle:
        subprocess.run([sys.executable, str(script), mode], cwd=ROOT, stdout=handle, timeout=60, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    return int(out.read_text().split()[0])


def test_a_worker_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    pid = _orphan_pid(tmp_path, "watch")
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_without_it_the_worker_is_left_behind(tmp_path: Path) -> None:
    """The control: what the initializer prevents does happen without it."""
    pid = _orphan_pid(tmp_path, "plain")
    try:
        time.sleep(1.0)
        assert _alive(pid)
    finally:
        if _alive(pid):
            os.kill(pid, 9)
