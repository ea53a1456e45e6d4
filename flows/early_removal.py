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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transforms.incremental import KnownFile, SourceEntry

# deltalake, pyarrow and the schema module are imported where they are used, not here: the CLI imports this module
# to start the helper as its first step (`start_standby_helper`), before its own imports (0.25 s of them).
if TYPE_CHECKING:
    from deltalake.transaction import AddAction, RemoveAction

    from flows.delta_files import PreparedCommit

# An action as plain data (deltalake's RemoveAction does not pickle): ("add", path, size, mtime, stats) or
# ("remove", path, deletion timestamp, size).
EncodedAction = tuple[Any, ...]
# What the helper answers: per table, the version it read, the removal's actions and the files it rewrote.
Prepared = dict[str, tuple[int, list[EncodedAction], int]]

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


def removal_tables() -> list[str]:
    """The tables whose rows a run replaces (what the flow gives `EarlyRemoval`, a guessing helper removes from)."""
    from transforms import schema

    return [spec.name for spec in (*schema.CONTENT_TABLES, schema.ARTICLES)]


def _encode(action: AddAction | RemoveAction) -> EncodedAction:
    from deltalake.transaction import AddAction

    if isinstance(action, AddAction):
        return ("add", action.path, action.size, action.modification_time, action.stats)
    return ("remove", action.path, action.deletion_timestamp, action.size)


def _decode(encoded: EncodedAction) -> AddAction | RemoveAction:
    from deltalake.transaction import AddAction, RemoveAction

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


@dataclass
class GuessedPlan:
    """What a guessing helper found before the run: the flow's plan over `source` into `dest`, for the flow to use
    instead of listing the source and loading the tables' state itself (~0.25 s of a run with nothing to do,
    spent on the core the CLI leaves idle while it starts).

    Valid only for the tables as they were read: `state_versions` are the `articles` and `rejects` versions before
    and after the helper read them (equal, and equal to the versions the flow finds under its lock: `usable`).
    `articles` and `rejects` hold the state of the files to read and of the removed articles only, which is all the
    flow consults once it has the plan. The listing is older than the lock, which changes nothing: a file that
    changes after any listing is the next run's, and content hashes, not the listing, decide whether a read file
    changed."""

    source: str
    dest: str
    pipeline_version: str
    state_versions: tuple[int | None, int | None]
    n_unchanged: int
    to_read: list[SourceEntry]
    duplicates: list[SourceEntry]
    removed: list[str]
    articles: dict[str, KnownFile]
    rejects: dict[str, KnownFile]

    def usable(self, source: str, dest: str) -> bool:
        """Is this the plan the flow over `source` into `dest` would make now (the caller holds the lock)?"""
        from transforms.schema import PIPELINE_VERSION

        return (self.source, self.dest, self.pipeline_version) == (source, dest, PIPELINE_VERSION) \
            and self.state_versions == state_versions(dest)


def state_versions(dest: str) -> tuple[int | None, int | None]:
    """The versions of the tables a plan is made from (`articles`, `rejects`)."""
    from flows.table_state import local_log_version

    return local_log_version(dest, "articles"), local_log_version(dest, "rejects")


@dataclass
class _Standby:
    """A helper started before the run (`start_standby_helper`), and what it said first when it was told to guess."""

    process: subprocess.Popen
    guesses: bool
    _first: tuple | None = None
    _first_read: bool = False

    def first_message(self) -> tuple | None:
        """A guessing helper's first message, ("guess", ids, GuessedPlan | None), read once (None if it failed)."""
        if not self._first_read:
            self._first_read = True
            try:
                assert self.process.stdout is not None
                message = pickle.load(self.process.stdout)
            except Exception:
                message = None
            self._first = message if isinstance(message, tuple) and message[:1] == ("guess",) else None
        return self._first


_standby: _Standby | None = None


def start_standby_helper(dest: str | None = None, source: str | None = None, max_bytes: int | None = None,
                         batch_size: int | None = None) -> None:
    """Start a helper ahead of a run that may replace articles, so that its start-up (Python, deltalake and
    pyarrow: ~0.2 s) happens while the CLI itself starts, on the core it leaves idle, instead of after the run's
    batch is read. The next `EarlyRemoval` takes it; unused, it exits with this process (end of its stdin).

    Given the run's local `dest` and `source`, the helper also makes the run's plan (listing, the `articles` and
    `rejects` state: `take_guessed_plan` hands it to the flow) and guesses the articles the run will replace the
    way the flow will (content hashes: `guess_run`), and starts rewriting their tables' files at once, ~1 s before
    the flow knows them. The flow uses that work only if its own articles are exactly the guess (`EarlyRemoval`),
    and the commit only if no table moved meanwhile. More articles than `batch_size` make a run of several batches,
    which has no helper: it stops after the guess."""
    global _standby
    if _standby is not None or not worth_it(1):
        return
    guesses = dest is not None and source is not None
    _standby = _Standby(_start_helper(), guesses)
    if guesses:
        assert _standby.process.stdin is not None
        try:
            _standby.process.stdin.write(pickle.dumps(("guess", dest, source, max_bytes, batch_size)))
            _standby.process.stdin.close()
        except OSError:
            pass


def _take_standby() -> _Standby | None:
    global _standby
    standby, _standby = _standby, None
    if standby is not None and standby.process.poll() is not None and not standby.guesses:
        return None  # it died waiting
    return standby


