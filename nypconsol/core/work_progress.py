"""Progress of long work (reading and checking a large inventory), reported to whoever shows
it: a plain callback, ``report(stage, done, total)``, so that the core and the loaders need no
display library. ``total`` is None when it is not known."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

ProgressReport = Callable[[str, int, "int | None"], None]
EVERY = 2000  # rows between two reports: often enough for a bar, rare enough to cost nothing

T = TypeVar("T")


def reported(
    items: Iterable[T], report: ProgressReport | None, stage: str, total: int | None
) -> Iterable[T]:
    """``items``, reporting every EVERY of them (and the end) to ``report``; ``items`` itself
    when there is no one to report to."""
    if report is None:
        return items
    return _reporting(items, report, stage, total)


def _reporting(
    items: Iterable[T], report: ProgressReport, stage: str, total: int | None
) -> Iterator[T]:
    report(stage, 0, total)
    done = 0
    for item in items:
        yield item
        done += 1
        if done % EVERY == 0:
            report(stage, done, total)
    report(stage, done, done)  # the end: what was counted is the total
