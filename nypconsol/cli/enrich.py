"""``nypconsol enrich``: look up every account on X, Mastodon and Bluesky and write the inventory
back with followers and lookup statuses. It holds network connections, so it never calls
batch_process(): the collector stays on and the process ends the ordinary way."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

import click

from nypconsol.cli.edge import exit_with
from nypconsol.cli.options import (
    color_option,
    config_option,
    inventory_options,
    output_option,
    quiet_option,
    version_option,
)
from nypconsol.core.errors import ExitCode
from nypconsol.enrich.handles import LOOKUP_PLATFORMS, platform_choice, platform_name
from nypconsol.enrich.lookup import DEFAULT_MAX_WAIT
from nypconsol.render.phrases import plural


class PlatformType(click.ParamType):
    """A ``--platform`` value as people write it (``x``, ``Twitter``, ``bsky``)."""

    name = "platform"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        try:
            return platform_choice(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.command()
@config_option
@inventory_options
@output_option(
    "The enriched inventory: the input again in its own format, with followers and "
    "the lookup columns filled in, written atomically.",
    required=True,
)
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    type=PlatformType(),
    metavar="|".join(LOOKUP_PLATFORMS),
    help=f"Look up this platform only; repeat for several. Default: {', '.join(LOOKUP_PLATFORMS)}.",
)
@click.option(
    "--api-base",
    "api_bases",
    multiple=True,
    metavar="[PLATFORM=]URL",
    help="Ask PLATFORM's API at URL instead (a proxy, a test server); a bare URL with a single "
    "--platform. Also $NYPCONSOL_X_API_BASE, $NYPCONSOL_MASTODON_API_BASE, "
    "$NYPCONSOL_BLUESKY_API_BASE.",
)
@click.option(
    "--cache",
    metavar="PATH",
    help="The lookup cache (SQLite) that lets an interrupted run carry on. Default: beside "
    "OUTPUT, named OUTPUT.nypconsol-cache.sqlite.",
)
@click.option("--refresh", is_flag=True, help="Ask again, ignoring the answers in the cache.")
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    default=DEFAULT_MAX_WAIT,
    show_default=True,
    metavar="SECONDS",
    help="Wait out a rate limit that resets within SECONDS, with a countdown; a longer one "
    "stops that platform cleanly (OUTPUT is still written: run again after the reset).",
)
@click.option(
    "--force", is_flag=True, help="Let OUTPUT be the input inventory itself, which is replaced."
)
@quiet_option
@color_option
@version_option
def enrich(  # type: ignore[no-untyped-def]
    config,
    inventory,
    sheet,
    encoding,
    output,
    platforms,
    api_bases,
    cache,
    refresh,
    max_wait,
    force,
    quiet,
    no_color,
):
    """Check every account on X, Mastodon and Bluesky and fill in followers and lookup statuses.

    OUTPUT gets each account's follower count and three new columns: lookup_status (found,
    not_found, suspended, protected or error), lookup_detail and lookup_at (UTC). The X
    bearer token is read from $NYPCONSOL_X_BEARER_TOKEN only. Answers are kept in a cache, so
    a run stopped by Ctrl-C, a crash or a rate limit carries on where it stopped. Without -i,
    the config's accounts: list is enriched and written to OUTPUT as an inventory of its own.
    Exit 0 when every account got an answer; 1 when some handles are not valid; 4 when some
    lookups failed or a rate limit stopped the run (OUTPUT is written: run again), or the
    token was rejected (nothing written); 130 on Ctrl-C (answers so far are in the cache).
    """
    from nypconsol.cli.output import check_inventory_options
    from nypconsol.enrich import (
        ApiBaseError,
        default_cache_path,
        enrich_inventory,
        parse_api_bases,
        summary_lines,
    )

    if inventory == "-":
        raise click.UsageError(
            "enrich writes the inventory back into a file of its own, in the input's format: "
            "name the inventory file with -i, not - (standard input)"
        )
    if output == "-":
        raise click.UsageError(
            "-o - would be standard output: enrich writes the inventory to a file (and keeps "
            "its cache beside it); name one with -o"
        )
    check_inventory_options(inventory, sheet, encoding)
    selected = tuple(p for p in LOOKUP_PLATFORMS if p in platforms) or LOOKUP_PLATFORMS
    try:  # before reading anything: a mistyped option costs no time
        parse_api_bases(api_bases, selected)
    except ApiBaseError as exc:
        raise click.UsageError(str(exc)) from None
    source = inventory if inventory is not None else _config_accounts(config)
    cache_path = Path(cache) if cache else default_cache_path(output)
    display = LookupDisplay(quiet=quiet, no_color=no_color)
    try:
        with display:
            result = enrich_inventory(
                source,
                output,
                platforms=selected,
                api_bases=api_bases,
                cache_path=cache_path,
                refresh=refresh,
                max_wait=max_wait,
                force=force,
                sheet=sheet,
                encoding=encoding,
                on_progress=display.progress,
                on_countdown=display.countdown,
            )
    except KeyboardInterrupt as interrupt:  # Ctrl-C; SIGTERM and SIGHUP too (Terminated)
        from nypconsol.cli import interrupt_exit_code, interrupt_name

        kept = (
            f"the answers so far are kept in {cache_path}: run the same command again to carry on"
            if cache_path.is_file()
            else "nothing was written"
        )
        click.echo(f"{interrupt_name(interrupt)}: {output} was not written; {kept}.", err=True)
        raise click.exceptions.Exit(interrupt_exit_code(interrupt)) from None

    run = result.run
    for warning in result.document.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for line in summary_lines(run, inventory=result.document.display, cache_path=cache_path):
        click.echo(line, err=True)
    others = len(result.document.rows) - len(run.results)
    left = f"; {others} on other platforms left as they were" if others else ""
    click.echo(
        f"Wrote {result.output}: {plural(len(run.results), 'account')} looked up{left}.",
        err=True,
    )
    if run.failed_lookups:
        click.echo(
            f"{plural(run.failed_lookups, 'account')} could not be looked up (lookup_detail "
            "says why): run the same command again to ask for those only.",
            err=True,
        )
    if run.invalid_handles:
        click.echo(
            f"{plural(run.invalid_handles, 'row')} not looked up: the handle is missing or not "
            "valid for its platform (nypconsol validate lists them); fix the inventory.",
            err=True,
        )
    exit_with(exit_code(run))


def exit_code(run: Any) -> ExitCode:
    """4 when lookups failed or a rate limit stopped the run, else 1 for handles that cannot be
    looked up, else 0."""
    if run.failed_lookups or not run.complete:
        return ExitCode.FAILURE
    if run.invalid_handles:
        return ExitCode.INPUT_ERRORS
    return ExitCode.OK


def _config_accounts(config: str | None) -> Any:
    """Without -i: the config's accounts: list, found as every command finds the config."""
    from nypconsol.enrich.configfile import read_config_accounts
    from nypconsol.enrich.errors import refused_inventory
    from nypconsol.loaders.located import LoadFailed
    from nypconsol.loaders.sources import locate_config

    try:
        source = locate_config(config, os.environ)
    except LoadFailed as failed:
        raise refused_inventory(failed.findings, config or "") from None
    if source.found_by == "built-in":
        raise click.UsageError(
            "name the inventory to enrich with -i INVENTORY (there is no config/accounts.yaml "
            "here, and the built-in mapping's example accounts are not looked up; nypconsol "
            "init writes an example inventory.csv)"
        )
    return read_config_accounts(source)


