"""``nypconsol sweep``: read the downloaded archives of the accounts about to close, triage what the
public sent them, and put each district's likely reports in front of a person, urgent and
unanswered first. Holds no network or database connection of its own until the ledger or the
Mastodon API is asked, so it never calls ``batch_process()``."""

from __future__ import annotations

import os
import shutil
import stat
import sys

import click

from nypconsol.cli.edge import exit_with
from nypconsol.cli.options import (
    DateType,
    config_option,
    format_option,
    inventory_options,
    ledger_option,
    output_option,
    start_option,
    version_option,
)
from nypconsol.cli.output import emit, load_and_check, say_folder_written
from nypconsol.core.errors import ExitCode, NypconsolError

FORMATS = ("table", "json", "csv", "html")
MIN_WIDTH, MAX_WIDTH = 60, 120


@click.command()
@config_option
@inventory_options
@start_option
@click.option(
    "--account",
    "account_hint",
    metavar="HANDLE",
    help="The inventory handle of an archive that does not name its account and whose file or "
    "folder name is no handle.",
)
@click.option(
    "--since",
    type=DateType(),
    help="Leave out messages sent before this day (UTC); they are counted, not listed.",
)
@format_option(
    "sweep",
    choices=FORMATS,
    help="What goes to standard output: table (default: the summary for a person), json (the "
    "sweep document), csv or html (every district's worklist).",
)
@output_option(
    "Also write into DIR, owner-only (files 0600, folders 0700): DISTRICT.csv and "
    "DISTRICT.html worklists for each district, and sweep.json.",
    metavar="DIR",
)
@click.option(
    "--check",
    "check_reports",
    is_flag=True,
    help="Exit 3 when any P1 or P2 item is unanswered (else 1 when an archive could not be "
    "read, 0 when clear).",
)
@ledger_option
@version_option
@click.argument("archives", nargs=-1, required=True, metavar="ARCHIVE...")
def sweep(  # type: ignore[no-untyped-def]
    config,
    inventory,
    sheet,
    encoding,
    start,
    account_hint,
    since,
    fmt,
    output,
    check_reports,
    ledger,
    archives,
):
    """Find the crime reports sent to accounts about to close, in their downloaded archives.

    ARCHIVE is a zip as the platform delivers it (X, Facebook, Instagram, Mastodon), the folder
    it was extracted to, or a folder holding several. Each is tied to an account the plan
    closes; every inbound message gets a priority (P1 urgent, P2 report, P3 needs a reply,
    none) with the cues that matched, and whether the account answered it. Nothing is
    dismissed. Senders appear in the summary only as keyed pseudonyms
    ($NYPCONSOL_PSEUDONYM_KEY keeps them the same between runs). With a Mastodon account,
    $NYPCONSOL_MASTODON_TOKEN lets the sweep read its mentions and direct messages from the
    API. A progress ledger, when there is one, gets a swept event per archive (its SHA-256
    and counts, never text). While it runs, the messages read are kept in an owner-only
    temporary store in $TMPDIR, removed when it ends. Bad archives are findings; exit 1 when
    nothing could be read.
    """
    if output == "-":
        raise click.UsageError(
            "-o names a folder for the worklists; for standard output use --format"
        )
    key = _pseudonym_key()
    checked = load_and_check(config, inventory, sheet, encoding)
    lexicon, lexicon_findings = _lexicon(checked)
    if checked.errors or lexicon is None:
        _say_findings(checked.findings + lexicon_findings)
        click.echo("Nothing was swept: fix the errors above.", err=True)
        return exit_with(ExitCode.INPUT_ERRORS)
    if checked.findings:
        _say_findings(checked.findings)
    accounts, not_swept, entries = _accounts(checked, start)
    if account_hint is not None:
        _check_account_hint(account_hint, accounts, not_swept)
    from nypconsol.sweep import StoreError, SweepStore

    try:
        # Every message read goes to a private temporary store (TMPDIR), removed on the way
        # out whatever ends the sweep; the outputs are drawn from it an item at a time.
        with SweepStore() as store:
            swept = _sweep(store, archives, accounts, not_swept, account_hint, lexicon, since, key)
            if swept is None:
                return exit_with(ExitCode.INPUT_ERRORS)
            result, archive_errors = swept
            from nypconsol.sweep.memory import collector_paused

            # The cycle collector walks every object alive each time it runs; drawing and
            # writing make little cyclic garbage, collected once it is back on.
            with collector_paused():
                _to_stdout(result, fmt or "table")
                if output is not None:
                    _to_folder(result, output)
            head, counts = result.head, result.archive_counts()
    except StoreError as error:
        raise NypconsolError(str(error)) from None
    ledger_outcome = _record(ledger, head, counts, entries)
    codes = [ExitCode.FAILURE] if ledger_outcome.failed else []
    if check_reports:
        from nypconsol.sweep import has_unanswered_reports

        if has_unanswered_reports(head):
            codes.append(ExitCode.DRIFT)
        elif archive_errors:
            click.echo(
                "--check: an archive, or a file in one, could not be read, so what it holds is "
                "not known: fix the findings above.",
                err=True,
            )
            codes.append(ExitCode.INPUT_ERRORS)
    return exit_with(max(codes, default=ExitCode.OK))


