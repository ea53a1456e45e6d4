"""Run bookkeeping shared by pipeline runs and maintenance: run ids, and recovery from runs that died."""

from __future__ import annotations

import datetime as dt
import secrets

from flows import store
from transforms import schema


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_run_id(now: dt.datetime) -> str:
    """Sortable, unique: UTC start time plus random hex."""
    return now.strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def recover_and_start(dest: str, own_row: dict) -> tuple[list[str], dict[str, int]]:
    """Under the lock: undo what dead runs committed, mark them abandoned, record this run as running.

    Every `running` row seen while holding the lock belongs to a run that died (a live run would hold the lock).
    """
    statuses = store.read_small_table(dest, "runs", ["status"]).column("status").to_pylist()
    restored: dict[str, int] = {}
    rows = [own_row]
    dead: list[dict] = []
    if "running" in statuses:
        # Whole rows only when there is something to recover: converting the timestamp columns to Python imports
        # pandas inside pyarrow, 0.15 s that a healthy run does not need to spend.
        runs = store.read_small_table(dest, "runs").to_pylist()
        dead = [r for r in runs if r["status"] == "running"]
        completed = sorted((r for r in runs if r["status"] == "completed" and r["table_versions"]),
                           key=lambda r: (r["finished_at"], r["run_id"]))
        target = dict(completed[-1]["table_versions"]) if completed else {}
        restored = store.restore_versions(dest, target)
        now = utcnow()
        for r in dead:
            r.update(status="abandoned", finished_at=now,
                     error=f"the run died before completing; found by {own_row['run_id']}, tables restored to "
                           f"{'run ' + completed[-1]['run_id'] if completed else 'their empty state'}")
            rows.append({k: r.get(k) for k in schema.RUNS.schema.names})
    if dead:
        store.upsert_runs(dest, rows)
    else:  # this run's id is new (its start time and random hex): an append, not a replace (half the time)
        store.append_rows(dest, "runs", schema.to_table(schema.RUNS, rows))
    return [r["run_id"] for r in dead], restored