class LookupDisplay:
    """What runs on stderr while the lookups do: at a terminal, a rich progress bar per
    platform, with a rate-limit wait counted down in it; elsewhere one line as each wait
    starts; with --quiet, nothing."""

    def __init__(self, *, quiet: bool, no_color: bool, stream: IO[str] | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._quiet = quiet
        self._no_color = no_color
        self.live = not quiet and self._stream is not None and self._stream.isatty()
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._announced: tuple[str, str] | None = None

    def __enter__(self) -> LookupDisplay:
        if self.live:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            from nypconsol.render.terminal import make_console

            self._bar = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=make_console(self._stream, no_color=self._no_color),
            )
            self._bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def progress(self, event: Any) -> None:
        """Accounts of a platform answered so far (enrich.models.Progress)."""
        if self._bar is None:
            return
        name = platform_name(event.platform)
        task = self._tasks.get(event.platform)
        if task is None:
            self._tasks[event.platform] = self._bar.add_task(
                name, total=event.total, completed=event.done
            )
        else:
            self._bar.update(task, completed=event.done, description=name)

    def countdown(self, event: Any) -> None:
        """A second of a rate-limit wait (enrich.models.Countdown)."""
        name = platform_name(event.platform)
        if self._bar is not None:
            text = f"{name}: rate limited, {event.remaining_seconds} s to wait (until {event.resume_at})"
            task = self._tasks.get(event.platform)
            if task is None:
                self._tasks[event.platform] = self._bar.add_task(text, total=None)
            else:
                self._bar.update(task, description=text)
        elif not self._quiet and self._announced != (event.scope, event.resume_at):
            self._announced = (event.scope, event.resume_at)
            click.echo(
                f"{name} ({event.scope}) limits requests: waiting {event.remaining_seconds} s, "
                f"until {event.resume_at}",
                err=True,
            )
