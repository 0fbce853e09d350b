"""Check the config's ``notices:`` section (posting time, template overrides, limits) and build
the NoticeSettings from it, with a finding and its line for every problem.

    notices:
      time: "09:00"                 # when posts go out on their day (a 5-minute step)
      limits:
        mastodon: {post: 1000}      # your server's own limit
      templates:
        announcement: |             # every platform's announcement ...
          ...
        mastodon:
          final: |                  # ... and Mastodon's own final post
            ...
"""

from __future__ import annotations

import datetime as dt
import re

from nypconsol.core.findings import Finding
from nypconsol.core.measure import TextKind
from nypconsol.core.models import DEFAULT_POSTING_TIME, NoticeSettings, TemplateSource
from nypconsol.core.notices import NoticeKind, template_name
from nypconsol.core.parsing import quoted
from nypconsol.core.platforms import PLATFORMS, platform_id

SECTION_KEYS = ("time", "templates", "limits")
MAX_LIMIT = 1_000_000
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)
_KINDS = ", ".join(kind.value for kind in NoticeKind)


def check_notices(document: dict, file: str) -> tuple[NoticeSettings, list[Finding]]:
    """The settings a config's ``notices:`` section gives (defaults where it is silent)."""
    checker = _Checker(file)
    section = document.get("notices")
    if section is None:
        return NoticeSettings(), checker.findings
    if not isinstance(section, dict):
        checker.problem(
            "notices must be a mapping with time:, templates: and limits:",
            _key_line(document, "notices"),
        )
        return NoticeSettings(), checker.findings
    for key in section:
        if key not in SECTION_KEYS:
            checker.problem(
                f"notices.{key} is not a setting: use {', '.join(SECTION_KEYS)}",
                _key_line(section, key),
            )
    settings = NoticeSettings(
        time=checker.time(section),
        templates=checker.templates(section),
        limits=checker.limits(section),
    )
    return settings, checker.findings


def _line(value: object) -> int | None:
    return getattr(value, "line", None)


def _key_line(mapping: dict, key: str) -> int | None:
    return getattr(mapping, "key_lines", {}).get(key, _line(mapping))


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.findings: list[Finding] = []

    def problem(self, message: str, line: int | None, code: str = "bad-config") -> None:
        self.findings.append(Finding(code, message, self.file, line))

    def time(self, section: dict) -> dt.time:
        raw = section.get("time")
        if raw is None:
            return DEFAULT_POSTING_TIME
        match = _TIME.fullmatch(raw.strip()) if isinstance(raw, str) else None
        if match:
            hour, minute = int(match.group(1)), int(match.group(2))
            if hour < 24 and minute < 60 and minute % 5 == 0:
                return dt.time(hour, minute)
        self.problem(
            f"notices.time {quoted(str(raw))} is not a time like 09:00 on a 5-minute step "
            "(the schedulers take times in 5-minute steps)",
            _key_line(section, "time"),
        )
        return DEFAULT_POSTING_TIME

    def limits(self, section: dict) -> dict[tuple[str, str], int]:
        raw = section.get("limits")
        limits: dict[tuple[str, str], int] = {}
        if raw is None:
            return limits
        if not isinstance(raw, dict):
            self.problem(
                "notices.limits must map platforms to their limits, e.g. mastodon: {post: 1000}",
                _key_line(section, "limits"),
            )
            return limits
        kinds = tuple(kind.value for kind in TextKind)
        for name, body in raw.items():
            platform = platform_id(name)
            line = _key_line(raw, name)
            if platform is None:
                self.problem(
                    f"notices.limits: unknown platform {name!r}; use one of {', '.join(PLATFORMS)}",
                    line,
                    code="unknown-platform",
                )
                continue
            if not isinstance(body, dict):
                self.problem(
                    f"notices.limits.{name} must be a mapping such as {{post: 1000, bio: 500}}",
                    line,
                )
                continue
            for kind, value in body.items():
                where = _key_line(body, kind)
                if kind not in kinds:
                    self.problem(
                        f"notices.limits.{name}.{kind} is not a kind of text: use post or bio",
                        where,
                    )
                    continue
                text = value.strip() if isinstance(value, str) else ""
                if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_LIMIT:
                    limits[(platform, kind)] = int(text)
                else:
                    self.problem(
                        f"notices.limits.{name}.{kind} must be a whole number from 1 to "
                        f"{MAX_LIMIT:,}, not {quoted(str(value))}",
                        where,
                    )
        return limits

    def templates(self, section: dict) -> tuple[TemplateSource, ...]:
        raw = section.get("templates")
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            self.problem(
                f"notices.templates must map {_KINDS} (or a platform, then those) to template text",
                _key_line(section, "templates"),
            )
            return ()
        sources: list[TemplateSource] = []
        for key, body in raw.items():
            line = _key_line(raw, key)
            if key in NoticeKind._value2member_map_:
                self.template(sources, NoticeKind(key), None, body, raw, key)
                continue
            platform = platform_id(key)
            if platform is None:
                self.problem(
                    f"notices.templates.{key} is neither a kind of notice ({_KINDS}) nor a "
                    f"platform ({', '.join(PLATFORMS)})",
                    line,
                )
                continue
            if not isinstance(body, dict):
                self.problem(f"notices.templates.{key} must map {_KINDS} to template text", line)
                continue
            for kind, text in body.items():
                if kind not in NoticeKind._value2member_map_:
                    self.problem(
                        f"notices.templates.{key}.{kind} is not a kind of notice: use {_KINDS}",
                        _key_line(body, kind),
                    )
                    continue
                self.template(sources, NoticeKind(kind), platform, text, body, kind, key)
        return tuple(sources)

    def template(
        self,
        sources: list[TemplateSource],
        kind: NoticeKind,
        platform: str | None,
        text: object,
        parent: dict,
        key: str,
        platform_key: str | None = None,
    ) -> None:
        config_key = ".".join(p for p in ("notices.templates", platform_key, key) if p)
        line = _key_line(parent, key)
        if not isinstance(text, str) or not text.strip():
            self.problem(f"{config_key} must be the template's text", line)
            return
        name = template_name(kind, platform)
        if any(source.name == name for source in sources):
            self.problem(f"{config_key} gives the {name} template a second time: keep one", line)
            return
        # A block scalar (``|``) starts on the line after its key, and only a block scalar
        # holds line breaks in practice: template lines are counted from there, so that a
        # template error names the config file's own line.
        first = line + 1 if line is not None and "\n" in text else line
        sources.append(
            TemplateSource(name=name, key=config_key, text=text, file=self.file, line=first)
        )
