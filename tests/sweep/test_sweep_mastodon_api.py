"""A Mastodon account swept from its export and its instance's API: a loopback server answers as
Mastodon does (verify_credentials, conversations and each thread's context, mention
notifications and the account's own posts, pages in Link headers). Mentions and direct messages
become items, answered when the account replied; failures are ``archive-api-failed`` findings
naming the instance, never the token or what anyone wrote."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

import jsonschema
import pytest
from sweepcli import KEY, sweep, write_inputs
from sweepkit import mastodon_actor, mastodon_outbox, zip_archive
from werkzeug import Request, Response

from nypconsol.enrich import mastodon_inbox
from nypconsol.enrich.http import HttpSettings
from nypconsol.schemas import load_schema

TOKEN = "mastodon-token-0123456789-abcdefghijklmnop"
OWN_ID = "109000000000000001"
FAST = HttpSettings(connect_timeout=1.0, read_timeout=1.0, attempts=2, backoff=0.01, jitter=False)


def status(
    status_id: str,
    when: str,
    account_id: str,
    acct: str,
    content: str,
    *,
    visibility: str = "public",
    mentions: tuple[str, ...] = (),
    reply_to: tuple[str, str] | None = None,
    media: tuple[str, ...] = (),
) -> dict:
    return {
        "id": status_id,
        "created_at": when,
        "in_reply_to_id": reply_to[0] if reply_to else None,
        "in_reply_to_account_id": reply_to[1] if reply_to else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": visibility,
        "language": "en",
        "uri": f"https://elsewhere.example/statuses/{status_id}",
        "url": f"https://elsewhere.example/@x/{status_id}",
        "replies_count": 0,
        "content": content,
        "account": {"id": account_id, "username": acct.split("@")[0], "acct": acct},
        "media_attachments": [{"id": "m", "type": kind} for kind in media],
        "mentions": [{"id": "0", "username": a.split("@")[0], "acct": a} for a in mentions],
        "card": None,
    }


KNIFE = status(
    "s1",
    "2026-11-14T21:02:00.000Z",
    "201",
    "resident@other.example",
    '<p><span class="h-card"><a href="https://mastodon.social/@nypolice" class="u-url mention">@<span>nypolice</span></a></span> lad with a knife outside the chippy right now &amp; shouting</p>',
    visibility="direct",
    mentions=("nypolice",),
)
OWN_REPLY = status(
    "s2",
    "2026-11-14T21:10:00.000Z",
    OWN_ID,
    "nypolice",
    "<p>Officers on the way</p>",
    visibility="direct",
    reply_to=("s1", "201"),
)
BIKE = status(
    "s5",
    "2026-11-12T09:00:00.000Z",
    "202",
    "bob",
    "<p>my bike was stolen from the station last night</p>",
    visibility="direct",
    media=("image",),
)
DRUGS = status(
    "m1",
    "2026-11-13T10:00:00.000Z",
    "203",
    "alice@other.example",
    "<p>@nypolice theres people dealing drugs from the flat above the bookies all day</p>",
)
THANKS = status(
    "m2", "2026-11-13T11:00:00.000Z", "204", "carl", "<p>thanks for the help yesterday</p>"
)
CAR = status(
    "m3",
    "2026-11-15T08:00:00.000Z",
    "205",
    "carol@elsewhere.example",
    "<p>my car was broken into last night on the high street</p>",
)
OWN_POSTS = [
    status(
        "o9",
        "2026-11-16T09:00:00.000Z",
        OWN_ID,
        "nypolice",
        "<p>@carol sorry to hear, please call 101</p>",
        mentions=("carol@elsewhere.example",),
        reply_to=("m3", "205"),
    ),
    status(
        "2", "2026-01-03T10:00:00.000Z", OWN_ID, "nypolice", "<p>Road closed</p>"
    ),  # in the outbox too
]


def notification(notification_id: str, status: dict) -> dict:
    return {
        "id": notification_id,
        "type": "mention",
        "created_at": status["created_at"],
        "account": status["account"],
        "status": status,
    }


@dataclass
class FakeMastodon:
    """Answers as a Mastodon instance holding the statuses above for the token's account."""

    base: str
    username: str = "nypolice"
    token: str = TOKEN
    calls: list[str] = field(default_factory=list)
    next_host: str | None = None  # a Link header pointing elsewhere
    rate_limited: int = 0  # answer this many requests 429 first
    broken: str | None = None  # a path answered with a non-JSON 200 holding a message

    def page(self, items: list, request: Request, after: list | None) -> Response:
        headers = {}
        if after is not None and "max_id" not in request.args:
            query = urlencode([*request.args.items(multi=True), ("max_id", "next")])
            host = self.next_host or self.base
            headers["Link"] = (
                f'<{host}{request.path}?{query}>; rel="next", <{self.base}{request.path}?min_id=1>; rel="prev"'
            )
        body = after if "max_id" in request.args else items
        return Response(json.dumps(body), headers=headers, content_type="application/json")

    def __call__(self, request: Request) -> Response:
        self.calls.append(request.full_path)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return Response(
                '{"error":"The access token is invalid"}',
                status=401,
                content_type="application/json",
            )
        if self.rate_limited:
            self.rate_limited -= 1
            return Response(
                '{"error":"Too many requests"}', status=429, headers={"Retry-After": "0"}
            )
        if self.broken == request.path:
            return Response(
                "<html>lad with a knife (proxy error)</html>", status=200, content_type="text/html"
            )
        path = request.path
        if path == "/api/v1/accounts/verify_credentials":
            return Response(
                json.dumps({"id": OWN_ID, "username": self.username, "acct": self.username}),
                content_type="application/json",
            )
        if path == "/api/v1/conversations":
            return self.page(
                [
                    {
                        "id": "c1",
                        "unread": False,
                        "accounts": [KNIFE["account"]],
                        "last_status": OWN_REPLY,
                    }
                ],
                request,
                [{"id": "c2", "unread": True, "accounts": [BIKE["account"]], "last_status": BIKE}],
            )
        if path == "/api/v1/statuses/s2/context":
            return Response(
                json.dumps({"ancestors": [KNIFE], "descendants": []}),
                content_type="application/json",
            )
        if path == "/api/v1/statuses/s5/context":
            return Response(
                json.dumps({"ancestors": [], "descendants": []}), content_type="application/json"
            )
        if path == "/api/v1/notifications":
            assert request.args.getlist("types[]") == ["mention"]
            return self.page(
                [notification("n1", DRUGS), notification("n2", THANKS), notification("n0", KNIFE)],
                request,
                [notification("n3", CAR), {"id": "n4", "type": "mention", "status": None}],
            )
        if path == f"/api/v1/accounts/{OWN_ID}/statuses":
            return Response(json.dumps(OWN_POSTS), content_type="application/json")
        return Response("{}", status=404)


