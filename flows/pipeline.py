"""The Prefect flow: list sources, plan, read and transform in batches, commit every table once.

Tasks work on batches of articles. Retries are set on the I/O tasks only (listing, reading, committing), never on
the transforms: a parse error is deterministic and retrying it only wastes time.

A run, in order (see README, "Versions, crashes and concurrency"):
1. take the destination's lock (a second run waits for the first);
2. if an earlier run died (its `runs` row still says `running`), restore every table to the versions of the last
   completed run and mark that run `abandoned`;
3. add columns new in this pipeline version; record this run as `running`;
4. list, plan, read and transform in batches, staging Parquet files locally;
5. commit each table once (content tables first, `articles` last, then `rejects`), then the final `runs` row
   with the version of every table.
"""

import datetime as dt
import json
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Annotated, Generic, TypeVar

from flows import prefect_env  # noqa: F401  (before prefect)
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.tasks import exponential_backoff
from pydantic import Field

from flows import progress, storage, store
from flows.early_removal import EarlyRemoval, GuessedPlan, removal_tables, take_guessed_plan, worth_it as worth_early_removal
from flows.lock import DestLock
from flows.memory import collection_paused, release_free_memory
from flows.runners import runner_width, task_runner_from_env
from flows.runlog import new_run_id, recover_and_start, utcnow as _utcnow
from flows.fetch import FetchFailed, fetch_urls, fetched_article_id, is_url_list, load_url_list
from flows.sources import DEFAULT_MAX_BYTES, FetchedSource, FileTooLarge, Source, SourceError, list_source, open_source
from transforms import schema
from transforms.rejects import reject_row
from transforms.incremental import KnownFile, Plan, SourceEntry, classify, plan_run
from transforms.model import RawFile

DEFAULT_BATCH_SIZE = 500
DEFAULT_RAW_DIR = "data/raw"
# Rejects that say nothing about the article's content: its earlier rows stay (a passing outage deletes nothing).
KEEP_ROWS_ON = frozenset({"read_error", "duplicate_article_id", "fetch_failed"})
# Retries with exponential backoff (1, 2, 4 s, +-50 % jitter) on tasks that do I/O only; never on transforms.
IO_RETRIES = {"retries": 3, "retry_delay_seconds": exponential_backoff(backoff_factor=1), "retry_jitter_factor": 0.5}
# Failpoints for the crash and concurrency tests: NEWSFACTS_FAILPOINT=<name> kills the process with SIGKILL at
# that point; NEWSFACTS_FAILPOINT=<name>:sleep=<seconds> pauses there instead (e.g. to hold the lock).
FAILPOINT_ENV = "NEWSFACTS_FAILPOINT"


def failpoint(name: str) -> None:
    wanted = os.environ.get(FAILPOINT_ENV)
    if not wanted or not wanted.startswith(name):
        return
    if wanted == name:
        os.kill(os.getpid(), signal.SIGKILL)
    elif wanted.startswith(f"{name}:sleep="):
        time.sleep(float(wanted.split("=", 1)[1]))


@dataclass
class RunSummary:
    run_id: str
    status: str
    n_new: int = 0
    n_changed: int = 0
    n_unchanged: int = 0
    n_rejected: int = 0
    n_pruned: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    table_versions: dict[str, int] = field(default_factory=dict)
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    recovered_from: list[str] = field(default_factory=list)  # runs found dead and rolled back
    schema_changes: list[str] = field(default_factory=list)  # columns added to existing tables
    elapsed_s: float = 0.0
    error: str | None = None


def _peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


