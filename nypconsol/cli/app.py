"""The ``nypconsol`` group: a table of commands, each in its own module under nypconsol/cli/,
imported only when it runs (or when --help lists them)."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from importlib import import_module

import click

from nypconsol.cli.edge import invoke_guarded
from nypconsol.cli.options import version_option

# Command name -> (the module in nypconsol.cli whose function of that name is the command, the
# first paragraph of its help). The group's --help lists the commands from this table without
# importing any of them; tests/test_cli.py checks each summary against the command's own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "diff": (
        "diff",
        "Compare two plan files: accounts added, removed and changed, and plan settings.",
    ),
    "districts": (
        "districts",
        "Show the district mapping: each district's destination accounts and areas.",
    ),
    "enrich": (
        "enrich",
        "Check every account on X, Mastodon and Bluesky and fill in followers and lookup statuses.",
    ),
    "handover": (
        "handover",
        "Write handover reports: one per district, one for force-wide accounts, and an index.",
    ),
    "init": (
        "init",
        "Write a starter config/accounts.yaml and inventory.csv into DIRECTORY (default: here).",
    ),
    "log": (
        "log",
        "Show the progress ledger's audit trail, oldest first; --verify checks its hash chain.",
    ),
    "measure": (
        "measure",
        "Measure a draft the way its platform counts it, against the platform's limit.",
    ),
    "notices": (
        "notices",
        "Write the closure notices of every account the plan migrates.",
    ),
    "plan": (
        "plan",
        "Plan each account's destination, action, announcement and closure dates.",
    ),
    "record": (
        "record",
        "Record that a checklist step was done for an account, in the progress ledger.",
    ),
    "schema": (
        "schema",
        "Print the JSON Schema (draft 2020-12) of a JSON document the tool writes.",
    ),
    "status": (
        "status",
        "Show each migrated account's checklist steps: done, due, overdue or not yet.",
    ),
    "sweep": (
        "sweep",
        "Find the crime reports sent to accounts about to close, in their downloaded archives.",
    ),
    "validate": (
        "validate",
        "Check the inventory and mapping, and report every finding at once.",
    ),
}


class LazyCommands(MutableMapping):
    """The group's commands by name, each imported on first use (``group.commands`` keeps
    working for tests and tools that list the commands)."""

    def __init__(self, table: dict[str, tuple[str, str]]) -> None:
        self._modules = {name: module for name, (module, _) in table.items()}
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        command = self._loaded.get(name)
        if command is None:
            module = import_module(f"nypconsol.cli.{self._modules[name]}")
            command = self._loaded[name] = getattr(module, name)
        return command

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._modules.setdefault(name, "")
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._modules[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


class LazyGroup(click.Group):
    """Commands come from COMMANDS, imported on first use; every error they raise goes through
    the edge (nypconsol/cli/edge.py)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(COMMANDS)  # type: ignore[assignment]

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        return invoke_guarded(super().invoke, ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click lists commands, from the table: no command module is imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            # A stand-in with the same help shortens it exactly as the command would.
            command = click.Command(name, help=COMMANDS[name][1]) if name in COMMANDS else None
            command = command or self.commands[name]
            rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@version_option
def cli() -> None:
    """Plan the move from individual police social-media accounts to district accounts.

    Reads an inventory of accounts and the district mapping, checks them, and plans where
    each account goes and when. Start with: nypconsol plan
    """


def main() -> None:
    cli(prog_name="nypconsol")
