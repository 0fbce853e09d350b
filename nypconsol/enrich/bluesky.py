"""Bluesky: the public AppView's ``app.bsky.actor.getProfiles``, up to 25 handles a request, no
token; handles it leaves out are asked one by one with ``getProfile`` to learn why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nypconsol.enrich.clients import ClientBase
from nypconsol.enrich.errors import LookupFailed, RateLimited
from nypconsol.enrich.handles import BLUESKY, Handle
from nypconsol.enrich.http import Reply, Transport
from nypconsol.enrich.models import Answer, LookupStatus

WHAT = "the Bluesky API"


class BlueskyClient(ClientBase):
    platform = BLUESKY
    batch_size = 25  # the lexicon's maximum for getProfiles

    def __init__(self, transport: Transport, *, base: str) -> None:
        super().__init__(transport)
        self.base = base

    def scope(self, handle: Handle) -> str:
        return self.base

    def lookup(self, handles: Sequence[Handle]) -> dict[str, Answer]:
        reply = self.transport.get(
            f"{self.base}/xrpc/app.bsky.actor.getProfiles",
            params=[("actors", h.text) for h in handles],
            what=WHAT,
        )
        self._check(reply)
        document = reply.json()
        profiles = document.get("profiles") if isinstance(document, dict) else None
        if not isinstance(profiles, list):
            raise LookupFailed(f"{WHAT} sent no list of profiles: {reply.snippet()!r}")
        wanted = {h.key: h for h in handles}
        answers: dict[str, Answer] = {}
        for profile in profiles:
            if isinstance(profile, dict) and isinstance(profile.get("handle"), str):
                key = profile["handle"].casefold()
                if key in wanted:
                    answers[key] = self._profile(profile)
        # getProfiles leaves out what it cannot show, without saying why; getProfile says.
        for key, handle in wanted.items():
            if key not in answers:
                answers[key] = self._lookup_one(handle)
        return answers

    def _lookup_one(self, handle: Handle) -> Answer:
        try:
            reply = self.transport.get(
                f"{self.base}/xrpc/app.bsky.actor.getProfile",
                params={"actor": handle.text},
                what=WHAT,
            )
        except LookupFailed as exc:
            return Answer(status=LookupStatus.ERROR, detail=exc.detail)
        if reply.status == 400:
            try:
                document = reply.json()
            except LookupFailed as exc:
                return Answer(status=LookupStatus.ERROR, detail=exc.detail)
            error = document.get("error") if isinstance(document, dict) else None
            message = document.get("message", "") if isinstance(document, dict) else ""
            said = self.text(message or error, 120)
            if error == "AccountTakedown":
                return Answer(
                    status=LookupStatus.SUSPENDED, detail=f"suspended by Bluesky ({said})"
                )
            if error == "AccountDeactivated":
                return Answer(
                    status=LookupStatus.NOT_FOUND,
                    detail="deactivated: its owner can still reactivate it, so the handle is "
                    "not free yet",
                )
            if "not found" in f"{error} {message}".casefold() or "unable to resolve" in (
                f"{message}".casefold()
            ):
                return Answer(
                    status=LookupStatus.NOT_FOUND, detail="Bluesky has no account with this handle"
                )
            return Answer(status=LookupStatus.ERROR, detail=f"Bluesky said: {said}")
        try:
            self._check(reply)
        except LookupFailed as exc:
            return Answer(status=LookupStatus.ERROR, detail=exc.detail)
        try:
            profile = reply.json()
        except LookupFailed as exc:
            return Answer(status=LookupStatus.ERROR, detail=exc.detail)
        if not isinstance(profile, dict):
            return Answer(
                status=LookupStatus.ERROR, detail=f"{WHAT} sent a profile that is not an object"
            )
        answer = self._profile(profile)
        if str(profile.get("handle", "")).casefold() == "handle.invalid":
            note = "its handle no longer verifies (Bluesky shows handle.invalid)"
            answer = Answer(
                status=answer.status,
                followers=answer.followers,
                detail="; ".join(filter(None, [note, answer.detail])),
            )
        return answer

    def _check(self, reply: Reply) -> None:
        """Raise for answers that are not a 200 (a 429 included)."""
        if reply.status == 429:
            raise RateLimited(self.base, reply.headers, f"{WHAT} answered 429 Too Many Requests")
        if reply.status != 200:
            raise LookupFailed(self.problem(reply))

    def _profile(self, profile: dict[str, Any]) -> Answer:
        followers = profile.get("followersCount")
        if followers is None:
            return Answer(status=LookupStatus.FOUND, detail="Bluesky gave no follower count")
        if type(followers) is not int or followers < 0:
            return Answer(
                status=LookupStatus.ERROR,
                detail=f"{WHAT} sent a follower count that is not a number: "
                f"{self.text(followers, 40)!r}",
            )
        return Answer(status=LookupStatus.FOUND, followers=followers)
