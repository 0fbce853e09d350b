"""The handover reports as self-contained HTML (inline CSS and SVG, no script, nothing fetched),
from the autoescaped templates in ``templates/handover/``, and as PDF printed by WeasyPrint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nypconsol import __version__
from nypconsol.core.config import INDEX_STEM
from nypconsol.core.errors import ExitCode, NypconsolError
from nypconsol.core.progress import StepStatus
from nypconsol.render.handover import (
    chosen_platforms,
    day,
    followers_text,
    number,
    owner_text,
    progress_text,
    report_file,
)
from nypconsol.render.phrases import plural

if TYPE_CHECKING:
    from nypconsol.core.handover import DistrictHandover, Handover

PDF_EXTRA = "pip install 'nypconsol[pdf]'"
# The chart: a row per bar, labels on the left, values at the end of each bar (SVG user units).
CHART_WIDTH = 680
LABEL_WIDTH = 240  # px: room for MAX_LABEL characters in DejaVu Sans, the widest fallback
VALUE_WIDTH = 80
ROW_HEIGHT = 22
MAX_BARS = 12  # more accounts than this: the smallest are added up in one bar
MAX_LABEL = 30  # characters; SVG text does not wrap


class PdfUnavailable(NypconsolError):
    """PDF was asked for, but WeasyPrint (the ``pdf`` extra) cannot be loaded: a usage
    problem the user fixes by installing it or choosing another format (exit 2)."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: str  # the number shown
    y: int
    width: str  # of the bar, formatted: the template inserts it as written
    value_x: str  # where the number starts, just after the bar


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]
    note: str  # what the chart leaves out (unknown followers), or ""


def bar_chart(title: str, items: list[tuple[str, int]], note: str = "") -> Chart | None:
    """A horizontal bar chart of ``(label, value)``, largest first; None when there is nothing
    to draw. Beyond MAX_BARS the smallest are one bar, ``N more``."""
    items = sorted((i for i in items if i[1] > 0), key=lambda i: (-i[1], i[0].casefold()))
    if not items:
        return None
    if len(items) > MAX_BARS:
        rest = items[MAX_BARS - 1 :]
        items = [*items[: MAX_BARS - 1], (f"{len(rest)} more", sum(v for _, v in rest))]
    most = max(v for _, v in items)
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for n, (label, value) in enumerate(items):
        width = max(room * value / most, 1.0)
        bars.append(
            Bar(
                label=label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…",
                value=number(value),
                y=n * ROW_HEIGHT,
                width=f"{width:.1f}",
                value_x=f"{LABEL_WIDTH + width + 6:.1f}",
            )
        )
    return Chart(
        title=title,
        width=CHART_WIDTH,
        height=len(bars) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        bars=tuple(bars),
        note=note,
    )


def _unknown_note(count: int) -> str:
    if not count:
        return ""
    return f"Not shown: {plural(count, 'account')} whose followers are unknown."


# Functions the templates call: the same words and numbers as the other formats.
HELPERS = {
    "number": number,
    "followers": followers_text,
    "day": day,
    "owner": owner_text,
    "progress": progress_text,
    "access": chosen_platforms,
    "DONE": StepStatus.DONE,
}


class _StepsTables:
    """Each distinct checklist drawn once (``handover/checklist.html``) and shared: the accounts
    of a district that move on the same dates to the same account have the same checklist."""

    def __init__(self) -> None:
        self._drawn: dict[tuple, object] = {}

    def __call__(self, checklist: tuple) -> object:
        drawn = self._drawn.get(checklist)
        if drawn is None:
            from markupsafe import Markup

            from nypconsol.render.templating import render

            # rendered by an autoescaped template: safe to insert as it is
            drawn = Markup(render("handover/checklist.html", {**HELPERS, "steps": checklist}))
            self._drawn[checklist] = drawn
        return drawn


def _common(handover: Handover, fmt: str) -> dict:
    return {
        **HELPERS,
        "steps_table": _StepsTables(),
        "handover": handover,
        "inputs": [(name, ref) for name, ref in handover.inputs.items() if ref],
        "version": __version__,
        "index_file": report_file(INDEX_STEM, fmt),
        "file": lambda stem: report_file(stem, fmt),
        "links": fmt == "html",  # a PDF has no neighbouring files to link to
    }


def index_html(handover: Handover, fmt: str = "html") -> str:
    from nypconsol.render.templating import render

    chart = bar_chart(
        "Followers to redirect, by district",
        [(r.name, r.totals.followers_to_redirect) for r in handover.reports],
        _unknown_note(handover.totals.followers_unknown),
    )
    return render("handover/index.html", {**_common(handover, fmt), "chart": chart})


def district_html(handover: Handover, report: DistrictHandover, fmt: str = "html") -> str:
    from nypconsol.render.templating import render

    chart = bar_chart(
        "Followers to redirect, by account",
        [(f"{a.as_written} ({a.platform_name})", a.followers or 0) for a in report.consolidated],
        _unknown_note(report.totals.followers_unknown),
    )
    fields = {**_common(handover, fmt), "report": report, "chart": chart}
    return render("handover/district.html", fields)


def handover_html(handover: Handover) -> dict[str, bytes]:
    """``index.html`` and one ``<district>.html`` per report."""
    files = {report_file(INDEX_STEM, "html"): index_html(handover).encode("utf-8")}
    for report in handover.reports:
        files[report_file(report.stem, "html")] = district_html(handover, report).encode("utf-8")
    return files


def handover_pdf(handover: Handover) -> dict[str, bytes]:
    """``index.pdf`` and one ``<district>.pdf`` per report: the HTML printed on A4."""
    html_class, fetcher = _weasyprint()
    pages = {INDEX_STEM: index_html(handover, "pdf")}
    for report in handover.reports:
        pages[report.stem] = district_html(handover, report, "pdf")
    return {
        report_file(stem, "pdf"): html_class(string=text, url_fetcher=fetcher()).write_pdf()
        for stem, text in pages.items()
    }


def check_pdf_available() -> None:
    """Raise PdfUnavailable now, before any work, when WeasyPrint cannot be loaded."""
    _weasyprint()


def _weasyprint():  # type: ignore[no-untyped-def]
    """WeasyPrint's HTML class and a fetcher that fetches nothing (the reports reference
    nothing; a fetcher that refuses makes sure of it)."""
    try:
        import weasyprint
    except ImportError:
        raise PdfUnavailable(
            f"--format pdf needs WeasyPrint, the pdf extra: {PDF_EXTRA} (or write --format "
            "html and print it from a browser)"
        ) from None
    except OSError as exc:  # installed, but its system libraries (Pango) are missing
        raise PdfUnavailable(
            f"WeasyPrint is installed but cannot load its system libraries ({exc}); on Debian "
            "or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from None
    return weasyprint.HTML, lambda: weasyprint.URLFetcher(allowed_protocols=())
