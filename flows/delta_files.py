"""Commit Parquet files to a Delta table directly: add staged files as they are, rewrite only touched files.

Why not `write_deltalake(..., mode="overwrite", predicate=...)`: it re-encodes every staged row through delta-rs's
writer (5.5 s and +500 MB in the flow process for 26 M token rows, measured at 20,000 articles) and rewrites every
file whose statistics do not rule it out. Here a run's staged Parquet files (already written by the transform
workers) become table files by a rename, and an existing file is rewritten only if it really holds an article
being replaced, one file at a time (memory bounded by one file). All of it is one Delta transaction per table:
Add actions for the new files, Remove actions for the replaced ones.

delta-rs cannot write deletion vectors, so replacing scattered articles is copy-on-write of the files that hold
them; table files are therefore kept small (`articles_per_file`), so a run that changes 1 % of an archive
rewrites a fraction of each table, not all of it. `newsfacts maintain` compacts them for reading; the first run
that changes articles after it splits the compacted files it touches back into small ones.
"""

from __future__ import annotations

import array
import bisect
import datetime as dt
import itertools
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable
from deltalake.transaction import AddAction, RemoveAction

from transforms import schema

# Articles per table file. Smaller files: less rewritten when a few articles change (200 random changes among
# 20,000 articles touch 1-(1-k/20000)^200 of the files: 18 % at k = 20), but every file costs ~1 ms to create and
# to rewrite whatever its size (measured here), and more files to open when reading before `maintain`. Measured
# with 200 of 20,000 articles changed: tokens (~450 rows an article) stay at 20 articles a file, sentences,
# paragraphs and statements at 40 (100 made that run slower); the small fact tables hold 500 (a batch): all their
# files are rewritten then, but 40 files of ~300 KB cost less than ~140 of ~30 KB, and compress to half the bytes
# (entities 13 -> 7 MB). `articles` gets large files too: every run reads its key columns to plan.
ARTICLES_PER_FILE = 20
ARTICLES_PER_FILE_BY_TABLE = {"articles": 1000, "time_expressions": 500, "quantities": 500, "entities": 500,
                              "statements": 40, "sentences": 40, "paragraphs": 40}


def articles_per_file(table_name: str) -> int:
    return ARTICLES_PER_FILE_BY_TABLE.get(table_name, ARTICLES_PER_FILE)


# What the commit needs of a staged file: its row count and its Delta `stats` JSON.
StagedFacts = tuple[int, str]

# Columns whose min/max go into the Delta statistics (short keys and numbers; long texts would be truncated).
_STATS_TYPES = (pa.types.is_integer, pa.types.is_date32)


def statistics_columns(arrow_schema: pa.Schema, key: str) -> list[str]:
    """The columns whose Parquet statistics our files carry: the key and the integer/date columns (what
    `file_stats` turns into Delta min/max). Not the text columns: an article's names, sentences and tokens span
    the whole range in every file, so their min/max prune nothing, and computing them was 5-17 % of writing a
    file (measured per table; sizes unchanged)."""
    return [f.name for f in arrow_schema if _has_range(f, key)]


def _has_range(field: pa.Field, key: str) -> bool:
    """Is `field` one whose min/max our files record: the key, or an integer or date column?"""
    return field.name == key or any(check(field.type) for check in _STATS_TYPES)


def write_parquet(table: pa.Table, where: object, key: str) -> pq.FileMetaData:
    """Write one of our Parquet files (snappy, statistics of `statistics_columns`); its footer as written."""
    collected: list[pq.FileMetaData] = []
    pq.write_table(table, where, compression="snappy", metadata_collector=collected,
                   write_statistics=statistics_columns(table.schema, key))
    return collected[0]


