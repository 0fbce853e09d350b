"""``nypconsol log``: the progress ledger's audit trail, oldest first; ``--verify`` checks the
hash chain that proves no event was edited, removed or reordered behind the tool's back."""

from __future__ import annotations

import click

from nypconsol.cli.ledger_use import ledger_source, say_ledger
from nypconsol.cli.options import (
    DateType,
    account_option,
    color_option,
    format_option,
    ledger_option,
    version_option,
)
from nypconsol.cli.output import console, emit
from nypconsol.core.errors import InputError


class ChainBroken(InputError):
    """``log --verify`` found an event that is not as recorded (exit 1)."""


@click.command()
@account_option
@click.option(
    "--since",
    type=DateType(),
    help="Only events recorded on or after this date (in England).",
)
@format_option("log", default="table", help="table for people; json or csv for tools.")
@click.option(
    "--verify",
    is_flag=True,
    help="First check the whole hash chain: exit 1, naming the first bad event, when an event "
    "was edited, removed, added or reordered outside nypconsol; else say on stderr how many "
    "events there are and the last one's hash (keep it: a later run can compare), then show "
    "the trail.",
)
@ledger_option
@color_option
@version_option
def log(accounts, since, fmt, verify, ledger, no_color):  # type: ignore[no-untyped-def]
    """Show the progress ledger's audit trail, oldest first; --verify checks its hash chain.

    Each event: who recorded which step for which account, when it was done and when
    recorded, the database's own user, any note, whether it was forced or undoes an earlier
    event, and its hash. --account matches handles as their platform compares them, on every
    platform; one with no events in the ledger is exit 1.
    """
    from nypconsol.ledger import open_ledger

    with open_ledger(ledger) as opened:
        if verify:
            _verify(opened)
        elif fmt != "table":
            say_ledger(opened)
        events = _events(opened, accounts, since)
        name = opened.display
    from nypconsol.render.registry import render

    terminal = console(no_color) if fmt == "table" else None
    emit(render("log", fmt, events, ledger=name, console=terminal), None)


def _verify(ledger) -> None:  # type: ignore[no-untyped-def]
    from nypconsol.render.phrases import plural

    report = ledger.verify()
    where = ledger_source(ledger)
    if not report.ok:
        good = (
            f"the {plural(report.events, 'event')} before it "
            f"{'verifies' if report.events == 1 else 'verify'}, head hash {report.head_hash}"
            if report.events
            else "no event before it verifies"
        )
        raise ChainBroken(f"the ledger {where} does not verify: {report.problem} ({good})")
    click.echo(
        f"Verified the ledger {where}: {plural(report.events, 'event')}, the hash chain is whole; "
        f"head hash {report.head_hash}",
        err=True,
    )


def _events(ledger, accounts: tuple[str, ...], since) -> tuple:  # type: ignore[no-untyped-def]
    from nypconsol.core.progress import start_of_day

    recorded_since = start_of_day(since) if since is not None else None
    if not accounts:
        return ledger.events(recorded_since=recorded_since)
    named = dict.fromkeys(pair for typed in accounts for pair in _accounts_named(ledger, typed))
    events = []
    for handle, platform in named:
        events += ledger.events(handle=handle, platform=platform, recorded_since=recorded_since)
    return tuple(sorted(events, key=lambda event: event.id))


def _accounts_named(ledger, typed: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The (handle, platform) pairs of the ledger that ``typed`` names; exit 1 with "did you
    mean" when none does."""
    import difflib

    from nypconsol.core.lookup import UnknownAccount, account_key
    from nypconsol.core.parsing import at_handle
    from nypconsol.core.platforms import normalise_handle

    handle = normalise_handle(typed)
    known = ledger.accounts()
    found = [(h, p) for h, p in known if account_key(p, h) == account_key(p, handle)]
    if found:
        return found
    spellings = {h.casefold(): h for h, _ in known}
    close = difflib.get_close_matches(handle.casefold(), list(spellings), n=3, cutoff=0.6)
    hint = (
        f": did you mean {' or '.join(at_handle(spellings[c]) for c in close)}?"
        if close
        else " (nypconsol log lists every event)"
    )
    raise UnknownAccount(f"the ledger {ledger.display} has no events of {at_handle(handle)}{hint}")
