"""Worker processes that exit when the process that started them is gone.

A run killed with SIGKILL (a crash, an OOM kill, a failed deployment's infrastructure) cannot stop its children.
Python's process-pool workers then wait forever on a pipe nobody writes, each holding the run's stdout and stderr
open (a caller waiting for them to close, like `subprocess.run`, hangs too). Measured: six such workers left by the
crash tests, each using 5 % of a core, indefinitely. Every process pool of ours (the transform task runner's
workers, the removal helper) runs `exit_with_parent` as its initializer.
"""

from __future__ import annotations

import os
import threading
import time


def exit_with_parent(interval_s: float = 1.0) -> None:
    """(A process pool initializer.) Exit this process within `interval_s` of its parent's death."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval_s)
            if os.getppid() != parent:  # re-parented: the process that started us is gone
                os._exit(1)

    threading.Thread(target=watch, name="newsfacts-exit-with-parent", daemon=True).start()
