"""Tie an archive to its inventory account: named by the archive itself, else by its file or
folder name, else by ``--account``; or say, naming the archive, why it cannot be tied."""

from __future__ import annotations

import re
from collections.abc import Iterable

from nypconsol.sweep.discover import Candidate
from nypconsol.sweep.model import (
    PLATFORM_NAMES,
    ArchiveFinding,
    MatchedBy,
    Platform,
    SweepAccount,
    archive_finding,
    handle_key,
)

_NAME_SPLIT = re.compile(r"[-\s]+")


class AccountIndex:
    """The inventory accounts by platform and handle as the platform compares them, and the
    accounts that are in the inventory but not swept, with why (retained, already closed)."""

    def __init__(
        self, accounts: Iterable[SweepAccount], not_swept: Iterable[tuple[SweepAccount, str]] = ()
    ) -> None:
        self._by_key: dict[tuple[str, str], SweepAccount] = {}
        for account in accounts:
            self._by_key.setdefault(account.key(), account)
        self._platforms = sorted({p for p, _ in self._by_key})
        self._not_swept: dict[tuple[str, str], str] = {}
        for account, why in not_swept:
            self._not_swept.setdefault(account.key(), why)

    def why_not_swept(self, handle: str, platforms: tuple[str, ...]) -> str | None:
        """Why an inventory account of that handle on one of these platforms is not swept."""
        for platform in platforms:
            why = self._not_swept.get((platform, handle_key(platform, handle)))
            if why is not None:
                return why
        return None

    def lookup(
        self, handle: str, platforms: tuple[str, ...]
    ) -> tuple[list[SweepAccount], list[SweepAccount]]:
        """(accounts of that handle on these platforms, accounts of it on other platforms)."""
        fits, others = [], []
        for platform in self._platforms:
            account = self._by_key.get((platform, handle_key(platform, handle)))
            if account is not None:
                (fits if platform in platforms else others).append(account)
        return fits, others


def _name_candidates(candidate: Candidate) -> list[tuple[str, str]]:
    """Handles the archive's own name and its folder's could be, with where each comes from."""
    path = candidate.path.absolute()
    own = (
        path.name[:-4] if candidate.is_zip and path.name.casefold().endswith(".zip") else path.name
    )
    names = [(own, "its name")]
    names += [(part, "its name") for part in _NAME_SPLIT.split(own) if part and part != own]
    if path.parent.name:
        names.append((path.parent.name, "the folder it is in"))
    return names


def _platforms_text(platforms: tuple[str, ...]) -> str:
    return " or ".join(PLATFORM_NAMES[Platform(p)] for p in platforms)


def match_account(
    candidate: Candidate,
    platforms: tuple[str, ...],
    named: tuple[str, str] | None,
    index: AccountIndex,
    account_hint: str | None,
) -> tuple[SweepAccount, MatchedBy] | ArchiveFinding:
    """The inventory account of an archive: named by the archive itself, else by its file or
    folder name, else by ``--account``. An archive of no inventory account, or tied to one on
    another platform, is a finding naming it."""
    archive = candidate.display
    kind = _platforms_text(platforms)
    if named is not None:
        handle, where = named
        fits, others = index.lookup(handle, platforms)
        if len(fits) == 1:
            return fits[0], MatchedBy.ARCHIVE
        if others:
            return _wrong_platform(archive, kind, handle, others[0], where)
        why = index.why_not_swept(handle, platforms)
        if why is not None:
            return _not_swept(archive, kind, handle, f"named in {where}", why)
        return archive_finding(
            "archive-unmatched",
            archive,
            f"is the {kind} archive of @{handle} (named in {where}), which is not in the "
            "inventory: add the account to the inventory, or leave the archive out",
        )
    wrong: tuple[str, SweepAccount, str] | None = None
    skipped: tuple[str, str, str] | None = None
    tried = [(name, where) for name, where in _name_candidates(candidate)]
    if account_hint:
        tried.append((account_hint, "--account"))
    for name, where in tried:
        fits, others = index.lookup(name, platforms)
        if len(fits) == 1:
            by = MatchedBy.ACCOUNT_OPTION if where == "--account" else MatchedBy.NAME
            return fits[0], by
        if len(fits) > 1:
            return archive_finding(
                "archive-unmatched",
                archive,
                f"could be the archive of {name} on "
                + " or ".join(PLATFORM_NAMES[Platform(a.platform)] for a in fits)
                + ", and the archive does not say which",
            )
        if others and (wrong is None or where == "--account"):
            wrong = (name, others[0], where)  # what the user said outright counts most
        why = index.why_not_swept(name, platforms)
        if why is not None and (skipped is None or where == "--account"):
            skipped = (name, where, why)
    if wrong is not None:
        return _wrong_platform(archive, kind, wrong[0], wrong[1], wrong[2])
    if skipped is not None:
        return _not_swept(archive, kind, skipped[0], f"from {skipped[1]}", skipped[2])
    return archive_finding(
        "archive-unmatched",
        archive,
        f"does not say which {kind} account it is, and neither its name nor its folder's is an "
        "inventory handle: put it in a folder named after the account's handle, or pass --account",
    )


def _wrong_platform(
    archive: str, kind: str, handle: str, account: SweepAccount, where: str
) -> ArchiveFinding:
    other = _OTHER_NAMES.get(account.platform, account.platform)
    return archive_finding(
        "archive-wrong-platform",
        archive,
        f"is {_article(kind)} {kind} archive, but {handle} ({where}) is {_article(other)} {other} "
        "account in the inventory: "
        "check that the archive and the account belong together",
    )


def _not_swept(archive: str, kind: str, handle: str, where: str, why: str) -> ArchiveFinding:
    return archive_finding(
        "archive-unmatched",
        archive,
        f"is the {kind} archive of @{handle} ({where}), an account the plan does not close "
        f"({why}): only the accounts about to close are swept; leave the archive out",
    )


def _article(name: str) -> str:
    return "an" if name[:1] in ("X", "I", "A", "E", "O", "U") else "a"


_OTHER_NAMES = {**{str(p): n for p, n in PLATFORM_NAMES.items()}, "tiktok": "TikTok"}
