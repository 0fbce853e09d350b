"""Finding the account a person names on the command line in the plan: the migrated account a
handle means, compared as its platform compares handles, with "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from nypconsol.core.errors import InputError
from nypconsol.core.models import Action, Plan, PlanEntry
from nypconsol.core.parsing import at_handle, quoted
from nypconsol.core.platforms import PLATFORMS, normalise_handle, platform_id


class UnknownAccount(InputError):
    """The handle names no account the plan migrates, or names several (exit 1)."""


def account_key(platform: str, handle: str) -> tuple[str, str]:
    """An account as the platform tells accounts apart: ``(platform id, handle key)`` (case
    ignored, and Facebook's dots)."""
    known = PLATFORMS.get(platform)
    return (platform, known.handle_key(handle) if known else handle.casefold())


def label(entry: PlanEntry) -> str:
    """``@Handle (x)``, for messages."""
    return f"{at_handle(entry.account.handle)} ({entry.account.platform})"


def find_account(plan: Plan, handle: str, platform: str | None = None) -> PlanEntry:
    """The migrated account of the plan that ``handle`` (a leading ``@`` allowed) names, on
    ``platform`` (an id or alias: ``twitter``, ``fb``) when given. Raises UnknownAccount: for a
    handle in no account (with the close ones), one the plan does not migrate (and why), or
    one on several platforms without ``platform``."""
    wanted_platform = None
    if platform is not None:
        wanted_platform = platform_id(platform)
        if wanted_platform is None:
            raise UnknownAccount(
                f"unknown platform {quoted(platform)}: the platforms are {', '.join(PLATFORMS)}"
            )
    typed = normalise_handle(handle)
    same = [
        entry
        for entry in plan.entries
        if account_key(entry.account.platform, entry.account.handle)
        == account_key(entry.account.platform, typed)
    ]
    on_platform = [e for e in same if wanted_platform in (None, e.account.platform)]
    migrated = [e for e in on_platform if e.action is Action.MIGRATE]
    if len(migrated) == 1:
        return migrated[0]
    if len(migrated) > 1:
        platforms = ", ".join(e.account.platform for e in migrated)
        raise UnknownAccount(
            f"{at_handle(typed)} is an account on several platforms ({platforms}): "
            "say which with --platform"
        )
    if on_platform:
        entry = on_platform[0]
        why = f": {entry.note}" if entry.note else ""
        raise UnknownAccount(
            f"{label(entry)} is not migrated by the plan (action {entry.action.value}{why}); "
            "only migrated accounts have steps to record"
        )
    if same:
        elsewhere = ", ".join(e.account.platform for e in same)
        raise UnknownAccount(
            f"{at_handle(typed)} is not on {wanted_platform} in the plan; it is on {elsewhere}"
        )
    where = f" on {wanted_platform}" if wanted_platform else ""
    hint = _suggest(plan.entries, typed, wanted_platform)
    advice = f": did you mean {hint}?" if hint else " (nypconsol plan lists its accounts)"
    raise UnknownAccount(f"{at_handle(typed)} is not an account the plan migrates{where}{advice}")


def _suggest(entries: Iterable[PlanEntry], typed: str, platform: str | None) -> str:
    candidates = {}
    for entry in entries:
        if entry.action is Action.MIGRATE and platform in (None, entry.account.platform):
            candidates.setdefault(entry.account.handle.casefold(), []).append(entry)
    close = difflib.get_close_matches(typed.casefold(), list(candidates), n=3, cutoff=0.6)
    return " or ".join(label(entry) for key in close for entry in candidates[key])
