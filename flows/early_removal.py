"""Prepare a small run's removals in a helper process while the flow process transforms its batch.

A run that replaces articles spends about as long dropping their old rows (rewriting each table file that holds
one: ~1,100 small files when 200 of 20,000 articles change) as transforming them, and both hold the GIL much of the
time, so threads do not overlap them. When the run's only batch is transformed in the flow process, the articles
whose rows it will replace are known before the transform starts: a helper process prepares those removals
(`delta_files.prepare_removal`, files written but not committed) on the other core meanwhile. The commit uses them
only if the run ends up replacing exactly those articles and no table moved in between; otherwise their files are
deleted and the commit prepares its own (`take` returns None). Nothing is committed by the helper.

The helper is a plain `python -m flows.early_removal` subprocess talking pickle over its stdin and stdout, not a
multiprocessing pool: no resource-tracker process, no re-import of the caller's main module; ready in 0.15 s with
0.23 s of CPU instead of 0.28 s and 0.44 s (measured), which counts when the run is this short.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

from deltalake.transaction import AddAction, RemoveAction

from flows.delta_files import PreparedCommit, TableFiles, storage_schema, table_uri
from transforms import schema

# An action as plain data (deltalake's RemoveAction does not pickle): ("add", path, size, mtime, stats) or
# ("remove", path, deletion timestamp, size).
EncodedAction = tuple[Any, ...]
# What the helper answers: per table, the version it read, the removal's actions and the files it rewrote.
Prepared = dict[str, tuple[int, list[EncodedAction], int]]

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


def _encode(action: AddAction | RemoveAction) -> EncodedAction:
    if isinstance(action, AddAction):
        return ("add", action.path, action.size, action.modification_time, action.stats)
    return ("remove", action.path, action.deletion_timestamp, action.size)


def _decode(encoded: EncodedAction) -> AddAction | RemoveAction:
    if encoded[0] == "add":
        _, path, size, mtime, stats = encoded
        return AddAction(path, size, {}, mtime, True, stats)
    _, path, deleted_at, size = encoded
    return RemoveAction(path, True, deleted_at, size, {})


def prepare_encoded(dest: str, names: list[str], article_ids: list[str]) -> Prepared:
    """The removals as plain data (what the helper computes)."""
    from flows.delta_files import prepare_removals

    return {
        name: (prepared.files.table.version(), [_encode(a) for a in prepared.actions], prepared.rewritten)
        for name, prepared in prepare_removals(dest, names, article_ids).items()
    }


def _start_helper() -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, "-m", "flows.early_removal"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)


# A helper started before the run, waiting for its request (`start_standby_helper`).
_standby: subprocess.Popen | None = None


def start_standby_helper() -> None:
    """Start a helper ahead of a run that may replace articles, so that its start-up (Python, deltalake and
    pyarrow: ~0.2 s) happens while the CLI itself starts, on the core it leaves idle, instead of after the run's
    batch is read. The next `EarlyRemoval` takes it; unused, it exits with this process (end of its stdin)."""
    global _standby
    if _standby is None and worth_it(1):
        _standby = _start_helper()


def _take_standby() -> subprocess.Popen | None:
    global _standby
    process, _standby = _standby, None
    if process is not None and process.poll() is not None:
        return None  # it died waiting
    return process


def stop_standby_helper() -> None:
    """End an unused standby helper (it exits on the end of its stdin)."""
    process = _take_standby()
    if process is not None:
        for stream in (process.stdin, process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        process.wait()


class EarlyRemoval:
    """The removals of `article_ids` from tables `names` of `dest`, being prepared in a helper process."""

    def __init__(self, dest: str, names: list[str], article_ids: list[str]) -> None:
        self.dest = dest
        self.names = list(names)
        self.article_ids = sorted(set(article_ids))
        self.taken = False  # the commit used the helper's removals
        self.waited_s = 0.0  # how long the commit waited for the helper
        self._process: subprocess.Popen | None = _take_standby() or _start_helper()
        assert self._process.stdin is not None
        try:  # a few KB: fits the pipe, never blocks
            self._process.stdin.write(pickle.dumps((dest, self.names, self.article_ids)))
            self._process.stdin.close()
        except OSError:
            pass  # the helper died at once: `take` finds no answer

    def _answer(self) -> Prepared | None:
        """Wait for the helper; its answer, or None if it failed. Once."""
        process, self._process = self._process, None
        if process is None:
            return None
        try:
            assert process.stdout is not None
            out = process.stdout.read()  # (not communicate(): it would flush the stdin closed above)
            process.stdout.close()
            process.wait()
        except Exception:
            process.kill()
            process.wait()
            return None
        try:
            answer = pickle.loads(out) if process.returncode == 0 and out else None
        except Exception:
            return None
        return answer if isinstance(answer, dict) else None

    def covers(self, replaced_ids: set[str], has_rows: Callable[[str], bool]) -> bool:
        """Are these the removals of a commit replacing `replaced_ids`? They must cover every one of them, and the
        extra articles the helper was given must have no rows (articles new to the tables that ended up rejected)."""
        given = set(self.article_ids)
        return replaced_ids <= given and not any(has_rows(i) for i in given - replaced_ids)

    def take(self) -> dict[str, PreparedCommit] | None:
        """The prepared removals, if every table is still at the version they were prepared at; else None (and
        their files are deleted). Whether they are the removals the commit needs is the caller's to decide
        (`covers`). Once only: a second call, such as a retried commit's, returns None."""
        started = time.perf_counter()
        encoded = self._answer()
        self.waited_s = time.perf_counter() - started
        if encoded is None:  # the helper failed (or was already used): the commit prepares its own removals
            return None
        prepared: dict[str, PreparedCommit] = {}
        for name, (version, actions, rewritten) in encoded.items():
            files = TableFiles(table_uri(self.dest, name))
            if files.table.version() != version:
                self._delete_added(encoded)
                return None
            spec = schema.TABLES[name]
            prepared[name] = PreparedCommit(files, storage_schema(spec), spec.article_key,
                                            [_decode(a) for a in actions], 0, rewritten)
        self.taken = True
        return prepared

    def close(self, abandon: bool = False) -> None:
        """Not taken: wait for the helper and delete the files it wrote (call when the run ends either way).
        `abandon` (the run is failing): kill the helper at once; files it wrote stay unreferenced (vacuumed)."""
        if abandon and self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
            return
        self._delete_added(self._answer() or {})

    def _delete_added(self, encoded: Prepared) -> None:
        """Delete the files the helper added (uncommitted: no Delta version references them)."""
        for name, (_, actions, _) in encoded.items():
            try:
                files = TableFiles(table_uri(self.dest, name))
                for action in actions:
                    if action[0] == "add":
                        files.delete_uncommitted(action[1])
            except Exception:
                pass  # unreferenced files, if any, go with the next `maintain` (vacuum)


def worth_it(n_replaced: int, environ: dict[str, str] | os._Environ = os.environ) -> bool:
    """Start a helper for this many articles whose rows are replaced? (NEWSFACTS_EARLY_REMOVAL=0: never.)"""
    return n_replaced > 0 and environ.get("NEWSFACTS_EARLY_REMOVAL", "1") != "0"


def _helper_main() -> None:
    """The helper: read (dest, names, article ids) from stdin, write the prepared removals to stdout."""
    import gc

    from flows.orphans import exit_with_parent

    gc.disable()  # a short-lived process of a few thousand long-lived objects
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the flow process's to handle
    exit_with_parent()
    try:
        # Below the flow process, whose transform is the longer path: while both run, its core stays its own
        # (3 alternating runs each: 3.31-3.43 s against 3.41-3.48 s).
        os.nice(10)
    except (AttributeError, OSError):
        pass
    request = sys.stdin.buffer.read()
    if not request:
        return  # a standby helper that no run needed
    dest, names, article_ids = pickle.loads(request)
    answer = prepare_encoded(dest, names, article_ids)
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    from flows.process_exit import exit_now

    _helper_main()
    exit_now(0)  # the flow process reads our stdout to its end: no teardown before it closes