def _sweep(store, archives, accounts, not_swept, account_hint, lexicon, since, key):  # type: ignore[no-untyped-def]
    """Read the archives into ``store`` and triage them there; None (having said why) when
    nothing could be read, else the sweep and the archive findings that are errors."""
    from nypconsol.sweep import read_into, sweep_result

    mastodon = _mastodon_reader(accounts)
    try:
        read = _read(read_into, store, archives, accounts, not_swept, account_hint, mastodon)
    finally:
        if mastodon is not None:
            mastodon.close()
    archive_errors = [f for f in read.findings if f.as_finding().is_error]
    if read.findings:
        _say_findings([_shown(f.as_finding()) for f in read.findings])
    if not read.read_anything:
        click.echo("Nothing could be read from the archives given: nothing was swept.", err=True)
        return None
    return sweep_result(store, read, lexicon, since=since, pseudonyms=key), archive_errors


def _pseudonym_key():  # type: ignore[no-untyped-def]
    from nypconsol.sweep import PseudonymKeyError, pseudonym_key

    try:
        return pseudonym_key()
    except PseudonymKeyError as error:
        raise click.UsageError(str(error)) from None


def _lexicon(checked):  # type: ignore[no-untyped-def]
    from nypconsol.sweep.override import config_lexicon

    return config_lexicon(checked.config_file)


def _accounts(checked, start):  # type: ignore[no-untyped-def]
    """The plan's migrated accounts (swept), the others (with why they are not), and the
    migrated plan entries by account key (for the ledger's dates)."""
    from nypconsol.core.models import Action
    from nypconsol.core.plan import make_plan
    from nypconsol.sweep import SweepAccount

    plan = make_plan(checked, start)
    accounts, not_swept, entries = [], [], {}
    for entry in plan.entries:
        account = SweepAccount(
            handle=entry.account.handle, platform=entry.account.platform, district=entry.district
        )
        if entry.action is Action.MIGRATE:
            accounts.append(account)
            entries[account.key()] = entry
        else:
            why = f"{entry.action.value}: {entry.note}" if entry.note else entry.action.value
            not_swept.append((account, why))
    return accounts, not_swept, entries


def _check_account_hint(hint: str, accounts, not_swept) -> None:  # type: ignore[no-untyped-def]
    """--account must name an account the plan closes (on any platform: the archive says which)."""
    from nypconsol.sweep.model import handle_key

    def named(account) -> bool:  # type: ignore[no-untyped-def]
        return handle_key(account.platform, hint) == handle_key(account.platform, account.handle)

    if any(named(account) for account in accounts):
        return
    kept = [why for account, why in not_swept if named(account)]
    if kept:
        raise click.BadParameter(
            f"{hint!r} is an account the plan does not close ({kept[0]}): only the accounts "
            "about to close are swept",
            param_hint="'--account'",
        )
    raise click.BadParameter(
        f"{hint!r} is not the handle of an account the plan closes", param_hint="'--account'"
    )


