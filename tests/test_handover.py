"""The handover document as data (core/handover.py): each section for a small inventory, the
checklist from the one list of steps, the index's totals, and the ledger's progress hook."""

from __future__ import annotations

import datetime as dt

import pytest

from nypconsol.core.handover import StepProgress, build_handover, file_stem, report_ids
from nypconsol.core.models import Action
from nypconsol.core.plan import make_plan, plan_summary
from nypconsol.core.platforms import Closure
from nypconsol.core.progress import StepStatus
from nypconsol.core.steps import STEP_NAMES, Step, due_date

# Three districts; Richmondshire has X and Mastodon but no Facebook (its Facebook accounts go to
# the force's page); Selby receives nothing.
HANDOVER_CONFIG = """\
force:
  name: Test Force
  accounts: {x: NYorksPolice, facebook: NorthYorkshirePolice}
  reporting: {emergency: "999", non_emergency: "101", online: "https://example.org/report"}
districts:
  craven:
    name: Craven
    accounts: {x: NYP_Craven, facebook: NYPCraven}
    areas: [Skipton, Settle]
  richmondshire:
    name: Richmondshire
    accounts: {x: NYP_Richmonds, mastodon: nypr@mastodon.social}
    areas: [Richmond, Leyburn]
  selby:
    name: Selby
    accounts: {x: NYP_Selby}
    areas: [Selby]
policy:
  start: 2027-01-11
  notice_days: 14
"""
HANDOVER_INVENTORY = """\
handle,platform,owner,collar_number,role,area,district,followers,last_post,status,retain,reason,sign_off
PC_Ann,x,PC 1 Ann Lee,1,Neighbourhood officer,Skipton,,100,2026-10-01,active,,,PC 1 Ann
AnnLeeSkipton,facebook,PC 1 Ann Lee,1,Neighbourhood officer,Skipton,,,2026-09-01,active,,,
SettleSNT,x,Settle SNT,,Safer Neighbourhood Team,Settle,,50,,active,,,
OldBeat,x,PC 9 Old,9,Neighbourhood officer,Settle,,7,2023-01-01,closed,,,
KeepMe,x,Craven Events,,Events team,Skipton,,900,2026-11-01,active,yes,Approved events channel,
RichPolice,facebook,Richmond SNT,,Safer Neighbourhood Team,Richmond,,"1,000",2026-10-10,active,,,
leyburn@mastodon.social,mastodon,PCSO 5 Lee,5,PCSO,Leyburn,,30,2026-10-11,active,,,
"""


@pytest.fixture
def plan(checked, write):  # type: ignore[no-untyped-def]
    config = write("handover.yaml", HANDOVER_CONFIG)
    inventory = write("handover.csv", HANDOVER_INVENTORY)
    result = checked(inventory, config)
    assert not result.errors, result.errors
    return make_plan(result)


@pytest.fixture
def handover(plan):  # type: ignore[no-untyped-def]
    return build_handover(plan)


def _report(handover, district_id):  # type: ignore[no-untyped-def]
    return next(r for r in handover.reports if r.id == district_id)


def test_one_report_per_district_and_none_for_the_force_without_force_accounts(handover, plan):
    assert [r.id for r in handover.reports] == ["craven", "richmondshire", "selby"]
    assert report_ids(plan) == ("craven", "richmondshire", "selby")
    selby = _report(handover, "selby")
    assert (selby.consolidated, selby.retained, selby.skipped, selby.voices) == ((), (), (), ())
    assert selby.totals.accounts == 0


def test_destinations_per_platform_with_the_force_fallback(handover):
    craven = _report(handover, "craven")
    assert [(d.platform, d.as_written, d.force_wide, d.accounts) for d in craven.destinations] == [
        ("x", "@NYP_Craven", False, 2),
        ("facebook", "facebook.com/NYPCraven", False, 1),
    ]
    richmondshire = _report(handover, "richmondshire")
    assert [
        (d.platform, d.handle, d.force_wide, d.accounts, d.url) for d in richmondshire.destinations
    ] == [
        ("x", "NYP_Richmonds", False, 0, "https://x.com/NYP_Richmonds"),
        (
            "facebook",
            "NorthYorkshirePolice",
            True,
            1,
            "https://www.facebook.com/NorthYorkshirePolice",
        ),
        ("mastodon", "nypr@mastodon.social", False, 1, "https://mastodon.social/@nypr"),
    ]


