"""Closure notices: the templates rendered for every migrated account (core/notices.py builds
and checks them), and the notices as text, Markdown and JSON for ``nypconsol notices``.

Which template makes a text, first found: the config's template for the platform
(``notices: templates: x: announcement:``), the config's template for every platform
(``notices: templates: announcement:``), the shipped one for the platform
(``notices/x/announcement.txt``), the shipped one for every platform
(``notices/announcement.txt``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from nypconsol.core.measure import Measure
from nypconsol.core.models import NoticeSettings, Plan, PlanEntry
from nypconsol.core.notices import (
    Notice,
    NoticeKind,
    NoticeSet,
    RenderText,
    build_notices,
    template_name,
)
from nypconsol.core.parsing import terminal_safe
from nypconsol.core.platforms import PLATFORMS
from nypconsol.render.envelope import FORMAT_VERSION, TOOL
from nypconsol.render.templating import (
    TemplateProblem,
    TemplateText,
    check_template,
    render,
    template_names,
)


def overrides_of(settings: NoticeSettings) -> dict[str, TemplateText]:
    """The config's templates by the name of the template each replaces."""
    return {
        source.name: TemplateText(
            name=source.key, text=source.text, file=source.file, first_line=source.line
        )
        for source in settings.templates
    }


def check_overrides(overrides: Mapping[str, TemplateText]) -> None:
    """Every config template parsed before anything is rendered: all syntax errors at once."""
    problems = []
    for name, override in overrides.items():
        try:
            check_template(name, override)
        except TemplateProblem as problem:
            problems.append(str(problem))
    if problems:
        raise TemplateProblem("\n".join(problems))


def template_renderer(
    settings: NoticeSettings, problems: dict[str, str] | None = None
) -> RenderText:
    """``render_text`` for build_notices: the template for a kind and platform (the first
    found, in the order the module's docstring gives), rendered with an account's fields.
    With ``problems``, a template that cannot be filled in is noted there (once, by its
    name) and gives an empty text, so that every such template is found in one run."""
    overrides = overrides_of(settings)
    check_overrides(overrides)
    shipped = set(template_names())
    chosen: dict[tuple[NoticeKind, str], tuple[str, str, bool]] = {}

    def choose(kind: NoticeKind, platform: str) -> tuple[str, str, bool]:
        names = (template_name(kind, platform), template_name(kind))
        for name in names:
            if name in overrides:
                return name, overrides[name].name, True
        for name in names:
            if name in shipped:
                return name, name, False
        raise TemplateProblem(f"no template for the {kind.value} on {platform}: {names[1]}")

    def render_text(
        kind: NoticeKind, platform: str, fields: Mapping[str, object]
    ) -> tuple[str, str]:
        choice = chosen.get((kind, platform))
        if choice is None:
            choice = chosen[(kind, platform)] = choose(kind, platform)
        name, label, overridden = choice
        if problems is not None and label in problems:
            return "", label
        try:
            text = render(name, fields, overrides if overridden else None, html=False)
        except TemplateProblem as problem:
            if problems is None:
                raise
            problems[label] = str(problem)
            return "", label
        return text, label

    return render_text


def make_notices(plan: Plan, entries: list[PlanEntry] | None = None) -> NoticeSet:
    """Every migrated account's notices (or those of ``entries``), from the config's templates
    or the shipped ones. Raises TemplateProblem naming every template that cannot be used."""
    problems: dict[str, str] = {}
    notices = build_notices(plan, template_renderer(plan.config.notices, problems), entries)
    if problems:
        raise TemplateProblem("\n".join(problems.values()))
    return notices


# --- showing the notices -----------------------------------------------------------------------


def notice_heading(notice: Notice) -> str:
    """``Post and pin the announcement: X @PC_Skipton_Ali (Craven)``."""
    platform = PLATFORMS[notice.platform]
    return f"{notice.kind.action}: {platform.name} {notice.account} ({notice.district_name})"


def length_phrase(notice: Notice) -> str:
    """``224 of 280 characters as X counts them``."""
    counted = PLATFORMS[notice.platform].name
    return f"{notice.length:,} of {notice.limit:,} characters as {counted} counts them"