def take_guessed_plan(source: str, dest: str) -> GuessedPlan | None:
    """The plan of the standby helper, if it was told to guess over `source` into `dest` and its plan is still
    valid (the caller holds the destination's lock). Waits for the helper's guess; the helper stays standing by
    for the run's `EarlyRemoval`."""
    standby = _standby
    if standby is None or not standby.guesses:
        return None
    message = standby.first_message()
    plan = message[2] if message is not None and len(message) > 2 else None
    return plan if isinstance(plan, GuessedPlan) and plan.usable(source, dest) else None


def stop_standby_helper() -> None:
    """End an unused standby helper (it exits on the end of its stdin; a guessing one is stopped)."""
    standby = _take_standby()
    if standby is not None:
        process = standby.process
        if standby.guesses:
            process.kill()  # its uncommitted files, if any, are unreferenced: `maintain` vacuums them
        for stream in (process.stdin, process.stdout):
            try:
                if stream is not None and not stream.closed:
                    stream.close()
            except OSError:
                pass
        process.wait()


def guess_run(dest: str, source: str, max_bytes: int | None) -> tuple[list[str], GuessedPlan | None]:
    """The articles a run over `source` into `dest` will transform (new, or changed content), as the flow decides
    them (`plan_run`, then `classify` on the content hash), and the run's plan (None if a table moved while it
    was read)."""
    # (flows.table_state, not flows.store: no pyarrow.dataset, no pandas in the helper)
    from flows.sources import DEFAULT_MAX_BYTES, list_source, open_source
    from flows.table_state import load_article_state, load_reject_state
    from transforms import schema
    from transforms.incremental import classify, plan_run

    opened = open_source(source)
    before = state_versions(dest)
    articles, rejects = load_article_state(dest), load_reject_state(dest)
    after = state_versions(dest)
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
    guessed = None
    if before == after:
        wanted = {entry.article_id for entry in plan.to_read} | set(plan.removed)
        guessed = GuessedPlan(source, dest, schema.PIPELINE_VERSION, before, len(plan.unchanged), plan.to_read,
                              plan.duplicates, plan.removed, {i: articles[i] for i in wanted if i in articles},
                              {i: rejects[i] for i in wanted if i in rejects})
    return sorted(set(ids)), guessed


def guess_replaced_ids(dest: str, source: str, max_bytes: int | None) -> list[str]:
    """The articles a run over `source` into `dest` will transform (`guess_run`)."""
    return guess_run(dest, source, max_bytes)[0]


class EarlyRemoval:
    """The removals of `article_ids` from tables `names` of `dest`, being prepared in a helper process."""

    def __init__(self, dest: str, names: list[str], article_ids: list[str]) -> None:
        self.dest = dest
        self.names = list(names)
        self.article_ids = sorted(set(article_ids))
        self.taken = False  # the commit used the helper's removals
        self.waited_s = 0.0  # how long the commit waited for the helper
        standby = _take_standby()
        process = standby.process if standby is not None else None
        if standby is not None and standby.guesses:
            message = standby.first_message()
            if message is not None and message[1] == self.article_ids:
                self._process: subprocess.Popen | None = process  # already at work on exactly these articles
                return
            standby.process.kill()  # a wrong guess: its uncommitted files, if any, go with the next `maintain`
            standby.process.wait()
            process = None
        self._process = process or _start_helper()
        assert self._process.stdin is not None
        try:  # a few KB: fits the pipe, never blocks
            self._process.stdin.write(pickle.dumps(("remove", dest, self.names, self.article_ids)))
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
        from flows.delta_files import PreparedCommit, TableFiles, storage_schema, table_uri
        from transforms import schema

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
        from flows.delta_files import TableFiles, table_uri

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
    """The helper: read a request from stdin, ("remove", dest, names, article ids) or ("guess", dest, source,
    max_bytes, batch_size), and write its answers to stdout: ("guess", article ids, GuessedPlan | None) for a
    guess, then ("removed", prepared removals) when it removes."""
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
        article_ids, plan = guess_run(dest, source, max_bytes)
        guess = pickle.dumps(("guess", article_ids, plan), protocol=pickle.HIGHEST_PROTOCOL)
        if not article_ids or (batch_size is not None and len(article_ids) > batch_size):
            out.write(guess)  # nothing to remove, or several batches (a run that uses no helper)
            out.flush()
            return
        # Written on a thread: a plan larger than the pipe's buffer would otherwise hold the removals back until
        # the flow reads it.
        writing = threading.Thread(target=lambda: (out.write(guess), out.flush()))
        writing.start()
        answer = prepare_encoded(dest, removal_tables(), article_ids)
        writing.join()
        out.write(pickle.dumps(("removed", answer), protocol=pickle.HIGHEST_PROTOCOL))
        out.flush()
        return
    _, dest, names, article_ids = message  # ("remove", dest, names, article ids)
    answer = prepare_encoded(dest, names, article_ids)
    out.write(pickle.dumps(("removed", answer), protocol=pickle.HIGHEST_PROTOCOL))
    out.flush()


if __name__ == "__main__":
    from flows import early_removal  # this module under its own name: its GuessedPlan is what the flow unpickles
    from flows.process_exit import exit_now

    early_removal._helper_main()
    exit_now(0)  # the flow process reads our stdout to its end: no teardown before it closes
