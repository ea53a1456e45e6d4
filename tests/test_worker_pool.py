"""flows.runners.WorkerPool: a first worker started before the flow run, and the decision to start it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cloudpickle
import pytest

from flows.cli import _many_files_to_transform
from flows.runners import WorkerPool, init_pool_worker, make_task_runner, warm_up_worker
from flows.sources import local_folder_has_more_files
from tests.corpus_util import assert_same_tables, build_source, table_contents
from transforms.article import WARM_UP_ARTICLE, warm_up


def _txt_files(root: Path, n: int, nested: bool = True) -> Path:
    for i in range(n):
        folder = root / (f"{i % 3:02d}" if nested else "")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i}.txt").write_text("x", encoding="utf-8")
    (root / "notes.md").write_text("not an article", encoding="utf-8")
    return root


def test_local_folder_has_more_files_counts_txt_files_recursively(tmp_path: Path) -> None:
    root = _txt_files(tmp_path / "raw", 5)
    assert local_folder_has_more_files(str(root), 4)
    assert not local_folder_has_more_files(str(root), 5)  # notes.md does not count
    assert not local_folder_has_more_files(str(tmp_path / "missing"), 0)


def test_many_files_to_transform_only_for_a_first_or_full_run_over_a_large_local_folder(tmp_path: Path) -> None:
    raw = _txt_files(tmp_path / "raw", 5)
    dest = tmp_path / "processed"
    assert _many_files_to_transform(str(raw), str(dest), 2, False, None)  # first run, more than one batch
    assert not _many_files_to_transform(str(raw), str(dest), 5, False, None)  # one batch: no workers needed
    (dest / "articles" / "_delta_log").mkdir(parents=True)
    assert not _many_files_to_transform(str(raw), str(dest), 2, False, None)  # later runs: few files change
    assert _many_files_to_transform(str(raw), str(dest), 2, True, None)  # --full-refresh
    assert not _many_files_to_transform("s3://bucket/raw", str(dest), 2, True, None)
    assert not _many_files_to_transform(str(raw / "00" / "0.txt"), str(tmp_path / "new"), 0, False, None)
    assert not _many_files_to_transform(str(raw), str(tmp_path / "new"), 2, False, "my-s3-block")


def test_warm_up_transforms_its_article() -> None:
    assert "date" in WARM_UP_ARTICLE
    warm_up()  # raises nothing; the article's rows are checked below through a worker's tables
    warm_up_worker()


def test_a_pool_started_early_is_the_flow_runs_and_stops_when_unused(tmp_path: Path) -> None:
    pool = WorkerPool(max_workers=2, initializer=init_pool_worker)
    pool.start_first_worker()
    pool.start_first_worker()  # once
    early = pool._early
    assert early is not None and early._started
    cloudpickle.dumps(pool)  # the template travels with the flow, without the started pool's queue
    taken = pool.duplicate()
    assert taken is early and pool._early is None
    with taken as entered:  # what the flow engine does
        assert entered is early
    assert not early._started and pool.duplicate() is not early

    unused = WorkerPool(max_workers=1, initializer=init_pool_worker)
    unused.start_first_worker()
    started = unused._early
    unused.stop_unused()
    assert started is not None and not started._started and started._executor is None


def test_the_process_runner_keeps_a_core_for_the_flow_process() -> None:
    two = make_task_runner("process", 2)
    assert isinstance(two, WorkerPool) and two._max_workers == 1 and two.flow_process_transforms
    assert two.duplicate().flow_process_transforms  # what the flow run enters
    two.start_first_worker()
    try:
        assert two._early is not None and two._early.flow_process_transforms
    finally:
        two.stop_unused()
    released = make_task_runner("process", 2).duplicate()
    with released:  # as in a flow run: the batches done, the workers go before the commit
        released.release_workers()  # type: ignore[attr-defined]
        assert released._executor is None  # type: ignore[attr-defined]
    one = make_task_runner("process", 1)
    assert isinstance(one, WorkerPool) and one._max_workers == 1 and not one.flow_process_transforms
    assert make_task_runner("process", 4)._max_workers == 3  # type: ignore[attr-defined]


@pytest.mark.e2e
def test_a_first_run_with_an_early_worker_and_the_flow_process_transforming_writes_the_same_tables(
    tmp_path: Path, server_env: dict
) -> None:
    source = build_source(tmp_path / "raw")
    runs, stages = {}, {}
    for runner in ("process", "thread"):
        dest = tmp_path / f"processed-{runner}"
        summary = tmp_path / f"summary-{runner}.json"
        done = subprocess.run([sys.executable, "-m", "flows", "run", "--source", str(source), "--dest", str(dest),
                               "--batch-size", "3", "--task-runner", runner, "--workers", "2",
                               "--json-summary", str(summary)], capture_output=True, text=True, env=server_env,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr
        runs[runner] = table_contents(dest)
        stages[runner] = json.loads(summary.read_text(encoding="utf-8"))["stage_seconds"]
    assert _many_files_to_transform(str(source), str(tmp_path / "fresh"), 3, False, None)  # the early path ran
    assert stages["process"].get("transform_in_flow_process", 0) > 0  # batches the pool's queue could not take
    assert "transform_in_flow_process" not in stages["thread"]
    assert_same_tables(runs["process"], runs["thread"])
