"""Machine formats: JSON, YAML, CSV (safe to open in Excel) and Markdown."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterator

from nypconsol.models import Plan
from nypconsol.parsing import printable
from nypconsol.render.envelope import account_dicts, plan_envelope

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


def to_json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# From this many accounts the plan is encoded by orjson, ten times faster than json's encoder
# but 20 ms to import: below it, json's encoder is done sooner. Both write the same bytes.
ORJSON_FROM = 5000


def account_encoder(count: int) -> Callable[[dict], bytes]:
    """The encoder of one account for a plan of ``count`` accounts: compact UTF-8 JSON."""
    if count >= ORJSON_FROM:
        import orjson

        return orjson.dumps
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return lambda account: encode(account).encode()


def plan_json_chunks(plan: Plan, batch: int = 2048) -> Iterator[bytes]:
    """The plan envelope with one account per line: readable, diff-friendly, and made a batch
    of lines at a time so that a 100,000-account plan is never held in memory as one string."""
    head = json.dumps(plan_envelope(plan), indent=2, ensure_ascii=False)
    if not plan.entries:
        yield (head[:-2] + ',\n  "accounts": []\n}\n').encode()
        return
    yield (head[:-2] + ',\n  "accounts": [\n    ').encode()
    dumps = account_encoder(len(plan.entries))
    separator = b",\n    "
    accounts = account_dicts(plan)
    first = True
    while lines := [dumps(account) for account in itertools.islice(accounts, batch)]:
        yield (b"" if first else separator) + separator.join(lines)
        first = False
    yield b"\n  ]\n}\n"


def plan_document(plan: Plan) -> dict:
    document = plan_envelope(plan)
    document["accounts"] = list(account_dicts(plan))
    return document


def to_yaml(document: dict) -> str:
    import yaml

    # Safe dumper: strings such as "NO" or "0123" are quoted, so they read back as written.
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def excel_safe(value: object) -> str:
    """Neutralise text that Excel would run as a formula (=, +, -, @, tab, CR) with a leading '."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def plan_csv(plan: Plan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in account_dicts(plan):
        row["source_file"], row["source_line"] = row["source"]["file"], row["source"]["line"]
        writer.writerow([excel_safe(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def md_escape(value: object) -> str:
    """Text safe in a Markdown table cell: no pipes, no HTML, no line breaks."""
    if value is None or value == "":
        return ""
    text = printable(" ".join(str(value).split()))
    for char, escaped in (
        ("\\", "\\\\"),
        ("|", "\\|"),
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("`", "\\`"),
        ("*", "\\*"),
        ("_", "\\_"),
        ("[", "\\["),
        ("]", "\\]"),
    ):
        text = text.replace(char, escaped)
    return text


def md_table(headers: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
    return lines


def plan_markdown(plan: Plan) -> str:
    from nypconsol.render.envelope import (
        ACCOUNT_COLUMNS,
        DISTRICT_COLUMNS,
        account_rows,
        district_rows,
        plan_summary,
    )

    summary = plan_summary(plan)
    inputs = ", ".join(f"{name} `{ref.path}`" for name, ref in plan.inputs.items() if ref)
    lines = [
        "# Migration plan",
        "",
        f"Start {plan.start.isoformat()} ({plan.start_source}); notice period {plan.notice_days} "
        f"days; inputs: {inputs}.",
        "",
        f"{summary['accounts']} accounts: {summary['migrate']} to migrate, {summary['retain']} to "
        f"retain, {summary['skip']} to skip; {summary['followers_to_redirect']:,} followers to "
        "redirect.",
        "",
        "## Summary by district",
        "",
    ]
    lines += md_table(list(DISTRICT_COLUMNS), district_rows(summary))
    lines += ["", "## Accounts", ""]
    lines += md_table(list(ACCOUNT_COLUMNS), account_rows(plan))
    if plan.warnings:
        lines += ["", "## Warnings", ""]
        lines += [
            f"- {md_escape(f.location())}: {md_escape(f.message)} ({f.code})" for f in plan.warnings
        ]
    return "\n".join(lines) + "\n"
