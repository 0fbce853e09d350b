"""What the progress-ledger commands (record, status, log) share: the plan whose accounts they
track, and how they name the ledger they use. These commands hold a database connection, so
they never call ``batch_process()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from nypconsol.cli.output import planned

if TYPE_CHECKING:
    import datetime as dt

    from nypconsol.core.models import Plan
    from nypconsol.ledger.store import Ledger


def tracked_plan(  # type: ignore[no-untyped-def]
    config,
    inventory,
    sheet,
    encoding,
    start: dt.date | None,
    *,
    nothing_done: str,
    input_format: str | None = None,
) -> Plan:
    """The plan the options name, for its accounts and dates (warnings are validate's to
    show). With errors in the inputs it prints them and ``nothing_done`` and ends the
    command with exit 1."""
    return planned(
        config,
        inventory,
        sheet,
        encoding,
        start,
        nothing_done=nothing_done,
        repeatable="due dates that stay put",
        warnings=False,
        input_format=input_format,
    )


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
