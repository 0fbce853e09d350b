"""CSV for spreadsheets: the plan's accounts, safe to open in Excel."""

from __future__ import annotations

import csv
import io

from nypconsol.core.models import Plan
from nypconsol.render.envelope import account_dicts

# The plan's account fields (core/models.py, render/envelope.py), with the source split in two.
CSV_COLUMNS = (
    "district",
    "district_name",
    "handle",
    "platform",
    "owner",
    "collar_number",
    "role",
    "area",
    "action",
    "note",
    "target",
    "wave",
    "notice_date",
    "close_date",
    "followers",
    "status",
    "last_post",
    "url",
    "target_url",
    "source_file",
    "source_line",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: object) -> str:
    """Neutralise text that Excel would run as a formula (=, +, -, @, tab, CR) with a leading '."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def plan_csv(plan: Plan, *, console: object = None, progress: object = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in account_dicts(plan):
        row["source_file"], row["source_line"] = row["source"]["file"], row["source"]["line"]
        writer.writerow([excel_safe(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()
