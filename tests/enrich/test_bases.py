"""--api-base values and NYPCONSOL_*_API_BASE: parsing, precedence and refusals."""

from __future__ import annotations

import pytest

from nypconsol.enrich.bases import parse_api_bases, resolve_api_bases
from nypconsol.enrich.errors import ApiBaseError

ALL = ["x", "mastodon", "bluesky"]


def test_platform_equals_url():
    assert parse_api_bases(
        [
            "x=http://127.0.0.1:8080/",
            "Mastodon=https://proxy.example.org/mastodon",
            "bsky=https://b.example",
        ],
        ALL,
    ) == {
        "x": "http://127.0.0.1:8080",
        "mastodon": "https://proxy.example.org/mastodon",
        "bluesky": "https://b.example",
    }


def test_twitter_is_x():
    assert parse_api_bases(["twitter=https://x.example"], ["x"]) == {"x": "https://x.example"}


def test_a_bare_url_with_one_platform_applies_to_it():
    assert parse_api_bases(["http://127.0.0.1:9000"], ["bluesky"]) == {
        "bluesky": "http://127.0.0.1:9000"
    }


@pytest.mark.parametrize(
    ("values", "selected", "message"),
    [
        (
            ["http://127.0.0.1:9000"],
            ALL,
            "say which platform it is for (x=URL, mastodon=URL, bluesky=URL)",
        ),
        (["facebook=https://a.example"], ALL, "cannot look up accounts on 'facebook'"),
        (["x=https://a.example", "twitter=https://b.example"], ALL, "given twice for x"),
        (["mastodon=https://a.example"], ["x"], "mastodon is not being looked up"),
        (["x=ftp://a.example"], ALL, "not an http or https URL"),
        (["x=https://"], ALL, "not an http or https URL"),
        (["x=https://user:secret@a.example"], ALL, "put no user name or password in the URL"),
        (["x=https://a.example/?key=1"], ALL, "has a query or fragment"),
        (["x=https://a.example:99999"], ALL, "is not a URL"),
        (["x=http://proxy.example.org"], ALL, "would send the X token unencrypted"),
    ],
)
def test_refusals_say_what_to_do(values, selected, message):
    with pytest.raises(ApiBaseError) as caught:
        parse_api_bases(values, selected)
    assert message in str(caught.value)
    assert caught.value.exit_code == 2


def test_plain_http_is_fine_on_this_machine_and_for_platforms_without_a_token():
    assert parse_api_bases(
        ["x=http://localhost:1", "mastodon=http://proxy.example.org", "bluesky=http://[::1]:2"], ALL
    ) == {
        "x": "http://localhost:1",
        "mastodon": "http://proxy.example.org",
        "bluesky": "http://[::1]:2",
    }


def test_flags_win_over_environment_which_wins_over_defaults():
    environ = {
        "NYPCONSOL_X_API_BASE": "https://env-x.example/",
        "NYPCONSOL_BLUESKY_API_BASE": "https://env-b.example",
    }
    assert resolve_api_bases(["bluesky=https://flag-b.example"], ALL, environ) == {
        "x": "https://env-x.example",
        "mastodon": None,  # each account's own instance
        "bluesky": "https://flag-b.example",
    }
    assert resolve_api_bases([], ALL, {}) == {
        "x": "https://api.x.com",
        "mastodon": None,
        "bluesky": "https://public.api.bsky.app",
    }


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(
        ApiBaseError, match=r"^NYPCONSOL_MASTODON_API_BASE: 'nonsense' is not an http"
    ):
        resolve_api_bases([], ["mastodon"], {"NYPCONSOL_MASTODON_API_BASE": "nonsense"})


def test_only_selected_platforms_get_a_base():
    assert resolve_api_bases([], ["x"], {"NYPCONSOL_BLUESKY_API_BASE": "nonsense"}) == {
        "x": "https://api.x.com"
    }
