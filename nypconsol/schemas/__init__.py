"""JSON Schemas (draft 2020-12) for every JSON envelope the tool writes, shipped in the package."""

from __future__ import annotations

# The one list of schema names; each is nypconsol/schemas/<name>.schema.json.
SCHEMA_NAMES = (
    "districts",
    "drift",
    "findings",
    "handover",
    "log",
    "notices",
    "plan",
    "status",
    "sweep",
)


def schema_text(name: str) -> str:
    """The schema as shipped (the exact file text)."""
    from importlib import resources

    if name not in SCHEMA_NAMES:
        raise KeyError(name)
    return (resources.files(__name__) / f"{name}.schema.json").read_text(encoding="utf-8")


def load_schema(name: str) -> dict:
    import json

    return json.loads(schema_text(name))
