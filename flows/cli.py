"""The `newsfacts` command line (also `python -m flows`)."""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from flows import prefect_env  # noqa: F401  (before prefect)

app = typer.Typer(
    name="newsfacts",
    help="Taiwan news articles to versioned, analysis-ready Delta tables.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

DEFAULT_DEST = "data/processed"


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"newsfacts: error: {message}", err=True)
    raise typer.Exit(code)


def format_summary(summary: dict, source: str, dest: str, total_s: float | None = None) -> str:
    timing = f"{summary['elapsed_s']:.1f} s"
    if total_s is not None:
        timing = f"{total_s:.1f} s ({summary['elapsed_s']:.1f} s in the pipeline, the rest Prefect start-up)"
    lines = [
        f"run {summary['run_id']} {summary['status']} in {timing}: {source} -> {dest}",
        f"articles: {summary['n_new']} new, {summary['n_changed']} changed, {summary['n_unchanged']} unchanged, "
        f"{summary['n_rejected']} rejected" + (f", {summary['n_pruned']} pruned" if summary.get("n_pruned") else ""),
    ]
    if summary.get("recovered_from"):
        lines.append(f"recovered: run(s) {', '.join(summary['recovered_from'])} had died; tables restored to the last completed run")
    if summary.get("schema_changes"):
        lines.append(f"columns added: {', '.join(summary['schema_changes'])}")
    if summary.get("rejects_by_reason"):
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(summary["rejects_by_reason"].items()))
        lines.append(f"rejects by reason: {reasons}")
    lines.append(f"{'table':<16}{'rows written':>14}{'version':>10}")
    versions = summary.get("table_versions", {})
    written = summary.get("rows_written", {})
    for name in versions:
        lines.append(f"{name:<16}{written.get(name, 0):>14}{versions[name]:>10}")
    return "\n".join(lines)


def _quiet_prefect_console(verbose: bool) -> None:
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"


_HEARTBEAT_VARIABLES = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


def cli_heartbeat_settings() -> dict:
    """Prefect setting overrides for a flow run started by this CLI: no flow-run heartbeats unless the user
    asked for them in the environment.

    Prefect's heartbeat thread sleeps in 1-second steps and the engine joins it when the flow ends, which added
    0.5-1 s of idle wall time to every run (measured: an empty flow 1.9 s with it, 1.0 s without). Heartbeats only
    help with a Prefect automation that marks silent runs as crashed; the tables do not need them (a dead run is
    detected and rolled back by the next run: README, "What happens on a crash"). Deployment runs keep Prefect's default."""
    if any(os.environ.get(name) for name in _HEARTBEAT_VARIABLES):
        return {}
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    return {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}


def _later_run(dest: str, full_refresh: bool) -> bool:
    """A run into a local destination that already has its tables, without `--full-refresh`."""
    return not full_refresh and "://" not in dest and (Path(dest) / "articles" / "_delta_log").is_dir()


def _start_removal_helper(source: str, dest: str, max_bytes: int, batch_size: int, prune: bool,
                          storage_block: str | None) -> None:
    """A later run usually replaces a few articles: start the removal helper now, before this process imports
    anything heavy (flows/early_removal.py imports none of it). Over a local folder of articles it plans the run,
    guesses the articles it replaces and starts removing their old rows while this process starts."""
    from flows.early_removal import start_standby_helper

    if storage_block or prune or "://" in source or not Path(source).is_dir():
        start_standby_helper()
    else:
        start_standby_helper(dest, source, max_bytes, batch_size)


def _many_files_to_transform(source: str, dest: str, batch_size: int, full_refresh: bool, storage_block: str | None) -> bool:
    """Will this run transform more than one batch? Judged before the run without listing: a local source folder
    holding more than `batch_size` *.txt files, and a local destination without an `articles` table yet (a first
    run) or `--full-refresh`. A wrong guess costs little either way: a worker started for nothing is stopped at
    the end, and a run not foreseen starts its workers when it submits its first batch."""
    if storage_block or "://" in source or "://" in dest or not Path(source).is_dir():
        return False
    if _later_run(dest, full_refresh):
        return False
    from flows.sources import local_folder_has_more_files

    return local_folder_has_more_files(source, batch_size)