def _stats_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def file_stats(metadata: pq.FileMetaData, key: str) -> str:
    """Delta `stats` JSON for a Parquet file: row count, and the null counts of the columns with Parquet statistics
    and min/max of the key and integer/date columns among them."""
    arrow = metadata.schema.to_arrow_schema()
    nulls: dict[str, int] = {}
    mins: dict[str, object] = {}
    maxs: dict[str, object] = {}
    for index, field in enumerate(arrow):
        leaf = metadata.schema.column(index) if index < metadata.num_columns else None
        if leaf is None or leaf.path != field.name:  # nested (list/map) columns: no top-level statistics
            continue
        want_range = _has_range(field, key)
        null_count, lo, hi, complete = 0, None, None, True
        for group in range(metadata.num_row_groups):
            stats = metadata.row_group(group).column(index).statistics
            if stats is None:
                complete = False
                break
            null_count += stats.null_count or 0
            if want_range and stats.has_min_max:
                lo = stats.min if lo is None or stats.min < lo else lo
                hi = stats.max if hi is None or stats.max > hi else hi
        if not complete:
            continue
        nulls[field.name] = null_count
        if want_range and lo is not None:
            mins[field.name] = _stats_value(lo)
            maxs[field.name] = _stats_value(hi)
    return json.dumps({"numRecords": metadata.num_rows, "minValues": mins, "maxValues": maxs, "nullCount": nulls})


def string_array(values: Sequence[str]) -> pa.StringArray:
    """`pa.array(values, pa.string())` built from buffers: pyarrow imports pandas the first time it converts a
    Python sequence (0.15 s), which the removal helper (flows/early_removal.py) otherwise never needs."""
    encoded = [value.encode("utf-8") for value in values]
    offsets = array.array("i", [0, *itertools.accumulate(map(len, encoded))])
    return pa.StringArray.from_buffers(len(encoded), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded)))


def split_by_articles(table: pa.Table, key: str, per_file: int = ARTICLES_PER_FILE) -> list[pa.Table]:
    """Slices of `table` holding at most `per_file` articles each (rows of an article are contiguous)."""
    n = table.num_rows
    if n == 0:
        return []
    ids = table.column(key)
    # Where the key changes, found in Arrow (a Python list of 900,000 token keys was a third of staging time).
    changed = pc.not_equal(ids.slice(1), ids.slice(0, n - 1))
    # (to_pylist, not to_numpy: pyarrow imports pandas for to_numpy, which the removal helper never needs)
    firsts = [0, *(i + 1 for i in pc.indices_nonzero(changed).to_pylist())]  # first row of every article
    cuts = [*firsts[::per_file], n]
    return [table.slice(a, b - a) for a, b in zip(cuts, cuts[1:])]


