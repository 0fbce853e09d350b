"""Words shared by the reports people read (terminal, Markdown, annotations): counts with their
nouns, the plan's outcome sentence, and how drift names accounts and values."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nypconsol.core.drift import AccountDrift, Drift


def plural(n: int, word: str, *, grouped: bool = True) -> str:
    """``1 account``, ``1,234 accounts`` (``grouped=False``: ``1234 accounts``)."""
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {word}{'' if n == 1 else 's'}"


def outcome_sentence(summary: dict) -> str:
    """What the plan does, from its summary: the part after the number of accounts."""
    return (
        f"{summary['migrate']} to migrate, {summary['retain']} to retain, {summary['skip']} to "
        f"skip; {summary['followers_to_redirect']:,} followers to redirect."
    )


def headline(drift: Drift) -> str:
    if drift.equal:
        return f"No drift: {drift.old_name} and {drift.new_name} are the same plan."
    parts = [
        f"{plural(len(drift.added), 'account', grouped=False)} added",
        f"{len(drift.removed)} removed",
        f"{len(drift.changed)} changed",
    ]
    if drift.plan_changes:
        parts.append(f"{plural(len(drift.plan_changes), 'plan setting', grouped=False)} changed")
    return f"Drift from {drift.old_name} to {drift.new_name}: {', '.join(parts)}."


def show(value: Any) -> str:
    """A value for a person: plain when unambiguous, else as JSON (quotes, escapes)."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        plain = value and value == value.strip() and value.isprintable()
        return value if plain else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def account_label(item: AccountDrift) -> str:
    return f"{item.platform} @{show(item.handle)}"


def outcome(account: dict) -> str:
    """What the plan does with one account of a plan document."""
    action = account.get("action")
    if action == "migrate":
        return (
            f"migrate to @{show(account.get('target'))}, announce {show(account.get('notice_date'))}, "
            f"close {show(account.get('close_date'))}"
        )
    note = account.get("note")
    return f"{show(action)} ({show(note)})" if note else show(action)


def field_changes(item: AccountDrift) -> str:
    return "; ".join(f"{c.name}: {show(c.before)} -> {show(c.after)}" for c in item.fields)
