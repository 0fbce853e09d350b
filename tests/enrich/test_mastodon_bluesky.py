"""Mastodon and Bluesky lookups against a loopback server that answers like them."""

from __future__ import annotations

import pytest

from nypconsol.enrich.lookup import lookup_accounts
from nypconsol.enrich.models import AccountRow

from .conftest import body, hang, status


def rows(platform: str, *handles: str) -> list[AccountRow]:
    return [
        AccountRow(key=i, platform=platform, handle=h, line=i + 2) for i, h in enumerate(handles)
    ]


def outcome(run) -> dict[str, tuple[str, int | None, str]]:
    return {
        r.handle: (str(r.lookup.status), r.lookup.followers, r.lookup.detail) for r in run.results
    }


class TestMastodon:
    def test_statuses_followers_last_status_and_moved(self, fake_mastodon, clients, clock):
        fake_mastodon.add("nypolice", 812)
        fake_mastodon.add(
            "oldbeat", 40, moved={"acct": "nypolice@mastodon.social", "username": "nypolice"}
        )
        fake_mastodon.add("quiet", 3, locked=True, last_status_at=None)
        fake_mastodon.add("banned", 0, suspended=True)
        run = lookup_accounts(
            rows(
                "Mastodon",
                "@nypolice@mastodon.social",
                "oldbeat@police.uk",
                "quiet@x.social",
                "banned@x.social",
                "nobody@x.social",
            ),
            platforms=["mastodon"],
            clients=clients(["mastodon"]),
            clock=clock,
            sleep=clock.sleep,
        )
        assert outcome(run) == {
            "nypolice@mastodon.social": ("found", 812, "last status 2026-11-20"),
            "oldbeat@police.uk": (
                "found",
                40,
                "moved to nypolice@mastodon.social; last status 2026-11-20",
            ),
            "quiet@x.social": (
                "protected",
                3,
                "no statuses; locked: follow requests need approval",
            ),
            "banned@x.social": ("suspended", None, "suspended by x.social"),
            "nobody@x.social": ("not_found", None, "x.social has no account with this name"),
        }
        # One request an account, asking for the user part at the instance (here the override).
        assert [c["acct"] for c in fake_mastodon.calls] == [
            ["nypolice"],
            ["oldbeat"],
            ["quiet"],
            ["banned"],
            ["nobody"],
        ]
        assert [m.profile_url for m in run.summary.not_found] == ["https://x.social/@nobody"]

    def test_410_gone_is_suspended(self, fake_mastodon, clients, clock):
        fake_mastodon.fail_next(status(410, '{"error":"Gone"}'))
        run = lookup_accounts(
            rows("mastodon", "a@b.social"),
            platforms=["mastodon"],
            clients=clients(["mastodon"]),
            clock=clock,
            sleep=clock.sleep,
        )
        assert outcome(run)["a@b.social"][0] == "suspended"

    def test_an_instance_that_demands_sign_in_is_an_error_not_a_token_problem(
        self, fake_mastodon, clients, clock
    ):
        fake_mastodon.add("b", 1)
        fake_mastodon.fail_next(status(401, '{"error":"This API requires an authenticated user"}'))
        run = lookup_accounts(
            rows("mastodon", "a@b.social", "b@b.social"),
            platforms=["mastodon"],
            clients=clients(["mastodon"]),
            clock=clock,
            sleep=clock.sleep,
        )
        result = outcome(run)
        assert result["a@b.social"][0] == "error"
        assert "does not allow lookups without signing in (HTTP 401" in result["a@b.social"][2]
        assert result["b@b.social"][:2] == ("found", 1)

    def test_an_answer_about_another_account_is_an_error(self, fake_mastodon, clients, clock):
        fake_mastodon.fail_next(body('{"username": "mallory", "followers_count": 5}'))
        run = lookup_accounts(
            rows("mastodon", "alice@b.social"),
            platforms=["mastodon"],
            clients=clients(["mastodon"]),
            clock=clock,
            sleep=clock.sleep,
        )
        assert outcome(run)["alice@b.social"][:2] == ("error", None)
        assert "another account" in outcome(run)["alice@b.social"][2]

    def test_each_instance_is_asked_at_its_own_host_by_default(self):
        from nypconsol.enrich.clients import make_clients
        from nypconsol.enrich.handles import parse_handle

        with make_clients(["mastodon"], environ={}) as clients:
            handle = parse_handle("mastodon", "@NYPolice@Mastodon.Social")
            assert clients["mastodon"].scope(handle) == "https://mastodon.social"

    def test_an_unreachable_instance_costs_one_round_of_retries(self, clients, clock, env):
        import socket

        with socket.socket() as free:  # a port nobody listens on
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        env["NYPCONSOL_MASTODON_API_BASE"] = f"http://127.0.0.1:{port}"
        run = lookup_accounts(
            rows("mastodon", "a@dead.social", "b@dead.social", "c@dead.social"),
            platforms=["mastodon"],
            clients=clients(["mastodon"]),
            clock=clock,
            sleep=clock.sleep,
        )
        details = [r.lookup.detail for r in run.results]
        assert all(r.lookup.status == "error" for r in run.results)
        assert "connection to 127.0.0.1" in details[0] and "refused" in details[0].casefold()
        assert details[1].startswith("not asked:") and details[2].startswith("not asked:")
        assert len(clock.sleeps) == 2  # the first account's retries only

    def test_a_hung_instance_times_out(self, fake_mastodon, clients, clock):
        fake_mastodon.add("a", 1)
        fake_mastodon.fail_next(hang(1.0))
        run = lookup_accounts(
            rows("mastodon", "a@b.social"),
            platforms=["mastodon"],
            clients=clients(["mastodon"]),
            clock=clock,
            sleep=clock.sleep,
        )
        assert outcome(run)["a@b.social"][:2] == ("found", 1)

    def test_malformed_json(self, fake_mastodon, clients, clock):
        fake_mastodon.fail_next(body("{'not': json}"))
        run = lookup_accounts(
            rows("mastodon", "a@b.social"),
            platforms=["mastodon"],
            clients=clients(["mastodon"]),
            clock=clock,
            sleep=clock.sleep,
        )
        assert outcome(run)["a@b.social"][0] == "error"
        assert "not JSON" in outcome(run)["a@b.social"][2]


