"""Closure notices: the default texts on every platform (golden), the fields and templates, the
config's notices: section, limits, and user data that is never evaluated."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol import __version__
from nypconsol.cli import cli
from nypconsol.core.dates import british_date, uk_numeric_date
from nypconsol.core.errors import ExitCode
from nypconsol.core.notices import NoticeKind, file_stem, posting_times, select_entries, tidy
from nypconsol.pipeline import check, load_inputs, make_plan
from nypconsol.render.notices import make_notices
from nypconsol.render.templating import TemplateProblem

GOLDEN = Path(__file__).resolve().parent / "golden" / "notices"
GOLDEN_VERSION = "0.1.0"


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), prog_name="nypconsol", input=input)


@pytest.fixture
def golden_inputs(write) -> tuple[str, str]:
    """The golden mapping (a destination on every platform) and inventory, in the test's folder
    so that the file names in the output are the same everywhere."""
    config = write("config.yaml", (GOLDEN / "config.yaml").read_text(encoding="utf-8"))
    inventory = write("inventory.csv", (GOLDEN / "inventory.csv").read_text(encoding="utf-8"))
    return config, inventory


def _check_golden(name: str, actual: str) -> None:
    """NYPCONSOL_UPDATE_GOLDEN=1 rewrites the file: read its diff before committing it."""
    path = GOLDEN / name
    actual = actual.replace(f'"version": "{__version__}"', f'"version": "{GOLDEN_VERSION}"')
    if os.environ.get("NYPCONSOL_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def notices_of(config: str, inventory: str | None = None, **select):  # type: ignore[no-untyped-def]
    plan = make_plan(check(load_inputs(config, inventory, environ={})))
    entries, problems = select_entries(plan, **select)
    assert not problems
    return make_notices(plan, entries)


# --- golden texts ---------------------------------------------------------------------------


def test_default_texts_on_every_platform_as_text(golden_inputs):
    config, inventory = golden_inputs
    result = run("notices", "-c", config, "-i", inventory)
    assert result.exit_code == 0, result.output
    _check_golden("notices.txt", result.stdout)


def test_default_texts_on_every_platform_as_json(golden_inputs):
    config, inventory = golden_inputs
    result = run("notices", "-c", config, "-i", inventory, "--format", "json")
    assert result.exit_code == 0, result.output
    _check_golden("notices.json", result.stdout)


def test_default_texts_on_every_platform_as_markdown(golden_inputs):
    config, inventory = golden_inputs
    result = run("notices", "-c", config, "-i", inventory, "--format", "markdown")
    assert result.exit_code == 0, result.output
    _check_golden("notices.md", result.stdout)


def test_every_migrated_account_gets_three_texts_that_fit(golden_inputs):
    notices = notices_of(*golden_inputs)
    platforms = {n.platform for n in notices.notices}
    assert platforms == {"x", "facebook", "instagram", "tiktok", "mastodon", "bluesky", "threads"}
    assert notices.accounts == 13 and len(notices.notices) == 39
    assert not notices.findings
    for notice in notices.notices:
        assert 0 < notice.length <= notice.limit, notice
        assert notice.text == notice.text.strip()
        assert "{{" not in notice.text and "{%" not in notice.text


def test_the_texts_say_what_the_issue_asks(golden_inputs):
    notices = {(n.handle, n.kind): n for n in notices_of(*golden_inputs).notices}
    announcement = notices[("PC_Skipton_Ali", NoticeKind.ANNOUNCEMENT)]
    assert announcement.date == dt.date(2027, 9, 15)
    for words in ("Wednesday 29 September 2027", "@NYP_Craven", "999", "101", "PC 2231 Ali Shah"):
        assert words in announcement.text
    assert "https://www.northyorkshire.police.uk/ro/report/" in announcement.text
    final = notices[("PC_Skipton_Ali", NoticeKind.FINAL)]
    assert final.date == dt.date(2027, 9, 29) and "no longer monitored" in final.text
    bio = notices[("PC_Skipton_Ali", NoticeKind.BIO)]
    assert bio.date == final.date and "Not monitored" in bio.text
    # Mastodon moves: its final post says so
    moved = notices[("richmondbeat@mastodon.online", NoticeKind.FINAL)]
    assert moved.text.startswith("This account has moved to @richmondshire@mastodon.social.")
    # without a sign_off, no personal name appears (the owner is PCSO 6102 Megan Hall)
    for kind in NoticeKind:
        assert "Megan" not in notices[("GrassingtonPCSO", kind)].text
        assert "PCSO 6102" not in notices[("GrassingtonPCSO", kind)].text
    # force-wide accounts point to the force's own account
    assert (
        "from North Yorkshire Police, follow @NYorksPolice"
        in notices[("NYP_Roads", NoticeKind.ANNOUNCEMENT)].text
    )


def test_the_target_is_written_as_on_its_platform(golden_inputs):
    notices = {(n.handle, n.kind): n for n in notices_of(*golden_inputs).notices}
    assert "@NYP_Richmonds" in notices[("CatterickPCSO", NoticeKind.BIO)].text
    assert "facebook.com/NYPCraven" in notices[("SettlePolice", NoticeKind.BIO)].text
    assert "https://www.facebook.com/NYPCraven" in notices[("SettlePolice", NoticeKind.FINAL)].text
    assert "@nyp_richmondshire" in notices[("leyburn.police", NoticeKind.BIO)].text


# --- dates, names, times -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "text", "numeric"),
    [
        (dt.date(2027, 1, 11), "Monday 11 January 2027", "11/01/2027"),
        (dt.date(2027, 9, 29), "Wednesday 29 September 2027", "29/09/2027"),
        (dt.date(2028, 2, 29), "Tuesday 29 February 2028", "29/02/2028"),
        (dt.date(2026, 12, 6), "Sunday 6 December 2026", "06/12/2026"),
    ],
)
def test_dates_are_written_the_british_way(day, text, numeric):
    assert british_date(day) == text
    assert uk_numeric_date(day) == numeric


@pytest.mark.parametrize(
    ("platform", "handle", "stem"),
    [
        ("x", "PC_Skipton_Ali", "x-PC_Skipton_Ali"),
        ("mastodon", "nypolice@mastodon.social", "mastodon-nypolice_at_mastodon.social"),
        ("bluesky", "name.bsky.social", "bluesky-name.bsky.social"),
    ],
)
def test_file_stems_keep_real_handles_readable(platform, handle, stem):
    assert file_stem(platform, handle) == stem


@pytest.mark.parametrize("handle", ["../x", "a/b", "..", "CON", "a\\b", ".hidden", "x\n", "ü"])
def test_file_stems_of_path_like_handles_stay_plain_and_distinct(handle):
    stem = file_stem("x", handle)
    assert stem.startswith("x-")
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in stem)
    assert ".." not in stem.split("-", 1)[1][:2] and "/" not in stem and "\\" not in stem


def test_file_stems_of_different_handles_never_collide():
    handles = ["a/b", "a_b", "a:b", "a@b", "a_at_b", "a@b.c", "a_at_b.c", "A_B"]
    stems = {file_stem("mastodon", h).casefold() for h in handles if h != "A_B"}
    assert len(stems) == len(handles) - 1
    assert file_stem("x", "a_b") != file_stem("facebook", "a_b")


def test_posting_times_space_posts_of_one_day():
    days = [dt.date(2027, 1, 11)] * 3 + [dt.date(2027, 1, 12)]
    times = posting_times(days, dt.time(9, 0), 10)
    assert [t.strftime("%d %H:%M") for t in times] == [
        "11 09:00",
        "11 09:10",
        "11 09:20",
        "12 09:00",
    ]


def test_posting_times_refuse_to_run_past_midnight():
    with pytest.raises(ValueError, match="do not fit"):
        posting_times([dt.date(2027, 1, 11)] * 2, dt.time(23, 55), 10)


def test_tidy_trims_lines_and_blank_runs():
    assert tidy("\n  Hello  \n\n\n\nWorld \n\n") == "Hello\n\nWorld"
    assert tidy("One\n  indented  \nTwo") == "One\n  indented\nTwo"


# --- selection -----------------------------------------------------------------------------


def test_selecting_districts_and_accounts(golden_inputs):
    notices = notices_of(*golden_inputs, districts=["craven"])
    assert {n.district for n in notices.notices} == {"craven"}
    notices = notices_of(*golden_inputs, accounts=["@pc_skipton_ali", "NYP_Roads"])
    assert {n.handle for n in notices.notices} == {"PC_Skipton_Ali", "NYP_Roads"}
    notices = notices_of(*golden_inputs, districts=["force"])
    assert {n.handle for n in notices.notices} == {"NYP_Roads", "ScarboroughTok"}


def test_a_selection_that_names_nothing_is_a_usage_error(golden_inputs):
    config, inventory = golden_inputs
    result = run("notices", "-c", config, "-i", inventory, "--district", "wensleydale")
    assert result.exit_code == ExitCode.USAGE
    assert "no district 'wensleydale': use one of craven, richmondshire" in (result.stderr)
    result = run("notices", "-c", config, "-i", inventory, "--account", "NoSuchAccount")
    assert result.exit_code == ExitCode.USAGE
    assert "'NoSuchAccount' is not in the inventory" in result.stderr


def test_selecting_an_account_that_is_not_migrated_says_why(write, mini_config):
    write("inv.csv", "handle,platform,area,status\nOldBeat,x,Skipton,closed\nNewBeat,x,Skipton,\n")
    result = run("notices", "-c", mini_config, "-i", "inv.csv", "--account", "OldBeat")
    assert result.exit_code == ExitCode.USAGE
    assert "'OldBeat' is not migrated (its action is skip)" in result.stderr


# --- the config's notices: section --------------------------------------------------------


NOTICES_SECTION = """\
notices:
  time: "10:30"
  limits:
    mastodon: {post: 1000}
  templates:
    announcement: |
      {{ handle }} closes on {{ close_date }}: follow {{ target }}.
    x:
      bio: "Gone to {{ target }}. Crime: {{ non_emergency }}, or {{ emergency }}."
