"""Delta Lake storage of the output tables: create, evolve, read state, stage and commit.

Every run stages its rows as Parquet files in a local scratch folder and commits each table once at the end,
streaming the staged files into one Delta commit. A table's commit replaces all rows of the articles it holds
(`overwrite` with an `article_id IN (...)` predicate), so re-committing the same articles after a crash is
idempotent. Content tables are committed before `articles`: an article counts as processed only once its row in
`articles` exists, which is written last.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
# pyarrow.dataset before deltalake, on purpose: imported lazily (after deltalake had started its runtime), a CLI
# process that read an S3 table through a dataset aborted at exit 2 times in 9 ("terminate called without an
# active exception"); imported first, 0 in 13.
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, WriterProperties, write_deltalake

from flows import storage  # noqa: F401  (S3 defaults in the environment before delta-rs reads it)
from flows.table_state import (  # noqa: F401  (the first reads of every run; store's names for them too)
    _live_files,
    load_article_state,
    load_reject_state,
    local_log_version,
    read_small_table,
)
from flows.delta_files import (  # (table_uri and storage_schema are used through store too)
    PreparedCommit,
    StagedFacts,
    articles_per_file,
    prepare_table_removal,
    rewrite_pool,
    split_by_articles,
    storage_schema,
    table_pool,
    table_uri,
    write_parquet_with_facts,
)
from transforms import schema

# Concurrent writers retry their commit on conflict (measured: 4x50 concurrent appends fail without this).
_COMMIT = CommitProperties(max_commit_retries=100)
# Compaction must write files as fast to read as the ones it replaces: delta-rs compacts with ZSTD by default,
# and a ZSTD file read 4x slower than our Snappy-written files (measured on 0.9 M token rows); and one big row
# group is decoded by one thread, where pyarrow reads row groups in parallel (0.051 s vs 0.032 s for 20 files).
_COMPACTION = WriterProperties(compression="SNAPPY", max_row_group_size=128 * 1024)


def _plain(table: pa.Table, spec: schema.TableSpec) -> pa.Table:
    return table.cast(storage_schema(spec))


def is_table(dest: str, name: str) -> bool:
    return DeltaTable.is_deltatable(table_uri(dest, name))


def create_missing_tables(dest: str) -> None:
    """Create every table that does not exist yet (empty, with its schema: version 0)."""
    if "://" not in dest:
        Path(dest).mkdir(parents=True, exist_ok=True)
    for spec in schema.ALL_TABLES:
        uri = table_uri(dest, spec.name)
        if not DeltaTable.is_deltatable(uri):
            try:
                DeltaTable.create(uri, storage_schema(spec), mode="ignore", name=spec.name, description=spec.doc)
            except Exception:
                # Another process created it between our check and our create.
                if not DeltaTable.is_deltatable(uri):
                    raise


def evolve_schemas(dest: str) -> list[str]:
    """Add the columns this pipeline version defines and a table lacks (schema evolution). Returns `table.column`s."""
    added: list[str] = []
    for spec in schema.ALL_TABLES:
        added += [f"{spec.name}.{c}" for c in _add_missing_columns(DeltaTable(table_uri(dest, spec.name)), spec)]
    return added


def ensure_tables(dest: str) -> None:
    create_missing_tables(dest)
    evolve_schemas(dest)


def _add_missing_columns(table: DeltaTable, spec: schema.TableSpec) -> list[str]:
    existing = set(table.schema().to_arrow().names)
    missing = [field for field in spec.schema if field.name not in existing]
    if missing:
        from deltalake.schema import Field

        # New columns are nullable: rows written by older versions read them as null.
        table.alter.add_columns([Field.from_arrow(field.remove_metadata().with_nullable(True)) for field in missing])
    return [field.name for field in missing]


def table_version(dest: str, name: str) -> int:
    """A table's current version: from its log's file names when local (0.1 ms instead of loading the table,
    ~5 ms each, 10 tables at the end of every run)."""
    version = local_log_version(dest, name)
    return version if version is not None else DeltaTable(table_uri(dest, name)).version()


def versions(dest: str) -> dict[str, int]:
    return {spec.name: table_version(dest, spec.name) for spec in schema.ALL_TABLES}


DATA_TABLES = tuple(spec.name for spec in schema.ALL_TABLES if spec.name != "runs")


def data_versions(dest: str) -> dict[str, int]:
    """Current Delta version of every table but `runs` (which indexes them)."""
    return {name: table_version(dest, name) for name in DATA_TABLES}


def restore_versions(dest: str, target: dict[str, int]) -> dict[str, int]:
    """Roll every data table back to `target` (a completed run's versions; 0, the empty table, when absent).

    Used after a crash: commits a run made before it died are undone, so the next run starts from exactly the
    state of the last completed run. Returns the tables restored and the version each went back to.
    """
    restored: dict[str, int] = {}
    for name in DATA_TABLES:
        table = DeltaTable(table_uri(dest, name))
        want = target.get(name, 0)
        if table.version() != want:
            table.restore(want, commit_properties=_COMMIT)
            restored[name] = want
    return restored


def delta_dataset(dest: str, name: str, version: int | None = None) -> ds.Dataset:
    """The rows of a table version as a pyarrow dataset over the files its Delta log lists.

    Why not `DeltaTable.to_pyarrow_dataset()`: a process that scanned through it aborts at exit about one time in
    three ("terminate called without an active exception", delta-rs/pyarrow shutdown ordering, measured here with
    deltalake 1.6.6 / pyarrow 26). Our tables use no deletion vectors, column mapping or partitions, so the active
    file list with the table's schema (missing columns of older files read as null) is the table.
    """
    arrow_schema, files, filesystem = _live_files(dest, name, version)
    return ds.dataset(files, schema=arrow_schema, format="parquet", filesystem=filesystem)


def read_table(dest: str, name: str, columns: Sequence[str] | None = None, version: int | None = None,
               filter: pc.Expression | None = None) -> pa.Table:
    return delta_dataset(dest, name, version).to_table(columns=list(columns) if columns else None, filter=filter)


def write_stage_parts(root: str | Path, tables: dict[str, pa.Table]) -> dict[str, StagedFacts]:
    """Write one batch's tables as Parquet parts under `root/<table>/`: uniquely named (workers write
    concurrently), at most `articles_per_file(table)` articles each (these files become the table's files). Returns
    the row count and Delta statistics of every file written, by path (for the commit: `Staging.facts`)."""
    import uuid

    facts: dict[str, StagedFacts] = {}
    for name, table in tables.items():
        if table.num_rows == 0:
            continue
        folder = Path(root) / name
        folder.mkdir(parents=True, exist_ok=True)
        spec = schema.TABLES[name]
        per_file = articles_per_file(name)
        pieces = split_by_articles(_plain(table, spec), spec.article_key, per_file) if spec.article_key else [_plain(table, spec)]
        for piece in pieces:
            path = str(folder / f"part-{uuid.uuid4().hex}.parquet")
            facts[path] = write_parquet_with_facts(piece, path, spec.article_key or "")
    return facts


class Staging:
    """Local scratch folder of one run: Parquet parts per table, streamed into Delta at commit.

    Transform tasks write their parts here themselves when they run on this machine (process, thread or local
    Dask workers); a remote Dask worker returns its tables and the flow writes them (`add`).
    """

    def __init__(self, run_id: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix=f"newsfacts-{run_id}-"))
        self.facts: dict[str, StagedFacts] = {}  # row count and statistics of staged files, by path, where known

    def add(self, tables: dict[str, pa.Table]) -> None:
        self.facts.update(write_stage_parts(self.root, tables))

    def files(self, name: str) -> list[str]:
        folder = self.root / name
        return sorted(str(p) for p in folder.glob("*.parquet")) if folder.exists() else []

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def commit_replacing_articles(dest: str, name: str, files: list[str], article_ids: Iterable[str]) -> int:
    """One commit: drop every row of `article_ids` from table `name` and add the staged files (linked in as they
    are; see flows/delta_files.py). Returns rows added."""
    return commit_tables_replacing_articles(dest, {name: files}, article_ids)[name]


def commit_tables_replacing_articles(dest: str, staged: dict[str, list[str]], article_ids: Iterable[str],
                                     after_each: Callable[[str], None] | None = None,
                                     removals: dict[str, PreparedCommit] | None = None,
                                     facts: dict[str, StagedFacts] | None = None) -> dict[str, int]:
    """Drop every row of `article_ids` from each table of `staged` and add its staged files: one commit per
    table, in the order of `staged`.

    The files of all tables are rewritten on one pool while the tables commit one after the other, so a core is
    not left idle at the end of each table's share (a run replacing 200 of 20,000 articles rewrites ~180 small
    files per table). `removals`: the removals of exactly `article_ids`, already prepared per table (in a helper
    process, flows/early_removal.py). `facts`: row counts and statistics of staged files, by path, where known.
    `after_each(name)` runs after each table's commit. Returns rows added per table."""
    ids = sorted(set(article_ids))
    written: dict[str, int] = {}
    names = [name for name, files in staged.items() if ids or files]

    def prepare(name: str, pool: ThreadPoolExecutor) -> PreparedCommit:
        """Everything of a table's commit but the commit: its removal, then its staged files linked in."""
        prepared = removals[name] if removals is not None else prepare_table_removal(dest, name, ids, pool)
        prepared.add_staged(staged[name], facts)
        return prepared

    with rewrite_pool() as pool, table_pool(names) as tables:
        prepared = {name: tables.submit(prepare, name, pool) for name in names}
        for name in staged:
            written[name] = prepared[name].result().commit(_COMMIT)[0] if name in prepared else 0
            if after_each:
                after_each(name)
    return written


