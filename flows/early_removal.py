"""Prepare a small run's removals in a helper process while the flow process transforms its batch.

A run that replaces articles spends about as long dropping their old rows (rewriting each table file that holds
one: ~1,100 small files when 200 of 20,000 articles change) as transforming them, and both hold the GIL much of the
time, so threads do not overlap them. When the run's only batch is transformed in the flow process, the articles
whose rows it will replace are known before the transform starts: a helper process prepares those removals
(`delta_files.prepare_removal`, files written but not committed) on the other core meanwhile. The commit uses them
only if the run ends up replacing exactly those articles and no table moved in between; otherwise their files are
deleted and the commit prepares its own (`take` returns None). Nothing is committed by the helper.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from deltalake.transaction import AddAction, RemoveAction

from flows.delta_files import PreparedCommit, TableFiles
from flows.orphans import exit_with_parent

# An action as plain data (deltalake's RemoveAction does not pickle): ("add", path, size, mtime, stats) or
# ("remove", path, deletion timestamp, size).
EncodedAction = tuple[Any, ...]


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


def prepare_in_helper(dest: str, names: list[str], article_ids: list[str]) -> dict[str, tuple[int, list[EncodedAction], int]]:
    """(Runs in the helper.) Per table: the version it was read at, the removal's actions, files rewritten."""
    from flows.delta_files import prepare_removals  # (not flows.store: 0.15 s less to import in the helper)

    return {
        name: (prepared.files.table.version(), [_encode(a) for a in prepared.actions], prepared.rewritten)
        for name, prepared in prepare_removals(dest, names, article_ids).items()
    }


class EarlyRemoval:
    """The removals of `article_ids` from tables `names` of `dest`, being prepared in a helper process."""

    def __init__(self, dest: str, names: list[str], article_ids: list[str]) -> None:
        self.dest = dest
        self.names = list(names)
        self.article_ids = sorted(set(article_ids))
        self.taken = False  # the commit used the helper's removals
        self.waited_s = 0.0  # how long the commit waited for the helper
        # spawn, not fork: the flow process runs Prefect's threads, which a forked child must not inherit.
        self._executor: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_helper_init
        )
        self._future: Future | None = self._executor.submit(prepare_in_helper, dest, self.names, self.article_ids)

    def take(self, arrow_schemas: dict[str, Any], keys: dict[str, str]) -> dict[str, PreparedCommit] | None:
        """The prepared removals, if every table is still at the version they were prepared at; else None (and
        their files are deleted). Whether they are the removals the commit needs is the caller's to decide (the
        flow checks the articles it replaces). Once only: a second call, such as a retried commit's, returns None."""
        future, self._future = self._future, None
        if future is None:
            return None
        started = time.perf_counter()
        try:
            encoded = future.result()
        except Exception:  # the helper failed (or could not start): the commit prepares its own removals
            return None
        finally:
            self.waited_s = time.perf_counter() - started
            self._shutdown()
        prepared: dict[str, PreparedCommit] = {}
        usable = True
        for name, (version, actions, rewritten) in encoded.items():
            files = TableFiles(_table_uri(self.dest, name))
            decoded = [_decode(a) for a in actions]
            prepared[name] = PreparedCommit(files, arrow_schemas[name], keys[name], decoded, 0, rewritten)
            usable = usable and files.table.version() == version
        if not usable:
            for commit in prepared.values():
                discard(commit)
            return None
        self.taken = True
        return prepared

    def close(self, abandon: bool = False) -> None:
        """Not taken: wait for the helper and delete the files it wrote (call when the run ends either way).
        `abandon` (the run is failing): kill the helper at once; files it wrote stay unreferenced (vacuumed)."""
        future, self._future = self._future, None
        if abandon and self._executor is not None:
            for process in list(getattr(self._executor, "_processes", {}).values()):
                process.kill()
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            return
        if future is not None:
            try:
                for name, (_, actions, _) in future.result().items():
                    files = TableFiles(_table_uri(self.dest, name))
                    discard(PreparedCommit(files, None, "", [_decode(a) for a in actions]))  # type: ignore[arg-type]
            except Exception:
                pass  # unreferenced files, if any, go with the next `maintain` (vacuum)
        self._shutdown()

    def _shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def _helper_init() -> None:
    """In the helper: exit with the flow process, and leave Ctrl-C to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()


def discard(prepared: PreparedCommit) -> None:
    """Delete the files a prepared (uncommitted) commit added: no Delta version references them."""
    for action in prepared.actions:
        if isinstance(action, AddAction):
            prepared.files.delete_uncommitted(action.path)


def _table_uri(dest: str, name: str) -> str:
    from flows.delta_files import table_uri

    return table_uri(dest, name)


def worth_it(n_replaced: int, environ: dict[str, str] | os._Environ = os.environ) -> bool:
    """Start a helper for this many articles whose rows are replaced? (NEWSFACTS_EARLY_REMOVAL=0: never.)"""
    return n_replaced > 0 and environ.get("NEWSFACTS_EARLY_REMOVAL", "1") != "0"
