"""flows.process_exit: processes end without the interpreter's teardown, after what a normal exit does first."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flows.process_exit import exit_status

ROOT = Path(__file__).resolve().parent.parent

# An object whose finaliser says whether the teardown ran; a late atexit handler and a non-daemon thread that
# must both finish before the process ends.
PRELUDE = textwrap.dedent(
    """
    import atexit, sys, threading, time

    class Teardown:
        def __del__(self):
            sys.__stdout__.write("teardown ran\\n")

    kept = Teardown()
    """
)


def _run(body: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(body)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_a_normal_exit_tears_down() -> None:  # the control: the probe sees a teardown when there is one
    assert "teardown ran" in _run("print('done')").stdout


@pytest.mark.parametrize(("code", "status"), [(0, 0), (None, 0), (3, 3), ("bad input", 1)])
def test_exit_now_keeps_status_threads_handlers_and_output(code: object, status: int) -> None:
    done = _run(
        f"""
        from flows.process_exit import exit_now
        atexit.register(lambda: print("atexit handler ran"))
        threading.Thread(target=lambda: (time.sleep(0.3), print("thread finished"))).start()
        print("unflushed output", end="")
        exit_now({code!r})
        """
    )
    assert done.returncode == status
    assert "thread finished" in done.stdout and "atexit handler ran" in done.stdout
    assert done.stdout.startswith("unflushed output")
    assert "teardown ran" not in done.stdout
    if isinstance(code, str):
        assert code in done.stderr


def test_skip_teardown_at_exit_runs_later_handlers_and_logging() -> None:
    done = _run(
        """
        import logging
        from flows.process_exit import skip_teardown_at_exit
        logging.basicConfig(stream=sys.stdout, level=logging.INFO)
        skip_teardown_at_exit()
        atexit.register(lambda: print("registered later, ran first"))
        logging.getLogger("x").info("logged")
        """
    )
    assert done.returncode == 0
    assert "registered later, ran first" in done.stdout and "logged" in done.stdout
    assert "teardown ran" not in done.stdout


def test_exit_status_matches_sys_exit() -> None:
    assert [exit_status(c) for c in (None, 0, 2)] == [0, 0, 2]
