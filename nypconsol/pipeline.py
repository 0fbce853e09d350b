"""The library's front door: load -> check (validate and resolve) -> plan. No printing, no exiting.

from nypconsol.pipeline import check, load_inputs, make_plan

checked = check(load_inputs(config=None, inventory="inventory.csv"))
plan = make_plan(checked)  # raises InputsHaveErrors when there are errors
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass

from nypconsol.core import plan as _plan
from nypconsol.core.config import check_config
from nypconsol.core.findings import Finding
from nypconsol.core.models import Config, RawRecord
from nypconsol.core.plan import Checked, InputsHaveErrors, make_plan
from nypconsol.core.work_progress import ProgressReport
from nypconsol.loaders.located import LoadFailed
from nypconsol.loaders.sources import InputFile, decode_text, locate_config, read_input
from nypconsol.loaders.tables import read_records, records_from_document
from nypconsol.loaders.yamlfile import load_yaml

__all__ = ["Checked", "Inputs", "InputsHaveErrors", "check", "load_inputs", "make_plan"]


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything read from disk, before any checking beyond what reading needs."""

    config_file: InputFile | None
    inventory_file: InputFile | None
    config: Config | None
    records: list[RawRecord]
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    config: Config | None  # None when the mapping is too broken to resolve against
    accounts: object  # the config's own ``accounts:`` list, if any
    findings: list[Finding]


def load_config(source: InputFile) -> LoadedConfig:
    """Parse and check the mapping. Findings are collected, not raised."""
    file = source.display
    try:
        document, findings = load_yaml(decode_text(source.data, file), file)
    except LoadFailed as failed:
        return LoadedConfig(config=None, accounts=None, findings=failed.findings)
    config, more = check_config(document, file)
    accounts = document.get("accounts") if isinstance(document, dict) else None
    return LoadedConfig(config=config, accounts=accounts, findings=findings + more)


def load_inputs(
    config: str | None = None,
    inventory: str | None = None,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    environ: Mapping[str, str] | None = None,
    input_format: str | None = None,
    progress: ProgressReport | None = None,
) -> Inputs:
    """Find and read the config and the inventory: -i when given (the config's own
    ``accounts:`` list is then not used), else the config's ``accounts:``. Either may be
    ``-``, standard input; ``input_format`` (csv, xlsx, yaml, json) overrides the inventory's
    extension. ``progress`` hears of the rows read (core/work_progress.py)."""
    environ = os.environ if environ is None else environ
    findings: list[Finding] = []
    config_file: InputFile | None = None
    loaded = LoadedConfig(config=None, accounts=None, findings=[])
    try:
        config_file = locate_config(config, environ)
        loaded = load_config(config_file)
    except LoadFailed as failed:
        findings.extend(failed.findings)
    findings.extend(loaded.findings)

    inventory_file: InputFile | None = None
    records: list[RawRecord] = []
    try:
        if inventory is not None:
            inventory_file = read_input(inventory, "-i")
            records, more = read_records(
                inventory_file,
                sheet=sheet,
                encoding=encoding,
                input_format=input_format,
                progress=progress,
            )
            findings.extend(more)
        elif loaded.accounts is not None and config_file is not None:
            records, more = records_from_document(loaded.accounts, config_file.display, progress)
            findings.extend(more)
        # No accounts at all: an empty inventory, or none given (a forgotten -i).
        source = inventory_file or config_file
        if source is not None and not records and not any(f.is_error for f in findings):
            if inventory_file is None and loaded.accounts is None:
                message = "no inventory was given: pass -i inventory.csv, or list the accounts under accounts: in the config"
            else:
                message = "the inventory lists no accounts: add rows (handle, platform, area, ...)"
            findings.append(Finding("empty-inventory", message, source.display, None))
    except LoadFailed as failed:
        findings.extend(failed.findings)
    return Inputs(
        config_file=config_file,
        inventory_file=inventory_file,
        config=loaded.config,
        records=records,
        findings=findings,
    )


def check(
    inputs: Inputs, *, today: dt.date | None = None, progress: ProgressReport | None = None
) -> Checked:
    """Validate every record, then resolve districts, destinations and actions. ``today``
    (default: the clock's) is what a last_post date may not be after; ``progress`` hears of
    the records checked."""
    return _plan.check(
        inputs.config,
        inputs.records,
        inputs.findings,
        config_file=inputs.config_file,
        inventory_file=inputs.inventory_file,
        today=today,
        progress=progress,
    )
