"""Drift reports: text for a terminal, Markdown for a pull request, JSON for tools, and
GitHub workflow annotations pointing at the committed plan file."""

from __future__ import annotations

import json
from typing import Any

from nypconsol.drift import AccountDrift, Drift, FieldChange
from nypconsol.render.envelope import FORMAT_VERSION, TOOL
from nypconsol.render.files import md_escape, md_table
from nypconsol.render.github import escape_data, escape_property


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def headline(drift: Drift) -> str:
    if drift.equal:
        return f"No drift: {drift.old_name} and {drift.new_name} are the same plan."
    parts = [
        f"{_plural(len(drift.added), 'account')} added",
        f"{len(drift.removed)} removed",
        f"{len(drift.changed)} changed",
    ]
    if drift.plan_changes:
        parts.append(f"{_plural(len(drift.plan_changes), 'plan setting')} changed")
    return f"Drift from {drift.old_name} to {drift.new_name}: {', '.join(parts)}."


def show(value: Any) -> str:
    """A value for a person: plain when unambiguous, else as JSON (quotes, escapes)."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        plain = value and value == value.strip() and value.isprintable()
        return value if plain else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _account_label(item: AccountDrift) -> str:
    return f"{item.platform} @{show(item.handle)}"


def _outcome(account: dict) -> str:
    action = account.get("action")
    if action == "migrate":
        return (
            f"migrate to @{show(account.get('target'))}, announce {show(account.get('notice_date'))}, "
            f"close {show(account.get('close_date'))}"
        )
    note = account.get("note")
    return f"{show(action)} ({show(note)})" if note else show(action)


# --- text ----------------------------------------------------------------------------------


def drift_text(drift: Drift) -> str:
    lines = [headline(drift)]
    if drift.equal:
        return lines[0] + "\n"
    per_district = drift.per_district()
    if per_district:
        width = max(len("District"), *(len(d) for d in per_district))
        lines += ["", f"{'District':<{width}}  Added  Removed  Changed"]
        lines += [
            f"{d:<{width}}  {c['added']:>5}  {c['removed']:>7}  {c['changed']:>7}"
            for d, c in per_district.items()
        ]
    if drift.plan_changes:
        lines += ["", "Plan settings:"]
        lines += [f"  {c.name}: {show(c.before)} -> {show(c.after)}" for c in drift.plan_changes]
    if drift.added:
        lines += ["", "Added:"]
        lines += [
            f"  + {item.district} {_account_label(item)}: {_outcome(item.account)}"
            for item in drift.added
        ]
    if drift.removed:
        lines += ["", "Removed:"]
        lines += [
            f"  - {item.district} {_account_label(item)}: was {_outcome(item.account)}"
            for item in drift.removed
        ]
    if drift.changed:
        lines += ["", "Changed:"]
        for item in drift.changed:
            lines.append(f"  ~ {item.district} {_account_label(item)}")
            lines += [f"      {c.name}: {show(c.before)} -> {show(c.after)}" for c in item.fields]
    return "\n".join(lines) + "\n"


# --- Markdown ------------------------------------------------------------------------------


def _section(title: str | None, headers: list[str], rows: list[list[Any]]) -> list[str]:
    head = ["", f"### {title}", ""] if title else [""]
    return [*head, *md_table(headers, rows)]


def drift_markdown(drift: Drift, *, heading: str = "## nypconsol diff") -> str:
    lines = [heading, "", md_escape(headline(drift))]
    if drift.equal:
        return "\n".join(lines) + "\n"
    per_district = drift.per_district()
    if per_district:
        lines += _section(
            None,
            ["District", "Added", "Removed", "Changed"],
            [[d, c["added"], c["removed"], c["changed"]] for d, c in per_district.items()],
        )
    if drift.plan_changes:
        lines += _section(
            "Plan settings",
            ["Setting", "Before", "After"],
            [[c.name, show(c.before), show(c.after)] for c in drift.plan_changes],
        )
    for title, last, items in (
        ("Added", "Outcome", drift.added),
        ("Removed", "Was", drift.removed),
    ):
        if items:
            lines += _section(
                title,
                ["District", "Account", "Platform", "Owner", last],
                [
                    [
                        i.district,
                        "@" + i.handle,
                        i.platform,
                        i.account.get("owner"),
                        _outcome(i.account),
                    ]
                    for i in items
                ],
            )
    if drift.changed:
        lines += _section(
            "Changed",
            ["District", "Account", "Platform", "Field", "Before", "After"],
            [
                [i.district, "@" + i.handle, i.platform, c.name, show(c.before), show(c.after)]
                for i in drift.changed
                for c in i.fields
            ],
        )
    return "\n".join(lines) + "\n"


# --- JSON ----------------------------------------------------------------------------------


def _fields(changes: tuple[FieldChange, ...]) -> dict:
    return {c.name: {"before": c.before, "after": c.after} for c in changes}


def _account_record(item: AccountDrift) -> dict:
    return {
        "key": item.key,
        "platform": item.platform,
        "handle": item.handle,
        "district": item.district,
        "account": item.account,
    }


def drift_envelope(drift: Drift) -> dict:
    """``{"format_version", "kind": "drift", "equal", "old", "new", "summary", "plan_changes",
    "added", "removed", "changed"}``; see the drift schema (nypconsol schema drift)."""
    return {
        "format_version": FORMAT_VERSION,
        "kind": "drift",
        "tool": TOOL,
        "equal": drift.equal,
        "old": drift.old_name,
        "new": drift.new_name,
        "summary": {
            "added": len(drift.added),
            "removed": len(drift.removed),
            "changed": len(drift.changed),
            "plan_changes": len(drift.plan_changes),
            "districts": drift.per_district(),
        },
        "plan_changes": _fields(drift.plan_changes),
        "added": [_account_record(i) for i in drift.added],
        "removed": [_account_record(i) for i in drift.removed],
        "changed": [
            {
                "key": i.key,
                "platform": i.platform,
                "handle": i.handle,
                "district": i.district,
                "fields": _fields(i.fields),
            }
            for i in drift.changed
        ],
    }


def drift_json(drift: Drift) -> str:
    return json.dumps(drift_envelope(drift), indent=2, ensure_ascii=False) + "\n"


# --- GitHub annotations --------------------------------------------------------------------


def _annotation(file: str, line: int | None, title: str, message: str) -> str:
    properties = [f"file={escape_property(file)}"]
    if line:
        properties.append(f"line={line}")
    properties.append(f"title={escape_property(title)}")
    return f"::error {','.join(properties)}::{escape_data(message)}"


def drift_annotations(
    drift: Drift,
    plan_file: str,
    account_lines: dict[str, int] | None = None,
    field_lines: dict[str, int] | None = None,
) -> str:
    """One ``::error`` per change, on the committed plan file at the line of the account or
    setting where it is known (an added account has no line there), then a summary."""
    if drift.equal:
        return ""
    account_lines = account_lines or {}
    field_lines = field_lines or {}
    lines = []
    for c in drift.plan_changes:
        lines.append(
            _annotation(
                plan_file,
                field_lines.get(c.name),
                "plan drift",
                f"{c.name} changed: {show(c.before)} -> {show(c.after)}",
            )
        )
    for item in drift.added:
        lines.append(
            _annotation(
                plan_file,
                None,
                "plan drift",
                f"{item.district} {_account_label(item)} added: {_outcome(item.account)}",
            )
        )
    for item in drift.removed:
        lines.append(
            _annotation(
                plan_file,
                account_lines.get(item.key),
                "plan drift",
                f"{item.district} {_account_label(item)} removed (was {_outcome(item.account)})",
            )
        )
    for item in drift.changed:
        changes = "; ".join(f"{c.name}: {show(c.before)} -> {show(c.after)}" for c in item.fields)
        lines.append(
            _annotation(
                plan_file,
                account_lines.get(item.key),
                "plan drift",
                f"{item.district} {_account_label(item)} changed: {changes}",
            )
        )
    lines.append(
        _annotation(
            plan_file,
            None,
            "plan out of date",
            f"{headline(drift)} Regenerate the plan (the same nypconsol plan command, with "
            f"-o {plan_file} in place of --check) and commit it if the change is intended.",
        )
    )
    return "".join(line + "\n" for line in lines)
