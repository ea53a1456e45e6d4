"""`newsfacts maintain`: compaction, checkpoints and vacuum, recorded as a run so reads use the compacted files."""

from __future__ import annotations

import json

from flows import store
from flows.lock import DestLock
from flows.runlog import new_run_id, recover_and_start, utcnow
from transforms import schema


def run_maintenance(dest: str, retention_hours: int = 7 * 24, lock_timeout: float | None = None) -> dict:
    started = utcnow()
    run_id = new_run_id(started)
    parameters = {"command": "maintain", "dest": dest, "retention_hours": retention_hours}
    row = {
        "run_id": run_id, "started_at": started, "status": "running", "pipeline_version": schema.PIPELINE_VERSION,
        "parameters": json.dumps(parameters, sort_keys=True), "n_new": 0, "n_changed": 0, "n_unchanged": 0,
        "n_rejected": 0, "n_pruned": 0,
    }
    store.create_missing_tables(dest)
    with DestLock(dest, run_id, timeout=lock_timeout):
        recover_and_start(dest, row)
        store.evolve_schemas(dest)
        results = [store.maintain_table(dest, name, retention_hours) for name in store.DATA_TABLES]
        # Compaction rewrites files but not rows: the compacted versions are a consistent snapshot of the data,
        # recorded like a run so that default reads (and as_of this run) use them.
        row.update(status="completed", finished_at=utcnow(), table_versions=store.data_versions(dest))
        store.upsert_runs(dest, [row])
        store.maintain_table(dest, "runs", retention_hours)
    return {"run_id": run_id, "tables": results}
