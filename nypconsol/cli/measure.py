"""``nypconsol measure``: the length of a draft as its platform counts it, against its limit."""

from __future__ import annotations

import sys

import click

from nypconsol.cli.edge import exit_with
from nypconsol.cli.options import format_option, version_option
from nypconsol.cli.output import emit
from nypconsol.core.errors import ExitCode, InputError


class PlatformType(click.ParamType):
    """A platform as people write it (``x``, ``Twitter``, ``bsky``) -> its id."""

    name = "PLATFORM"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        from nypconsol.core.platforms import PLATFORMS, platform_id

        found = platform_id(value) if isinstance(value, str) else None
        if found is None:
            self.fail(f"{value!r} is not a platform: use one of {', '.join(PLATFORMS)}", param, ctx)
        return found


@click.command()
@click.option(
    "--platform",
    type=PlatformType(),
    required=True,
    help="x, facebook, instagram, tiktok, mastodon, bluesky or threads (also as inventories "
    "spell them: Twitter, fb, bsky, ...).",
)
@click.option(
    "--kind",
    type=click.Choice(["post", "bio"]),
    default="post",
    show_default=True,
    help="A post, or the profile text (bio): they have different limits.",
)
@format_option("measure", default="text", help="text for people, json for tools.")
@click.argument("text", metavar="TEXT|-")
@version_option
def measure(platform, kind, fmt, text):  # type: ignore[no-untyped-def]
    """Measure a draft the way its platform counts it, against the platform's limit.

    TEXT is the draft, or - to read it from standard input (one final line break is
    dropped). Exit 0 when it fits, 1 when it is too long, empty, or holds a control
    character (a posted text would keep it).
    """
    from nypconsol.core.measure import TextKind
    from nypconsol.core.measure import measure as measure_text
    from nypconsol.render.registry import render

    if text == "-":
        text = _read_stdin()
    result = measure_text(text, platform, TextKind(kind))
    emit(render("measure", fmt, result), None)
    return exit_with(ExitCode.OK if result.valid else ExitCode.INPUT_ERRORS)


def _read_stdin() -> str:
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None:
        raise InputError("standard input is closed: give the text as an argument")
    if _stdin_at_terminal():  # it waits for typing: say how to end it, rather than seem to hang
        click.echo(
            "Type or paste the draft, then press Ctrl-D at the start of a line to measure it.",
            err=True,
        )
    data = stream.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"standard input is not UTF-8 (byte {exc.start + 1}): save the draft as UTF-8"
        ) from None
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def _stdin_at_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False
