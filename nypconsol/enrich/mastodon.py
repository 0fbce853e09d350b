"""Mastodon: ``GET https://INSTANCE/api/v1/accounts/lookup?acct=USER``, one account a request,
no token."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nypconsol.enrich.bases import mastodon_base
from nypconsol.enrich.clients import ClientBase
from nypconsol.enrich.errors import LookupFailed, RateLimited
from nypconsol.enrich.handles import MASTODON, Handle
from nypconsol.enrich.http import Transport
from nypconsol.enrich.models import Answer, LookupStatus


class MastodonClient(ClientBase):
    platform = MASTODON
    batch_size = 1  # the API looks up one account at a time

    def __init__(self, transport: Transport, *, base: str | None) -> None:
        super().__init__(transport)
        self.base = base  # None: each account's own instance
        # Instances that failed for good this run: their other accounts are not asked, so a
        # dead instance costs one round of retries, not one per account.
        self._unreachable: dict[str, str] = {}

    def scope(self, handle: Handle) -> str:
        return mastodon_base(self.base, handle.instance)

    def lookup(self, handles: Sequence[Handle]) -> dict[str, Answer]:
        return {handle.key: self._lookup_one(handle) for handle in handles}

    def _lookup_one(self, handle: Handle) -> Answer:
        scope = self.scope(handle)
        what = handle.instance if self.base is None else f"{scope} (for {handle.instance})"
        if scope in self._unreachable:
            raise LookupFailed(
                f"not asked: {what} failed earlier in this run ({self._unreachable[scope]})"
            )
        try:
            reply = self.transport.get(
                f"{scope}/api/v1/accounts/lookup", params={"acct": handle.user}, what=what
            )
        except LookupFailed as exc:
            self._unreachable[scope] = exc.detail
            raise
        if reply.status == 429:
            raise RateLimited(scope, reply.headers, f"{what} answered 429 Too Many Requests")
        if reply.status == 404:
            return Answer(
                status=LookupStatus.NOT_FOUND,
                detail=f"{handle.instance} has no account with this name",
            )
        if reply.status == 410:  # older Mastodon versions answer Gone for suspended accounts
            return Answer(status=LookupStatus.SUSPENDED, detail=f"suspended by {handle.instance}")
        if reply.status in (401, 403):
            raise LookupFailed(
                f"{what} does not allow lookups without signing in ({reply.describe()}); check "
                "the account in a browser"
            )
        if reply.status != 200:
            raise LookupFailed(self.problem(reply))
        account = reply.json()
        if not isinstance(account, dict):
            raise LookupFailed(f"{what} sent JSON that is not an account: {reply.snippet()!r}")
        return self._account(account, handle, what)

    def _account(self, account: dict[str, Any], handle: Handle, what: str) -> Answer:
        username = account.get("username")
        if not isinstance(username, str) or username.casefold() != handle.user.casefold():
            return Answer(
                status=LookupStatus.ERROR,
                detail=f"{what} answered about another account ({self.text(username, 60)!r})",
            )
        if account.get("suspended") is True:
            return Answer(status=LookupStatus.SUSPENDED, detail=f"suspended by {handle.instance}")
        followers = account.get("followers_count")
        if type(followers) is not int or followers < 0:
            return Answer(
                status=LookupStatus.ERROR,
                detail=f"{what}'s answer has no follower count: "
                f"{self.text(account.get('followers_count'), 40)!r}",
            )
        notes = []
        moved = account.get("moved")
        if isinstance(moved, dict):
            target = moved.get("acct") or moved.get("url") or "another account"
            notes.append(f"moved to {self.text(target, 120)}")
        last = account.get("last_status_at")
        notes.append(
            f"last status {self.text(last, 10)}" if isinstance(last, str) else "no statuses"
        )
        if account.get("limited") is True:
            notes.append(f"limited by {handle.instance}'s moderators")
        locked = account.get("locked") is True
        if locked:
            notes.append("locked: follow requests need approval")
        return Answer(
            status=LookupStatus.PROTECTED if locked else LookupStatus.FOUND,
            followers=followers,
            detail="; ".join(notes),
        )