@app.command()
def run(
    source: Annotated[str, typer.Option(help="Folder (searched recursively for *.txt), one file, a text file of http(s) URLs, or an fsspec URL.")] = "data/raw",
    dest: Annotated[str, typer.Option(help="Folder (or fsspec URL) holding one Delta table per output table.")] = DEFAULT_DEST,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per transform task.")] = 500,
    max_bytes: Annotated[int, typer.Option(min=1, help="Size cap per file; larger files are rejected unread.")] = 5 * 1024 * 1024,
    full_refresh: Annotated[bool, typer.Option("--full-refresh", help="Reprocess every file, changed or not.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Remove articles whose file left the source.")] = False,
    raw_dir: Annotated[str, typer.Option(help="Where downloads of a URL-list source are kept (immutable raw files).")] = "data/raw",
    storage_block: Annotated[str | None, typer.Option(help="Prefect Secret block holding S3 settings (AWS_* variables as JSON).")] = None,
    fail_on_reject: Annotated[bool, typer.Option("--fail-on-reject", help="Exit 1 when any input was rejected.")] = False,
    json_summary: Annotated[Path | None, typer.Option(help="Also write the run summary (counts, versions, stage seconds) as JSON here.")] = None,
    task_runner: Annotated[str, typer.Option(help="Where transform batches run: process (a pool of one worker per core but one, and the flow process), thread, or dask.")] = "process",
    workers: Annotated[int | None, typer.Option(min=1, help="Processes/threads transforming (default: one per core; with process, the flow process is one of them).")] = None,
    dask_address: Annotated[str | None, typer.Option(help="Scheduler of an existing Dask cluster (with --task-runner dask).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's INFO logs.")] = False,
) -> None:
    """Run the pipeline: read SOURCE, write the tables under DEST, print a summary."""
    started = time.perf_counter()
    # No garbage collection while Prefect, pydantic and pyarrow are imported (~1 M objects, none of them garbage):
    # the collections the imports trigger cost 0.2 s of the 1.2 s they take here. Enabled again below.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _quiet_prefect_console(verbose)
        if _later_run(dest, full_refresh):
            _start_removal_helper(source, dest, max_bytes, batch_size, prune, storage_block)
        from flows.sources import SourceError, open_source

        if not storage_block:  # with a block, the credentials arrive inside the flow run
            try:
                open_source(source)  # fail fast, before Prefect starts, on a missing source
            except SourceError as error:
                _fail(str(error))
        if "://" not in dest and Path(dest).exists() and not Path(dest).is_dir():
            _fail(f"dest is not a folder: {dest}")
        from flows.runners import RUNNER_KINDS, WorkerPool, make_task_runner

        if task_runner not in RUNNER_KINDS:
            _fail(f"--task-runner must be one of {', '.join(RUNNER_KINDS)}, not {task_runner!r}")
        if dask_address and task_runner != "dask":
            _fail("--dask-address needs --task-runner dask")
        runner = make_task_runner(task_runner, workers, dask_address)  # type: ignore[arg-type]
        if isinstance(runner, WorkerPool) and _many_files_to_transform(source, dest, batch_size, full_refresh, storage_block):
            runner.start_first_worker()  # warms up on the core this process leaves idle while it starts
        from flows import progress
        from flows.pipeline import newsfacts_flow

        from prefect.settings import temporary_settings

        # The imports above made ~1 M long-lived objects (Prefect, pydantic, pyarrow); moved out of the collector's
        # reach, each full collection triggered by the run's own allocations stops re-scanning them (measured: 0.1 s
        # per collection on a run over 20,000 files).
        gc.freeze()
    finally:
        if collecting:
            gc.enable()
    configured = newsfacts_flow.with_options(task_runner=runner)
    try:
        with temporary_settings(updates=cli_heartbeat_settings()), progress.reporting(progress.for_terminal()):
            state = configured(source=source, dest=dest, batch_size=batch_size, max_bytes=max_bytes,
                               full_refresh=full_refresh, prune=prune, raw_dir=raw_dir, storage_block=storage_block,
                               return_state=True)
    finally:
        if isinstance(runner, WorkerPool):
            runner.stop_unused()
        from flows.early_removal import stop_standby_helper

        stop_standby_helper()
    if not state.is_completed():
        reason = state.message or "the run failed"
        try:
            state.result()
        except Exception as error:  # the flow's own exception is the clearest one-line reason
            reason = f"{type(error).__name__}: {error}".splitlines()[0]
        _fail(f"run failed: {reason}")
    summary = state.result()
    total_s = time.perf_counter() - started
    typer.echo(format_summary(summary, source, dest, total_s))
    if json_summary:
        json_summary.write_text(json.dumps({**summary, "total_s": round(total_s, 3)}, ensure_ascii=False, indent=2), encoding="utf-8")
    if fail_on_reject and summary["n_rejected"]:
        raise typer.Exit(1)


