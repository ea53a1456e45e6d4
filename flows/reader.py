"""Consistent reads: every table at the versions one completed run left them in.

`read_table("entities", as_of=...)` looks the versions up in the `runs` table, so a reader never sees one table
from a newer run than another, nor the half-committed state of a run in progress or of a crashed one.
`as_of` is a run id, a timestamp (the last run completed at or before it), or None (the last completed run).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from flows import store
from transforms import schema

DEFAULT_DEST = "data/processed"


class NoSuchRun(LookupError):
    pass


@dataclass(frozen=True)
class Snapshot:
    """The completed run a read is pinned to, and the version of each table it left."""

    run_id: str | None
    finished_at: dt.datetime | None
    table_versions: dict[str, int]


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


_SNAPSHOT_COLUMNS = ["run_id", "status", "finished_at", "table_versions"]


def completed_runs(dest: str = DEFAULT_DEST, columns: list[str] | None = None) -> list[dict]:
    """Completed runs, oldest first (filtered and sorted in Arrow: the runs table grows by one row a run)."""
    table = store.read_table(dest, "runs", columns, filter=(pc.field("status") == "completed") & pc.field("table_versions").is_valid())
    table = table.sort_by([("finished_at", "ascending"), ("run_id", "ascending")])
    return table.to_pylist()


def snapshot(as_of: str | dt.datetime | None = None, dest: str = DEFAULT_DEST) -> Snapshot:
    runs = completed_runs(dest, _SNAPSHOT_COLUMNS)
    if isinstance(as_of, str):
        try:
            as_of = dt.datetime.fromisoformat(as_of)
        except ValueError:
            pass
    if isinstance(as_of, str):
        chosen = next((r for r in runs if r["run_id"] == as_of), None)
        if chosen is None:
            raise NoSuchRun(f"no completed run {as_of!r} in {dest} (see `newsfacts history`)")
    elif isinstance(as_of, dt.datetime):
        earlier = [r for r in runs if r["finished_at"] <= _as_utc(as_of)]
        if not earlier:
            raise NoSuchRun(f"no run completed at or before {as_of.isoformat()} in {dest}")
        chosen = earlier[-1]
    else:
        if not runs:
            raise NoSuchRun(f"no completed run in {dest} yet")
        chosen = runs[-1]
    return Snapshot(chosen["run_id"], chosen["finished_at"], dict(chosen["table_versions"]))


def read_arrow(name: str, as_of: str | dt.datetime | None = None, dest: str = DEFAULT_DEST,
               columns: list[str] | None = None, filter=None) -> pa.Table:
    if name == "runs":
        return store.read_table(dest, "runs", columns, filter=filter)
    if name not in schema.TABLES:
        raise KeyError(f"no table {name!r}; tables: {', '.join(schema.TABLES)}")
    pinned = snapshot(as_of, dest)
    version = pinned.table_versions.get(name)
    if version is None:  # the table did not exist yet at that run
        empty = schema.empty_table(schema.TABLES[name])
        return empty.select(columns) if columns else empty
    return store.read_table(dest, name, columns, version, filter)


def read_table(name: str, as_of: str | dt.datetime | None = None, dest: str = DEFAULT_DEST,
               format: Literal["pandas", "arrow"] = "pandas", columns: list[str] | None = None):
    """One table as it was after a completed run: pandas DataFrame (default) or Arrow table."""
    table = read_arrow(name, as_of, dest, columns)
    return table if format == "arrow" else table.to_pandas()
