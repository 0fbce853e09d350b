"""The terminal: a rich console that never reads user text as markup, and tables drawn with it."""

from __future__ import annotations

import os
from typing import IO

from nypconsol.render.text import TextTable


def make_console(file: IO[str] | None = None, *, no_color: bool = False, width: int | None = None):  # type: ignore[no-untyped-def]
    """A console that never reads user text as markup, emoji codes or highlights.

    --no-color, NO_COLOR and TERM=dumb turn off every style, bold included (rich alone would
    drop only the colours).
    """
    from rich.console import Console

    plain = no_color or bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
    return Console(
        file=file,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=plain or None,
        color_system=None if plain else "auto",
        width=width,
        soft_wrap=False,
    )


def print_tables(tables: list[TextTable], lines: list[str], console) -> None:  # type: ignore[no-untyped-def]
    """Draw with rich, for a terminal."""
    from rich import box
    from rich.table import Table

    for text_table in tables:
        table = Table(title=text_table.title, box=box.SIMPLE_HEAD, title_justify="left")
        for header, justify in text_table.columns:
            table.add_column(header, justify=justify, overflow="fold")
        for row in text_table.rows:
            table.add_row(*row)
        console.print(table)
    for line in lines:
        console.print(line)