class TableFiles:
    """The files of one Delta table, local or remote, and the operations a commit needs on them."""

    def __init__(self, uri: str) -> None:
        self.uri = uri.rstrip("/")
        self.table = DeltaTable(self.uri)
        self.remote = "://" in self.uri and not self.uri.startswith("file://")
        if self.remote:
            from fsspec.core import url_to_fs

            self.fs, self.root = url_to_fs(self.uri)
        else:
            self.fs, self.root = None, self.uri.removeprefix("file://")

    def _full(self, relative: str) -> str:
        return f"{self.root}/{relative}"

    def read(self, relative: str, columns: list[str] | None = None) -> pa.Table:
        # ParquetFile, not pq.read_table: read_table builds a dataset per call, 2.4x slower on these small files;
        # one thread per file, as the files themselves are read on a pool.
        if self.fs is None:
            with open(self._full(relative), "rb") as handle:  # (Python's open releases the GIL; pyarrow's does not)
                data = handle.read()
            return pq.ParquetFile(pa.BufferReader(data)).read(columns=columns, use_threads=False)
        with self.fs.open(self._full(relative), "rb") as handle:
            return pq.ParquetFile(handle).read(columns=columns, use_threads=False)

    def add_file(self, table: pa.Table | None, key: str, source: str | None = None,
                 facts: StagedFacts | None = None) -> tuple[AddAction, int]:
        """Put a Parquet file into the table directory (linking `source` if given, else writing `table`).
        Returns its Add action and its row count. `facts`: the row count and Delta statistics of `source`,
        recorded when it was written (else read from its footer here)."""
        name = f"part-{uuid.uuid4().hex}-c000.snappy.parquet"
        target = self._full(name)
        if source is None:
            assert table is not None
            if self.fs is None:
                # Encoded in memory, written with Python's file I/O: pyarrow opens an output file holding the
                # GIL (~0.5 ms here), which kept the rewrite threads from running side by side.
                buffer = pa.BufferOutputStream()
                footer = write_parquet(table, buffer, key)  # the footer as written: no second open to read it
                with open(target, "wb") as handle:
                    handle.write(buffer.getvalue())
            else:
                with self.fs.open(target, "wb") as handle:
                    footer = write_parquet(table, handle, key)
            facts = (footer.num_rows, file_stats(footer, key))
        else:
            if facts is None:
                metadata = pq.read_metadata(source)
                facts = (metadata.num_rows, file_stats(metadata, key))
            if self.fs is None:
                # A hard link (no copy) that leaves the staged file in place: a retried commit adds it again.
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
            else:
                self.fs.put_file(source, target)
        size = os.path.getsize(target) if self.fs is None else self.fs.size(target)
        action = AddAction(name, size, {}, int(time.time() * 1000), True, facts[1])
        return action, facts[0]

    def delete_uncommitted(self, relative: str) -> None:
        """Remove a file this run added but did not commit (no Delta version references it)."""
        try:
            if self.fs is None:
                os.remove(self._full(relative))
            else:
                self.fs.rm(self._full(relative))
        except OSError:
            pass  # unreferenced either way: `maintain` vacuums it

    def active(self, key: str) -> list[dict]:
        """The table's files: `path`, `size_bytes`, and `min.<key>` / `max.<key>` where recorded. (Only these
        columns: converting the timestamp ones to Python would import pandas in the removal helper.)"""
        # (from_stream, not pa.table(): pa.table imports pandas to check for a DataFrame)
        actions = pa.RecordBatchReader.from_stream(self.table.get_add_actions(flatten=True)).read_all()
        wanted = [c for c in ("path", "size_bytes", f"min.{key}", f"max.{key}") if c in actions.column_names]
        return actions.select(wanted).to_pylist()


@dataclass
class PreparedCommit:
    """The actions of one table's commit, its files already in place (rewritten or linked in), not yet committed:
    until `commit`, readers and the Delta log see none of them (an interrupted run leaves only unreferenced files,
    which `maintain` vacuums)."""

    files: TableFiles
    arrow_schema: pa.Schema
    key: str
    actions: list[AddAction | RemoveAction]
    added_rows: int = 0
    rewritten: int = 0

    def add_staged(self, staged: list[str], facts: dict[str, StagedFacts] | None = None) -> None:
        """Link staged Parquet files in (their rows are added by the commit); `facts`: their row counts and
        statistics by path, where known (`write_parquet_with_facts`)."""
        facts = facts or {}
        for path in staged:
            action, rows = self.files.add_file(None, self.key, source=path, facts=facts.get(path))
            self.actions.append(action)
            self.added_rows += rows

    def commit(self, commit_properties: CommitProperties) -> tuple[int, int]:
        if self.actions:
            self.files.table.create_write_transaction(self.actions, mode="append", schema=self.arrow_schema,
                                                      commit_properties=commit_properties)
        return self.added_rows, self.rewritten


