"""Prefect task runners for the CPU-bound transform tasks.

- `process` (default): a local process pool with one worker per core but one, the flow process transforming too
  (`WorkerPool`): the transforms are pure Python and hold the GIL, so threads would use one core only.
- `thread`: one process; for debugging, or where processes cannot be spawned.
- `dask`: a Dask cluster: a local one by default (one single-threaded worker process per core), or an existing
  scheduler with `--dask-address tcp://host:8786` to spread a backfill over several machines.
"""

from __future__ import annotations

import os
from typing import Literal

from flows import prefect_env  # noqa: F401  (before prefect)
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.orphans import exit_with_parent
from flows.process_exit import skip_teardown_at_exit

RunnerKind = Literal["process", "thread", "dask"]
RUNNER_KINDS: tuple[str, ...] = ("process", "thread", "dask")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def init_pool_worker() -> None:
    """Initializer of the process pool's workers: they exit with the flow process (flows/orphans.py), and without
    the interpreter's teardown (flows/process_exit.py: 0.4 s of both cores at the end of a full run)."""
    exit_with_parent()
    skip_teardown_at_exit()


def warm_up_worker() -> None:
    """(Run in a pool worker.) Import the transform task's module and transform one built-in article: the imports,
    the segmenter's dictionary and the patterns (~1.8 s of a new worker) are done before the first batch arrives."""
    import flows.pipeline  # noqa: F401  (the transform task's module, imported to unpickle every task)
    from transforms.article import warm_up

    warm_up()


class WorkerPool(ProcessPoolTaskRunner):
    """Prefect's process-pool task runner, whose first worker can be started before the flow run
    (`start_first_worker`).

    Why: the CLI takes ~1.5 s on one core (imports, the flow run, listing) before it submits the first batch, and a
    new worker takes ~1.8 s of its own (imports, dictionary, patterns) before it transforms anything. On a first
    run over a large folder one worker is started while the CLI starts (on the core it leaves idle) and warmed up;
    the others start on demand, as in Prefect's runner.

    The flow keeps this runner as its template, never entered (Prefect pickles the flow, runner included, with
    every task); the flow run takes the started one from `duplicate`, enters it (a no-op) and stops it when it ends.
    """

    _early: "WorkerPool | None" = None  # on the template: the runner started ahead of the flow run
    _started_early = False  # on that runner
    # The flow process transforms batches too (flows/pipeline.py) when the pool's queue is full: the pool has one
    # worker per core but one. Why: the flow process sits mostly idle during a run's transforms, and a pool
    # worker costs ~1.8 s of CPU to start (Prefect, pandas, the dictionary, patterns) and ~0.4 GB; the flow
    # process has Prefect and pandas already.
    flow_process_transforms = False

    def _twin(self) -> "WorkerPool":
        twin = super().duplicate()  # (Prefect's: same workers and initializer)
        twin.flow_process_transforms = self.flow_process_transforms
        return twin

    def duplicate(self) -> "WorkerPool":
        early, self._early = self._early, None
        return early if early is not None else self._twin()

    def start_first_worker(self) -> None:
        if self._early is not None:
            return
        early = self._twin()
        ProcessPoolTaskRunner.__enter__(early)
        early._started_early = True
        assert early._executor is not None
        early._executor.submit(warm_up_worker)  # the pool starts one worker per submission while none is idle
        self._early = early

    def release_workers(self) -> None:
        """The run's batches are all done: stop the workers now, so that their memory (~0.4 GB each) is not held
        while the flow process commits (the process tree's peak at 100,000 articles was then)."""
        self.cancel_all()  # Prefect's own: shuts the pool down; leaving the flow run finds it stopped

    def stop_unused(self) -> None:
        """Stop a runner started early that no flow run took (the run ended before it began)."""
        early, self._early = self._early, None
        if early is not None:
            early.__exit__(None, None, None)

    def __enter__(self) -> "WorkerPool":
        if self._started_early and self._started:
            return self
        return super().__enter__()

    def __exit__(self, exc_type: object, exc_value: object, traceback: object) -> None:
        self._started_early = False
        super().__exit__(exc_type, exc_value, traceback)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_early", None)  # a started pool (its queue, threads) never travels with the flow
        return state


def make_task_runner(kind: RunnerKind = "process", workers: int | None = None, dask_address: str | None = None) -> TaskRunner:
    workers = workers or default_workers()
    if kind == "thread":
        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "process":
        # One core is the flow process's own: it transforms too when the pool is busy (WorkerPool).
        pool = WorkerPool(max_workers=max(1, workers - 1), initializer=init_pool_worker)
        pool.flow_process_transforms = workers >= 2
        return pool
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    raise ValueError(f"unknown task runner {kind!r}; choose one of {', '.join(RUNNER_KINDS)}")


# Environment variables that choose the task runner of the module-level flow, for runs whose flow is loaded from
# its entrypoint in another process (deployments served by `newsfacts serve`, work-pool workers).
RUNNER_ENV = "NEWSFACTS_TASK_RUNNER"
WORKERS_ENV = "NEWSFACTS_WORKERS"
DASK_ADDRESS_ENV = "NEWSFACTS_DASK_ADDRESS"


def task_runner_from_env(environ: dict[str, str] | os._Environ = os.environ) -> TaskRunner:
    kind = environ.get(RUNNER_ENV, "process")
    workers = int(environ[WORKERS_ENV]) if environ.get(WORKERS_ENV) else None
    return make_task_runner(kind, workers, environ.get(DASK_ADDRESS_ENV) or None)  # type: ignore[arg-type]


def runner_width(runner: object) -> int:
    """How many transform batches to keep in flight: twice the workers, so none waits for the next read."""
    workers = getattr(runner, "max_workers", None) or getattr(runner, "_max_workers", None)
    if not workers:
        cluster = getattr(runner, "cluster_kwargs", None) or {}
        workers = cluster.get("n_workers")
    return 2 * int(workers or default_workers())
