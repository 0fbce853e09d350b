"""Every option shared by commands, defined once (as pip-tools does). Commands stack these
decorators; an option's name, help and behaviour change here for all of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from nypconsol import __version__

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        from nypconsol.core.parsing import FIRST_YEAR, LAST_YEAR, parse_start_date

        if not isinstance(value, str):  # a default given as a date
            return value
        try:
            return parse_start_date(value)
        except ValueError:
            self.fail(
                f"{value!r} is not a date like 2027-01-11 or 11/01/2027 "
                f"(years {FIRST_YEAR} to {LAST_YEAR})",
                param,
                ctx,
            )


def version_option(f):  # type: ignore[no-untyped-def]
    return click.version_option(__version__, "--version", prog_name="nypconsol")(f)


def config_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "-c",
        "--config",
        metavar="FILE",
        help="District mapping. Default: $NYPCONSOL_CONFIG, else ./config/accounts.yaml, else "
        "the built-in mapping.",
    )(f)


def _text_encoding(ctx, param, value):  # type: ignore[no-untyped-def]
    """--encoding must name a codec that decodes bytes to text (not "undefined", "rot13")."""
    if value is None:
        return value
    import codecs

    try:
        info = codecs.lookup(value)
        usable = getattr(info, "_is_text_encoding", True)
        if usable:
            # "undefined" is a codec that refuses everything, even nothing at all.
            codecs.getincrementaldecoder(value)().decode(b"", final=False)
    except (LookupError, UnicodeError, ValueError, TypeError):
        usable = False
    if not usable:
        raise click.BadParameter(
            f"{value!r} is not a text encoding this Python knows: try utf-8 or cp1252", ctx, param
        )
    return value


def inventory_options(f):  # type: ignore[no-untyped-def]
    f = click.option(
        "--encoding",
        metavar="NAME",
        callback=_text_encoding,
        help="Text encoding of a CSV/YAML/JSON inventory (default UTF-8), e.g. cp1252.",
    )(f)
    f = click.option("--sheet", metavar="NAME", help="XLSX sheet to read (default: the first).")(f)
    return click.option(
        "-i",
        "--inventory",
        metavar="PATH",
        help="Inventory of accounts: .csv, .xlsx, .yaml or .json. Default: the config's accounts: list.",
    )(f)


INPUT_FORMATS = ("csv", "xlsx", "yaml", "json")  # loaders/tables.py FORMATS' values


def input_format_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--input-format",
        type=click.Choice(INPUT_FORMATS),
        help="The inventory's format, when -i is - (standard input) or its extension does not "
        "say. Default: from the extension; standard input is recognised from its content "
        "(XLSX, JSON, YAML, else CSV).",
    )(f)


def start_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--start", type=DateType(), help="First announcement date (overrides policy.start)."
    )(f)


def format_option(
    kind: str,
    *,
    help: str,
    default: str | None = None,
    choices: Sequence[str] | None = None,
    extra: Sequence[str] = (),
) -> Decorator:
    """``--format`` for a document ``kind``: the formats its renderers offer (render/registry.py),
    or the ``choices`` given (each one a renderer's), then ``extra`` ones the command handles."""
    from nypconsol.render.registry import formats

    names = tuple(choices) if choices is not None else formats(kind)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice((*names, *extra)),
        default=default,
        show_default=default is not None,
        help=help,
    )


def output_option(help: str, *, metavar: str = "FILE", required: bool = False) -> Decorator:
    """``-o FILE``, or ``-o DIR`` (``metavar="DIR"``) for a folder written by
    loaders/folders.write_folder."""
    return click.option("-o", "--output", metavar=metavar, required=required, help=help)


def district_option(f):  # type: ignore[no-untyped-def]
    """``--district ID``, repeatable: the districts a command works on (``chosen_districts``)."""
    return click.option(
        "--district",
        "districts",
        metavar="ID",
        multiple=True,
        help="Only this district: its id or name (any case), or force for the force-wide "
        "accounts. Repeat, or separate with commas, for more. Default: every one.",
    )(f)


def chosen_districts(config, wanted: Sequence[str]) -> tuple[str, ...] | None:  # type: ignore[no-untyped-def]
    """The district ids that ``--district`` values name (ids or names, any case, ``force``), in
    the order given; None when none were given. An unknown one is a usage error (exit 2)
    naming every choice."""
    from nypconsol.core.models import FORCE_ID

    if not wanted:
        return None
    known = {FORCE_ID: FORCE_ID}
    for district in config.districts:
        known[district.id.casefold()] = district.id
        known[" ".join(district.name.split()).casefold()] = district.id
    names = [" ".join(part.split()) for value in wanted for part in value.split(",")]
    unknown = [name for name in names if name.casefold() not in known]
    if unknown or not any(names):
        ids = ", ".join([d.id for d in config.districts] + [FORCE_ID])
        what = ", ".join(repr(name) for name in unknown) or "named"
        raise click.BadParameter(f"no district {what}: use one of {ids}", param_hint="'--district'")
    return tuple(dict.fromkeys(known[name.casefold()] for name in names))


def color_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--no-color", is_flag=True, help="No colour (also: NO_COLOR set, or output not a terminal)."
    )(f)


def account_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--account",
        "accounts",
        metavar="HANDLE",
        multiple=True,
        help="Only this account (its handle, with or without @). Repeat for more.",
    )(f)


def quiet_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--quiet",
        is_flag=True,
        help="No progress bars or countdowns (they are shown on stderr only at a terminal).",
    )(f)


def ledger_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--ledger",
        metavar="PATH_OR_URL",
        help="The progress ledger: a SQLite file or a postgresql://user@host/db URL (the "
        "password from PGPASSWORD or ~/.pgpass). Default: $NYPCONSOL_LEDGER, else "
        "./nypconsol-ledger.sqlite.",
    )(f)
