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


def reachable_progress(plan: Plan, option: str | None) -> dict | None:
    """Each migrated account's checklist states from the progress ledger, for reports that show
    them when a ledger is reachable: one named by ``--ledger`` or ``NYPCONSOL_LEDGER`` (which
    must then be readable: exit 4 otherwise), or the default file when it exists (a warning
    if it cannot be read). None when there is no ledger to read."""
    from nypconsol.ledger import LedgerError, LedgerNotFound, ledger_states, open_ledger
    from nypconsol.ledger.location import LedgerSource, resolve_location

    location = resolve_location(option)
    if location.source is LedgerSource.DEFAULT and not (location.path and location.path.exists()):
        return None
    try:
        with open_ledger(option) as ledger:
            states = ledger_states(plan, ledger)
            say_ledger(ledger)
            return states
    except LedgerNotFound:
        if location.source is not LedgerSource.DEFAULT:
            raise
    except LedgerError as error:
        if location.source is not LedgerSource.DEFAULT:
            raise
        click.echo(f"Warning: the checklist states are left out: {error}", err=True)
    return None