def test_accounts_coming_in_with_how_each_closes_and_its_dates(handover):
    craven = _report(handover, "craven")
    rows = [
        (
            a.handle,
            a.platform_name,
            a.owner,
            a.role,
            a.followers,
            a.last_post,
            a.action,
            a.closure,
            a.target_as_written,
            a.notice_date,
            a.close_date,
        )
        for a in craven.consolidated
    ]
    notice, close = dt.date(2027, 1, 11), dt.date(2027, 1, 25)
    assert rows == [
        (
            "AnnLeeSkipton",
            "Facebook",
            "PC 1 Ann Lee",
            "Neighbourhood officer",
            None,
            dt.date(2026, 9, 1),
            Action.MIGRATE,
            Closure.PARK,
            "facebook.com/NYPCraven",
            notice,
            close,
        ),
        (
            "PC_Ann",
            "X",
            "PC 1 Ann Lee",
            "Neighbourhood officer",
            100,
            dt.date(2026, 10, 1),
            Action.MIGRATE,
            Closure.PARK,
            "@NYP_Craven",
            notice,
            close,
        ),
        (
            "SettleSNT",
            "X",
            "Settle SNT",
            "Safer Neighbourhood Team",
            50,
            None,
            Action.MIGRATE,
            Closure.PARK,
            "@NYP_Craven",
            notice,
            close,
        ),
    ]  # plan order: platform id, then handle
    mastodon = _report(handover, "richmondshire").consolidated[-1]
    assert (mastodon.platform, mastodon.closure) == ("mastodon", Closure.MOVE)


def test_retained_and_skipped_accounts_are_listed_apart_with_their_reasons(handover):
    craven = _report(handover, "craven")
    assert [(a.handle, a.action, a.note) for a in craven.retained] == [
        ("KeepMe", Action.RETAIN, "Approved events channel")
    ]
    assert [(a.handle, a.action, a.note) for a in craven.skipped] == [
        ("OldBeat", Action.SKIP, "already closed")
    ]
    assert all(a.checklist == () and a.closure is None for a in craven.retained + craven.skipped)
    assert "KeepMe" not in {a.handle for a in craven.consolidated}


def test_voices_one_per_owner_with_every_account_they_need_access_to(handover):
    craven = _report(handover, "craven")
    voices = [
        (v.owner, v.collar_number, v.role, v.sign_off, [d.as_written for d in v.access])
        for v in craven.voices
    ]
    assert voices == [
        ("PC 1 Ann Lee", "1", "Neighbourhood officer", "PC 1 Ann", ["@NYP_Craven", "facebook.com/NYPCraven"]),
        ("Settle SNT", "", "Safer Neighbourhood Team", "", ["@NYP_Craven"]),
    ]  # fmt: skip
    ann = craven.voices[0]
    assert [a.handle for a in ann.accounts] == ["AnnLeeSkipton", "PC_Ann"]
    richmond = _report(handover, "richmondshire").voices
    assert [(v.owner, [(d.handle, d.force_wide) for d in v.access]) for v in richmond] == [
        ("PCSO 5 Lee", [("nypr@mastodon.social", False)]),
        ("Richmond SNT", [("NorthYorkshirePolice", True)]),
    ]


def test_accounts_with_no_owner_each_stand_alone(checked, write):
    config = write("handover.yaml", HANDOVER_CONFIG)
    inventory = write("i.csv", "handle,platform,area\nNoOwnerA,x,Skipton\nNoOwnerB,x,Settle\n")
    voices = build_handover(make_plan(checked(inventory, config))).reports[0].voices
    assert [[a.handle for a in v.accounts] for v in voices] == [["NoOwnerA"], ["NoOwnerB"]]


def test_totals_by_platform_with_known_and_unknown_followers(handover):
    totals = _report(handover, "craven").totals
    assert (totals.accounts, totals.migrate, totals.retain, totals.skip) == (5, 3, 1, 1)
    assert (totals.followers_to_redirect, totals.followers_unknown) == (150, 1)
    assert [
        (p.platform, p.accounts, p.migrate, p.retain, p.skip, p.followers_to_redirect, p.followers_unknown)
        for p in totals.by_platform
    ] == [("x", 4, 2, 1, 1, 150, 0), ("facebook", 1, 1, 0, 0, 0, 1)]  # fmt: skip
    assert (totals.first_notice, totals.last_close) == (dt.date(2027, 1, 11), dt.date(2027, 1, 25))


def test_the_checklist_follows_the_one_list_of_steps_with_platform_closure(handover):
    craven = _report(handover, "craven")
    for account in craven.consolidated:
        assert tuple(s.step.value for s in account.checklist) == STEP_NAMES
        assert [s.number for s in account.checklist] == list(range(1, 8))
        for step in account.checklist:
            assert step.due_date == due_date(step.step, account.notice_date, account.close_date)
            assert step.progress is None
    x_close = craven.consolidated[1].checklist[4]
    assert x_close.step is Step.CLOSED
    assert "lock the account" in x_close.detail and "never deactivate" in x_close.detail
    facebook_close = craven.consolidated[0].checklist[4]
    assert facebook_close.detail.startswith("on Facebook: park")
    mastodon = _report(handover, "richmondshire").consolidated[-1]
    detail = mastodon.checklist[4].detail
    assert "alias" in detail and "Move" in detail
    access = craven.consolidated[1].checklist[2]
    assert (access.step, access.detail) == (Step.ACCESS_GRANTED, "@NYP_Craven on X")