def prepare_removal(uri: str, arrow_schema: pa.Schema, key: str, replaced_ids: Iterable[str],
                    pool: Executor | None = None, per_file: int = ARTICLES_PER_FILE) -> PreparedCommit:
    """The first half of a commit: drop every row of `replaced_ids`, rewriting only files that hold them (on
    `pool` when given).

    The rows a rewritten file keeps are written back in files of at most `per_file` articles: after `maintain`
    compacted a table into large files, the first run that changes articles splits the files it touches, and
    the runs after it rewrite small files again instead of the whole table every time."""
    files = TableFiles(uri)
    ids = sorted(set(replaced_ids))
    id_set = string_array(ids)
    now = int(time.time() * 1000)

    def replace(existing: dict) -> list[AddAction | RemoveAction]:
        # The whole file at once: a candidate passed the min/max check, and with a few articles per file it almost
        # always holds a replaced one (182 of 182 candidates at 200 changes among 20,000 articles).
        whole = files.read(existing["path"])
        hit = pc.is_in(whole.column(key), value_set=id_set)
        if not pc.any(hit).as_py():
            return []
        out: list[AddAction | RemoveAction] = [RemoveAction(existing["path"], True, now, existing["size_bytes"], {})]
        if not pc.all(hit).as_py():  # else every row goes: nothing to keep
            kept = whole.filter(pc.invert(hit)).cast(arrow_schema)
            out += [files.add_file(piece, key)[0] for piece in split_by_articles(kept, key, per_file)]
        return out

    candidates = []
    if ids:
        for existing in files.active(key):
            lo, hi = existing.get(f"min.{key}"), existing.get(f"max.{key}")
            if lo is not None and hi is not None:
                first = bisect.bisect_left(ids, lo)
                if first == len(ids) or ids[first] > hi:
                    continue  # no replaced id within this file's range
            candidates.append(existing)
    actions: list[AddAction | RemoveAction] = []
    # Reading, filtering and writing Parquet release the GIL: the touched files are rewritten on all cores.
    for result in (pool.map(replace, candidates) if pool is not None else map(replace, candidates)):
        actions += result
    rewritten = sum(1 for a in actions if isinstance(a, RemoveAction))
    return PreparedCommit(files, arrow_schema, key, actions, 0, rewritten)


def write_parquet_with_facts(table: pa.Table, path: str, key: str) -> StagedFacts:
    """Write `table` as a staged Parquet file; returns its row count and Delta statistics from the footer as
    written, so that the commit need not open the file again (0.2 ms a file, ~4,000 files in a run of 20,000
    articles, all at the single-threaded end of the run)."""
    footer = write_parquet(table, path, key)
    return footer.num_rows, file_stats(footer, key)


def rewrite_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1), thread_name_prefix="newsfacts-rewrite")


def table_uri(dest: str, name: str) -> str:
    return f"{dest.rstrip('/')}/{name}"


def storage_schema(spec: schema.TableSpec) -> pa.Schema:
    """The schema written to Delta and Parquet: without the column descriptions.

    Why: delta-rs refuses a write whose field metadata differs from the files already in the table ("Cannot merge
    metadata with different values for key doc"), so rewording a description in transforms/schema.py would break
    every existing table. Descriptions live in the schema module and docs/tables.md instead.
    """
    return pa.schema([field.remove_metadata() for field in spec.schema])


def prepare_table_removal(dest: str, name: str, article_ids: Sequence[str], pool: Executor | None = None) -> PreparedCommit:
    """`prepare_removal` for table `name` of `dest`, with its schema, key and file size."""
    spec = schema.TABLES[name]
    return prepare_removal(table_uri(dest, name), storage_schema(spec), spec.article_key, article_ids, pool,
                           articles_per_file(name))


def table_pool(names: Sequence[str]) -> ThreadPoolExecutor:
    """One thread per table, to prepare the tables side by side (their rewrites share a `rewrite_pool`)."""
    return ThreadPoolExecutor(max_workers=max(1, len(names)), thread_name_prefix="newsfacts-table")


def prepare_removals(dest: str, names: Iterable[str], article_ids: Iterable[str]) -> dict[str, PreparedCommit]:
    """`prepare_table_removal` of `article_ids` for each table of `names` (files rewritten in place, nothing
    committed), the tables side by side on one rewrite pool."""
    names = list(names)
    ids = sorted(set(article_ids))
    with rewrite_pool() as pool, table_pool(names) as tables:
        futures = {name: tables.submit(prepare_table_removal, dest, name, ids, pool) for name in names}
        return {name: future.result() for name, future in futures.items()}
