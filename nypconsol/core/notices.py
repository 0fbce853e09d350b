"""Closure notices: for every account the plan migrates, the announcement (posted and pinned on
its notice date), the final post (on its closure date) and the profile text (bio) left on it,
each measured as its platform counts and checked against the platform's limit.

The core builds the notices as data: the fields each template is given, which template applies,
and every problem as a finding. Rendering the templates is the renderer's job
(render/notices.py passes in ``render_text``), so that the core stays free of Jinja2.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from nypconsol.core.dates import british_date
from nypconsol.core.findings import Finding
from nypconsol.core.measure import TextKind, control_characters, measure
from nypconsol.core.models import FORCE_ID, Action, Config, Plan, PlanEntry, Source
from nypconsol.core.parsing import at_handle, quoted
from nypconsol.core.platforms import PLATFORMS, normalise_handle

# A text that begins with one of these is run as a formula by a spreadsheet that opens the
# scheduler files: a notice must begin with a word (see render/csvfile.excel_safe).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class NoticeKind(StrEnum):
    """The three texts every migrated account gets."""

    ANNOUNCEMENT = "announcement"  # posted and pinned on the notice date
    FINAL = "final"  # posted on the closure date
    BIO = "bio"  # the profile text left on the closed account, set on the closure date

    @property
    def text_kind(self) -> TextKind:
        return TextKind.BIO if self is NoticeKind.BIO else TextKind.POST

    @property
    def is_post(self) -> bool:
        return self is not NoticeKind.BIO

    @property
    def action(self) -> str:
        """What the comms officer does with it, for schedules."""
        return _ACTIONS[self]

    def date(self, entry: PlanEntry) -> dt.date:
        date = entry.notice_date if self is NoticeKind.ANNOUNCEMENT else entry.close_date
        assert date is not None, "only migrated accounts get notices"
        return date


_ACTIONS = {
    NoticeKind.ANNOUNCEMENT: "Post and pin the announcement",
    NoticeKind.FINAL: "Post the final notice",
    NoticeKind.BIO: "Replace the profile text (bio)",
}


_STEM_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def file_stem(platform: str, handle: str) -> str:
    """``x-PC_Skipton_Ali``, ``mastodon-nypolice_at_mastodon.social``: the platform and the
    handle in characters every file system takes. A handle that had to be changed beyond its
    ``@`` (or that holds ``_at_`` itself) gets a short hash of itself, so that two such never
    share a name."""
    readable = handle.replace("@", "_at_")
    stem = _STEM_UNSAFE.sub("_", readable).lstrip(".")[:100]
    if stem != readable or "_at_" in handle:
        from hashlib import sha256

        stem = f"{stem}-{sha256(handle.encode()).hexdigest()[:8]}"
    return f"{platform}-{stem}"


def posting_times(days: list[dt.date], first: dt.time, step_minutes: int) -> list[dt.datetime]:
    """A time for each post of one scheduler file, given their days in order: the first of a
    day at ``first``, each next one ``step_minutes`` later (schedulers refuse posts closer than
    that). Raises ValueError when a day's posts run past midnight."""
    times: list[dt.datetime] = []
    seen: dict[dt.date, int] = {}
    for day in days:
        index = seen[day] = seen.get(day, -1) + 1
        at = dt.datetime.combine(day, first) + dt.timedelta(minutes=step_minutes * index)
        if at.date() != day:
            raise ValueError(
                f"{index + 1} posts on {day.isoformat()} do not fit between "
                f"{first.strftime('%H:%M')} and midnight {step_minutes} minutes apart"
            )
        times.append(at)
    return times


def template_name(kind: NoticeKind, platform: str | None = None) -> str:
    """``notices/announcement.txt``, or the platform's own ``notices/x/announcement.txt``."""
    return f"notices/{platform}/{kind.value}.txt" if platform else f"notices/{kind.value}.txt"


@dataclass(frozen=True, slots=True)
class Notice:
    """One text for one account, measured."""

    handle: str
    platform: str
    district: str  # district id, or "force"
    district_name: str
    target: str  # the destination handle (as in the plan: no @)
    kind: NoticeKind
    date: dt.date
    text: str
    length: int
    limit: int
    template: str  # the template that made it: a shipped file, or the config key
    source: Source  # the inventory row

    @property
    def account(self) -> str:
        """The account as written on its platform: ``@PC_Skipton_Ali``."""
        return PLATFORMS[self.platform].as_written(self.handle)

    def as_dict(self) -> dict:
        """The notice as ``notices --format json`` writes it."""
        return {
            "handle": self.handle,
            "platform": self.platform,
            "district": self.district,
            "target": self.target,
            "kind": self.kind.value,
            "date": self.date.isoformat(),
            "text": self.text,
            "length": self.length,
            "limit": self.limit,
        }


@dataclass(frozen=True, slots=True)
class NoticeSet:
    """Every notice of a run, in plan order (announcement, final, bio for each account), and
    the problems found in them (errors: nothing may be written)."""

    notices: tuple[Notice, ...]
    findings: tuple[Finding, ...]
    accounts: int  # accounts given notices
    start: dt.date  # the plan's start, a fixed point for the calendar's time stamps

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def by_date(self) -> list[tuple[dt.date, list[Notice]]]:
        """The notices grouped by the day they are due, in date order (plan order within)."""
        days: dict[dt.date, list[Notice]] = {}
        for notice in self.notices:
            days.setdefault(notice.date, []).append(notice)
        return sorted(days.items())


# (kind, platform id, fields) -> (the text, the name of the template that made it)
RenderText = Callable[[NoticeKind, str, Mapping[str, object]], tuple[str, str]]


