"""``nypconsol record``: record in the progress ledger that a checklist step was done for an
account (or, with ``--undo``, that an earlier record of it was a mistake)."""

from __future__ import annotations

import datetime as dt

import click

from nypconsol.cli.edge import exit_with
from nypconsol.cli.ledger_use import tracked_plan
from nypconsol.cli.options import (
    config_option,
    input_format_option,
    inventory_options,
    ledger_option,
    start_option,
    version_option,
)
from nypconsol.core.errors import ExitCode, InputError


@click.command()
@click.argument("handle")
@click.argument("step")
@config_option
@inventory_options
@input_format_option
@start_option
@click.option(
    "--platform",
    metavar="P",
    help="The account's platform (x, facebook, ...): needed only when the handle is on "
    "several platforms.",
)
@click.option(
    "--by", metavar="NAME", help="Who did the step. Default: your login name on this computer."
)
@click.option(
    "--at",
    "at_text",
    metavar="WHEN",
    help="When the step was done: '2027-01-11 09:30' (time in England unless an offset is "
    "given), '11/01/2027 09:30', or '09:30' for today. Default: now. Never in the future.",
)
@click.option("--note", metavar="TEXT", help="A note kept with the event (why, what, where).")
@click.option(
    "--force",
    is_flag=True,
    help="Record despite an order rule (closed needs final_posted and swept; final_posted "
    "needs announced); needs --note saying why. The event is marked as forced.",
)
@click.option(
    "--undo",
    is_flag=True,
    help="Record that the latest record of STEP for the account was a mistake (a new event; "
    "nothing is ever deleted).",
)
@ledger_option
@version_option
def record(  # type: ignore[no-untyped-def]
    handle,
    step,
    config,
    inventory,
    sheet,
    encoding,
    input_format,
    start,
    platform,
    by,
    at_text,
    note,
    force,
    undo,
    ledger,
):
    """Record that a checklist step was done for an account, in the progress ledger.

    HANDLE is an account the plan migrates (a leading @ is fine); STEP is one of announced,
    swept, access_granted, final_posted, closed, credentials_reset, archived. It prints the
    event and the account's next step. Refused (exit 1, nothing recorded): an account or step
    that is not known, an order rule broken without --force and --note, a time in the future,
    an --undo with nothing to undo. The first record starts the ledger.
    """
    from nypconsol.core.lookup import find_account
    from nypconsol.core.progress import RecordCode, parse_step

    chosen_step = parse_step(step)
    if force and undo:
        raise click.UsageError("--force applies to order rules, which an --undo does not have")
    if force and not (note and note.strip()):
        _refuse(
            RecordCode.FORCE_NEEDS_NOTE,
            "--force needs a --note saying why the order rule is overridden",
        )
    from nypconsol.ledger.events import MAX_NAME, MAX_TEXT

    _fits("--by", by, "a name", MAX_NAME)
    _fits("--note", note, "a note", MAX_TEXT)
    at = _moment(at_text) if at_text is not None else None
    entry = find_account(
        tracked_plan(
            config,
            inventory,
            sheet,
            encoding,
            start,
            nothing_done="Nothing was recorded",
            input_format=input_format,
        ),
        handle,
        platform,
    )
    from nypconsol.ledger import login_name, open_ledger

    with open_ledger(ledger, create=True) as opened:
        _record(opened, entry, chosen_step, by or login_name(), at, note, force, undo)


def _fits(option: str, value: str | None, what: str, limit: int) -> None:
    """A --by or --note the ledger could not keep is said at once, naming the option."""
    if value is not None and len(value) > limit:
        raise InputError(
            f"{option} is {len(value):,} characters long; {what} holds at most {limit:,}: "
            "shorten it"
        )


def _moment(text: str) -> dt.datetime:
    from nypconsol.core.moments import parse_moment

    try:
        return parse_moment(text, now=dt.datetime.now(dt.UTC))
    except ValueError as problem:
        raise InputError(f"--at {problem}") from None