def summary_line(notices: NoticeSet) -> str:
    days = notices.by_date()
    if not days:
        return "No account is migrated, so there are no notices."
    from nypconsol.core.dates import british_date

    accounts = f"{notices.accounts:,} account" + ("" if notices.accounts == 1 else "s")
    return (
        f"Closure notices for {accounts}: {len(notices.notices):,} texts on {len(days)} "
        f"day{'' if len(days) == 1 else 's'}, {british_date(days[0][0])} to "
        f"{british_date(days[-1][0])}."
    )


def notices_text(notices: NoticeSet, *, console: object = None) -> str:
    """The texts grouped by the day they are due, for a terminal or a pipe."""
    from nypconsol.core.dates import british_date

    lines = [summary_line(notices)]
    for day, items in notices.by_date():
        heading = british_date(day)
        lines += ["", heading, "=" * len(heading)]
        for notice in items:
            lines += ["", terminal_safe(notice_heading(notice)) + f"  [{length_phrase(notice)}]"]
            lines += [
                "    " + terminal_safe(line) if line else "" for line in notice.text.split("\n")
            ]
    return "\n".join(lines) + "\n"


def notices_markdown(notices: NoticeSet, *, console: object = None) -> str:
    """The texts grouped by day, each in a fenced block, for a pull request or a wiki."""
    from nypconsol.core.dates import british_date
    from nypconsol.render.markdown import md_escape

    lines = ["# Closure notices", "", md_escape(summary_line(notices))]
    for day, items in notices.by_date():
        lines += ["", f"## {british_date(day)}"]
        for notice in items:
            fence = "`" * max(3, _longest_run(notice.text, "`") + 1)
            lines += [
                "",
                f"### {md_escape(notice_heading(notice))}",
                "",
                f"{md_escape(length_phrase(notice))}.",
                "",
                fence + "text",
                *(terminal_safe(line) for line in notice.text.split("\n")),
                fence,
            ]
    return "\n".join(lines) + "\n"


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(re.escape(char) + "+", text)
    return max((len(run) for run in runs), default=0)


def notices_envelope(notices: NoticeSet) -> dict:
    """``{"format_version", "kind": "notices", "tool", "notices": [...]}``; see the notices
    schema (nypconsol schema notices)."""
    return {
        "format_version": FORMAT_VERSION,
        "kind": "notices",
        "tool": TOOL,
        "notices": [notice.as_dict() for notice in notices.notices],
    }


def notices_json(notices: NoticeSet, *, console: object = None) -> str:
    """The envelope with each notice on one line, without spaces, as the plan writes its
    accounts: diffs stay readable and 30,000 notices are written in a blink."""
    from nypconsol.render.data import account_encoder

    envelope = notices_envelope(notices)
    items = envelope.pop("notices")
    head = json.dumps(envelope, indent=2, ensure_ascii=False)[:-2]
    if not items:
        return head + ',\n  "notices": []\n}\n'
    encode = account_encoder(len(items))
    lines = ",\n    ".join(encode(item).decode("utf-8") for item in items)
    return head + ',\n  "notices": [\n    ' + lines + "\n  ]\n}\n"


# --- nypconsol measure ---------------------------------------------------------------------


def measure_text(measured: Measure, *, console: object = None) -> str:
    """``X post: 26 of 280 characters as X counts them: it fits.``"""
    platform = PLATFORMS[measured.platform].name
    head = (
        f"{platform} {measured.kind.value}: {measured.length:,} of {measured.limit:,} "
        f"characters as {platform} counts them"
    )
    if measured.valid:
        verdict = "it fits"
    elif measured.problem == "empty":
        verdict = "it is empty, and an empty text is not valid"
    elif measured.problem == "too long":
        verdict = f"{measured.over:,} too many: shorten it"
    else:
        verdict = f"it {measured.problem}"
    return f"{head}: {verdict}.\n"


def measure_json(measured: Measure, *, console: object = None) -> str:
    """``{"platform": "x", "kind": "post", "length": 26, "limit": 280, "valid": true}``."""
    return json.dumps(measured.as_dict()) + "\n"