@app.command()
def segment(
    segmenter: Annotated[str, typer.Option(help="Segmenter name (see docs/segmentation.md).")] = "default",
) -> None:
    """Read lines of text on stdin; write each line's words separated by single spaces (same number of lines)."""
    from transforms.segmenter import get_segmenter

    seg = get_segmenter(segmenter)
    out = sys.stdout
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        out.write(" ".join(token.text for token in seg.tokenize(text)))
        out.write("\n")
    out.flush()


DestOption = Annotated[str, typer.Option(help="Folder (or fsspec URL) holding the tables.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Run id or ISO timestamp (default: the last completed run).")]


def _snapshot_or_fail(as_of: str | None, dest: str):
    from flows.reader import NoSuchRun, snapshot

    if not Path(dest).exists() and "://" not in dest:
        _fail(f"no tables at {dest} (run `newsfacts run` first)")
    try:
        return snapshot(as_of, dest)
    except NoSuchRun as error:
        _fail(str(error))


@app.command()
def history(dest: DestOption = DEFAULT_DEST, limit: Annotated[int, typer.Option(help="Newest runs to show.")] = 50) -> None:
    """List runs, newest first: status, counts and the version of every table after the run."""
    from flows import store

    if not store.is_table(dest, "runs"):
        _fail(f"no tables at {dest} (run `newsfacts run` first)")
    runs = sorted(store.read_table(dest, "runs").to_pylist(), key=lambda r: r["run_id"], reverse=True)[:limit]
    typer.echo(f"{'run_id':<32} {'status':<10} {'started (UTC)':<20} {'secs':>6} {'new':>6} {'chg':>6} {'same':>7} "
               f"{'rej':>5} {'pruned':>6}  table versions")
    for r in runs:
        secs = (r["finished_at"] - r["started_at"]).total_seconds() if r["finished_at"] else None
        versions = " ".join(f"{k}={v}" for k, v in (r["table_versions"] or []))
        typer.echo(
            f"{r['run_id']:<32} {r['status']:<10} {r['started_at']:%Y-%m-%d %H:%M:%S} "
            f"{'' if secs is None else f'{secs:.1f}':>6} {r['n_new'] or 0:>6} {r['n_changed'] or 0:>6} "
            f"{r['n_unchanged'] or 0:>7} {r['n_rejected'] or 0:>5} {r.get('n_pruned') or 0:>6}  {versions}"
        )


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="The article id (path relative to the source, without .txt).")],
    dest: DestOption = DEFAULT_DEST,
    as_of: AsOfOption = None,
) -> None:
    """Print one article and its facts, as of a run."""
    import pyarrow.compute as pc

    from flows.reader import read_arrow
    from transforms.article_text import render_article_text

    pinned = _snapshot_or_fail(as_of, dest)
    where = pc.field("article_id") == article_id
    article = read_arrow("articles", pinned.run_id, dest, filter=where).to_pylist()
    if not article:
        _fail(f"no article {article_id!r} as of run {pinned.run_id}")
    rows = {name: read_arrow(name, pinned.run_id, dest, filter=where).to_pylist()
            for name in ("paragraphs", "entities", "quantities", "time_expressions", "statements")}
    typer.echo(render_article_text(article[0], rows["paragraphs"], rows["entities"], rows["quantities"],
                                   rows["time_expressions"], rows["statements"], pinned.run_id))


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="Folder to write one plain-Parquet folder per table into.")],
    dest: DestOption = DEFAULT_DEST,
    as_of: AsOfOption = None,
) -> None:
    """Write a plain Parquet snapshot of every table (any Parquet reader reads it correctly)."""
    from flows import store
    from transforms import schema

    pinned = _snapshot_or_fail(as_of, dest)
    out.mkdir(parents=True, exist_ok=True)
    for spec in schema.ALL_TABLES:
        if spec.name == "runs":
            rows = store.export_snapshot(dest, "runs", store.versions(dest)["runs"], str(out))
        else:
            rows = store.export_snapshot(dest, spec.name, pinned.table_versions.get(spec.name), str(out))
        typer.echo(f"{spec.name:<18}{rows:>12} rows -> {out / spec.name}")
    (out / "_snapshot.json").write_text(
        json.dumps({"run_id": pinned.run_id, "table_versions": pinned.table_versions, "dest": dest}, indent=2),
        encoding="utf-8",
    )
    typer.echo(f"snapshot as of run {pinned.run_id}")