class TestBluesky:
    def test_batches_over_25_are_split(self, fake_bluesky, clients, clock):
        handles = [f"beat{n}.bsky.social" for n in range(60)]
        for n, handle in enumerate(handles):
            fake_bluesky.add(handle, n)
        run = lookup_accounts(
            rows("Bluesky", *handles),
            platforms=["bluesky"],
            clients=clients(["bluesky"]),
            clock=clock,
            sleep=clock.sleep,
        )
        assert [len(c["actors"]) for c in fake_bluesky.calls] == [25, 25, 10]
        assert [a for c in fake_bluesky.calls for a in c["actors"]] == handles
        assert [r.lookup.followers for r in run.results] == list(range(60))

    def test_profiles_left_out_are_asked_one_by_one(self, fake_bluesky, clients, clock):
        fake_bluesky.add("nyp.bsky.social", 1200)
        fake_bluesky.add("quiet.bsky.social", None)
        fake_bluesky.taken_down.add("gone.bsky.social")
        fake_bluesky.deactivated.add("resting.bsky.social")
        run = lookup_accounts(
            rows(
                "bsky",
                "@NYP.bsky.social",
                "quiet.bsky.social",
                "gone.bsky.social",
                "resting.bsky.social",
                "nobody.bsky.social",
            ),
            platforms=["bluesky"],
            clients=clients(["bluesky"]),
            clock=clock,
            sleep=clock.sleep,
        )
        result = outcome(run)
        assert result["NYP.bsky.social"] == ("found", 1200, "")
        assert result["quiet.bsky.social"] == ("found", None, "Bluesky gave no follower count")
        assert result["gone.bsky.social"][:2] == ("suspended", None)
        assert result["resting.bsky.social"][0] == "not_found"
        assert "deactivated" in result["resting.bsky.social"][2]
        assert result["nobody.bsky.social"] == (
            "not_found",
            None,
            "Bluesky has no account with this handle",
        )
        assert [c.get("actor") for c in fake_bluesky.calls[1:]] == [
            ["gone.bsky.social"],
            ["resting.bsky.social"],
            ["nobody.bsky.social"],
        ]

    def test_invalid_handles_are_not_sent(self, fake_bluesky, clients, clock):
        run = lookup_accounts(
            rows("bluesky", "not a domain", "-bad-.bsky.social", "nodot"),
            platforms=["bluesky"],
            clients=clients(["bluesky"]),
            clock=clock,
            sleep=clock.sleep,
        )
        assert fake_bluesky.calls == []
        assert all("not a valid Bluesky handle" in r.lookup.detail for r in run.results)

    @pytest.mark.parametrize(
        ("reply", "expected"),
        [
            (body("not json at all"), "not JSON"),
            (body('{"profiles": "many"}'), "no list of profiles"),
            (
                body('{"profiles": [{"handle": "a.bsky.social", "followersCount": -3}]}'),
                "not a number",
            ),
            (status(500), "HTTP 500"),
        ],
    )
    def test_bad_answers_are_errors(self, fake_bluesky, clients, clock, reply, expected):
        fake_bluesky.add("a.bsky.social", 1)
        fake_bluesky.fail_next(reply, reply, reply)
        run = lookup_accounts(
            rows("bluesky", "a.bsky.social"),
            platforms=["bluesky"],
            clients=clients(["bluesky"]),
            clock=clock,
            sleep=clock.sleep,
        )
        assert outcome(run)["a.bsky.social"][0] == "error"
        assert expected in outcome(run)["a.bsky.social"][2]


def test_all_three_platforms_in_one_run(fake_x, fake_mastodon, fake_bluesky, clients, clock):
    fake_x.add("x_beat", 1)
    fake_mastodon.add("m", 2)
    fake_bluesky.add("b.bsky.social", 3)
    inventory = [
        AccountRow(key=0, platform="bluesky", handle="b.bsky.social"),
        AccountRow(key=1, platform="Twitter", handle="@x_beat"),
        AccountRow(key=2, platform="mastodon", handle="m@x.social"),
        AccountRow(key=3, platform="Instagram", handle="insta"),
    ]
    progress = []
    run = lookup_accounts(
        inventory,
        platforms=["x", "mastodon", "bluesky"],
        clients=clients(),
        clock=clock,
        sleep=clock.sleep,
        on_progress=progress.append,
    )
    assert [(r.key, r.lookup.followers) for r in run.results] == [(0, 3), (1, 1), (2, 2)]
    assert [p.platform for p in run.summary.platforms] == ["x", "mastodon", "bluesky"]
    assert [(p.platform, p.done, p.total) for p in progress] == [
        ("x", 0, 1),
        ("x", 1, 1),
        ("mastodon", 0, 1),
        ("mastodon", 1, 1),
        ("bluesky", 0, 1),
        ("bluesky", 1, 1),
    ]
