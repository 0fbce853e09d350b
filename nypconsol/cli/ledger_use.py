"""What the progress-ledger commands (record, status, log) share: the plan whose accounts they
track, and how they name the ledger they use. These commands hold a database connection, so
they never call ``batch_process()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from nypconsol.cli.edge import exit_with
from nypconsol.cli.output import load_and_check
from nypconsol.core.errors import ExitCode

if TYPE_CHECKING:
    import datetime as dt

    from nypconsol.core.models import Plan
    from nypconsol.ledger.store import Ledger


def tracked_plan(config, inventory, sheet, encoding, start: dt.date | None) -> Plan:  # type: ignore[no-untyped-def]
    """The plan the options name, for its accounts and dates. With errors in the inputs it
    prints them and ends the command with exit 1."""
    from nypconsol.core.plan import START_NEXT_MONDAY, make_plan
    from nypconsol.render.text import findings_text

    checked = load_and_check(config, inventory, sheet, encoding)
    if checked.errors:
        click.echo(findings_text(checked.findings), err=True, nl=False)
        click.echo(
            "Nothing was read from the ledger: fix the errors above (nypconsol validate lists "
            "them).",
            err=True,
        )
        exit_with(ExitCode.INPUT_ERRORS)
    plan = make_plan(checked, start)
    if start is None and plan.start_source == START_NEXT_MONDAY:
        click.echo(
            f"No start date set: the plan's dates count from the next working Monday, "
            f"{plan.start.isoformat()}. Set policy.start or --start so that they stay put.",
            err=True,
        )
    return plan


def ledger_source(ledger: Ledger) -> str:
    """The ledger's name and how it was chosen, for a line on stderr: never a password."""
    from nypconsol.ledger.location import LedgerSource

    how = {
        LedgerSource.OPTION: "--ledger",
        LedgerSource.ENVIRONMENT: "NYPCONSOL_LEDGER",
        LedgerSource.DEFAULT: "the default, in the working folder",
    }[ledger.location.source]
    return f"{ledger.display} ({how})"


def say_ledger(ledger: Ledger) -> None:
    click.echo(f"Ledger: {ledger_source(ledger)}", err=True)