def notice_fields(entry: PlanEntry, config: Config) -> dict[str, object]:
    """What every template of an account is given. User data goes in as text and is never
    evaluated (the templates run sandboxed)."""
    account = entry.account
    platform = PLATFORMS[account.platform]
    district = config.district(entry.district)
    reporting = config.force.reporting
    target = entry.target or ""
    return {
        "handle": account.handle,
        "account": platform.as_written(account.handle),
        "url": platform.profile_url(account.handle),
        "platform": platform.name,
        "platform_id": platform.id,
        "closure": platform.closure.value,
        "owner": account.owner,
        "sign_off": account.sign_off,
        "district": district.name if district else config.force.name,
        "district_id": entry.district,
        "force_wide": entry.district == FORCE_ID,
        "target": platform.as_written(target),
        "target_handle": target,
        "target_url": platform.profile_url(target),
        "notice_date": british_date(NoticeKind.ANNOUNCEMENT.date(entry)),
        "close_date": british_date(NoticeKind.FINAL.date(entry)),
        "force": config.force.name,
        "emergency": reporting.get("emergency", ""),
        "non_emergency": reporting.get("non_emergency", ""),
        "report_url": reporting.get("online", ""),
    }


def migrated(plan: Plan) -> list[PlanEntry]:
    return [entry for entry in plan.entries if entry.action is Action.MIGRATE]


def select_entries(
    plan: Plan, districts: Iterable[str] = (), accounts: Iterable[str] = ()
) -> tuple[list[PlanEntry], list[str]]:
    """The migrated accounts in the districts (ids, or ``force``) and among the accounts named
    (all when none is named), and a problem for every account name that selects nothing.
    Accounts by handle, any case, with or without ``@``."""
    entries = migrated(plan)
    problems: list[str] = []
    wanted_districts = set(districts)
    if wanted_districts:
        entries = [e for e in entries if e.district in wanted_districts]
    wanted_accounts = {normalise_handle(name).casefold(): name for name in accounts}
    if wanted_accounts:
        by_handle: dict[str, list[PlanEntry]] = {}
        for entry in plan.entries:
            by_handle.setdefault(entry.account.handle.casefold(), []).append(entry)
        for folded, name in wanted_accounts.items():
            found = by_handle.get(folded, [])
            if not found:
                problems.append(f"--account {quoted(name)} is not in the inventory")
            elif not any(e.action is Action.MIGRATE for e in found):
                action = found[0].action.value
                problems.append(
                    f"--account {quoted(name)} is not migrated (its action is {action}), so it "
                    "gets no notices"
                )
        entries = [e for e in entries if e.account.handle.casefold() in wanted_accounts]
    return entries, problems


def build_notices(
    plan: Plan, render_text: RenderText, entries: list[PlanEntry] | None = None
) -> NoticeSet:
    """The three notices of every migrated account (or of ``entries``), measured, with a
    finding for each one that is empty, unsafe or over its platform's limit."""
    config = plan.config
    limits = config.notices.limits
    notices: list[Notice] = []
    findings: list[Finding] = []
    chosen = migrated(plan) if entries is None else entries
    for entry in chosen:
        account = entry.account
        fields = notice_fields(entry, config)
        district_name = str(fields["district"])
        for kind in NoticeKind:
            text, template = render_text(kind, account.platform, fields)
            text = tidy(text)
            measured = measure(text, account.platform, kind.text_kind, limits)
            notice = Notice(
                handle=account.handle,
                platform=account.platform,
                district=entry.district,
                district_name=district_name,
                target=entry.target or "",
                kind=kind,
                date=kind.date(entry),
                text=text,
                length=measured.length,
                limit=measured.limit,
                template=template,
                source=account.source,
            )
            notices.append(notice)
            problem = check_notice(notice)
            if problem is not None:
                findings.append(problem)
    return NoticeSet(
        notices=tuple(notices), findings=tuple(findings), accounts=len(chosen), start=plan.start
    )


def tidy(text: str) -> str:
    """A rendered template as it is posted: no space at the ends of lines, no blank line at
    either end, and never more than one blank line in a row (left by ``{% if %}`` blocks)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidied: list[str] = []
    for line in lines:
        if line or (tidied and tidied[-1]):
            tidied.append(line)
    return "\n".join(tidied)


def check_notice(notice: Notice) -> Finding | None:
    """An error finding for a notice that cannot be posted as it is, on its inventory row."""
    label = f"{PLATFORMS[notice.platform].name} {at_handle(notice.handle)}"
    what = f"the {notice.kind.value} (template {notice.template})"
    file, line = notice.source.file, notice.source.line
    if not notice.text:
        return Finding("notice-empty", f"{label}: {what} is empty: fix the template", file, line)
    if notice.length > notice.limit:
        counted = PLATFORMS[notice.platform].name
        return Finding(
            "notice-too-long",
            f"{label}: {what} is {notice.length:,} characters as {counted} counts them, over "
            f"the limit of {notice.limit:,} by {notice.length - notice.limit:,}: shorten the "
            "template or the values in it (a sign_off, say); notices are never cut",
            file,
            line,
        )
    if notice.text.startswith(FORMULA_STARTS):
        return Finding(
            "notice-unsafe-text",
            f"{label}: {what} begins with {notice.text[0]!r}, which a spreadsheet runs as a "
            "formula: begin it with a word",
            file,
            line,
        )
    controls = control_characters(notice.text)
    if controls:
        shown = ", ".join(controls)
        return Finding(
            "notice-unsafe-text",
            f"{label}: {what} holds control characters ({shown}), which would be posted as "
            "they are: remove them from the inventory or the template",
            file,
            line,
        )
    return None
