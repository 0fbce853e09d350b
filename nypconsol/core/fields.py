"""The plan's account record: each field and its type, in the JSON plan's order. The one
declaration that the envelope (render/envelope.py), the CSV columns (render/csvfile.py), the drift
comparison (core/drift.py) and the plan schema are held to, by tests/test_fields.py."""

from __future__ import annotations

from enum import StrEnum


class FieldKind(StrEnum):
    TEXT = "text"  # text, or null where the field is optional
    NUMBER = "number"  # a whole number, or null
    DATE = "date"  # an ISO date, or null
    SOURCE = "source"  # {"file", "line"}: where the row was read


T, N, D = FieldKind.TEXT, FieldKind.NUMBER, FieldKind.DATE

PLAN_ACCOUNT_FIELDS: dict[str, FieldKind] = {
    "handle": T,
    "platform": T,
    "owner": T,
    "collar_number": T,
    "role": T,
    "area": T,
    "district": T,
    "district_name": T,
    "action": T,
    "note": T,
    "target": T,
    "url": T,
    "target_url": T,
    "wave": N,
    "notice_date": D,
    "close_date": D,
    "followers": N,
    "status": T,
    "last_post": D,
    "source": FieldKind.SOURCE,
}
# Made from other fields (the config's names, the platform's URL rule): never drift by themselves.
DERIVED_FIELDS = frozenset({"district_name", "url", "target_url"})