def append_rows(dest: str, name: str, files_or_table: list[str] | pa.Table) -> int:
    spec = schema.TABLES[name]
    if isinstance(files_or_table, pa.Table):
        data = _plain(files_or_table, spec)
        rows = data.num_rows
    else:
        if not files_or_table:
            return 0
        dataset = ds.dataset(files_or_table, schema=storage_schema(spec), format="parquet")
        rows = dataset.count_rows()
        data = dataset.scanner().to_reader()
    if rows:
        write_deltalake(table_uri(dest, name), data, mode="append", commit_properties=_COMMIT)
    return rows


def upsert_runs(dest: str, rows: list[dict]) -> None:
    """Insert or replace `runs` rows by run_id, in one commit."""
    table = _plain(schema.to_table(schema.RUNS, rows), schema.RUNS)
    predicate = f"run_id IN ({', '.join(_quote(r['run_id']) for r in rows)})"
    write_deltalake(table_uri(dest, "runs"), table, mode="overwrite", predicate=predicate, commit_properties=_COMMIT)


def runs_table(dest: str) -> pa.Table:
    return read_table(dest, "runs")


def count_rows(dest: str, name: str, predicate: pc.Expression | None = None) -> int:
    dataset = delta_dataset(dest, name)
    return dataset.count_rows(filter=predicate) if predicate is not None else dataset.count_rows()



