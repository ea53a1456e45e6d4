"""Progress of a run's batches: a bar in a terminal, plain log lines otherwise.

The CLI runs the flow in its own process and installs a reporter here; a deployment run has none, and the flow
logs each batch through Prefect's logger instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class ProgressReporter(Protocol):
    def start(self, total_batches: int, total_files: int) -> None: ...
    def advance(self, batch_no: int, files: int) -> None: ...
    def finish(self) -> None: ...


_current: ProgressReporter | None = None


def current() -> ProgressReporter | None:
    return _current


@contextmanager
def reporting(reporter: ProgressReporter | None) -> Iterator[None]:
    global _current
    previous, _current = _current, reporter
    try:
        yield
    finally:
        _current = previous


class LineReporter:
    """One plain line per batch on stderr (for logs, CI, pipes)."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.total = 0
        self.files = 0

    def start(self, total_batches: int, total_files: int) -> None:
        self.total = total_batches
        if total_batches:
            self._line(f"newsfacts: {total_files} files to read in {total_batches} batches")

    def advance(self, batch_no: int, files: int) -> None:
        self.files += files
        self._line(f"newsfacts: batch {batch_no}/{self.total} done ({self.files} files)")

    def _line(self, text: str) -> None:
        # write(), not print(): Prefect's log_prints would turn a print inside a flow run into a log record.
        self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        pass


class BarReporter:
    """A rich progress bar (rich comes with Prefect), drawn on stderr."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("batches"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[files]} files"),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self.task = None

    def start(self, total_batches: int, total_files: int) -> None:
        if total_batches:
            self.progress.start()
            self.task = self.progress.add_task("run", total=total_batches, files=0)

    def advance(self, batch_no: int, files: int) -> None:
        if self.task is not None:
            done = self.progress.tasks[0].fields["files"] + files
            self.progress.update(self.task, completed=batch_no, files=done)

    def finish(self) -> None:
        if self.task is not None:
            self.progress.stop()


def for_terminal(stream=sys.stderr) -> ProgressReporter:
    return BarReporter() if stream.isatty() else LineReporter(stream)
