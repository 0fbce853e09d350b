"""The shipped JSON Schemas: printed by `nypconsol schema`, and true of the tool's real output."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode
from nypconsol.schemas import SCHEMA_NAMES, load_schema, schema_text

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_INVENTORY = REPO / "nypconsol" / "data" / "example-inventory.csv"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def output(*args: str, code: int = 0) -> str:
    result = run(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result.stdout


def validate(document: object, name: str) -> None:
    schema = load_schema(name)
    jsonschema.Draft202012Validator(schema).validate(document)


def errors(document: object, name: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(load_schema(name))
    return sorted(e.message for e in validator.iter_errors(document))


# --- the schemas themselves ------------------------------------------------------------------


def test_every_shipped_schema_is_listed_and_every_listed_one_is_shipped():
    folder = resources.files("nypconsol.schemas")
    shipped = sorted(
        p.name.removesuffix(".schema.json")
        for p in folder.iterdir()
        if p.name.endswith(".schema.json")
    )
    assert shipped == sorted(SCHEMA_NAMES)
    assert shipped == [
        "districts",
        "drift",
        "findings",
        "handover",
        "log",
        "notices",
        "plan",
        "status",
        "sweep",
    ]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name):
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["kind"] == {"const": name}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_command_prints_the_shipped_file(name):
    result = run("schema", name)
    assert result.exit_code == 0
    assert result.stdout == schema_text(name)
    assert json.loads(result.stdout) == load_schema(name)


def test_unknown_schema_is_a_usage_error_listing_the_names():
    result = run("schema", "plans")
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr.endswith(
        "Error: Invalid value for 'NAME': 'plans' is not one of 'districts', 'drift', "
        "'findings', 'handover', 'log', 'notices', 'plan', 'status', 'sweep'.\n"
    )


def test_schema_text_rejects_names_not_listed():
    with pytest.raises(KeyError):
        schema_text("../pyproject")


# --- real output against the schemas ---------------------------------------------------------


@pytest.fixture
def inventory(tmp_path: Path) -> str:
    shutil.copy(EXAMPLE_INVENTORY, tmp_path / "inv.csv")
    return "inv.csv"


def test_plan_json_of_the_shipped_default():
    validate(json.loads(output("plan", "--format", "json")), "plan")


def test_plan_json_and_yaml_of_the_example_inventory(inventory):
    document = json.loads(output("plan", "-i", inventory, "--format", "json"))
    assert len(document["accounts"]) == 18
    validate(document, "plan")
    loaded = yaml.safe_load(output("plan", "-i", inventory, "--format", "yaml"))
    validate(loaded, "plan")
    assert loaded == document  # the YAML is the same document


def test_plan_with_waves_and_unknown_followers(tmp_path, inventory):
    config = (REPO / "config" / "accounts.yaml").read_text(encoding="utf-8")
    config = config.replace(
        "  # waves: [[craven, hambleton]", "  waves: [[craven, hambleton]"
    ).replace("  # wave_gap_days: 7 ", "  wave_gap_days: 7 ")
    (tmp_path / "config.yaml").write_text(config, encoding="utf-8")
    text = (tmp_path / inventory).read_text(encoding="utf-8-sig").replace(',"2,310",', ",,")
    (tmp_path / inventory).write_text(text, encoding="utf-8")
    document = json.loads(output("plan", "-c", "config.yaml", "-i", inventory, "--format", "json"))
    assert document["policy"]["waves"][0] == ["craven", "hambleton"]
    assert document["summary"]["followers_unknown"] == 1
    validate(document, "plan")


def test_findings_clean_and_with_errors(tmp_path, inventory):
    validate(json.loads(output("validate", "-i", inventory, "--format", "json")), "findings")
    (tmp_path / "bad.csv").write_text(
        "handle,platform,area,followers,last_post\n"
        "bad!,x,York,,\n"
        "Good1,myspace,York,,\n"
        "Good2,x,Nowhere,lots,31/02/2026\n",
        encoding="utf-8",
    )
    document = json.loads(output("validate", "-i", "bad.csv", "--format", "json", code=1))
    assert document["summary"]["errors"] >= 4
    validate(document, "findings")


def test_districts_json_and_yaml():
    document = json.loads(output("districts", "--format", "json"))
    validate(document, "districts")
    validate(yaml.safe_load(output("districts", "--format", "yaml")), "districts")


def test_drift_from_diff_and_from_check(tmp_path, inventory):
    output("plan", "-i", inventory, "--start", "2027-01-11", "-o", "old.json")
    equal = json.loads(output("diff", "old.json", "old.json", "--format", "json"))
    assert equal["equal"] is True
    validate(equal, "drift")
    text = (tmp_path / inventory).read_text(encoding="utf-8-sig")
    text = text.replace(",Skipton,", ",Tadcaster,").replace(
        "TadcasterPCSO,facebook", "TadcasterPCSO,x"
    )
    (tmp_path / inventory).write_text(text + "NewBeat,x,New,,,York,,,,active,,\n", encoding="utf-8")
    output("plan", "-i", inventory, "--start", "2027-01-18", "-o", "new.json")
    drift = json.loads(output("diff", "old.json", "new.json", "--format", "json", code=3))
    assert (drift["summary"]["added"], drift["summary"]["removed"]) == (2, 1)
    assert drift["plan_changes"] == {"start": {"before": "2027-01-11", "after": "2027-01-18"}}
    validate(drift, "drift")
    checked = json.loads(
        output(
            "plan", "-i", inventory, "--start", "2027-01-18", "--check", "old.json",
            "--format", "json", code=3,
        )
    )  # fmt: skip
    validate(checked, "drift")
    assert checked["new"] == "the rebuilt plan"
    assert {k: v for k, v in checked.items() if k != "new"} == {
        k: v for k, v in drift.items() if k != "new"
    }


def test_the_schemas_reject_what_the_tool_would_never_write(inventory):
    document = json.loads(output("plan", "-i", inventory, "--format", "json"))
    document["format_version"] = "2.0"
    document["accounts"][0]["handle"] = "@GrassingtonPCSO"
    document["accounts"][0]["notice_date"] = "11/01/2027"
    assert errors(document, "plan") == [
        "'11/01/2027' does not match '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'",
        "'11/01/2027' is not valid under any of the given schemas",
        "'2.0' does not match '^1\\\\.[0-9]+$'",
        "'@GrassingtonPCSO' does not match '^[^@]'",
    ]
    assert errors({"kind": "findings"}, "plan")[0] == "'accounts' is a required property"
