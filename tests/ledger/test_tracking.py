"""What other commands ask of the ledger: ``ledger_states`` (the handover reports' checklist
states, one read) and ``record_sweep`` (a swept event with the archive's hash and counts)."""

from __future__ import annotations

import dataclasses

import pytest

from nypconsol.core.models import Action
from nypconsol.core.progress import StepStatus
from nypconsol.core.steps import STEP_NAMES, Step
from nypconsol.ledger import (
    InvalidRecord,
    SweepDetails,
    ledger_states,
    open_ledger,
    record_sweep,
)

from .cli_helpers import MIGRATED, TODAY, record, write_inputs

DETAILS = SweepDetails(
    archive_sha256="ab" * 32, conversations=12, messages=40, p1=1, p2=2, p3=3, unanswered=2
)


@pytest.fixture
def inputs(clean_env):
    return write_inputs(clean_env)


def test_ledger_states_keys_every_migrated_account_by_platform_and_plan_handle(backend, inputs):
    assert record(backend, inputs, "skiptoncops", "announced", "--by", "pc.smith").exit_code == 0
    with open_ledger(backend.location) as ledger:
        states = ledger_states(inputs.plan, ledger)
        again = ledger_states(inputs.plan, ledger, today=inputs.notice)
    assert len(states) == MIGRATED
    assert ("x", "SkiptonCops") in states and ("instagram", "GrassingtonPCSO") in states
    skipton = states[("x", "SkiptonCops")]
    assert list(skipton) == [Step(name) for name in STEP_NAMES]
    announced = skipton[Step.ANNOUNCED]
    assert announced.state is StepStatus.DONE and announced.by == "pc.smith"
    assert announced.event_id == 1 and announced.done_at is not None
    # Today the close date is long past; on the notice date the sweep was not yet due.
    assert skipton[Step.SWEPT].state is StepStatus.OVERDUE
    assert again[("x", "SkiptonCops")][Step.SWEPT].state is StepStatus.NOT_YET
    assert states[("x", "LeyburnBeat")][Step.ANNOUNCED].state is StepStatus.OVERDUE
    assert inputs.close < TODAY


def test_record_sweep_records_the_details_and_never_text(backend, inputs):
    entry = inputs.entry("SkiptonCops")
    with open_ledger(backend.location, create=True) as ledger:
        recorded = record_sweep(ledger, entry, DETAILS, by="nypconsol sweep")
        assert recorded.event.step is Step.SWEPT and recorded.event.sweep == DETAILS
        assert recorded.event.by == "nypconsol sweep" and recorded.check.warnings == ()
        again = record_sweep(ledger, entry, dataclasses.replace(DETAILS, messages=41))
        assert [w.code for w in again.check.warnings] == ["already-recorded"]
        assert [e.sweep.messages for e in ledger.events()] == [40, 41]
        assert ledger.verify().ok


def test_record_sweep_refuses_an_account_the_plan_does_not_migrate(backend, inputs):
    entry = inputs.entry("OldBeat")
    assert entry.action is Action.SKIP
    with open_ledger(backend.location, create=True) as ledger:
        with pytest.raises(InvalidRecord, match="OldBeat on x is not migrated by the plan"):
            record_sweep(ledger, entry, DETAILS)
        assert ledger.events() == ()


def test_accounts_lists_each_account_once_in_order_of_first_event(backend, inputs):
    for handle, step in (
        ("LeyburnBeat", "announced"),
        ("SkiptonCops", "announced"),
        ("LeyburnBeat", "swept"),
    ):
        assert record(backend, inputs, handle, step).exit_code == 0
    with open_ledger(backend.location) as ledger:
        assert ledger.accounts() == (("LeyburnBeat", "x"), ("SkiptonCops", "x"))


def test_ledger_states_feed_the_handover_reports_as_they_are(backend, inputs):
    """The handover's ledger hook takes ledger_states' result unchanged (for the lead's
    integration of handover with the ledger)."""
    from nypconsol.core.handover import build_handover

    assert record(backend, inputs, "SkiptonCops", "announced", "--by", "pc.smith").exit_code == 0
    with open_ledger(backend.location) as ledger:
        states = ledger_states(inputs.plan, ledger, today=inputs.notice)
    handover = build_handover(inputs.plan, progress=states)
    craven = next(r for r in handover.reports if r.id == "craven")
    skipton = next(a for a in craven.consolidated if a.handle == "SkiptonCops")
    announced = skipton.checklist[0]
    assert announced.step is Step.ANNOUNCED
    assert announced.progress.state is StepStatus.DONE and announced.progress.by == "pc.smith"
    assert skipton.checklist[1].progress.state is StepStatus.NOT_YET