class StageClock:
    """Seconds per stage, and the flow process's peak memory when each stage ended (`peak_rss_mb_after_<stage>`)."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.perf_counter() - started, 4)
            self.seconds[f"peak_rss_mb_after_{stage}"] = _peak_rss_mb()




# Files per read task, and their listed bytes: reading is cheap (20,000 local files in 0.4 s) next to a Prefect
# task run's own cost (~35 ms of the Prefect server's CPU, measured, on the same cores when the server is local),
# so reads go in larger groups than transform batches (5,000 files of news: ~15 MB); the byte bound keeps a group
# of large files in memory bounds.
READ_GROUP_FILES = 5000
READ_GROUP_BYTES = 64 * 1024 * 1024


def read_groups(entries: Sequence[SourceEntry], batch_size: int) -> list[Sequence[SourceEntry]]:
    """Consecutive groups of at most max(batch_size, READ_GROUP_FILES) files and READ_GROUP_BYTES listed bytes
    (a single file over that is a group of its own). The first group holds one batch at most: the first transform
    task goes out as soon as one batch is read, and the pool's workers start then (a run of 20,000 files: 0.07 s)."""
    limit = max(batch_size, READ_GROUP_FILES)
    groups: list[Sequence[SourceEntry]] = []
    start, size = 0, 0
    for i, entry in enumerate(entries):
        group_limit = batch_size if not groups else limit
        if i > start and (i - start >= group_limit or size + entry.size > READ_GROUP_BYTES):
            groups.append(entries[start:i])
            start, size = i, 0
        size += entry.size
    if start < len(entries):
        groups.append(entries[start:])
    return groups


T = TypeVar("T")


