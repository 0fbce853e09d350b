"""Which function renders which document in which format: one table, keyed by (document, format),
whose modules are imported only when used (``nypconsol --help`` imports none of them).

Renderers of one document share a signature:

* ``findings``: ``(findings, *, accounts=None) -> str``
* ``plan``: ``(plan, *, console=None, progress=None) -> str | Iterable[bytes]``; with a rich
  console, ``table`` draws at the terminal and returns ""; ``progress`` (core/work_progress.py) hears
  of the accounts written by a renderer that takes long (``xlsx``)
* ``drift``: ``(drift, *, heading=..., committed=None) -> str``; ``committed`` is the plan file
  checked against, for annotations on its lines
* ``districts``: ``(config, *, path, console=None) -> str``
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

RENDERERS: dict[tuple[str, str], str] = {
    ("findings", "text"): "nypconsol.render.text:findings_text",
    ("findings", "json"): "nypconsol.render.data:findings_json",
    ("findings", "github"): "nypconsol.render.github:findings_annotations",
    ("plan", "table"): "nypconsol.render.text:plan_table",
    ("plan", "json"): "nypconsol.render.data:plan_json_chunks",
    ("plan", "yaml"): "nypconsol.render.data:plan_yaml",
    ("plan", "markdown"): "nypconsol.render.markdown:plan_markdown",
    ("plan", "csv"): "nypconsol.render.csvfile:plan_csv",
    ("plan", "xlsx"): "nypconsol.render.xlsxfile:plan_xlsx",
    ("drift", "text"): "nypconsol.render.text:drift_text",
    ("drift", "json"): "nypconsol.render.data:drift_json",
    ("drift", "markdown"): "nypconsol.render.markdown:drift_markdown",
    ("drift", "github"): "nypconsol.render.github:drift_annotations",
    ("districts", "table"): "nypconsol.render.text:districts_text",
    ("districts", "json"): "nypconsol.render.data:districts_json",
    ("districts", "yaml"): "nypconsol.render.data:districts_yaml",
}


def formats(kind: str) -> tuple[str, ...]:
    """The formats a document can be rendered in, in the table's order."""
    return tuple(fmt for document, fmt in RENDERERS if document == kind)


def renderer(kind: str, fmt: str) -> Callable[..., Any]:
    module, _, name = RENDERERS[(kind, fmt)].partition(":")
    return getattr(import_module(module), name)


def render(kind: str, fmt: str, subject: object, **options: Any) -> Any:
    """Render ``subject`` (a document of ``kind``) in ``fmt``."""
    return renderer(kind, fmt)(subject, **options)
