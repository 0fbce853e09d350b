"""The shipped default works out of the box."""

from click.testing import CliRunner

from nypconsol.cli import cli


def test_plan_in_an_empty_folder_covers_all_eight_districts():
    result = CliRunner().invoke(cli, ["plan", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    plan = json.loads(result.stdout)
    districts = {a["district"] for a in plan["accounts"]}
    assert districts == {
        "craven",
        "hambleton",
        "harrogate",
        "richmondshire",
        "ryedale",
        "scarborough",
        "selby",
        "york",
        "force",
    }