def test_sign_off_names_every_outgoing_owner_and_the_receiving_lead(handover):
    craven = _report(handover, "craven")
    assert [v.owner for v in craven.sign_off.outgoing] == ["PC 1 Ann Lee", "Settle SNT"]
    assert craven.sign_off.receiving == "Craven district lead"


def test_the_index_totals_are_the_sum_of_the_reports_and_match_the_plan(handover, plan):
    totals = handover.totals
    for name in ("accounts", "migrate", "retain", "skip"):
        assert getattr(totals, name) == sum(getattr(r.totals, name) for r in handover.reports)
    assert totals.followers_to_redirect == sum(
        a.followers or 0 for r in handover.reports for a in r.consolidated
    )
    assert totals.followers_unknown == sum(
        a.followers is None for r in handover.reports for a in r.consolidated
    )
    summary = plan_summary(plan)
    assert (totals.accounts, totals.followers_to_redirect, totals.followers_unknown) == (
        summary["accounts"],
        summary["followers_to_redirect"],
        summary["followers_unknown"],
    )
    assert totals.first_notice.isoformat() == summary["first_notice"]
    assert totals.last_close.isoformat() == summary["last_close"]


def test_chosen_districts_in_config_order_and_the_force_only_when_asked(plan):
    handover = build_handover(plan, districts=["selby", "craven", "force"])
    assert [r.id for r in handover.reports] == ["craven", "selby", "force"]
    force = handover.reports[-1]
    assert force.force_wide and force.totals.accounts == 0
    assert force.sign_off.receiving == "Test Force force-wide accounts lead"
    assert handover.totals.accounts == 5
    with pytest.raises(ValueError, match="no such district: york"):
        build_handover(plan, districts=["york"])


def test_a_district_called_index_does_not_take_the_index_file():
    assert file_stem("index") == "district.index"
    assert file_stem("craven") == "craven"


@pytest.mark.parametrize("district_id", ["con", "prn", "aux", "nul", "com1", "lpt9"])
def test_a_district_id_windows_keeps_for_a_device_is_not_a_file_name(district_id):
    assert file_stem(district_id) == f"district.{district_id}"
    assert file_stem(f"{district_id}x") == f"{district_id}x"


# --- the ledger's hook -------------------------------------------------------------------------


def test_progress_is_shown_where_given_and_handles_match_as_the_platform_compares(plan):
    done_at = dt.datetime(2027, 1, 11, 9, 30)
    progress = {
        ("x", "pc_ann"): {  # case differs from the inventory
            "announced": ("done", done_at, "PC 1 Ann Lee"),
            "swept": StepProgress(state=StepStatus.OVERDUE),
            "closed": "not_yet",
        },
        ("facebook", "Ann.Lee.Skipton"): {"announced": ("due",)},  # Facebook ignores dots
    }
    handover = build_handover(plan, progress=progress)
    assert handover.with_progress
    craven = handover.reports[0]
    ann_fb, ann_x, settle = craven.consolidated
    states = {s.step.value: s.progress for s in ann_x.checklist}
    assert states["announced"] == StepProgress(StepStatus.DONE, done_at, "PC 1 Ann Lee")
    assert states["swept"] == StepProgress(StepStatus.OVERDUE)
    assert states["closed"] == StepProgress(StepStatus.NOT_YET)
    assert states["archived"] is None  # not recorded
    assert all(s.progress is None for s in settle.checklist)  # no entry for this account
    assert ann_fb.checklist[0].progress == StepProgress(StepStatus.DUE)


@pytest.mark.parametrize(
    "progress, message",
    [
        ({("myspace", "a"): {}}, "unknown platform"),
        ({("x", "PC_Ann"): {"posted": ("done",)}}, "'posted' is not a valid Step"),
        ({("x", "PC_Ann"): {"announced": ("finished",)}}, "'finished' is not a valid StepStatus"),
    ],
)
def test_progress_that_names_no_known_platform_step_or_state_is_refused(plan, progress, message):
    with pytest.raises(ValueError, match=message):
        build_handover(plan, progress=progress)


def test_without_progress_the_checklist_shows_due_dates_only(handover):
    assert not handover.with_progress
    steps = [s for r in handover.reports for a in r.consolidated for s in a.checklist]
    assert steps and all(s.progress is None and s.due_date for s in steps)
