"""A loopback HTTP server that answers like X, Mastodon and Bluesky, with faults on demand."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, unquote

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from nypconsol.enrich.http import HttpSettings

# Long and shaped like a real app bearer token; its %-escapes also appear URL-decoded.
TOKEN = "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F"

# The shipped example's X accounts with their followers today; OldSettleBeat is gone from X.
X_FOLLOWERS = {
    "PC_Skipton_Ali": 2400,
    "GrassingtonPCSO": 415,
    "StokesleyPolice": 1050,
    "HarrogateCops": 5700,
    "LeyburnBeat": 300,
    "CatterickPCSO": 790,
    "MaltonNorton": 1910,
    "ScarboroughPol": 8500,
    "WhitbySNT": 6130,
    "SelbyPolice": 2770,
    "YorkCentreSNT": 12350,
    "AcombPCSO": 960,
    "NYP_Roads": 48100,
}

# Short timeouts and no jitter: a fault costs milliseconds, and delays are exact.
FAST = HttpSettings(connect_timeout=1.0, read_timeout=0.4, attempts=3, backoff=0.01, jitter=False)


def json_response(
    document: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(document), status=status, headers=headers, content_type="application/json"
    )


Fault = Callable[[Request], "Response | None"]


def echo(code: int) -> Fault:
    """A misbehaving server that sends the request's Authorization header back, every way: in
    the body, a header, the content type and the reason phrase."""

    def fault(request: Request) -> Response:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ")
        text = f"{header} | {quote(token, safe='')} | {quote_plus(token)} | {unquote(token)}"
        return Response(
            json.dumps({"title": header, "detail": text}) if code != 200 else text,
            status=f"{code} {header}",
            headers={"X-Echo": header},
            content_type=f"application/json; echo={header}",
        )

    return fault


def assert_no_token(texts: dict[str, str]) -> None:
    """Not even part of the token in any of ``texts`` (where -> text): every 16-character
    stretch of every form it takes in a URL is looked for (but runs of one letter, such as the
    A's a real X token starts with)."""
    forms = {TOKEN, quote(TOKEN, safe=""), quote_plus(TOKEN), unquote(TOKEN)}
    pieces = {
        form[i : i + 16]
        for form in forms
        for i in range(len(form) - 15)
        if len(set(form[i : i + 16])) > 1
    }
    for where, text in texts.items():
        for piece in pieces:
            assert piece not in text, f"part of the token ({piece!r}) appears in {where}"


def normal(request: Request) -> None:
    """A fault that is none: this request gets the usual answer."""
    return None


def hang(seconds: float) -> Fault:
    """Answer nothing for ``seconds`` (longer than the client's read timeout)."""

    def fault(request: Request) -> Response:
        time.sleep(seconds)
        return Response("too late", status=200)

    return fault


def status(code: int, body: str = "", headers: dict[str, str] | None = None) -> Fault:
    def fault(request: Request) -> Response:
        return Response(body or f"status {code}", status=code, headers=headers)

    return fault


def rate_limited(headers: dict[str, str]) -> Fault:
    return status(429, '{"title":"Too Many Requests","status":429}', headers)


def body(text: str | bytes, code: int = 200, content_type: str = "application/json") -> Fault:
    def fault(request: Request) -> Response:
        return Response(text, status=code, content_type=content_type)

    return fault


@dataclass
class FakeApi:
    """What the fakes share: a queue of faults served before normal answers, and a request log."""

    faults: deque[Fault] = field(default_factory=deque)
    calls: list[dict[str, list[str]]] = field(default_factory=list)

    def fail_next(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def _fault(self, request: Request) -> Response | None:
        self.calls.append({k: request.args.getlist(k) for k in request.args})
        if self.faults:
            return self.faults.popleft()(request)  # None: answer normally
        return None


@dataclass
class FakeX(FakeApi):
    """``GET /2/users/by`` as X API v2 answers it."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # username -> fields
    suspended: set[str] = field(default_factory=set)
    token: str = TOKEN

    def add(self, username: str, followers: int, *, protected: bool = False) -> None:
        self.users[username.casefold()] = {
            "username": username,
            "followers": followers,
            "protected": protected,
        }

    def handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            self.calls.append({k: request.args.getlist(k) for k in request.args})
            return json_response(
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
                401,
            )
        if (response := self._fault(request)) is not None:
            return response
        names = request.args.get("usernames", "").split(",")
        if (
            len(names) > 100
            or request.args.get("user.fields") != "created_at,protected,public_metrics"
        ):
            return json_response({"title": "Invalid Request", "detail": "bad request"}, 400)
        data, errors = [], []
        for name in names:
            user = self.users.get(name.casefold())
            if name.casefold() in self.suspended:
                errors.append(
                    {
                        "value": name,
                        "detail": f"User has been suspended: [{name}].",
                        "title": "Forbidden",
                        "resource_type": "user",
                        "parameter": "usernames",
                        "resource_id": name,
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                )
            elif user is None:
                errors.append(
                    {
                        "value": name,
                        "detail": f"Could not find user with usernames: [{name}].",
                        "title": "Not Found Error",
                        "resource_type": "user",
                        "parameter": "usernames",
                        "resource_id": name,
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                )
            else:
                data.append(
                    {
                        "id": str(abs(hash(name)) % 10**12),
                        "name": user["username"],
                        "username": user["username"],
                        "created_at": "2012-03-04T10:00:00.000Z",
                        "protected": user["protected"],
                        "public_metrics": {
                            "followers_count": user["followers"],
                            "following_count": 10,
                            "tweet_count": 100,
                            "listed_count": 1,
                        },
                    }
                )
        document: dict[str, Any] = {}
        if data:
            document["data"] = data
        if errors:
            document["errors"] = errors
        return json_response(document)


@dataclass
class FakeMastodon(FakeApi):
    """``GET /api/v1/accounts/lookup?acct=USER`` as Mastodon answers it (every instance)."""

    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)  # user -> account JSON

    def add(self, user: str, followers: int, **extra: Any) -> None:
        account = {
            "id": "1",
            "username": user,
            "acct": user,
            "locked": False,
            "followers_count": followers,
            "last_status_at": "2026-11-20",
        }
        account.update(extra)
        self.accounts[user.casefold()] = account

    def handle(self, request: Request) -> Response:
        if (response := self._fault(request)) is not None:
            return response
        account = self.accounts.get(request.args.get("acct", "").casefold())
        if account is None:
            return json_response({"error": "Record not found"}, 404)
        return json_response(account)


@dataclass
class FakeBluesky(FakeApi):
    """``app.bsky.actor.getProfiles`` (25 at most) and ``getProfile`` as the public AppView."""

    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    taken_down: set[str] = field(default_factory=set)
    deactivated: set[str] = field(default_factory=set)

    def add(self, handle: str, followers: int | None) -> None:
        profile: dict[str, Any] = {
            "did": f"did:plc:{abs(hash(handle)) % 10**12:024d}",
            "handle": handle,
        }
        if followers is not None:
            profile["followersCount"] = followers
        self.profiles[handle.casefold()] = profile

    def handle_many(self, request: Request) -> Response:
        if (response := self._fault(request)) is not None:
            return response
        actors = request.args.getlist("actors")
        if len(actors) > 25:
            return json_response(
                {
                    "error": "InvalidRequest",
                    "message": "actors must not have more than 25 elements",
                },
                400,
            )
        found = [self.profiles[a.casefold()] for a in actors if a.casefold() in self.profiles]
        return json_response({"profiles": found})

    def handle_one(self, request: Request) -> Response:
        if (response := self._fault(request)) is not None:
            return response
        actor = request.args.get("actor", "").casefold()
        if actor in self.taken_down:
            return json_response(
                {"error": "AccountTakedown", "message": "Account has been suspended"}, 400
            )
        if actor in self.deactivated:
            return json_response(
                {"error": "AccountDeactivated", "message": "Account is deactivated"}, 400
            )
        if actor in self.profiles:
            return json_response(self.profiles[actor])
        return json_response({"error": "InvalidRequest", "message": "Profile not found"}, 400)


@pytest.fixture(scope="session")
def _loopback() -> Any:
    # Threaded, so that a hung answer does not hold up the retry that follows it.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def server(_loopback: HTTPServer) -> Any:
    _loopback.clear()
    yield _loopback
    _loopback.clear()


@pytest.fixture
def base(server: HTTPServer) -> str:
    return f"http://127.0.0.1:{server.port}"


@pytest.fixture
def fake_x(server: HTTPServer) -> FakeX:
    fake = FakeX()
    server.expect_request("/2/users/by", method="GET").respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def fake_mastodon(server: HTTPServer) -> FakeMastodon:
    fake = FakeMastodon()
    server.expect_request("/api/v1/accounts/lookup", method="GET").respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def fake_bluesky(server: HTTPServer) -> FakeBluesky:
    fake = FakeBluesky()
    server.expect_request("/xrpc/app.bsky.actor.getProfiles", method="GET").respond_with_handler(
        fake.handle_many
    )
    server.expect_request("/xrpc/app.bsky.actor.getProfile", method="GET").respond_with_handler(
        fake.handle_one
    )
    return fake


class FakeClock:
    """A clock that moves only when slept on: waits cost nothing and are recorded."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def env(base: str) -> dict[str, str]:
    """An environment pointing every platform at the loopback server, with the token set."""
    return {
        "NYPCONSOL_X_BEARER_TOKEN": TOKEN,
        "NYPCONSOL_X_API_BASE": base,
        "NYPCONSOL_MASTODON_API_BASE": base,
        "NYPCONSOL_BLUESKY_API_BASE": base,
    }


@pytest.fixture
def clients(env: dict[str, str], clock: FakeClock) -> Any:
    """make_clients(platforms=all) against the loopback server, fast settings, fake sleeps."""
    from nypconsol.enrich.clients import make_clients

    made = []

    def _make(platforms=("x", "mastodon", "bluesky"), **kwargs: Any):
        options: dict[str, Any] = {"environ": env, "settings": FAST, "sleep": clock.sleep}
        options.update(kwargs)
        result = make_clients(platforms, **options)
        made.append(result)
        return result

    yield _make
    for result in made:
        result.close()
