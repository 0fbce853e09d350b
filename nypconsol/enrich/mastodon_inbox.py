"""What a Mastodon account received, read from its instance's API for the sweep (the account's
export holds only its own posts): direct messages (``GET /api/v1/conversations``, each thread
whole through ``/api/v1/statuses/ID/context``), mentions (``GET /api/v1/notifications`` with
``types[]=mention``, filtered ones included), and the account's own posts back to the oldest of
them (``/api/v1/accounts/ID/statuses``), which tell which were answered.

The token comes from NYPCONSOL_MASTODON_TOKEN and must be the account's own. Every request goes
through the enrich transport (timeouts, retries on connection errors and 5xx, a size cap,
secrets redacted); pages are followed through ``Link`` headers, and only on the same instance,
so the token goes nowhere else. The reader never raises: a failure is the inbox's ``problem``,
in words that hold no message text and no token.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from nypconsol.enrich.bases import _is_loopback, check_base_url
from nypconsol.enrich.errors import ApiBaseError, LookupFailed
from nypconsol.enrich.http import HttpSettings, Transport
from nypconsol.enrich.ratelimit import reset_time
from nypconsol.enrich.secrets import Redactor, Secret, clean_text
from nypconsol.sweep.decode import has_half_pairs, whole_characters
from nypconsol.sweep.mastodon import published_ms
from nypconsol.sweep.model import ApiStatus, MastodonInbox, SweepAccount

TOKEN_VARIABLE = "NYPCONSOL_MASTODON_TOKEN"
BASE_VARIABLE = "NYPCONSOL_MASTODON_API_BASE"
MAX_PAGES = 250  # of each list: 20,000 mentions, 10,000 conversations, 10,000 own posts
MAX_WAIT = 300.0  # seconds a 429 may ask for (Mastodon's windows are five minutes)
MAX_RATE_LIMITS = 20  # 429s in one read before giving up
_MEDIA = {"image": "photo", "video": "video", "gifv": "gif", "audio": "audio"}
SETTINGS = HttpSettings()  # timeouts and retries as the other platform lookups
DROPPED = (
    "notifications the instance's filtering policy dropped rather than held back: Mastodon "
    "never creates them, so no one can sweep them"
)


def base_from_environment(environ: Mapping[str, str]) -> str | None:
    """NYPCONSOL_MASTODON_API_BASE, checked, when set: every instance is asked there instead
    (a proxy). The token is never sent over plain http except to this machine."""
    raw = environ.get(BASE_VARIABLE, "").strip()
    if not raw:
        return None
    base = check_base_url(raw, "mastodon", BASE_VARIABLE)
    parts = urlsplit(base)
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        raise ApiBaseError(
            f"{BASE_VARIABLE}: {base!r} would send the Mastodon token unencrypted; use https "
            "(plain http is allowed only on this machine: localhost, 127.0.0.1, ::1)"
        )
    return base


class _Failed(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class MastodonInboxReader:
    """Reads accounts' inboxes with one token (call it with a ``SweepAccount``); ``close`` it.

    ``base`` replaces ``https://INSTANCE`` (a proxy, or a test server); ``say`` gets a line for
    the person waiting when the instance asks for a pause."""

    def __init__(
        self,
        token: Secret,
        *,
        base: str | None = None,
        settings: HttpSettings | None = None,
        say: Callable[[str], None] = lambda line: None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._token = token
        self._base = base
        self._settings = settings
        self._say = say
        self._sleep = sleep
        self._clock = clock
        self._transport: Transport | None = None
        self._waits = 0

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def __call__(self, account: SweepAccount) -> MastodonInbox:
        user, _, instance = account.handle.removeprefix("@").partition("@")
        base = (self._base or f"https://{instance}").rstrip("/")
        try:
            return _Read(self, base, user, instance.casefold()).inbox()
        except _Failed as failed:
            return MastodonInbox(source=base, problem=failed.problem)
        except LookupFailed as failed:
            return MastodonInbox(
                source=base,
                problem=f"the Mastodon API at {base} could not be read: {failed.detail}",
            )

    def get(
        self, url: str, params: list[tuple[str, str]] | None, base: str
    ) -> tuple[Any, str | None]:
        """The JSON of one answer and the next page's URL (None at the end)."""
        if self._transport is None:
            self._transport = Transport(
                self._settings or SETTINGS, redactor=Redactor([self._token])
            )
        path = urlsplit(url).path
        while True:
            reply = self._transport.get(url, params=params, token=self._token, what=base)
            if reply.status != 429:
                break
            self._wait(reply.headers, base)
        if reply.status in (401, 403):
            raise _Failed(
                f"{base} refused the token in {TOKEN_VARIABLE} ({reply.describe()}): make a new "
                "one for the account with the scopes read:notifications and read:statuses"
            )
        if reply.status != 200:
            raise _Failed(
                f"{base} answered {reply.describe()} to {path}: is it a Mastodon instance?"
            )
        try:
            value = json.loads(reply.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # Never a piece of the body here: it may hold what someone wrote.
            raise _Failed(f"{base} sent an answer to {path} that is not JSON") from None
        if has_half_pairs(reply.body):
            value = whole_characters(value)
        return value, _next_page(reply.headers.get("link", ""), base)

    def _wait(self, headers: Any, base: str) -> None:
        self._waits += 1
        now = self._clock()
        until = reset_time(headers, now)
        seconds = 60.0 if until is None else max(0.0, until - now)
        if self._waits > MAX_RATE_LIMITS or seconds > MAX_WAIT:
            raise _Failed(
                f"{base} limits how often it may be asked, and asked to wait {seconds:.0f} s "
                "more: sweep again later"
            )
        self._say(f"{base} asked for a pause of {seconds:.0f} s before more requests; waiting.")
        self._sleep(seconds)


def _next_page(link: str, base: str) -> str | None:
    """The ``rel="next"`` URL of a Link header, only when it is on the instance asked."""
    import requests

    for entry in requests.utils.parse_header_links(link) if link else ():
        if entry.get("rel") != "next" or not entry.get("url"):
            continue
        url = entry["url"]
        here, there = urlsplit(base), urlsplit(url)
        if (there.scheme, there.netloc) != (here.scheme, here.netloc):
            raise _Failed(
                f"{base} pointed its next page at another place ({clean_text(there.netloc, 80)}): "
                "not followed, so that the token goes nowhere else"
            )
        return url
    return None


class _Read:
    """One account's inbox being read."""

    def __init__(self, reader: MastodonInboxReader, base: str, user: str, instance: str) -> None:
        self.reader = reader
        self.base = base
        self.user = user
        self.instance = instance
        self.skipped = 0
        self.cut: list[str] = []

    def acct(self, value: object) -> str | None:
        if not isinstance(value, str) or not value:
            return None
        return value if "@" in value else f"{value}@{self.instance}"

    def status(self, value: object) -> ApiStatus | None:
        """A status as the sweep reads it; None (counted) when it is not in Mastodon's shape."""
        account = value.get("account") if isinstance(value, dict) else None
        created = published_ms(value.get("created_at")) if isinstance(value, dict) else None
        if not isinstance(account, dict) or created is None or not isinstance(value.get("id"), str):
            self.skipped += 1
            return None
        acct = self.acct(account.get("acct"))
        if acct is None or not isinstance(account.get("id"), str):
            self.skipped += 1
            return None
        content = value.get("content") if isinstance(value.get("content"), str) else ""
        warning = value.get("spoiler_text")
        if isinstance(warning, str) and warning.strip():
            content = f"<p>{_escape(warning)}</p>{content}"
        mentions = tuple(
            a
            for m in value.get("mentions") or ()
            if isinstance(m, dict) and (a := self.acct(m.get("acct")))
        )
        media = tuple(
            _MEDIA.get(m.get("type"), "file")
            for m in value.get("media_attachments") or ()
            if isinstance(m, dict)
        )
        if value.get("card"):
            media += ("link",)
        return ApiStatus(
            id=value["id"],
            created_ms=created,
            account_id=account["id"],
            acct=acct,
            html=content,
            visibility=str(value.get("visibility") or ""),
            in_reply_to_id=_text_or_none(value.get("in_reply_to_id")),
            in_reply_to_account_id=_text_or_none(value.get("in_reply_to_account_id")),
            mentions=mentions,
            attachments=tuple(dict.fromkeys(media)),
        )

    def pages(self, path: str, params: list[tuple[str, str]], what: str) -> Iterator[list]:
        url: str | None = f"{self.base}{path}"
        query: list[tuple[str, str]] | None = params
        for _ in range(MAX_PAGES):
            if url is None:
                return
            value, url = self.reader.get(url, query, self.base)
            query = None  # the next page's URL carries its own
            if not isinstance(value, list):
                raise _Failed(f"{self.base} answered {path} with something other than a list")
            yield value
        if url is not None:
            self.cut.append(
                f"{what} beyond the newest {MAX_PAGES} pages: the API was not asked for more"
            )

    def inbox(self) -> MastodonInbox:
        me, _ = self.reader.get(f"{self.base}/api/v1/accounts/verify_credentials", None, self.base)
        if not isinstance(me, dict) or not isinstance(me.get("id"), str):
            raise _Failed(f"{self.base} did not say whose token {TOKEN_VARIABLE} holds")
        username = me.get("username")
        if not isinstance(username, str) or username.casefold() != self.user.casefold():
            raise _Failed(
                f"the token in {TOKEN_VARIABLE} belongs to @{clean_text(str(username), 60)}, not "
                f"to {self.user}@{self.instance}: use a token of the account being swept"
            )
        own_id = me["id"]
        threads = self.threads()
        mentions = self.mentions()
        times = [s.created_ms for s in mentions] + [s.created_ms for _, t in threads for s in t]
        own = self.own_statuses(own_id, min(times)) if times else ()
        not_seen = [DROPPED, *self.cut]
        if self.skipped:
            not_seen.append(
                f"{self.skipped:,} statuses the API sent were not in Mastodon's shape and were "
                "skipped"
            )
        return MastodonInbox(
            source=self.base,
            own_id=own_id,
            threads=threads,
            mentions=mentions,
            own_statuses=own,
            not_seen=tuple(not_seen),
        )

    def threads(self) -> tuple[tuple[str, tuple[ApiStatus, ...]], ...]:
        threads = []
        for page in self.pages("/api/v1/conversations", [("limit", "40")], "direct messages"):
            for conversation in page:
                last = conversation.get("last_status") if isinstance(conversation, dict) else None
                if not isinstance(last, dict) or not isinstance(last.get("id"), str):
                    continue  # a conversation whose last message is gone
                context, _ = self.reader.get(
                    f"{self.base}/api/v1/statuses/{last['id']}/context", None, self.base
                )
                around = context if isinstance(context, dict) else {}
                raw = [*(around.get("ancestors") or ()), last, *(around.get("descendants") or ())]
                statuses = {s.id: s for r in raw if (s := self.status(r)) is not None}
                threads.append((str(conversation.get("id")), tuple(statuses.values())))
        return tuple(threads)

    def mentions(self) -> tuple[ApiStatus, ...]:
        params = [("types[]", "mention"), ("limit", "80"), ("include_filtered", "true")]
        found: dict[str, ApiStatus] = {}
        for page in self.pages("/api/v1/notifications", params, "mentions"):
            for notification in page:
                raw = notification.get("status") if isinstance(notification, dict) else None
                if raw is None:
                    continue  # the status was deleted
                status = self.status(raw)
                if status is not None:
                    found.setdefault(status.id, status)
        return tuple(found.values())

    def own_statuses(self, own_id: str, oldest_ms: int) -> tuple[ApiStatus, ...]:
        """The account's posts, newest first, back to the oldest message it received (an
        older post cannot have answered it)."""
        params = [("limit", "40"), ("exclude_reblogs", "true")]
        found = []
        for page in self.pages(f"/api/v1/accounts/{own_id}/statuses", params, "own posts"):
            statuses = [s for r in page if (s := self.status(r)) is not None]
            found += statuses
            if not statuses or min(s.created_ms for s in statuses) < oldest_ms:
                break
        return tuple(found)


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)
