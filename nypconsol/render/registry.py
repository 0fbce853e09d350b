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
* ``handover``: ``(handover) -> dict[str, bytes]``: the files of ``-o DIR``, ``index.EXT`` and
  one ``DISTRICT.EXT`` per report
* ``handover-stdout``: ``(handover, *, console=None) -> str``: without ``-o``, a summary
  (``table``) or every report in one document (``json``)
* ``notices``: ``(notice_set, *, console=None) -> str`` (core/notices.NoticeSet)
* ``measure``: ``(measured, *, console=None) -> str`` (core/measure.Measure)
* ``status``: ``(report, *, console=None) -> str``; ``report`` is a ``core.status.StatusReport``;
  with a rich console, ``table`` draws at the terminal and returns ""
* ``log``: ``(events, *, ledger="", console=None) -> str``; ``events`` are the ledger's, oldest
  first, and ``ledger`` names it
* ``sweep``: ``(sweep, *, width=None) -> Iterator[str | bytes]``: the sweep on standard output,
  in chunks as it is drawn: the summary for a person (``table``, wrapped to ``width``), the
  document (``json``), every district's worklist (``csv``, ``html``); ``sweep`` is a
  ``render.sweep.SweepView`` (its items drawn from the sweep's store one at a time)
* ``sweep-folder``: ``(sweep) -> dict[str, FileProducer]``: the files of ``sweep -o DIR``, each
  a function that writes it into the stream it is given (``loaders/folders.write_folder``): one
  ``DISTRICT.csv`` and ``DISTRICT.html`` worklist per district, and ``sweep.json``
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
    ("handover", "html"): "nypconsol.render.handover_html:handover_html",
    ("handover", "markdown"): "nypconsol.render.handover_markdown:handover_markdown",
    ("handover", "json"): "nypconsol.render.handover:handover_json",
    ("handover", "pdf"): "nypconsol.render.handover_html:handover_pdf",
    ("handover-stdout", "table"): "nypconsol.render.handover:handover_table",
    ("handover-stdout", "json"): "nypconsol.render.handover:handover_json_all",
    ("notices", "text"): "nypconsol.render.notices:notices_text",
    ("notices", "markdown"): "nypconsol.render.notices:notices_markdown",
    ("notices", "json"): "nypconsol.render.notices:notices_json",
    ("measure", "text"): "nypconsol.render.notices:measure_text",
    ("measure", "json"): "nypconsol.render.notices:measure_json",
    ("status", "table"): "nypconsol.render.status:status_table",
    ("status", "json"): "nypconsol.render.status:status_json",
    ("status", "csv"): "nypconsol.render.status:status_csv",
    ("status", "markdown"): "nypconsol.render.status:status_markdown",
    ("status", "github"): "nypconsol.render.status:status_annotations",
    ("log", "table"): "nypconsol.render.log:log_table",
    ("log", "json"): "nypconsol.render.log:log_json",
    ("log", "csv"): "nypconsol.render.log:log_csv",
    ("sweep", "table"): "nypconsol.render.sweep_text:sweep_summary",
    ("sweep", "json"): "nypconsol.render.sweep:sweep_json",
    ("sweep", "csv"): "nypconsol.render.sweep:sweep_csv",
    ("sweep", "html"): "nypconsol.render.sweep_html:sweep_html",
    ("sweep-folder", "csv"): "nypconsol.render.sweep:sweep_csv_files",
    ("sweep-folder", "html"): "nypconsol.render.sweep_html:sweep_html_files",
    ("sweep-folder", "json"): "nypconsol.render.sweep:sweep_json_files",
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
