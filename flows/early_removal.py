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
# The tables whose rows a run replaces (what the flow gives `EarlyRemoval`, and a guessing helper removes from).
REMOVAL_TABLES = [spec.name for spec in (*schema.CONTENT_TABLES, schema.ARTICLES)]


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


# The helper's niceness: below the flow process, whose work is the run's path while both run (3 alternating runs
# each: 3.31-3.43 s against 3.41-3.48 s), and whose start it must not slow (a run with nothing to do).
HELPER_NICENESS = 10


def _start_helper() -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", "flows.early_removal"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:  # from its first instruction, its imports included
        os.setpriority(os.PRIO_PROCESS, process.pid, HELPER_NICENESS)
    except (AttributeError, OSError):
        pass
    return process


# A helper started before the run (`start_standby_helper`), and whether it was told where to guess the articles.
_standby: subprocess.Popen | None = None
_standby_guesses = False


def start_standby_helper(dest: str | None = None, source: str | None = None, max_bytes: int | None = None,
                         batch_size: int | None = None) -> None:
    """Start a helper ahead of a run that may replace articles, so that its start-up (Python, deltalake and
    pyarrow: ~0.2 s) happens while the CLI itself starts, on the core it leaves idle, instead of after the run's
    batch is read. The next `EarlyRemoval` takes it; unused, it exits with this process (end of its stdin).

    Given the run's local `dest` and `source`, the helper also guesses the articles the run will replace the way
    the flow will (listing, the `articles` and `rejects` state, content hashes: `guess_replaced_ids`) and starts
    rewriting their tables' files at once, ~1 s before the flow knows them. The flow uses that work only if its
    own articles are exactly the guess (`EarlyRemoval`), and the commit only if no table moved meanwhile. More
    articles than `batch_size` make a run of several batches, which has no helper: it stops after the guess."""
    global _standby, _standby_guesses
    if _standby is not None or not worth_it(1):
        return
    _standby = _start_helper()
    _standby_guesses = dest is not None and source is not None
    if _standby_guesses:
        assert _standby.stdin is not None
        try:
            _standby.stdin.write(pickle.dumps(("guess", dest, source, max_bytes, batch_size)))
            _standby.stdin.close()
        except OSError:
            pass


def _take_standby() -> tuple[subprocess.Popen | None, bool]:
    global _standby
    process, _standby = _standby, None
    if process is not None and process.poll() is not None and not _standby_guesses:
        return None, False  # it died waiting
    return process, _standby_guesses


def stop_standby_helper() -> None:
    """End an unused standby helper (it exits on the end of its stdin; a guessing one is stopped)."""
    process, guesses = _take_standby()
    if process is not None:
        if guesses:
            process.kill()  # its uncommitted files, if any, are unreferenced: `maintain` vacuums them
        for stream in (process.stdin, process.stdout):
            try:
                if stream is not None and not stream.closed:
                    stream.close()
            except OSError:
                pass
        process.wait()


def guess_replaced_ids(dest: str, source: str, max_bytes: int | None) -> list[str]:
    """The articles a run over `source` into `dest` will transform (new, or changed content), as the flow decides
    them (`plan_run`, then `classify` on the content hash)."""
    from flows import store
    from flows.sources import DEFAULT_MAX_BYTES, list_source, open_source
    from transforms.incremental import classify, plan_run

    opened = open_source(source)
    articles, rejects = store.load_article_state(dest), store.load_reject_state(dest)
    plan = plan_run(list_source(opened), articles, rejects, schema.PIPELINE_VERSION)
    cap = max_bytes or DEFAULT_MAX_BYTES
    ids = []
    for entry in plan.to_read:
        if entry.size > cap:
            continue  # rejected unread by the flow: not transformed
        try:
            raw = opened.read(entry, cap)
        except Exception:
            continue  # a read error keeps the article's rows (the flow's KEEP_ROWS_ON)
        if classify(raw.article_id, raw.content_sha256, articles, rejects, schema.PIPELINE_VERSION) not in (
            "unchanged", "rejected_before"
        ):
            ids.append(raw.article_id)
    return sorted(set(ids))


class EarlyRemoval:
    """The removals of `article_ids` from tables `names` of `dest`, being prepared in a helper process."""

    def __init__(self, dest: str, names: list[str], article_ids: list[str]) -> None:
        self.dest = dest
        self.names = list(names)
        self.article_ids = sorted(set(article_ids))
        self.taken = False  # the commit used the helper's removals
        self.waited_s = 0.0  # how long the commit waited for the helper
        standby, guesses = _take_standby()
        if standby is not None and guesses:
            if self._guessed(standby) == self.article_ids:
                self._process: subprocess.Popen | None = standby  # already at work on exactly these articles
                return
            standby.kill()  # a wrong guess: its uncommitted files, if any, go with the next `maintain`
            standby.wait()
            standby = None
        self._process = standby or _start_helper()
        assert self._process.stdin is not None
        try:  # a few KB: fits the pipe, never blocks
            self._process.stdin.write(pickle.dumps(("remove", dest, self.names, self.article_ids)))
            self._process.stdin.close()
        except OSError:
            pass  # the helper died at once: `take` finds no answer

    @staticmethod
    def _guessed(process: subprocess.Popen) -> list[str] | None:
        """The guessing helper's first message: the articles it is removing (None if it failed)."""
        try:
            assert process.stdout is not None
            message = pickle.load(process.stdout)
        except Exception:
            return None
        return message[1] if isinstance(message, tuple) and message[:1] == ("guess",) else None

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
            message = pickle.loads(out) if process.returncode == 0 and out else None
        except Exception:
            return None
        answer = message[1] if isinstance(message, tuple) and message[:1] == ("removed",) else None
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
    try:  # (already set by the flow process where it could)
        niceness = os.getpriority(os.PRIO_PROCESS, 0)
        if niceness < HELPER_NICENESS:
            os.nice(HELPER_NICENESS - niceness)
    except (AttributeError, OSError):
        pass
    request = sys.stdin.buffer.read()
    if not request:
        return  # a standby helper that no run needed
    out = sys.stdout.buffer
    message = pickle.loads(request)
    if message[0] == "guess":  # ("guess", dest, source, max_bytes, batch_size): find the articles, say which, remove them
        _, dest, source, max_bytes, batch_size = message
        article_ids = guess_replaced_ids(dest, source, max_bytes)
        out.write(pickle.dumps(("guess", article_ids), protocol=pickle.HIGHEST_PROTOCOL))
        out.flush()
        if batch_size is not None and len(article_ids) > batch_size:
            return  # several batches: the run uses no helper
        names = REMOVAL_TABLES
    else:  # ("remove", dest, names, article ids)
        _, dest, names, article_ids = message
    answer = prepare_encoded(dest, names, article_ids)
    out.write(pickle.dumps(("removed", answer), protocol=pickle.HIGHEST_PROTOCOL))
    out.flush()


if __name__ == "__main__":
    from flows.process_exit import exit_now

    _helper_main()
    exit_now(0)  # the flow process reads our stdout to its end: no teardown before it closes
