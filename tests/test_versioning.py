"""Versioned tables you can trust: crashes (real SIGKILLs), concurrent runs, consistent reads, export, prune.

Runs are real `newsfacts run` processes reporting to a real Prefect server started by the session fixture, and
the tables are real Delta tables on disk.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import newsfacts
from tests.conftest import SAMPLE
from tests.corpus_util import assert_same_tables, build_source, table_contents

pytestmark = pytest.mark.e2e
SAMPLE_ID = "000_1da53921374cfc63"


def newsfacts_run(source: Path, dest: Path, env: dict, *extra: str, failpoint: str | None = None,
                  timeout: int = 180) -> subprocess.CompletedProcess:
    run_env = dict(env)
    if failpoint:
        run_env["NEWSFACTS_FAILPOINT"] = failpoint
    return subprocess.run(
        [sys.executable, "-m", "flows", "run", "--source", str(source), "--dest", str(dest), "--batch-size", "3", *extra],
        capture_output=True, text=True, env=run_env, timeout=timeout,
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, prefect_server: str):
    """v1 of a source processed once; v2 = v1 with a changed, a new and a newly broken file; the reference
    tables an uninterrupted v2 run gives."""
    root = tmp_path_factory.mktemp("versioning")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_API_URL=prefect_server, PREFECT_HOME=str(root / "client-home"))
    v1 = build_source(root / "src_v1")
    dest_v1 = root / "dest_v1"
    ok(newsfacts_run(v1, dest_v1, env))

    v2 = root / "src_v2"
    shutil.copytree(v1, v2)
    sample = v2 / SAMPLE.name
    sample.write_text(sample.read_text(encoding="utf-8").replace("卓榮泰表示", "行政院長卓榮泰表示"), encoding="utf-8")
    shutil.copy(SAMPLE, v2 / "variants" / "new_copy.txt")
    broken = sorted((v2 / "variants").glob("*.txt"))[0]
    broken.write_bytes(b"\x00\x01\x02\x03" * 50)

    reference = root / "dest_reference"
    shutil.copytree(dest_v1, reference)
    ok(newsfacts_run(v2, reference, env))
    return {"root": root, "env": env, "v1": v1, "v2": v2, "dest_v1": dest_v1,
            "v1_tables": table_contents(dest_v1), "reference": table_contents(reference)}


FAILPOINTS = [
    "after_running_row",
    "after_batch",
    "after_commit:paragraphs",
    "after_commit:tokens",
    "after_commit:statements",
    "after_commit:articles",
    "after_commit:rejects",
    "before_final_run_row",
]


@pytest.mark.parametrize("failpoint", FAILPOINTS)
def test_kill_at_any_point_then_a_normal_run_gives_the_uninterrupted_tables(scenario, failpoint: str, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    shutil.copytree(scenario["dest_v1"], dest)
    crashed = newsfacts_run(scenario["v2"], dest, scenario["env"], failpoint=failpoint)
    assert crashed.returncode == -signal.SIGKILL, crashed.stdout + crashed.stderr
    from flows import store

    pinned = newsfacts.snapshot(dest=str(dest)).table_versions
    live = store.data_versions(str(dest))
    if failpoint.startswith(("after_commit", "before_final")):
        assert live != pinned  # the dead run did commit something ...

    # ... yet readers still see the last completed run, whole: never a table from the dead run.
    for name, frame in table_contents_as_of_last_run(dest).items():
        pd.testing.assert_frame_equal(frame, scenario["v1_tables"][name], check_dtype=False, obj=name)

    recovered = ok(newsfacts_run(scenario["v2"], dest, scenario["env"]))
    assert "recovered:" in recovered.stdout
    assert_same_tables(table_contents(dest), scenario["reference"])
    runs = newsfacts.read_table("runs", dest=str(dest))
    assert sorted(runs.status) == ["abandoned", "completed", "completed"]


def table_contents_as_of_last_run(dest: Path) -> dict[str, pd.DataFrame]:
    """Like corpus_util.table_contents, through the consistent reader (newsfacts.read_table)."""
    from tests.corpus_util import DATA_TABLES, VOLATILE

    out = {}
    for name in DATA_TABLES:
        frame = newsfacts.read_table(name, dest=str(dest))
        frame = frame[[c for c in frame.columns if c not in VOLATILE]]
        for column in frame.columns:
            if frame[column].dtype == object and frame[column].map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")).any():
                frame[column] = frame[column].map(lambda v: repr(list(v)) if v is not None else None)
        out[name] = frame.sort_values(list(frame.columns), na_position="first").reset_index(drop=True)
    return out


def test_kill_at_random_moments(scenario, tmp_path: Path) -> None:
    """External SIGKILLs at random times (seeded) during real runs, then one normal run."""
    rng = random.Random(20260127)
    dest = tmp_path / "dest"
    shutil.copytree(scenario["dest_v1"], dest)
    for _ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-m", "flows", "run", "--source", str(scenario["v2"]), "--dest", str(dest), "--batch-size", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=scenario["env"],
        )
        time.sleep(rng.uniform(1.0, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    ok(newsfacts_run(scenario["v2"], dest, scenario["env"]))
    assert_same_tables(table_contents(dest), scenario["reference"])


def test_concurrent_runs_on_one_dest_serialise_without_duplicates(scenario, tmp_path: Path) -> None:
    """Two runs at once: the first holds the lock (paused 3 s inside it), the second waits, then finds the work
    done. Both real processes; no duplicate rows, nothing lost."""
    from flows.lock import DestLock

    dest = tmp_path / "dest"
    summaries = [tmp_path / f"summary{i}.json" for i in range(2)]

    def start(summary: Path, failpoint: str | None = None) -> subprocess.Popen:
        env = dict(scenario["env"], **({"NEWSFACTS_FAILPOINT": failpoint} if failpoint else {}))
        return subprocess.Popen(
            [sys.executable, "-m", "flows", "run", "--source", str(scenario["v1"]), "--dest", str(dest),
             "--json-summary", str(summary)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )

    first = start(summaries[0], "after_running_row:sleep=3")
    deadline = time.monotonic() + 120
    while not (dest.exists() and (DestLock(str(dest), "probe").holder() or {}).get("pid") == first.pid):
        assert first.poll() is None and time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.05)
    second = start(summaries[1])
    for process in (first, second):
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, out + err
    assert_same_tables(table_contents(dest), scenario["v1_tables"])
    results = [json.loads(p.read_text(encoding="utf-8")) for p in summaries]
    assert results[0]["n_new"] > 0 and results[1]["n_new"] == 0 and results[1]["n_unchanged"] > 0
    assert results[1]["stage_seconds"]["wait_for_lock"] > 0.5


def test_as_of_reads_and_history(scenario, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    shutil.copytree(scenario["dest_v1"], dest)
    first = newsfacts.snapshot(dest=str(dest))
    time.sleep(0.05)
    ok(newsfacts_run(scenario["v2"], dest, scenario["env"]))
    second = newsfacts.snapshot(dest=str(dest))
    assert first.run_id != second.run_id

    old = newsfacts.read_table("articles", as_of=first.run_id, dest=str(dest))
    new = newsfacts.read_table("articles", dest=str(dest))
    assert len(new) == len(old) + 1 - 1  # one new file, one newly broken file
    assert "行政院長卓榮泰表示" not in old.set_index("article_id").loc[SAMPLE_ID].body
    assert "行政院長卓榮泰表示" in new.set_index("article_id").loc[SAMPLE_ID].body
    by_time = newsfacts.read_table("articles", as_of=first.finished_at, dest=str(dest))
    assert sorted(by_time.article_id) == sorted(old.article_id)
    assert newsfacts.read_table("articles", as_of=first.run_id, dest=str(dest), format="arrow").num_rows == len(old)
    with pytest.raises(newsfacts.NoSuchRun):
        newsfacts.read_table("articles", as_of="no-such-run", dest=str(dest))

    history = subprocess.run([sys.executable, "-m", "flows", "history", "--dest", str(dest)],
                             capture_output=True, text=True, env=scenario["env"], timeout=60)
    assert history.returncode == 0 and first.run_id in history.stdout and second.run_id in history.stdout
    shown = subprocess.run([sys.executable, "-m", "flows", "show", SAMPLE_ID, "--dest", str(dest), "--as-of", first.run_id],
                           capture_output=True, text=True, env=scenario["env"], timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("接見美台商會") and "卓榮泰" in shown.stdout and "statements:" in shown.stdout
    assert "行政院長卓榮泰表示" not in shown.stdout


def test_export_is_a_plain_parquet_snapshot_where_raw_directory_reads_are_stale(scenario, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    shutil.copytree(scenario["dest_v1"], dest)
    ok(newsfacts_run(scenario["v2"], dest, scenario["env"]))
    # What the README warns about: the directory still holds files the changed article's rows were in.
    stale = pd.read_parquet(dest / "articles")
    assert len(stale) > len(newsfacts.read_table("articles", dest=str(dest)))

    out = tmp_path / "export"
    result = subprocess.run([sys.executable, "-m", "flows", "export", "--out", str(out), "--dest", str(dest)],
                            capture_output=True, text=True, env=scenario["env"], timeout=120)
    assert result.returncode == 0, result.stderr
    for name in ("articles", "tokens", "entities", "rejects"):
        exported = pd.read_parquet(out / name)
        current = newsfacts.read_table(name, dest=str(dest))
        assert len(exported) == len(current), name
    assert json.loads((out / "_snapshot.json").read_text())["run_id"] == newsfacts.snapshot(dest=str(dest)).run_id


def test_prune_removes_articles_whose_file_left_the_source(scenario, tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(scenario["v1"], source)
    dest = tmp_path / "dest"
    shutil.copytree(scenario["dest_v1"], dest)
    (source / SAMPLE.name).unlink()
    ok(newsfacts_run(source, dest, scenario["env"]))
    assert SAMPLE_ID in set(newsfacts.read_table("articles", dest=str(dest)).article_id)  # kept without --prune
    pruned = ok(newsfacts_run(source, dest, scenario["env"], "--prune"))
    assert "1 pruned" in pruned.stdout
    for name in ("articles", "paragraphs", "sentences", "tokens", "entities", "statements"):
        assert SAMPLE_ID not in set(newsfacts.read_table(name, dest=str(dest)).article_id), name
    runs = newsfacts.read_table("runs", dest=str(dest))
    assert runs.n_pruned.max() == 1


def test_second_run_right_after_the_first_adds_nothing(scenario, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    shutil.copytree(scenario["dest_v1"], dest)
    before = table_contents(dest)
    again = ok(newsfacts_run(scenario["v1"], dest, scenario["env"]))
    assert " 0 new, 0 changed," in again.stdout and "0 rejected" in again.stdout
    assert_same_tables(table_contents(dest), before)
