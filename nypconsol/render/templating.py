"""One Jinja2 environment for every document written from a template (closure notices, handover
reports, sweep worklists): sandboxed, with undefined names as errors and HTML autoescaped.

Templates are files in ``nypconsol/render/templates/``; a config may override any of them with
its own text. What is inserted is data, never evaluated: an owner named ``{{ 7*7 }}`` prints
as written, and in HTML ``<script>`` prints as text.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nypconsol.core.errors import InputError, NypconsolError
from nypconsol.core.parsing import terminal_safe

TEMPLATES_PACKAGE = "nypconsol.render"
TEMPLATES_FOLDER = "templates"


class TemplateProblem(InputError):
    """A template cannot be used: the message names the template, its line and the field."""


@dataclass(frozen=True, slots=True)
class TemplateText:
    """A template given as text (a config override): its name for messages, and where it sits in
    the file it came from (its first line there), so that a problem names the file's line."""

    name: str
    text: str
    file: str | None = None
    first_line: int | None = None


@lru_cache(maxsize=1)
def _environment():  # type: ignore[no-untyped-def]
    from jinja2 import PackageLoader, StrictUndefined, pass_eval_context, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        loader=PackageLoader(TEMPLATES_PACKAGE, TEMPLATES_FOLDER),
        undefined=StrictUndefined,
        autoescape=select_autoescape(("html", "htm", "xml", "svg"), default_for_string=False),
        finalize=pass_eval_context(_shown_in_html),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def _shown_in_html(eval_context, value):  # type: ignore[no-untyped-def]
    """In an escaped (HTML) document, control and direction-changing characters from the
    inputs are shown as escapes (``\\u001b``), as at a terminal: raw, they would reach
    whoever shows the file in a terminal. Text templates (notices) get values as they are:
    their checks refuse such characters instead."""
    if eval_context.autoescape and isinstance(value, str) and not hasattr(value, "__html__"):
        return terminal_safe(value)
    return value


def template_names() -> list[str]:
    """The templates shipped with the tool."""
    return sorted(_environment().list_templates())


def render(
    name: str,
    fields: Mapping[str, Any],
    overrides: Mapping[str, TemplateText] | None = None,
    *,
    html: bool | None = None,
) -> str:
    """Render the template ``name`` (or its override) with ``fields``. ``html`` forces
    autoescaping on or off for an override (shipped files escape by their extension)."""
    environment = _environment()
    override = (overrides or {}).get(name)
    try:
        if override is None:
            template = environment.get_template(name)
        else:
            escape = name.endswith((".html", ".htm")) if html is None else html
            template = environment.overlay(autoescape=escape).from_string(override.text)
        return template.render(**fields)
    except Exception as exc:  # every Jinja2 error, and errors raised by filters on data
        raise _problem(name, override, exc, fields) from None


def render_to(name: str, fields: Mapping[str, Any], out: Any) -> None:
    """Render the shipped template ``name`` piece by piece into ``out`` (a text stream), so
    that a very large document is never held as pieces and as one string at once."""
    try:
        for piece in _pieces(name, fields):
            out.write(piece)
    except Exception as exc:  # every Jinja2 error, and errors raised by filters on data
        raise _problem(name, None, exc) from None


def render_pieces(name: str, fields: Mapping[str, Any]) -> Iterator[str]:
    """The shipped template ``name`` rendered a piece at a time, as the caller takes them (for
    standard output, or a file written as it is drawn); a problem is a TemplateProblem."""
    pieces = _pieces(name, fields)
    while True:
        try:
            piece = next(pieces)
        except StopIteration:
            return
        except NypconsolError:  # the data's own error, already said for a person (the sweep's
            raise  # store failing as its items are drawn): not a problem with the template
        except Exception as exc:  # every Jinja2 error, and errors raised by filters on data
            raise _problem(name, None, exc) from None
        yield piece


def _pieces(name: str, fields: Mapping[str, Any]) -> Iterator[str]:
    return _environment().get_template(name).generate(**fields)


def check_template(name: str, override: TemplateText) -> None:
    """Parse an override now (bad syntax is found before anything is written)."""
    from jinja2 import TemplateSyntaxError

    try:
        _environment().parse(override.text)
    except TemplateSyntaxError as exc:
        raise _problem(name, override, exc) from None


def _problem(
    name: str,
    override: TemplateText | None,
    exc: Exception,
    fields: Mapping[str, Any] | None = None,
) -> TemplateProblem:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    line = getattr(exc, "lineno", None) if isinstance(exc, TemplateSyntaxError) else None
    if line is None:
        line = _template_line(exc)
    if isinstance(exc, UndefinedError):
        what = f"{exc.message}: {_which_field(exc.message or '', fields or {})}"
    elif isinstance(exc, TemplateSyntaxError):
        what = f"bad template syntax: {exc.message}"
    elif isinstance(exc, SecurityError):
        what = f"not allowed in a template: {exc}"
    else:
        what = f"{exc.__class__.__name__}: {exc}"
    if override is not None:
        where = override.name
        if override.file and override.first_line and line:
            where = f"{override.file}:{override.first_line + line - 1} ({override.name})"
        elif line:
            where = f"{override.name}, line {line}"
    else:
        where = f"template {name}" + (f", line {line}" if line else "")
    return TemplateProblem(f"{where}: {what}")


def _which_field(message: str, fields: Mapping[str, Any]) -> str:
    """For ``'targt' is undefined``: the field meant, when one is close."""
    import difflib

    unknown = message.split("'")[1] if message.count("'") >= 2 else ""
    close = difflib.get_close_matches(unknown, [str(f) for f in fields], n=1, cutoff=0.75)
    if close:
        return f"did you mean {close[0]}? (the README's Templates section lists the fields)"
    return "use one of the fields the template is given (the README's Templates section lists them)"


def _template_line(exc: BaseException) -> int | None:
    """The template line a rendering error happened on: Jinja2 puts the template's own frames
    (file name ``<template>`` or the template's path) with its line numbers in the traceback."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename == "<template>" or filename.endswith(
            (".txt", ".md", ".html", ".j2", ".svg", ".ics")
        ):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line if line is not None else _line_from_cause(exc)


def _line_from_cause(exc: BaseException) -> int | None:
    cause = exc.__cause__ or exc.__context__
    return _template_line(cause) if cause is not None and cause is not exc else None


if __name__ == "__main__":  # pragma: no cover - a quick look at the shipped templates
    print("\n".join(template_names()), file=sys.stdout)
