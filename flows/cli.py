"""The `newsfacts` command line (also `python -m flows`)."""

from __future__ import annotations

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
        f"{summary['n_rejected']} rejected",
    ]
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


@app.command()
def run(
    source: Annotated[str, typer.Option(help="Folder (searched recursively for *.txt), one file, or an fsspec URL.")] = "data/raw",
    dest: Annotated[str, typer.Option(help="Folder (or fsspec URL) holding one Delta table per output table.")] = DEFAULT_DEST,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per task batch.")] = 200,
    max_bytes: Annotated[int, typer.Option(min=1, help="Size cap per file; larger files are rejected unread.")] = 5 * 1024 * 1024,
    full_refresh: Annotated[bool, typer.Option("--full-refresh", help="Reprocess every file, changed or not.")] = False,
    fail_on_reject: Annotated[bool, typer.Option("--fail-on-reject", help="Exit 1 when any input was rejected.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's INFO logs.")] = False,
) -> None:
    """Run the pipeline: read SOURCE, write the tables under DEST, print a summary."""
    started = time.perf_counter()
    _quiet_prefect_console(verbose)
    from flows.sources import SourceError, open_source

    try:
        open_source(source)  # fail fast, before Prefect starts, on a missing source
    except SourceError as error:
        _fail(str(error))
    if "://" not in dest and Path(dest).exists() and not Path(dest).is_dir():
        _fail(f"dest is not a folder: {dest}")
    from flows.pipeline import newsfacts_flow


    state = newsfacts_flow(source=source, dest=dest, batch_size=batch_size, max_bytes=max_bytes,
                           full_refresh=full_refresh, return_state=True)
    if not state.is_completed():
        reason = state.message or "the run failed"
        try:
            state.result()
        except Exception as error:  # the flow's own exception is the clearest one-line reason
            reason = f"{type(error).__name__}: {error}".splitlines()[0]
        _fail(f"run failed: {reason}")
    summary = state.result()
    typer.echo(format_summary(summary, source, dest, time.perf_counter() - started))
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