def _mastodon_reader(accounts):  # type: ignore[no-untyped-def]
    """A reader of the Mastodon API when a token is set and the plan closes a Mastodon account:
    then each Mastodon archive's mentions and direct messages are swept too."""
    if not any(account.platform == "mastodon" for account in accounts):
        return None
    from nypconsol.enrich.errors import EnrichError
    from nypconsol.enrich.mastodon_inbox import (
        TOKEN_VARIABLE,
        MastodonInboxReader,
        base_from_environment,
    )
    from nypconsol.enrich.secrets import token_from_environment

    try:
        token = token_from_environment(TOKEN_VARIABLE)
        if token is None:
            return None
        base = base_from_environment(os.environ)
    except EnrichError as error:
        raise click.UsageError(str(error)) from None
    return MastodonInboxReader(token, base=base, say=lambda line: click.echo(line, err=True))


def _read(read_into, store, archives, accounts, not_swept, account_hint, mastodon):  # type: ignore[no-untyped-def]
    from nypconsol.sweep import SweepError

    try:
        return read_into(
            store,
            list(archives),
            accounts,
            account_hint,
            not_swept=not_swept,
            mastodon_api=mastodon,
        )
    except SweepError as error:
        raise NypconsolError(str(error)) from None


def _shown(finding):  # type: ignore[no-untyped-def]
    """An archive finding safe to print: names inside a zip are the zip's, not ours."""
    from nypconsol.core.findings import Finding
    from nypconsol.core.parsing import printable

    return Finding(
        code=finding.code,
        message=printable(finding.message),
        file=None if finding.file is None else printable(finding.file),
    )


def _say_findings(findings) -> None:  # type: ignore[no-untyped-def]
    from nypconsol.render.text import findings_text

    click.echo(findings_text(findings), err=True, nl=False)


def _width() -> int:
    if sys.stdout is not None and sys.stdout.isatty():
        return max(MIN_WIDTH, min(MAX_WIDTH, shutil.get_terminal_size().columns))
    return 80


def _to_stdout(result, fmt: str) -> None:  # type: ignore[no-untyped-def]
    from nypconsol.render.registry import render

    document = result.head
    if fmt != "table" or any(document["summary"]["by_priority"]["P1"].values()):
        _warn_if_others_can_read_stdout()  # the summary shows P1 items in full
    emit(render("sweep", fmt, result, width=_width()), None)
    if fmt != "table":
        from nypconsol.render.sweep_text import not_covered_lines

        click.echo("\n".join(not_covered_lines(document, 80)), err=True)


def _warn_if_others_can_read_stdout() -> None:
    """Message text on standard output redirected to a file: the shell made that file, with the
    umask's mode; say so when others can read it."""
    try:
        mode = os.fstat(sys.stdout.fileno()).st_mode
    except (AttributeError, OSError, ValueError):
        return
    if stat.S_ISREG(mode) and mode & 0o077:
        click.echo(
            f"Warning: standard output is a file that others can read (mode "
            f"{stat.S_IMODE(mode):04o}) and it now holds messages from the public: chmod 600 "
            "it, or use -o DIR, which writes owner-only files.",
            err=True,
        )


def _to_folder(result, output: str) -> None:  # type: ignore[no-untyped-def]
    from nypconsol.loaders.folders import write_folder
    from nypconsol.render.phrases import plural
    from nypconsol.render.registry import render

    files = {}
    for fmt in ("csv", "html", "json"):
        files.update(render("sweep-folder", fmt, result))
    written = write_folder(output, files, kind="sweep", private=True)
    districts = plural(len(result.districts), "district")
    say_folder_written(
        written,
        f"Wrote the worklists of {districts} (CSV and HTML) and sweep.json to {output}, "
        "readable only by you",
    )
    mode = stat.S_IMODE(os.stat(output).st_mode)
    if mode & 0o077:  # a folder that was there before: its mode is the user's to choose
        click.echo(
            f"Note: {output} itself was there before and others can open it (mode {mode:04o}); "
            f"the files in it are owner-only, but to keep even their names private: chmod 700 "
            f"{output}",
            err=True,
        )


def _record(ledger: str | None, head: dict, counts: dict, entries: dict):  # type: ignore[no-untyped-def]
    from nypconsol.cli.sweep_ledger import record_sweep
    from nypconsol.sweep.model import handle_key

    outcome = record_sweep(
        ledger,
        head,
        entries,
        lambda handle, platform: (platform, handle_key(platform, handle)),
        counts=counts,
    )
    for line in outcome.lines:
        click.echo(line, err=True)
    return outcome
