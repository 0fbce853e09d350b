"""Fitting a table to a terminal's width: which columns are kept, in what widths, so that values
that must stay whole (handles, dates, platforms, actions, numbers) are never split or cut.

Each column says how it may give way: ``KEEP`` columns are as wide as their longest value (only
their header may wrap, at spaces); ``WRAP`` columns wrap at spaces, never inside a word;
``SHORTEN`` columns (free text such as an owner's name) are cut with an ellipsis. When even the
narrowest layout is too wide, columns are dropped in the order of their ``drop`` rank, lowest
first, and the layout says which.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

GAP = 2  # cells between two columns (rich: a divider and one cell of padding)
SHORTEST = 10  # a shortened column narrower than this says too little: drop it instead


class Give(StrEnum):
    """How a column gives way when space is short."""

    KEEP = "keep"
    WRAP = "wrap"
    SHORTEN = "shorten"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    header: str
    justify: str = "left"  # or "right"
    give: Give = Give.KEEP
    drop: int | None = None  # rank in the drop order (lowest first); None: never dropped


@dataclass(frozen=True, slots=True)
class Layout:
    kept: tuple[int, ...]  # indexes of the columns shown, in order
    widths: tuple[int, ...]  # the width of each column shown
    dropped: tuple[str, ...]  # headers of the columns left out, in the drop order
    fits: bool  # False: even without every droppable column the table is too wide


def _longest_word(text: str, measure: Callable[[str], int]) -> int:
    return max((measure(word) for word in text.split()), default=0)


def fit_columns(
    specs: Sequence[ColumnSpec],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    measure: Callable[[str], int] = len,
) -> Layout:
    """The columns to show and their widths, for rows of cells to draw ``width`` cells wide."""
    natural: list[int] = []  # as wide as the widest value and the header on one line
    least: list[int] = []  # the narrowest the column may be
    for index, spec in enumerate(specs):
        cells = [row[index] for row in rows]
        widest = max((measure(cell) for cell in cells), default=0)
        header_word = _longest_word(spec.header, measure)
        natural.append(max(widest, measure(spec.header)))
        if spec.give is Give.KEEP:
            least.append(max(widest, header_word))
        elif spec.give is Give.WRAP:
            words = max((_longest_word(cell, measure) for cell in cells), default=0)
            least.append(max(words, header_word))
        else:
            least.append(max(min(widest, SHORTEST), header_word))

    def needed(columns: list[int]) -> int:
        return sum(least[i] for i in columns) + GAP * max(len(columns) - 1, 0)

    kept = list(range(len(specs)))
    dropped: list[str] = []
    droppable = sorted(
        (i for i, spec in enumerate(specs) if spec.drop is not None),
        key=lambda i: specs[i].drop,  # type: ignore[arg-type, return-value]
    )
    for index in droppable:
        if needed(kept) <= width:
            break
        kept.remove(index)
        dropped.append(specs[index].header)
    fits = needed(kept) <= width
    widths = {i: least[i] for i in kept}
    spare = width - needed(kept)
    # Space left over goes first to wrapped text (fewer lines), then to columns whose header
    # had to wrap, then to shortened text: among columns that give way alike, in proportion
    # to what each lacks of its natural width.
    for give in (Give.WRAP, Give.KEEP, Give.SHORTEN):
        group = [i for i in kept if specs[i].give is give]
        while spare > 0:
            wants = {i: natural[i] - widths[i] for i in group if natural[i] > widths[i]}
            if not wants:
                break
            lacking = sum(wants.values())
            shares = {i: spare * want // lacking for i, want in wants.items()}
            if not any(shares.values()):  # less than a cell each: to the neediest first
                neediest = max(wants, key=lambda i: (wants[i], -i))
                shares = {neediest: 1}
            for i, share in shares.items():
                grow = min(share, wants[i])
                widths[i] += grow
                spare -= grow
    return Layout(
        kept=tuple(kept),
        widths=tuple(widths[i] for i in kept),
        dropped=tuple(dropped),
        fits=fits,
    )
