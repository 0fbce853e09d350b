"""Machine formats: JSON and YAML (the plan's JSON streamed a line per account)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from nypconsol.render.envelope import (
    account_dicts,
    districts_envelope,
    drift_envelope,
    findings_envelope,
    plan_document,
    plan_envelope,
)

if TYPE_CHECKING:
    from nypconsol.core.drift import Drift
    from nypconsol.core.findings import Finding
    from nypconsol.core.models import Config, Plan


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


def plan_json_chunks(
    plan: Plan, *, batch: int = 2048, console: object = None, progress: object = None
) -> Iterator[bytes]:
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


def to_yaml(document: dict) -> str:
    import yaml

    # Safe dumper: strings such as "NO" or "0123" are quoted, so they read back as written.
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def plan_yaml(plan: Plan, *, console: object = None, progress: object = None) -> str:
    return to_yaml(plan_document(plan))


def findings_json(findings: list[Finding], *, accounts: int | None = None) -> str:
    return to_json(findings_envelope(findings, accounts))


def drift_json(drift: Drift, *, heading: str = "", committed: object = None) -> str:
    return to_json(drift_envelope(drift))


def districts_json(config: Config, *, path: str, console: object = None) -> str:
    return to_json(districts_envelope(config, path))


def districts_yaml(config: Config, *, path: str, console: object = None) -> str:
    return to_yaml(districts_envelope(config, path))
