"""A progress bar on stderr for reading and checking that takes more than about a second, with
the rows done per second: only at a terminal, and never with --quiet. The core and the loaders
report to a plain callback (core/work_progress.py); rich is imported only once a bar is shown."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator

from nypconsol.core.parsing import printable
from nypconsol.core.work_progress import ProgressReport

SHOW_AFTER = 1.0  # seconds of work before a bar is worth showing


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[ProgressReport | None]:
    """A callback that shows a bar once the work has taken SHOW_AFTER seconds, or None when
    no bar may be shown (--quiet, stderr not a terminal, TERM=dumb)."""
    if quiet or not _stderr_is_a_terminal() or os.environ.get("TERM") == "dumb":
        yield None
        return
    bar = DelayedBar()
    try:
        yield bar
    finally:
        bar.close()


def _stderr_is_a_terminal() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class DelayedBar:
    """The callback: it remembers each stage's progress, and a timer started by the first
    report shows the bar if the work is still going after SHOW_AFTER seconds (so a bar moves
    even while one long step, such as parsing a large YAML file, runs)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stages: dict[str, tuple[int, int | None]] = {}
        self._began: dict[str, float] = {}  # when each stage was first reported
        self._ended: dict[str, float] = {}  # when each stage finished
        self._tasks: dict[str, object] = {}
        self._progress = None  # rich's Progress, once shown
        self._timer: threading.Timer | None = None
        self._closed = False

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        with self._lock:
            if self._closed:
                return
            now = time.monotonic()
            if stage not in self._began:
                for earlier in self._began:  # a new stage: the ones before it are done
                    self._ended.setdefault(earlier, now)
                self._began[stage] = now
            if total is not None and 0 < total <= done:  # the stage's last report
                self._ended.setdefault(stage, now)
            self._stages[stage] = (done, total)
            if self._progress is not None:
                self._update(stage, done, total)
            elif self._timer is None:
                self._timer = threading.Timer(SHOW_AFTER, self._show)
                self._timer.daemon = True
                self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if self._closed or self._progress is not None:
                return
            self._progress = _rich_progress()
            self._progress.start()
            for stage, (done, total) in self._stages.items():
                self._update(stage, done, total)

    def _update(self, stage: str, done: int, total: int | None) -> None:
        progress = self._progress
        task = self._tasks.get(stage)
        if task is None:
            shown = printable(stage)  # a file name from the command line
            task = progress.add_task(shown, total=total, clock=(self._began, self._ended, stage))  # type: ignore[attr-defined]
            self._tasks[stage] = task
        for earlier, other in self._tasks.items():
            if earlier in self._ended and other != task:
                completed = self._stages[earlier][0]
                progress.update(other, completed=completed, total=completed)  # type: ignore[attr-defined]
        progress.update(task, completed=done, total=total)  # type: ignore[attr-defined]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._progress is not None:
                self._progress.stop()

    @property
    def shown(self) -> bool:
        return self._progress is not None


def _rich_progress():  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
    )
    from rich.text import Text

    def seconds(task) -> float:  # type: ignore[no-untyped-def]
        """How long the stage has run (or ran), from its first report: the bar may have
        appeared a second after it began."""
        began, ended, stage = task.fields["clock"]
        return ended.get(stage, time.monotonic()) - began[stage]

    class RowsPerSecond(ProgressColumn):
        def render(self, task) -> Text:  # type: ignore[no-untyped-def]
            took = seconds(task)
            return Text(f"{task.completed / took:,.0f} rows/s" if took > 0.05 else "")

    class Elapsed(ProgressColumn):
        def render(self, task) -> Text:  # type: ignore[no-untyped-def]
            whole = int(seconds(task))
            return Text(f"{whole // 60}:{whole % 60:02d}")

    plain = bool(os.environ.get("NO_COLOR"))
    console = Console(
        stderr=True, markup=False, emoji=False, highlight=False, no_color=plain or None
    )
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        RowsPerSecond(),
        Elapsed(),
        console=console,
        transient=True,
        refresh_per_second=8,
    )