def _refuse(code, message: str) -> None:  # type: ignore[no-untyped-def]
    click.echo(f"error [{code}] {message}", err=True)
    click.echo("Nothing was recorded.", err=True)
    exit_with(ExitCode.INPUT_ERRORS)


def _record(ledger, entry, step, by, at, note, force, undo) -> None:  # type: ignore[no-untyped-def]
    from nypconsol.core.progress import RecordCode, RecordRefused

    try:
        recorded = ledger.record(
            handle=entry.account.handle,
            platform=entry.account.platform,
            step=step,
            by=by,
            notice_date=entry.notice_date,
            close_date=entry.close_date,
            at=at,
            note=note,
            force=force,
            undo=undo,
        )
    except RecordRefused as refused:
        check = refused.check
        for problem in check.refusals:
            click.echo(f"error [{problem.code}] {problem.message}", err=True)
        codes = {problem.code for problem in check.refusals}
        if RecordCode.STEP_ORDER in codes and RecordCode.FORCE_NEEDS_NOTE not in codes:
            click.echo(
                f"Record {' and '.join(check.missing)} first, or give --force with a --note "
                "saying why.",
                err=True,
            )
        click.echo(f"Nothing was recorded in the ledger {ledger.display}.", err=True)
        return exit_with(ExitCode.INPUT_ERRORS)
    except KeyboardInterrupt as interrupt:  # Ctrl-C; SIGTERM and SIGHUP too (Terminated)
        from nypconsol.cli import interrupt_exit_code, interrupt_name

        click.echo(
            f"{interrupt_name(interrupt)}: the event was recorded whole or not at all; "
            f"`nypconsol log --account {entry.account.handle}` shows which.",
            err=True,
        )
        return exit_with(interrupt_exit_code(interrupt))
    # The event is in the ledger now: an interrupt or a closed stdout while it is reported
    # must say so, not "nothing was written" (which would have it recorded twice).
    from nypconsol.core.lookup import label
    from nypconsol.loaders.writing import JOURNAL

    JOURNAL.append(
        f"event {recorded.event.id} ({label(entry)} {recorded.event.step}) in the ledger "
        f"{ledger.display}"
    )
    _report(ledger, entry, recorded)
    return None


def _report(ledger, entry, recorded) -> None:  # type: ignore[no-untyped-def]
    """The event on stdout, the rules' warnings on stderr, then the account's next step."""
    from nypconsol.core.lookup import label
    from nypconsol.core.parsing import printable
    from nypconsol.core.progress import (
        StepStatus,
        format_moment,
        local_date,
        next_step,
        step_states,
    )
    from nypconsol.core.steps import RULES

    event = recorded.event
    account = label(entry)
    if event.undo_of is not None:
        what = f"undo of event {event.undo_of} ({account} {event.step})"
    else:
        forced = " (forced: an order rule overridden)" if event.forced else ""
        what = f"{account} {event.step} at {format_moment(event.at)}{forced}"
    click.echo(
        f"Recorded in the ledger {ledger.display}: event {event.id}, {what}, by {printable(event.by)}."
    )
    if event.note:
        click.echo(f"Note: {printable(' '.join(event.note.split()))}")
    for problem in recorded.check.warnings:
        click.echo(f"warning [{problem.code}] {problem.message}", err=True)
    states = step_states(
        events=recorded.account_events,
        notice_date=entry.notice_date,
        close_date=entry.close_date,
        today=local_date(event.recorded_at),
    )
    upcoming = next_step(states)
    if upcoming is None:
        click.echo(f"Every step is done for {account}.")
        return
    when = {
        StepStatus.OVERDUE: f"was due {upcoming.due.isoformat()}: overdue",
        StepStatus.DUE: f"due today, {upcoming.due.isoformat()}",
        StepStatus.NOT_YET: f"due {upcoming.due.isoformat()}",
    }[upcoming.state]
    click.echo(f"Next for {account}: {upcoming.step} ({RULES[upcoming.step].due_text}), {when}.")
