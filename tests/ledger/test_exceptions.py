"""The ledger's exceptions are the project's: the CLI's edge turns each into one message and
its exit code (4 for a ledger fault, 1 for a record the rules or the ledger refuse)."""

from __future__ import annotations

import datetime as dt

import pytest

from nypconsol.cli.edge import describe
from nypconsol.core.errors import ExitCode, InputError, NypconsolError
from nypconsol.core.progress import RecordRefused, UnknownStep, check_record, parse_step
from nypconsol.core.steps import Step
from nypconsol.ledger import InvalidRecord, LedgerError, LedgerNotFound


def refused() -> RecordRefused:
    now = dt.datetime(2027, 1, 26, 12, tzinfo=dt.UTC)
    verdict = check_record(
        step=Step.CLOSED,
        at=now,
        now=now,
        events=(),
        notice_date=dt.date(2027, 1, 11),
        close_date=dt.date(2027, 1, 25),
    )
    return RecordRefused(verdict)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (LedgerError("cannot use the ledger x: gone"), ExitCode.FAILURE),
        (LedgerNotFound("there is no ledger at x yet"), ExitCode.FAILURE),
        (InvalidRecord("note is longer than 2000 characters"), ExitCode.INPUT_ERRORS),
        (refused(), ExitCode.INPUT_ERRORS),
    ],
)
def test_the_edge_maps_ledger_exceptions_to_their_exit_codes(error, code):
    assert isinstance(error, NypconsolError)
    assert error.exit_code == code
    assert describe(error) == (str(error), code)


def test_an_unknown_step_is_an_input_error_and_still_a_value_error():
    with pytest.raises(UnknownStep) as caught:
        parse_step("anounced")
    assert isinstance(caught.value, InputError) and isinstance(caught.value, ValueError)
    message, code = describe(caught.value)
    assert code == ExitCode.INPUT_ERRORS == 1
    assert message.startswith('unknown step "anounced": did you mean announced?')


def test_invalid_record_stays_a_value_error():
    assert issubclass(InvalidRecord, ValueError) and issubclass(InvalidRecord, InputError)
    assert not issubclass(LedgerError, InputError)