@pytest.fixture
def instance(httpserver, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(mastodon_inbox, "SETTINGS", FAST)
    monkeypatch.setenv("NYPCONSOL_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("NYPCONSOL_MASTODON_TOKEN", TOKEN)
    monkeypatch.setenv("NYPCONSOL_MASTODON_API_BASE", httpserver.url_for("/").rstrip("/"))
    fake = FakeMastodon(base=httpserver.url_for("/").rstrip("/"))
    httpserver.expect_request("").respond_with_handler(fake)  # every path
    write_inputs(tmp_path)
    zip_archive(
        tmp_path / "export.zip",
        {
            "actor.json": mastodon_actor("nypolice", "mastodon.social"),
            "outbox.json": mastodon_outbox("2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"),
        },
    )
    return fake


def swept(*args: str) -> tuple[dict, object]:
    result = sweep("export.zip", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result


def test_mentions_and_direct_messages_become_items(instance, caplog):
    caplog.set_level(logging.DEBUG)
    document, result = swept()
    jsonschema.validate(document, load_schema("sweep"))
    items = {item["message_id"]: item for item in document["items"]}
    assert set(items) == {"s1", "s5", "m1", "m2", "m3"}  # the direct mention read once
    knife = items["s1"]
    assert knife["text"] == "@nypolice lad with a knife outside the chippy right now & shouting"
    assert (knife["priority"], knife["answered"], knife["answered_by"]) == ("P1", True, "message")
    assert knife["conversation"] == "direct/c1"
    assert knife["sender"] == "resident@other.example"
    assert (items["s5"]["priority"], items["s5"]["answered"]) == ("P2", False)
    assert items["s5"]["sender"] == "bob@mastodon.social"  # a local account, with its instance
    assert items["s5"]["attachments"] == ["photo"]
    assert (items["m1"]["priority"], items["m1"]["answered"]) == ("P2", False)
    assert items["m1"]["conversation"] == "mentions/alice@other.example"
    assert (items["m3"]["answered"], items["m3"]["answered_by"]) == (True, "public reply")
    assert items["m2"]["priority"] == "none"
    [archive] = document["archives"]
    assert archive["layout"] == f"mastodon + API {instance.base}"
    # every message read once: 2 outbox posts, 5 inbound, the own reply in the thread and the
    # own post o9 (post 2 is the outbox's)
    assert (archive["inbound"], archive["own"], archive["messages"]) == (5, 4, 9)
    assert archive["not_covered"] == [mastodon_inbox.DROPPED]
    assert not document["findings"]
    for text in (result.stderr, caplog.text):
        assert TOKEN not in text and "knife" not in text and "bookies" not in text


def test_pages_are_followed_and_the_token_sent_each_time(instance):
    swept()
    assert any(
        "max_id=next" in call and call.startswith("/api/v1/notifications")
        for call in instance.calls
    )
    assert any(
        "max_id=next" in call and call.startswith("/api/v1/conversations")
        for call in instance.calls
    )
    assert "include_filtered=true" in next(
        c for c in instance.calls if c.startswith("/api/v1/notifications")
    )


def test_the_summary_shows_the_api_items_with_pseudonyms(instance):
    result = sweep("export.zip")
    assert result.exit_code == 0
    assert "lad with a knife outside the chippy" in result.stdout
    for hidden in ("resident@other.example", "alice@other.example", "bookies", "my bike"):
        assert hidden not in result.stdout


def api_finding(document: dict) -> str:
    [finding] = [f for f in document["findings"] if f["code"] == "archive-api-failed"]
    assert finding["archive"] == "export.zip"
    return finding["message"]


def test_a_refused_token_is_a_finding_and_the_export_is_still_swept(instance):
    instance.token = "another-token-entirely-0123456789"
    document, result = swept()
    jsonschema.validate(document, load_schema("sweep"))
    message = api_finding(document)
    assert message.startswith(
        f"{instance.base} refused the token in NYPCONSOL_MASTODON_TOKEN (HTTP 401"
    )
    assert "export.zip: error [archive-api-failed]" in result.stderr
    assert TOKEN not in result.stderr + result.stdout
    [archive] = document["archives"]
    assert archive["messages"] == 2 and not archive["complete"]
    assert all("could not be read" in line for line in archive["not_covered"])


def test_a_token_of_another_account_is_refused(instance):
    instance.username = "somebody"
    message = api_finding(swept()[0])
    assert "belongs to @somebody, not to nypolice@mastodon.social" in message
    assert not any("conversations" in call for call in instance.calls)


def test_a_next_page_on_another_host_is_not_followed(instance):
    instance.next_host = "http://127.0.0.2:9"
    message = api_finding(swept()[0])
    assert "pointed its next page at another place (127.0.0.2:9): not followed" in message


def test_a_pause_asked_for_is_waited(instance):
    instance.rate_limited = 2
    document, result = swept()
    assert "asked for a pause of 0 s before more requests; waiting." in result.stderr
    assert len(document["items"]) == 5


def test_an_answer_that_is_not_json_is_a_finding_that_quotes_nothing(instance):
    instance.broken = "/api/v1/notifications"
    message = api_finding(swept()[0])
    assert message == f"{instance.base} sent an answer to /api/v1/notifications that is not JSON"


def test_an_instance_that_cannot_be_reached(instance, monkeypatch):
    monkeypatch.setenv("NYPCONSOL_MASTODON_API_BASE", "http://127.0.0.1:9")
    message = api_finding(swept()[0])
    assert message.startswith("the Mastodon API at http://127.0.0.1:9 could not be read:")
    assert "tried 2 times" in message


def test_without_a_token_the_coverage_says_what_was_not_seen(instance, monkeypatch):
    monkeypatch.delenv("NYPCONSOL_MASTODON_TOKEN")
    document, _ = swept()
    assert document["items"] == [] and not instance.calls
    [archive] = document["archives"]
    assert all("set NYPCONSOL_MASTODON_TOKEN" in line for line in archive["not_covered"])


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "NYPCONSOL_MASTODON_TOKEN",
            "has spaces in it and more",
            "NYPCONSOL_MASTODON_TOKEN holds spaces",
        ),
        (
            "NYPCONSOL_MASTODON_API_BASE",
            "http://proxy.example",
            "would send the Mastodon token unencrypted",
        ),
    ],
)
def test_a_bad_token_or_base_is_a_usage_error(instance, monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    result = sweep("export.zip")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "has spaces in it" not in result.stderr


def test_a_lone_surrogate_from_the_instance_is_a_replacement_character(instance, monkeypatch):
    """JSON may escape half of a UTF-16 pair (\\ud800) that no text can hold: it reads as U+FFFD,
    and the rest of what the instance sent is swept."""
    broken = status(
        "m2", "2026-11-13T11:00:00.000Z", "204", "carl\ud800", "<p>thanks \ud800 for the help</p>"
    )
    notifications = FakeMastodon.__call__

    def answer(self, request):  # type: ignore[no-untyped-def]
        if request.path == "/api/v1/notifications" and "max_id" not in request.args:
            self.calls.append(request.full_path)
            return self.page([notification("n2", broken)], request, [])
        return notifications(self, request)

    monkeypatch.setattr(FakeMastodon, "__call__", answer)
    document, _ = swept()
    items = {item["message_id"]: item for item in document["items"]}
    assert items["m2"]["text"] == "thanks \ufffd for the help"
    assert items["m2"]["sender"] == "carl\ufffd@mastodon.social"
    assert "s1" in items  # the direct messages still read
