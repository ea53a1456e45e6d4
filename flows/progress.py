"""Progress of a run: a bar in a terminal, plain log lines otherwise.

The CLI runs the flow in its own process and installs a reporter here; a deployment run has none, and the flow
logs each batch through Prefect's logger instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class ProgressReporter(Protocol):
    """Files to read, then files done (unchanged ones when read, new and changed ones when transformed)."""

    def start(self, total_files: int) -> None: ...
    def advance(self, files: int) -> None: ...
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
    """One plain line per step on stderr (for logs, CI, pipes)."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.total = 0
        self.files = 0

    def start(self, total_files: int) -> None:
        self.total = total_files
        if total_files:
            self._line(f"newsfacts: {total_files} files to read")

    def advance(self, files: int) -> None:
        self.files += files
        self._line(f"newsfacts: {self.files}/{self.total} files done")

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

        self.progress = Progress(TextColumn("files"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True)
        self.task = None

    def start(self, total_files: int) -> None:
        if total_files:
            self.progress.start()
            self.task = self.progress.add_task("run", total=total_files)

    def advance(self, files: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, files)

    def finish(self) -> None:
        if self.task is not None:
            self.progress.stop()


def for_terminal(stream=sys.stderr) -> ProgressReporter:
    return BarReporter() if stream.isatty() else LineReporter(stream)