@app.command()
def maintain(
    dest: DestOption = DEFAULT_DEST,
    retention_days: Annotated[float, typer.Option(min=0, help="Keep files any version of the last N days needs.")] = 7.0,
) -> None:
    """Compact small files, checkpoint the logs, vacuum files older than the retention period."""
    from flows.maintenance import run_maintenance

    if not Path(dest).exists() and "://" not in dest:
        _fail(f"no tables at {dest}")
    result = run_maintenance(dest, retention_hours=int(retention_days * 24))
    typer.echo(f"{'table':<18}{'files before':>13}{'after':>7}{'vacuumed':>10}{'version':>9}")
    for r in result["tables"]:
        typer.echo(f"{r['table']:<18}{r['files_before']:>13}{r['files_after']:>7}{r['vacuumed']:>10}{r['version']:>9}")
    typer.echo(f"maintenance run {result['run_id']} recorded in runs (reads now use the compacted versions)")


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL over views named after the tables (articles, entities, ...).")],
    dest: DestOption = DEFAULT_DEST,
    as_of: AsOfOption = None,
    out: Annotated[Path | None, typer.Option(help="Write the result to .csv or .parquet instead of printing it.")] = None,
    max_rows: Annotated[int, typer.Option(help="Rows to print.")] = 50,
) -> None:
    """Run DuckDB SQL over the tables as of a completed run; print the result or write CSV/Parquet."""
    from flows.sql import run_sql

    pinned = _snapshot_or_fail(as_of, dest)
    try:
        result = run_sql(query, dest, pinned)
    except Exception as error:  # DuckDB's parser and binder errors are one readable line
        _fail(str(error).splitlines()[0])
    if out is not None:
        suffix = out.suffix.lower()
        if suffix == ".csv":
            import pyarrow.csv as pacsv

            pacsv.write_csv(result, out)
        elif suffix == ".parquet":
            import pyarrow.parquet as pq

            pq.write_table(result, out)
        else:
            _fail(f"--out must end in .csv or .parquet, not {out.name!r}")
        typer.echo(f"{result.num_rows} rows -> {out}")
        return
    typer.echo(format_arrow(result, max_rows))


