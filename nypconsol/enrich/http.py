"""One careful GET: timeouts, retries with backoff on connection errors and 5xx only, a size cap,
and failures described in words with every secret scrubbed."""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from nypconsol import __version__
from nypconsol.enrich.errors import LookupFailed
from nypconsol.enrich.secrets import Redactor, Secret, clean_text

log = logging.getLogger("nypconsol.enrich")

USER_AGENT = f"nypconsol/{__version__} (account lookups)"


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """How patient to be. Every request has both timeouts; only connection errors (timeouts
    included) and 5xx answers are tried again, ``attempts`` times in all."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    attempts: int = 4
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    backoff_cap: float = 30.0
    jitter: bool = True  # spread retries by up to half the delay; off in tests
    max_body_bytes: int = 8 * 1024 * 1024  # a user lookup answer is a few KB

    def delay(self, retry: int, draw: Callable[[], float]) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first)."""
        base = min(self.backoff_cap, self.backoff * (2**retry))
        return base * (0.5 + 0.5 * draw()) if self.jitter else base


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP answer read whole: status, headers and body."""

    status: int
    reason: str
    headers: Mapping[str, str]  # case-insensitive
    body: bytes
    what: str  # "the X API", "mastodon.social", for messages
    redact: Callable[[str], str] = field(repr=False, default=str)

    def snippet(self, limit: int = 120) -> str:
        """The start of the body as safe one-line text, for details."""
        # Redact before cutting: a token cut in two would no longer match, and half a token
        # is still a leak. 64 KB reaches far past the cut, so no token survives in part.
        text = self.body[:65536].decode("utf-8", "replace")
        return clean_text(self.redact(text), limit) or "(empty)"

    def json(self) -> Any:
        """The body as JSON, or LookupFailed saying what came instead."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            kind = self._safe(self.headers.get("content-type", "no content type"), 60)
            raise LookupFailed(
                f"{self.what} sent a body that is not JSON (HTTP {self.status}, {kind}): "
                f"{self.snippet()!r}"
            ) from None

    def __repr__(self) -> str:
        # Never the body or headers: a server may echo a request (and its token) back.
        return f"Reply({self.status} from {self.what})"

    def describe(self) -> str:
        """``HTTP 503 Service Unavailable``."""
        return f"HTTP {self.status} {self._safe(self.reason, 60)}".rstrip()

    def _safe(self, text: str, limit: int) -> str:
        """Server text for a message: redacted first (whole), then cleaned and cut."""
        return clean_text(self.redact(text), limit)


