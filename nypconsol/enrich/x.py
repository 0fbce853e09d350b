"""X (API v2): up to 100 handles a request to ``GET /2/users/by``, with the app's bearer token."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nypconsol.enrich.clients import ClientBase
from nypconsol.enrich.errors import LookupFailed, RateLimited, TokenMissing, TokenRejected
from nypconsol.enrich.handles import Handle, X
from nypconsol.enrich.http import Transport
from nypconsol.enrich.models import Answer, LookupStatus
from nypconsol.enrich.secrets import X_TOKEN_VARIABLE, Secret

USER_FIELDS = "created_at,protected,public_metrics"
WHAT = "the X API"


class XClient(ClientBase):
    platform = X
    batch_size = 100

    def __init__(self, transport: Transport, *, base: str, token: Secret | None) -> None:
        super().__init__(transport)
        self.base = base
        self._token = token

    def scope(self, handle: Handle) -> str:
        return self.base

    def lookup(self, handles: Sequence[Handle]) -> dict[str, Answer]:
        if self._token is None:
            raise TokenMissing(
                f"looking up X accounts needs an app bearer token in {X_TOKEN_VARIABLE} (from "
                "the X developer portal); set it, or leave X out with --platform"
            )
        reply = self.transport.get(
            f"{self.base}/2/users/by",
            params={"usernames": ",".join(h.text for h in handles), "user.fields": USER_FIELDS},
            token=self._token,
            what=WHAT,
        )
        if reply.status == 429:
            raise RateLimited(self.base, reply.headers, f"{WHAT} answered 429 Too Many Requests")
        if reply.status in (401, 403):
            raise TokenRejected(
                f"token rejected: {WHAT} answered {reply.describe()} "
                f"({self._explain(reply)}); check that {X_TOKEN_VARIABLE} holds a current "
                "bearer token of an app with access to user lookup. Answers so far are kept in "
                "the cache"
            )
        if reply.status != 200:
            raise LookupFailed(f"{WHAT} answered {reply.describe()}: {self._explain(reply)}")
        document = reply.json()
        if not isinstance(document, dict):
            raise LookupFailed(f"{WHAT} sent JSON that is not an object: {reply.snippet()!r}")
        users = document.get("data", [])
        errors = document.get("errors", [])
        if not isinstance(users, list) or not isinstance(errors, list):
            raise LookupFailed(
                f"{WHAT} sent 'data' or 'errors' that is not a list: {reply.snippet()!r}"
            )
        wanted = {h.key: h for h in handles}
        answers: dict[str, Answer] = {}
        for user in users:
            if isinstance(user, dict) and isinstance(user.get("username"), str):
                key = user["username"].casefold()
                if key in wanted:
                    answers[key] = self._user(user, wanted[key])
        for error in errors:
            if not isinstance(error, dict):
                continue
            value = error.get("value", error.get("resource_id"))
            key = str(value).casefold() if value is not None else ""
            if key in wanted and key not in answers:
                answers[key] = self._error(error)
        for key in wanted:
            if key not in answers:
                answers[key] = Answer(
                    status=LookupStatus.ERROR,
                    detail=f"{WHAT}'s answer did not mention this account",
                )
        return answers

    def _user(self, user: dict[str, Any], handle: Handle) -> Answer:
        metrics = user.get("public_metrics")
        followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
        if type(followers) is not int or followers < 0:
            return Answer(
                status=LookupStatus.ERROR,
                detail=f"{WHAT}'s answer for this account has no follower count: "
                f"{self.text(metrics, 80)!r}",
            )
        notes = []
        if user["username"] != handle.text:
            notes.append(f"written {self.text(user['username'], 40)} on X")
        if isinstance(created := user.get("created_at"), str) and created[:10]:
            notes.append(f"created {self.text(created[:10], 10)}")
        protected = user.get("protected") is True
        if protected:
            notes.append("protected: only approved followers see its posts")
        return Answer(
            status=LookupStatus.PROTECTED if protected else LookupStatus.FOUND,
            followers=followers,
            detail="; ".join(notes),
        )

    def _error(self, error: dict[str, Any]) -> Answer:
        title = self.text(error.get("title", ""), 60)
        detail = self.text(error.get("detail", ""), 160)
        kind = str(error.get("type", ""))
        words = f"{title} {detail}".casefold()
        if "suspended" in words:
            return Answer(
                status=LookupStatus.SUSPENDED, detail=f"suspended by X ({detail or title})"
            )
        if (
            kind.endswith("/resource-not-found")
            or "not found" in words
            or "could not find" in words
        ):
            return Answer(status=LookupStatus.NOT_FOUND, detail="X has no account with this handle")
        return Answer(status=LookupStatus.ERROR, detail=f"X said: {detail or title or 'an error'}")

    def _explain(self, reply: Any) -> str:
        """The ``title: detail`` of an X problem document, or the start of the body."""
        try:
            document = reply.json()
        except LookupFailed:
            document = None
        if isinstance(document, dict) and (document.get("title") or document.get("detail")):
            parts = [self.text(document.get(k, ""), 120) for k in ("title", "detail")]
            return ": ".join(p for p in parts if p)
        return repr(reply.snippet())
