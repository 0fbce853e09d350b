"""One declaration of the plan's account fields (core/fields.py), and everything held to it: the
inventory columns, the JSON and YAML envelope, the CSV columns, the drift comparison and the plan
schema. A field added in one place and not the others fails here, not silently in a file."""

from __future__ import annotations

import datetime as dt

from nypconsol.core.drift import ACCOUNT_FIELDS as DRIFT_FIELDS
from nypconsol.core.fields import DERIVED_FIELDS, PLAN_ACCOUNT_FIELDS, FieldKind
from nypconsol.core.inventory import COLUMNS
from nypconsol.core.models import Account, PlanEntry
from nypconsol.pipeline import check, load_inputs, make_plan
from nypconsol.render.csvfile import CSV_COLUMNS
from nypconsol.render.envelope import account_dicts
from nypconsol.schemas import load_schema

FIELDS = list(PLAN_ACCOUNT_FIELDS)


def example_plan():
    return make_plan(check(load_inputs(None, None, environ={})), dt.date(2027, 1, 11))


def test_the_envelope_writes_exactly_the_declared_fields_in_order():
    plan = example_plan()
    for account in account_dicts(plan):
        assert list(account) == FIELDS


def test_the_declared_types_match_what_the_envelope_writes():
    for account in account_dicts(example_plan()):
        for name, kind in PLAN_ACCOUNT_FIELDS.items():
            value = account[name]
            if kind is FieldKind.SOURCE:
                assert set(value) == {"file", "line"}
            elif value is not None:
                expected = {FieldKind.TEXT: str, FieldKind.DATE: str, FieldKind.NUMBER: int}[kind]
                assert type(value) is expected, (name, value)
                if kind is FieldKind.DATE:
                    dt.date.fromisoformat(value)


def test_csv_columns_are_the_fields_with_the_source_split():
    expected = {name for name in FIELDS if name != "source"} | {"source_file", "source_line"}
    assert set(CSV_COLUMNS) == expected
    assert len(CSV_COLUMNS) == len(expected)


def test_drift_compares_every_field_but_the_derived_ones_and_the_source():
    assert set(DRIFT_FIELDS) == set(FIELDS) - DERIVED_FIELDS - {"source"}
    assert len(DRIFT_FIELDS) == len(set(DRIFT_FIELDS))


def test_the_plan_schema_lists_and_requires_every_field():
    account = load_schema("plan")["$defs"]["account"]
    assert list(account["properties"]) == FIELDS
    assert account["required"] == FIELDS


def test_inventory_columns_are_the_account_fields_and_reach_the_plan():
    assert list(COLUMNS) == [name for name in Account._fields if name != "source"]
    # Every column is in the plan record, but retain and reason, which become action and note,
    # and sign_off, which only the closure notices and handover reports use.
    assert set(COLUMNS) - set(FIELDS) == {"retain", "reason", "sign_off"}
    # A plan entry's own fields are in the record too (its account is spread out).
    assert set(PlanEntry._fields) - {"account"} <= set(FIELDS)


def test_the_schemas_know_every_platform_in_the_table():
    from nypconsol.core.platforms import PLATFORMS

    plan = load_schema("plan")["$defs"]["platform"]["enum"]
    districts = load_schema("districts")
    assert plan == list(PLATFORMS)
    assert '"enum": ' + str(list(PLATFORMS)).replace("'", '"') in str(districts).replace("'", '"')
