"""``nypconsol schema``: the JSON Schema of a document the tool writes."""

from __future__ import annotations

import click

from nypconsol.cli.options import version_option
from nypconsol.cli.output import emit
from nypconsol.schemas import SCHEMA_NAMES


@click.command()
@click.argument("name", metavar="NAME", type=click.Choice(SCHEMA_NAMES))
@version_option
def schema(name):  # type: ignore[no-untyped-def]
    """Print the JSON Schema (draft 2020-12) of a JSON document the tool writes.

    NAME is one of: districts, drift, findings, handover, log, notices, plan, status, sweep.
    """
    from nypconsol.schemas import schema_text

    emit(schema_text(name), None)