class Opaque(Generic[T]):
    """A task result Prefect does not walk. Prefect visits every element of a returned list, dict or dataclass
    (to link states to results): 0.17 s for a 20,000-file listing and its state, on a run with nothing to do."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


@task(name="list-source", **IO_RETRIES, cache_policy=NO_CACHE)
def list_source_task(source: Source) -> Opaque[list[SourceEntry]]:
    return Opaque(list_source(source))


@task(name="load-state", **IO_RETRIES, cache_policy=NO_CACHE)
def load_state_task(dest: str) -> Opaque[tuple[dict[str, KnownFile], dict[str, KnownFile]]]:
    return Opaque((store.load_article_state(dest), store.load_reject_state(dest)))


@dataclass
class ReadBatch:
    raws: list[RawFile]
    rejects: list[dict]


@dataclass
class FetchResult:
    source: FetchedSource
    rejects: list[dict]
    present_ids: set[str]  # ids of listed URLs, fetched or not (a failed download is not a removed article)


@task(name="fetch-urls", cache_policy=NO_CACHE)
def fetch_task(list_path: str, raw_dir: str, run_id: str, max_bytes: int) -> FetchResult:
    """Download every URL of a URL-list source into immutable raw files. Retries with backoff happen per URL
    inside fetch_urls; a URL that still fails becomes a reject row."""
    urls = load_url_list(list_path)
    now = _utcnow()
    rejects = [
        reject_row(run_id, fetched_article_id(line.text), list_path, None, "invalid_url", line.detail, now)
        for line in urls.invalid
    ]
    fetched = {}
    for item in fetch_urls(list(urls), raw_dir, max_bytes=max_bytes):
        if isinstance(item, FetchFailed):
            rejects.append(reject_row(run_id, item.article_id, item.url, None, item.reason, item.detail, now))
        else:
            fetched[item.article_id] = item
    return FetchResult(FetchedSource(fetched), rejects, {fetched_article_id(u) for u in urls})


@task(name="read-batch", **IO_RETRIES, cache_policy=NO_CACHE)
def read_batch_task(source: Source | FetchedSource, batch: Opaque[Sequence[SourceEntry]], run_id: str, max_bytes: int) -> Opaque[ReadBatch]:
    """Read a batch of files. A file over the cap or failing to read becomes a reject row, not an error."""
    entries = batch.value
    raws: list[RawFile] = []
    rejects: list[dict] = []
    now = _utcnow()
    for entry in entries:
        if entry.size > max_bytes:
            detail = f"{entry.size} bytes, over the cap of {max_bytes} bytes; not read"
            rejects.append(reject_row(run_id, entry.article_id, entry.source_uri, None, "too_large", detail, now, entry.size, entry.mtime))
            continue
        try:
            raws.append(source.read(entry, max_bytes))
        except FileTooLarge as error:
            detail = f"{error}, over the cap of {max_bytes} bytes (it grew after listing)"
            rejects.append(reject_row(run_id, entry.article_id, entry.source_uri, None, "too_large", detail, now, entry.size, entry.mtime))
        except OSError as error:
            detail = f"{type(error).__name__}: {error}"
            rejects.append(reject_row(run_id, entry.article_id, entry.source_uri, None, "read_error", detail, now, entry.size, entry.mtime))
    return Opaque(ReadBatch(raws, rejects))


@dataclass
class TransformOutput:
    """What a transform task hands back: small when it staged its own rows (the usual case)."""

    written_ids: list[str]
    rejected: list[tuple[str | None, str]]
    seconds: float  # time inside the transforms, wherever the task ran
    tables: dict | None = None  # the rows, only when the task could not stage them itself (remote Dask worker)
    staging_seconds: float = 0.0  # time writing the staged Parquet files
    staged_facts: dict | None = None  # row count and statistics of each staged file, by path (for the commit)


@task(name="transform-batch", cache_policy=NO_CACHE)
def transform_batch_task(batch: Opaque[list[RawFile]], run_id: str, extra_rejects: list[dict], stage_dir: str | None) -> TransformOutput:
    """Transform a batch; with `stage_dir` (a folder this worker can write), stage the rows there.

    Staging in the worker keeps big results out of task states: a finished task's State holds its result until
    a full garbage collection, which grew the flow process by one batch of rows per batch (measured: 267 MB to
    600 MB over 25 batches), and it spreads the Parquet writing over the workers instead of the flow process.
    """
    from transforms.article import process_batch  # here, not at the top: a run with nothing to transform skips it

    started = time.perf_counter()
    with collection_paused():
        result = process_batch(batch.value, run_id, _utcnow(), extra_rejects=extra_rejects)
    seconds = time.perf_counter() - started
    if stage_dir is None:
        return TransformOutput(result.written_ids, result.rejected, seconds, result.tables)
    started = time.perf_counter()
    facts = store.write_stage_parts(stage_dir, result.tables)
    output = TransformOutput(result.written_ids, result.rejected, seconds, staging_seconds=time.perf_counter() - started,
                             staged_facts=facts)
    del result
    release_free_memory()  # an idle worker holds less while the flow commits (flows/memory.py)
    return output


def tail_batch_sizes(n: int, batch_size: int, workers: int) -> list[int]:
    """Sizes of the batches for the run's last `n` files: full batches, then up to six per worker of a quarter
    batch (the last ones end at most a quarter batch apart). Sums to `n`; no size is 0.

    Six, not two: when the small ones begin, the pool may still hold two full batches (one running, one queued:
    it is kept so because the flow process dispatches only between its own batches), and the flow process needs
    that much work of its own, in small pieces, meanwhile."""
    small = max(1, batch_size // 4)
    tail = min(n, 6 * workers * small)
    head = n - tail
    sizes = [batch_size] * (head // batch_size) + ([head % batch_size] if head % batch_size else [])
    sizes += [small] * (tail // small) + ([tail % small] if tail % small else [])
    return sizes


@task(name="commit-tables", **IO_RETRIES, cache_policy=NO_CACHE)
def commit_tables_task(dest: str, staging: store.Staging, article_ids: Opaque[list[str]],
                       early: "Opaque[EarlyRemoval | None] | None" = None) -> dict[str, int]:
    """Commit each table once: content tables first, `articles` last, then `rejects`.

    Retrying is safe: each commit replaces all rows of `article_ids`, so a repeated commit gives the same rows.
    `early`: the removals of these articles, being prepared in a helper process (used by the first attempt only).
    (`article_ids` is Opaque: Prefect walked the 20,000 ids of a full run one by one, 0.12 s at its end.)
    """
    staged = {spec.name: staging.files(spec.name) for spec in (*schema.CONTENT_TABLES, schema.ARTICLES)}
    removals = early.value.take() if early is not None and early.value is not None else None
    written = store.commit_tables_replacing_articles(dest, staged, article_ids.value,
                                                     after_each=lambda name: failpoint(f"after_commit:{name}"),
                                                     removals=removals, facts=staging.facts)
    written["rejects"] = store.append_rows(dest, "rejects", staging.files("rejects"))
    failpoint("after_commit:rejects")
    return written


def _flow_run_id() -> str | None:
    context = FlowRunContext.get()
    return str(context.flow_run.id) if context and context.flow_run else None


def _run_row(summary: RunSummary, started: dt.datetime, source: str, parameters: dict, finished: dt.datetime | None) -> dict:
    return {
        "run_id": summary.run_id,
        "started_at": started,
        "finished_at": finished,
        "status": summary.status,
        "stage_seconds": summary.stage_seconds or None,
        "n_new": summary.n_new,
        "n_changed": summary.n_changed,
        "n_unchanged": summary.n_unchanged,
        "n_rejected": summary.n_rejected,
        "n_pruned": summary.n_pruned,
        "pipeline_version": schema.PIPELINE_VERSION,
        "source": source,
        "parameters": json.dumps(parameters, ensure_ascii=False, sort_keys=True),
        "rows_written": summary.rows_written or None,
        "table_versions": summary.table_versions or None,
        "flow_run_id": _flow_run_id(),
        "error": summary.error,
    }


def run_pipeline(
    source: str,
    dest: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    full_refresh: bool = False,
    prune: bool = False,
    raw_dir: str = DEFAULT_RAW_DIR,
    lock_timeout: float | None = None,
    on_finish: Callable[[RunSummary], None] | None = None,
) -> RunSummary:
    """The body of the flow (callable inside a flow run only, since it calls tasks)."""
    started_clock = time.perf_counter()
    started = _utcnow()
    run_id = new_run_id(started)
    parameters = {"source": source, "dest": dest, "batch_size": batch_size, "max_bytes": max_bytes,
                  "full_refresh": full_refresh, "prune": prune, "raw_dir": raw_dir}
    summary = RunSummary(run_id=run_id, status="running")
    clock = StageClock(summary.stage_seconds)
    store.create_missing_tables(dest)
    lock = DestLock(dest, run_id, timeout=lock_timeout)
    with clock("wait_for_lock"):
        lock.acquire()
    try:
        with clock("recover"):
            summary.recovered_from, _ = recover_and_start(dest, _run_row(summary, started, source, parameters, None))
            summary.schema_changes = store.evolve_schemas(dest)
        failpoint("after_running_row")
        _run_locked(summary, clock, source, dest, batch_size, max_bytes, full_refresh, prune, raw_dir)
        summary.status = "completed"
    except BaseException as error:
        summary.status = "failed"
        summary.error = str(error) if isinstance(error, SourceError) else f"{type(error).__name__}: {error}"
        raise
    finally:
        try:
            # Versions of the data tables after this run (the runs table itself is the index of them).
            summary.table_versions = store.data_versions(dest)
            summary.elapsed_s = round(time.perf_counter() - started_clock, 3)
            failpoint("before_final_run_row")
            store.upsert_runs(dest, [_run_row(summary, started, source, parameters, _utcnow())])
        finally:
            lock.release()
            if on_finish:
                on_finish(summary)
    return summary


def _run_locked(summary: RunSummary, clock: StageClock, source: str, dest: str, batch_size: int, max_bytes: int,
                full_refresh: bool, prune: bool, raw_dir: str) -> None:
    run_id = summary.run_id
    staging = store.Staging(run_id)
    early: EarlyRemoval | None = None
    try:
        fetched_rejects: list[dict] = []
        guessed: GuessedPlan | None = None
        if is_url_list(source):
            with clock("fetch"):
                fetched = fetch_task(source, raw_dir, run_id, max_bytes)
            opened, entries, fetched_rejects = fetched.source, fetched.source.entries(), fetched.rejects
        else:
            opened = open_source(source)
            if not full_refresh:
                # The CLI's helper made this plan while this process started (flows/early_removal.py).
                with clock("plan_from_helper"):
                    guessed = take_guessed_plan(source, dest)
            if guessed is None:
                with clock("list"):
                    entries = list_source_task(opened).value
        if guessed is not None:
            known_articles, known_rejects = guessed.articles, guessed.rejects  # of the files to read
            plan = Plan([], guessed.to_read, guessed.duplicates, guessed.removed)
            summary.n_unchanged = guessed.n_unchanged
        else:
            with clock("load_state"):
                known_articles, known_rejects = load_state_task(dest).value
                plan = plan_run(entries, known_articles, known_rejects, schema.PIPELINE_VERSION, full_refresh)
                if fetched_rejects:
                    plan.removed = [i for i in plan.removed if i not in fetched.present_ids]
            summary.n_unchanged = len(plan.unchanged)
        now = _utcnow()
        pending_rejects = fetched_rejects + [
            reject_row(run_id, e.article_id, e.source_uri, None, "duplicate_article_id",
                       f"another file of the source already maps to article id {e.article_id!r}", now, e.size, e.mtime)
            for e in plan.duplicates
        ]
        statuses: dict[str, str] = {}
        written_ids: list[str] = []
        # Articles whose old rows go: changed files now rejected for their content (not for a failed read), and
        # with --prune, articles whose file left the source.
        dropped_ids: set[str] = set(plan.removed) if prune else set()
        summary.n_pruned = len(dropped_ids)
        batches = read_groups(plan.to_read, max(1, batch_size))
        reporter = progress.current()
        if reporter:
            reporter.start(len(plan.to_read))
        context = FlowRunContext.get()
        width = runner_width(context.task_runner) if context else 2
        # With a local process pool one worker short of the cores, this process transforms batches too whenever
        # the pool has `width` batches in flight (flows/runners.py, WorkerPool).
        joins = bool(getattr(context.task_runner, "flow_process_transforms", False)) if context else False
        transformers = max(1, width // 2) + (1 if joins else 0)
        # Workers on another machine (a Dask scheduler address) cannot write our local staging folder.
        remote = bool(getattr(context.task_runner, "address", None)) if context else False
        stage_dir = None if remote else str(staging.root)
        in_flight: deque[tuple[int, object]] = deque()
        submitted = 0
        in_tail = False  # the last few batches are being dispatched: the pool gets one only when none is waiting

        def collect(output: TransformOutput, n_files: int) -> None:
            for key, value in (("transform_in_tasks", output.seconds), ("staging_in_tasks", output.staging_seconds)):
                summary.stage_seconds[key] = round(summary.stage_seconds.get(key, 0.0) + value, 4)
            if output.tables is not None:
                with clock("stage"):
                    staging.add(output.tables)
            if output.staged_facts:
                staging.facts.update(output.staged_facts)
            written_ids.extend(output.written_ids)
            for article_id, reason in output.rejected:
                summary.rejects_by_reason[reason] = summary.rejects_by_reason.get(reason, 0) + 1
                if article_id in known_articles and reason not in KEEP_ROWS_ON:
                    dropped_ids.add(article_id)
            failpoint("after_batch")
            if reporter:
                reporter.advance(n_files)
            else:
                get_run_logger().info("transform batch done: %d files", n_files)

        def wait_oldest() -> None:
            n_files, future = in_flight.popleft()
            with clock("wait_for_transform"):
                output = future.result()
            collect(output, n_files)

        def collect_finished() -> None:
            """Collect the pool's finished batches, oldest first, without waiting."""
            while in_flight and getattr(in_flight[0][1], "wrapped_future", None) is not None \
                    and in_flight[0][1].wrapped_future.done():  # type: ignore[attr-defined]
                wait_oldest()

        def transform(raws: list[RawFile], rejects: list[dict], last: bool) -> None:
            """Transform one batch: in this process when it is the run's only batch (starting workers would
            cost more than the work), else on the task runner, keeping at most `width` batches in flight; with a
            local pool (`joins`), in this process too whenever the pool has its batches in flight."""
            nonlocal submitted, early
            if not raws and not rejects:
                return
            if (last and submitted == 0) or context is None:
                replaced = {raw.article_id for raw in raws} | dropped_ids
                if context is not None and worth_early_removal(sum(1 for i in replaced if i in known_articles)):
                    # The rows these articles replace are dropped by a helper process while this one transforms.
                    early = EarlyRemoval(dest, removal_tables(), sorted(replaced))
                with clock("transform"):
                    collect(transform_batch_task(Opaque(raws), run_id, rejects, str(staging.root)), len(raws))
                return
            submitted += 1
            collect_finished()
            # In the run's tail, one batch in flight per worker: this process does not wait at the end for a queue.
            if joins and len(in_flight) >= (width // 2 if in_tail else width):
                # The pool's queue is full: this process transforms the batch meanwhile, as a task run of its own.
                with clock("transform_in_flow_process"):
                    collect(transform_batch_task(Opaque(raws), run_id, rejects, str(staging.root)), len(raws))
                collect_finished()
                return
            in_flight.append((len(raws), transform_batch_task.submit(Opaque(raws), run_id, rejects, stage_dir)))
            while len(in_flight) >= width and not joins:
                wait_oldest()

        # Read in batches; only new and changed files go on to be transformed, re-batched to full batches.
        buffer: list[RawFile] = []
        for batch_no, batch in enumerate(batches):
            with clock("read"):
                read = read_batch_task(opened, Opaque(batch), run_id, max_bytes).value
            pending_rejects += read.rejects
            skipped = 0
            for raw in read.raws:
                status = classify(raw.article_id, raw.content_sha256, known_articles, known_rejects,
                                  schema.PIPELINE_VERSION, full_refresh)
                if status in ("unchanged", "rejected_before"):
                    summary.n_unchanged += 1
                    skipped += 1
                else:
                    statuses[raw.article_id] = status
                    buffer.append(raw)
            if reporter and skipped + len(read.rejects):
                reporter.advance(skipped + len(read.rejects))
            last_read = batch_no == len(batches) - 1
            if last_read and (submitted or len(buffer) > batch_size):
                # The run's last batches go out smaller, so that the transformers finish together instead of one
                # waiting for the other's last full batch. Until the last two per transformer the pool keeps a
                # batch queued (the flow process dispatches only between its own batches: a pool limited to its
                # running batch idled up to 1.4 s while the flow process transformed a full one, measured); for
                # those it gets one only when it has none waiting, so that it holds no queue at the end (the two
                # transformers' last batches ended 0.06-0.39 s apart in 3 runs of 20,000 articles, against
                # 0.3-0.8 s with a queue to the end).
                sizes = tail_batch_sizes(len(buffer), batch_size, transformers)
                for i, size in enumerate(sizes):
                    in_tail = in_tail or i >= len(sizes) - 2 * transformers
                    chunk, buffer = buffer[:size], buffer[size:]
                    transform(chunk, pending_rejects, last=not buffer)
                    pending_rejects = []
            while len(buffer) >= batch_size or (last_read and (buffer or pending_rejects)):
                chunk, buffer = buffer[:batch_size], buffer[batch_size:]
                transform(chunk, pending_rejects, last=last_read and not buffer)
                pending_rejects = []
        while in_flight:
            wait_oldest()
        if submitted and joins:  # a local pool (WorkerPool) whose work is done
            context.task_runner.release_workers()  # type: ignore[union-attr]
        if reporter:
            reporter.finish()
        if pending_rejects:
            staging.add({"rejects": schema.to_table(schema.REJECTS, pending_rejects)})
            for reject in pending_rejects:
                summary.rejects_by_reason[reject["reason"]] = summary.rejects_by_reason.get(reject["reason"], 0) + 1
        summary.n_new = sum(1 for i in written_ids if statuses.get(i) == "new")
        summary.n_changed = sum(1 for i in written_ids if statuses.get(i) == "changed")
        summary.n_rejected = sum(summary.rejects_by_reason.values())
        final_ids = set(written_ids) | dropped_ids
        if early is not None and not early.covers(final_ids, has_rows=known_articles.__contains__):
            early.close()
            early = None
        with clock("commit"):
            summary.rows_written = commit_tables_task(dest, staging, Opaque(sorted(final_ids)), Opaque(early))
        if early is not None and early.taken:
            summary.stage_seconds["commit_waited_for_removal_helper"] = round(early.waited_s, 4)
    finally:
        if early is not None:
            early.close(abandon=sys.exc_info()[0] is not None)
        staging.cleanup()


def publish_artifacts(dest: str, summary: RunSummary) -> None:
    """A markdown summary and a table of this run's rejects, attached to the flow run in Prefect's UI."""
    from transforms.report import rejects_table_rows, render_run_summary_markdown

    rows: list[dict] = []
    if summary.n_rejected:
        import pyarrow.compute as pc

        rejects = store.read_table(dest, "rejects", filter=pc.field("run_id") == summary.run_id)
        rows = rejects_table_rows(rejects, run_id=summary.run_id)
    create_markdown_artifact(key="newsfacts-run-summary", markdown=render_run_summary_markdown(asdict(summary), rows),
                             description=f"newsfacts run {summary.run_id}")
    create_table_artifact(key="newsfacts-rejects", table=rows or [{"source_uri": "", "reason": "", "detail": "no rejects", "rejected_at": ""}],
                          description=f"rejected inputs of run {summary.run_id}")


@flow(name="newsfacts", validate_parameters=True, task_runner=task_runner_from_env())
def newsfacts_flow(
    source: Annotated[str, Field(min_length=1, description="Folder, file, URL-list file or fsspec URL of raw articles.")] = "data/raw",
    dest: Annotated[str, Field(min_length=1, description="Folder or fsspec URL of the Delta tables.")] = "data/processed",
    batch_size: Annotated[int, Field(ge=1, le=100_000, description="Articles per transform task.")] = DEFAULT_BATCH_SIZE,
    max_bytes: Annotated[int, Field(ge=1, le=1 << 31, description="Size cap per file, in bytes.")] = DEFAULT_MAX_BYTES,
    full_refresh: Annotated[bool, Field(description="Reprocess every file, changed or not.")] = False,
    prune: Annotated[bool, Field(description="Remove articles whose file left the source.")] = False,
    raw_dir: Annotated[str, Field(min_length=1, description="Where downloads of a URL-list source are kept.")] = DEFAULT_RAW_DIR,
    storage_block: Annotated[str | None, Field(description="Prefect Secret block with S3 settings (AWS_* variables as JSON).")] = None,
) -> dict:
    """Raw news article files under `source` to versioned Delta tables under `dest`."""
    if storage_block:
        storage.apply_storage_block(storage_block)
    summaries: list[RunSummary] = []
    try:
        summary = run_pipeline(source, dest, batch_size, max_bytes, full_refresh, prune, raw_dir, on_finish=summaries.append)
    finally:
        if summaries:
            try:
                publish_artifacts(dest, summaries[-1])
            except Exception as error:  # an artifact is a courtesy: never fail the run for it
                get_run_logger().warning("could not publish artifacts: %s", error)
    get_run_logger().info("run %s %s: %d new, %d changed, %d unchanged, %d rejected", summary.run_id, summary.status,
                          summary.n_new, summary.n_changed, summary.n_unchanged, summary.n_rejected)
    return asdict(summary)