def maintain_table(dest: str, name: str, retention_hours: int, target_size: int = 16 * 1024 * 1024) -> dict:
    """Compact small files, write a checkpoint, drop expired log entries, vacuum files removed long enough ago.

    Files are compacted to `target_size` (16 MiB), not delta-rs's default 100 MiB: several files and row groups
    let pyarrow decode in parallel, which made reading faster than one large file.

    Vacuum only deletes files that no version younger than `retention_hours` needs, so reads `as_of` a run inside
    the retention period keep working; older versions become unreadable (their files are gone).
    """
    table = DeltaTable(table_uri(dest, name))
    before_files = len(table.file_uris())
    metrics = table.optimize.compact(target_size=target_size, writer_properties=_COMPACTION, commit_properties=_COMMIT)
    table = DeltaTable(table_uri(dest, name))
    table.create_checkpoint()
    table.cleanup_metadata()
    vacuumed = table.vacuum(retention_hours=retention_hours, dry_run=False, enforce_retention_duration=False,
                            commit_properties=_COMMIT)
    table = DeltaTable(table_uri(dest, name))
    return {
        "table": name,
        "files_before": before_files,
        "files_after": len(table.file_uris()),
        "files_added": int(metrics.get("numFilesAdded", 0)),
        "files_removed": int(metrics.get("numFilesRemoved", 0)),
        "vacuumed": len(vacuumed),
        "version": table.version(),
    }


def export_snapshot(dest: str, name: str, version: int | None, out: str) -> int:
    """Write one table, at a version, as plain Parquet files in `out/<name>/` (replacing what was there)."""
    target = Path(out) / name
    if version is None:
        data = schema.empty_table(schema.TABLES[name])
        rows = 0
    else:
        data = delta_dataset(dest, name, version)
        rows = data.count_rows()
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if rows == 0:
        pq.write_table(storage_schema(schema.TABLES[name]).empty_table(), target / "part-0.parquet")
    else:
        ds.write_dataset(data, target, format="parquet", basename_template="part-{i}.parquet",
                           max_rows_per_file=5_000_000, existing_data_behavior="overwrite_or_ignore")
    return rows