"""


def test_the_config_sets_time_limits_and_templates(write, mini_config):
    config = write("c.yaml", (Path(mini_config).read_text() + NOTICES_SECTION))
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\nSkiptonFB,facebook,Skipton\n")
    checked = check(load_inputs(config, "inv.csv", environ={}))
    settings = checked.config.notices
    assert settings.time == dt.time(10, 30)
    assert settings.limits == {("mastodon", "post"): 1000}
    assert [(t.name, t.key, t.line) for t in settings.templates] == [
        ("notices/announcement.txt", "notices.templates.announcement", 27),
        ("notices/x/bio.txt", "notices.templates.x.bio", 29),
    ]
    notices = {(n.handle, n.kind): n for n in notices_of(config, "inv.csv").notices}
    assert notices[("SkiptonBeat", NoticeKind.ANNOUNCEMENT)].text == (
        "SkiptonBeat closes on Monday 25 January 2027: follow @NYP_Craven."
    )
    assert notices[("SkiptonFB", NoticeKind.ANNOUNCEMENT)].text == (
        "SkiptonFB closes on Monday 25 January 2027: follow facebook.com/NYPCraven."
    )
    assert (
        notices[("SkiptonBeat", NoticeKind.BIO)].text == "Gone to @NYP_Craven. Crime: 101, or 999."
    )
    assert notices[("SkiptonFB", NoticeKind.BIO)].template == "notices/facebook/bio.txt"


@pytest.mark.parametrize(
    ("section", "line", "message"),
    [
        ("notices: [a]\n", 1, "notices must be a mapping"),
        ("notices:\n  colour: red\n", 2, "notices.colour is not a setting"),
        ("notices:\n  time: 9am\n", 2, "notices.time '9am' is not a time like 09:00"),
        ("notices:\n  time: '09:03'\n", 2, "on a 5-minute step"),
        ("notices:\n  limits: {myspace: {post: 1}}\n", 2, "unknown platform 'myspace'"),
        ("notices:\n  limits:\n    x: {tweet: 100}\n", 3, "notices.limits.x.tweet is not a kind"),
        ("notices:\n  limits:\n    x: {post: many}\n", 3, "must be a whole number from 1"),
        ("notices:\n  limits:\n    x: {post: '0'}\n", 3, "must be a whole number from 1"),
        ("notices:\n  templates:\n    farewell: hi\n", 3, "neither a kind of notice"),
        ("notices:\n  templates:\n    x:\n      pinned: hi\n", 4, "not a kind of notice"),
        ("notices:\n  templates:\n    final: ''\n", 3, "must be the template's text"),
        ("notices:\n  templates:\n    x: hi\n", 3, "must map announcement, final, bio"),
        (
            "notices:\n  templates:\n    x: {bio: a}\n    twitter: {bio: b}\n",
            4,
            "gives the notices/x/bio.txt template a second time",
        ),
    ],
)
def test_a_bad_notices_section_is_a_finding_with_its_line(write, section, line, message):
    from conftest import MINI_CONFIG

    config = write("c.yaml", section + MINI_CONFIG)
    checked = check(load_inputs(config, None, environ={}))
    found = [f for f in checked.findings if f.is_error]
    assert len(found) == 1, found
    assert found[0].code in ("bad-config", "unknown-platform")
    assert (found[0].file, found[0].line) == ("c.yaml", line)
    assert message in found[0].message


def test_findings_in_the_notices_section_stop_the_command(write):
    from conftest import MINI_CONFIG

    config = write("c.yaml", "notices:\n  time: noon\n" + MINI_CONFIG)
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\n")
    result = run("notices", "-c", config, "-i", "inv.csv", "-o", "out")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "c.yaml:2: error [bad-config] notices.time 'noon'" in result.stderr
    assert not Path("out").exists()


# --- templates: errors, injection, limits --------------------------------------------------


def config_with(write, mini_config, templates: str) -> str:  # type: ignore[no-untyped-def]
    return write("c.yaml", Path(mini_config).read_text() + "notices:\n  templates:\n" + templates)


def test_a_template_error_names_the_config_line_and_the_field(write, mini_config):
    config = config_with(
        write, mini_config, "    final: |\n      Closed.\n      See {{ targt }}.\n"
    )
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\n")
    result = run("notices", "-c", config, "-i", "inv.csv", "-o", "out")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr.startswith(
        "Error: c.yaml:25 (notices.templates.final): 'targt' is undefined: did you mean "
        "target? (the README's Templates section lists the fields)\n"
    )
    assert not Path("out").exists()


def test_template_syntax_errors_are_all_reported_before_anything_runs(write, mini_config):
    templates = "    final: '{% if %}'\n    bio: |\n      ok\n      {{ handle\n"
    config = config_with(write, mini_config, templates)
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\n")
    result = run("notices", "-c", config, "-i", "inv.csv")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "c.yaml:23 (notices.templates.final): bad template syntax" in result.stderr
    assert "c.yaml:26 (notices.templates.bio): bad template syntax" in result.stderr


def test_a_shipped_template_names_its_line_and_the_missing_field():
    from nypconsol.render.templating import render

    with pytest.raises(TemplateProblem) as problem:
        render("notices/x/bio.txt", {"emergency": "999"})
    assert str(problem.value).startswith(
        "template notices/x/bio.txt, line 2: 'target' is undefined"
    )


def test_a_shipped_template_error_reaches_the_terminal(monkeypatch, write, mini_config):
    """A shipped template is tested by the golden files; this checks how its errors read."""
    from nypconsol.render import notices as render_notices

    def broken(name, fields, overrides=None, *, html=None):  # type: ignore[no-untyped-def]
        raise TemplateProblem(f"template {name}, line 2: 'x' is undefined")

    monkeypatch.setattr(render_notices, "render", broken)
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\n")
    result = run("notices", "-c", mini_config, "-i", "inv.csv")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "Error: template notices/x/announcement.txt, line 2: 'x' is undefined" in result.stderr


@pytest.mark.parametrize(
    "owner",
    [
        "{{ 7*7 }}",
        "{% for x in range(3) %}loop{% endfor %}",
        "<script>alert(1)</script>",
        "{{ ''.__class__ }}",
    ],
)
def test_user_data_is_inserted_as_written_never_evaluated(write, mini_config, owner):
    config = config_with(write, mini_config, "    bio: 'By {{ owner }} / {{ sign_off }}.'\n")
    quoted = '"' + owner.replace('"', '""') + '"'
    write(
        "inv.csv", f"handle,platform,area,owner,sign_off\nSkiptonBeat,x,Skipton,{quoted},{quoted}\n"
    )
    [bio] = [n for n in notices_of(config, "inv.csv").notices if n.kind is NoticeKind.BIO]
    assert bio.text == f"By {owner} / {owner}."


def test_a_sign_off_with_template_syntax_in_a_shipped_template_prints_literally(write, mini_config):
    write("inv.csv", "handle,platform,area,sign_off\nSkiptonBeat,x,Skipton,{{ 7*7 }} <b>\n")
    notices = notices_of(mini_config, "inv.csv")
    assert "{{ 7*7 }} <b> will keep posting there." in notices.notices[0].text


def test_an_over_long_custom_template_is_refused_naming_the_account(write, mini_config):
    config = config_with(
        write, mini_config, "    x:\n      announcement: '{{ \"Long. \" * 50 }}'\n"
    )
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\nSkiptonFB,facebook,Skipton\n")
    result = run("notices", "-c", config, "-i", "inv.csv", "-o", "out")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr.startswith(
        "inv.csv:2: error [notice-too-long] X @SkiptonBeat: the announcement (template "
        "notices.templates.x.announcement) is 299 characters as X counts them, over the limit "
        "of 280 by 19"
    )
    assert "SkiptonFB" not in result.stderr  # Facebook keeps the shipped template and fits
    assert "No notices were written" in result.stderr
    assert not Path("out").exists() and result.stdout == ""


def test_a_long_sign_off_is_refused_not_cut(write, mini_config):
    sign_off = "Detective Chief Superintendent 1234 " + "Anne-Marie Fotheringham-Smythe " * 3
    write("inv.csv", f"handle,platform,area,sign_off\nSkiptonBeat,x,Skipton,{sign_off}\n")
    notices = notices_of(mini_config, "inv.csv")
    codes = [(f.code, f.line) for f in notices.findings]
    assert codes == [("notice-too-long", 2), ("notice-too-long", 2)]  # announcement and final
    assert all(sign_off.strip() in n.text for n in notices.notices if n.kind.is_post)


def test_a_config_limit_lets_a_mastodon_server_take_longer_posts(write, mini_config):
    base = (
        Path(mini_config)
        .read_text()
        .replace(
            "accounts: {x: NYP_Craven, facebook: NYPCraven}",
            "accounts: {x: NYP_Craven, facebook: NYPCraven, mastodon: craven@mastodon.social}",
        )
    )
    long_text = "    mastodon:\n      announcement: '{{ \"word \" * 120 }}'\n"
    write("inv.csv", "handle,platform,area\nbeat@mastodon.social,mastodon,Skipton\n")
    config = write("c.yaml", base + "notices:\n  templates:\n" + long_text)
    assert [f.code for f in notices_of(config, "inv.csv").findings] == ["notice-too-long"]
    config = write(
        "c.yaml", base + "notices:\n  limits: {mastodon: {post: 1000}}\n  templates:\n" + long_text
    )
    notices = notices_of(config, "inv.csv")
    assert not notices.findings
    assert notices.notices[0].limit == 1000


def test_an_empty_text_is_an_error(write, mini_config):
    config = config_with(write, mini_config, "    bio: '{% if false %}x{% endif %}'\n")
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\n")
    [finding] = notices_of(config, "inv.csv").findings
    assert (finding.code, finding.line) == ("notice-empty", 2)
    assert "the bio (template notices.templates.bio) is empty" in finding.message


@pytest.mark.parametrize("start", ["=HYPERLINK(1)", "+44 1234", "-x", "@NYP_Craven closes"])
def test_a_text_that_begins_like_a_formula_is_an_error(write, mini_config, start):
    config = config_with(write, mini_config, f"    bio: '{start}'\n")
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\n")
    [finding] = notices_of(config, "inv.csv").findings
    assert finding.code == "notice-unsafe-text" and "begin it with a word" in finding.message


def test_control_characters_in_user_data_are_an_error(write, mini_config):
    write("inv.csv", "handle,platform,area,sign_off\nSkiptonBeat,x,Skipton,PC 1 \x1b[31mRed\n")
    findings = notices_of(mini_config, "inv.csv").findings
    assert {f.code for f in findings} == {"notice-unsafe-text"}
    assert "U+001B" in findings[0].message


def test_no_migrated_account_means_no_notices(write, mini_config):
    write("inv.csv", "handle,platform,area,status\nOldBeat,x,Skipton,closed\n")
    result = run("notices", "-c", mini_config, "-i", "inv.csv")
    assert result.exit_code == 0
    assert result.stdout == "No account is migrated, so there are no notices.\n"


def test_every_template_that_cannot_be_used_is_named_at_once(write, mini_config):
    """Each template that fails while it is filled in is reported, not just the first, and an
    unknown field near a real one says which was meant."""
    templates = (
        "    final: |\n      Closed.\n      See {{ targt }}.\n"
        "    bio: \"{{ ''.__class__ }}\"\n"
        '    announcement: "Closing {{ close_date }} {{ nonsense_field }}"\n'
    )
    config = config_with(write, mini_config, templates)
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\nSelbyBeat,x,Selby\n")
    result = run("notices", "-c", config, "-i", "inv.csv", "-o", "out")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr.splitlines() == [
        "Error: c.yaml:27 (notices.templates.announcement): 'nonsense_field' is undefined: use "
        "one of the fields the template is given (the README's Templates section lists them)",
        "c.yaml:25 (notices.templates.final): 'targt' is undefined: did you mean target? (the "
        "README's Templates section lists the fields)",
        "c.yaml:26 (notices.templates.bio): not allowed in a template: access to attribute "
        "'__class__' of 'str' object is unsafe.",
    ]
    assert not Path("out").exists()