class _BearerAuth:
    """Adds the token when the request is sent, so that no header dict of ours holds it."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def __call__(self, request):  # type: ignore[no-untyped-def]
        request.headers["Authorization"] = "Bearer " + self._token.reveal()
        return request

    def __repr__(self) -> str:
        return "_BearerAuth([redacted])"


class Transport:
    """Sends GETs for the platform clients; one per run, shared by all of them."""

    def __init__(
        self,
        settings: HttpSettings | None = None,
        *,
        redactor: Redactor | None = None,
        sleep: Callable[[float], None] = time.sleep,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings or HttpSettings()
        self.redact = redactor or Redactor()
        self._sleep = sleep
        self._draw = draw
        self._session = _session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._session.headers["Accept"] = "application/json"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Transport({self.settings!r})"

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, str]] | None = None,
        token: Secret | None = None,
        what: str,
    ) -> Reply:
        """GET ``url``: the reply (any status but 5xx), or LookupFailed once retries are spent.

        Connection errors, timeouts and 5xx are tried again with exponential backoff; nothing
        else is (a 4xx answer is the platform's word, returned for the client to read).
        """
        settings = self.settings
        auth = _BearerAuth(token) if token is not None else None
        problem = ""
        for attempt in range(settings.attempts):
            if attempt:
                delay = settings.delay(attempt - 1, self._draw)
                log.debug("%s: %s; trying again in %.2f s", what, problem, delay)
                self._sleep(delay)
            try:
                reply = self._send(url, params, auth, what)
            except _Retryable as exc:
                problem = exc.detail
                continue
            log.debug("GET %s -> %s", self.redact(_without_query(url)), reply.status)
            if 500 <= reply.status <= 599:
                problem = f"{reply.describe()}: {reply.snippet(80)!r}"
                continue
            return reply
        tries = "once" if settings.attempts == 1 else f"{settings.attempts} times"
        raise LookupFailed(f"{what}: {problem} (tried {tries})")

    def _send(self, url: str, params: Any, auth: _BearerAuth | None, what: str) -> Reply:
        import requests

        settings = self.settings
        host = urlsplit(url).netloc
        try:
            response = self._session.get(
                url,
                params=params,
                auth=auth,
                timeout=(settings.connect_timeout, settings.read_timeout),
                stream=True,
            )
            try:
                body = self._read_body(response, what)
            finally:
                response.close()
        except requests.exceptions.ConnectTimeout:
            raise _Retryable(
                f"no connection to {host} within {settings.connect_timeout:g} s"
            ) from None
        except requests.exceptions.ReadTimeout:
            raise _Retryable(f"{host} did not answer within {settings.read_timeout:g} s") from None
        except requests.exceptions.SSLError as exc:
            # A certificate that does not verify will not verify on the next try either.
            raise LookupFailed(
                f"{what}: the secure connection to {host} failed ({self._reason(exc)})"
            ) from None
        except requests.exceptions.ProxyError as exc:
            raise _Retryable(
                f"the proxy for {host} failed ({self._reason(exc)}); check HTTPS_PROXY, "
                "HTTP_PROXY and NO_PROXY"
            ) from None
        except (
            requests.exceptions.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            raise _Retryable(f"connection to {host} failed ({self._reason(exc)})") from None
        except (requests.exceptions.RequestException, ValueError) as exc:
            # Bad URLs, redirects in circles, headers requests refuses: none improve on retry.
            # Never str(exc) unredacted: requests puts URLs and header values in its messages.
            raise LookupFailed(
                f"{what}: the request could not be made ({type(exc).__name__}: {self._reason(exc)})"
            ) from None
        return Reply(
            status=response.status_code,
            reason=response.reason or "",
            headers=response.headers,
            body=body,
            what=what,
            redact=self.redact,
        )

    def _read_body(self, response: Any, what: str) -> bytes:
        settings = self.settings
        # The read timeout bounds each wait for data; this bounds a server that drips it.
        deadline = time.monotonic() + settings.connect_timeout + 2 * settings.read_timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > settings.max_body_bytes:
                raise LookupFailed(
                    f"{what} sent more than {settings.max_body_bytes // 1024 // 1024} MB, far "
                    "more than any lookup answer: not read"
                )
            if time.monotonic() > deadline:
                raise _Retryable(f"{what} was still sending its answer after the time allowed")
            chunks.append(chunk)
        return b"".join(chunks)

    def _reason(self, exc: BaseException) -> str:
        """A short reason from a requests exception, redacted: ``Connection refused``."""
        text = self.redact(str(exc))  # whole, before any regex could cut a token in two
        match = _ERRNO.search(text)
        if match:
            reason = match.group(1)
        elif match := _WRAPPED.search(text):
            reason = f"{match.group(1)}: {match.group(2)}"
        else:
            reason = text
        return clean_text(reason, 160) or type(exc).__name__


def _session():  # type: ignore[no-untyped-def]
    """A requests Session that reads the environment's proxy and certificate settings once per
    host, not once per request: requests walks os.environ twice for every request, which was a
    tenth of a run against a fast server. The environment does not change during a run."""
    import requests

    class Session(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            self._settings: dict[tuple[str, str, object], dict[str, Any]] = {}

        def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[no-untyped-def]
            if proxies or verify is not None or cert is not None:  # set per request: as usual
                return super().merge_environment_settings(url, proxies, stream, verify, cert)
            parts = urlsplit(url)
            key = (parts.scheme, parts.netloc, stream)
            if key not in self._settings:
                self._settings[key] = super().merge_environment_settings(
                    url, proxies, stream, verify, cert
                )
            settings = self._settings[key]
            return {**settings, "proxies": dict(settings["proxies"])}

    return Session()


class _Retryable(Exception):
    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\"()\]]+)")
_WRAPPED = re.compile(r"(\w+(?:Error|Exception|Disconnected))\('?([^'\"()]*)")


def _without_query(url: str) -> str:
    return url.partition("?")[0]