def format_arrow(table, max_rows: int) -> str:
    """A plain text table (full-width characters counted as two columns)."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    def cell(value) -> str:
        text = "NULL" if value is None else str(value).replace("\n", " ")
        if width(text) <= 60:
            return text
        while width(text) > 57:
            text = text[:-1]
        return text + "..."

    rows = [[cell(v) for v in row.values()] for row in table.slice(0, max_rows).to_pylist()]
    header = table.column_names
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]
    if table.num_rows > max_rows:
        out.append(f"... {table.num_rows - max_rows} more rows (use --out to get them all)")
    out.append(f"({table.num_rows} rows)")
    return "\n".join(out)


@app.command()
def report(
    out: Annotated[Path, typer.Option(help="HTML file to write.")] = Path("report.html"),
    dest: DestOption = DEFAULT_DEST,
    as_of: AsOfOption = None,
) -> None:
    """Write a self-contained HTML report with charts (articles per day and category, top people and
    organisations, money by currency over time, rejects, runs)."""
    import datetime as dt

    from flows.reader import read_arrow
    from transforms.report import REPORT_COLUMNS, render_report

    pinned = _snapshot_or_fail(as_of, dest)
    tables = {}
    for name, columns in REPORT_COLUMNS.items():
        table = read_arrow(name, pinned.run_id, dest)
        tables[name] = table.select([c for c in columns if c in table.column_names])
    html = render_report(tables, dt.datetime.now(dt.timezone.utc), title=f"newsfacts report: {dest}")
    out.write_text(html, encoding="utf-8")
    typer.echo(f"report as of run {pinned.run_id} -> {out} ({len(html) // 1024} KiB)")


@app.command()
def serve(
    cron: Annotated[str | None, typer.Option(help='Schedule, e.g. "0 * * * *" (hourly). None: ad-hoc runs only.')] = None,
    name: Annotated[str, typer.Option(help="Deployment name: runs are triggered as 'newsfacts/NAME'.")] = "newsfacts",
    source: Annotated[str, typer.Option(help="Default source of scheduled runs.")] = "data/raw",
    dest: DestOption = DEFAULT_DEST,
    task_runner: Annotated[str, typer.Option(help="process, thread or dask.")] = "process",
    workers: Annotated[int | None, typer.Option(min=1)] = None,
    dask_address: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Serve the flow as a deployment (long-lived): scheduled runs with --cron, and ad-hoc runs with
    `prefect deployment run 'newsfacts/NAME' --param source=...`. Needs PREFECT_API_URL (a running server)."""
    if not os.environ.get("PREFECT_API_URL"):
        _fail("serve needs a running Prefect server: start `prefect server start` and set "
              "PREFECT_API_URL=http://127.0.0.1:4200/api (the temporary server cannot schedule runs)")
    from flows import runners

    # Served runs load the flow from its entrypoint in a child process: the runner choice travels in the environment.
    os.environ[runners.RUNNER_ENV] = task_runner
    if workers:
        os.environ[runners.WORKERS_ENV] = str(workers)
    if dask_address:
        os.environ[runners.DASK_ADDRESS_ENV] = dask_address
    from flows.pipeline import newsfacts_flow

    flow = newsfacts_flow.with_options(task_runner=runners.task_runner_from_env())
    flow.serve(name=name, cron=cron, parameters={"source": source, "dest": dest},
               description="Raw news articles to versioned Delta tables.", tags=["newsfacts"])


# Set for this process and the ones it starts (pool workers, the removal helper), unless the user set them.
# OPENBLAS_NUM_THREADS: numpy's OpenBLAS starts a thread per core that busy-waits at import (0.04-0.08 s of CPU in
# every process, measured), and nothing here multiplies matrices.
PROCESS_ENV_DEFAULTS = {"OPENBLAS_NUM_THREADS": "1"}


def main() -> None:
    """The console script: the app, then an exit without the interpreter's teardown (flows/process_exit.py)."""
    from flows.process_exit import exit_now

    for name, value in PROCESS_ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)

    try:
        app()
    except SystemExit as done:
        exit_now(done.code)
    exit_now(0)


if __name__ == "__main__":
    main()
