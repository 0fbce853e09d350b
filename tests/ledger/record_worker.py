"""A separate process recording into a ledger, for the concurrency and Ctrl-C tests.

usage: python record_worker.py LOCATION NAME COUNT [GO_FILE]

Records COUNT events (0: until interrupted) for the account NAME on x, cycling through three
steps that have no order rule, and prints each event's id as soon as it is recorded. With
GO_FILE, waits for that file to appear first, so that several workers start together.
Exits 130 on Ctrl-C, 4 with the message on a ledger fault."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import time
from pathlib import Path

from nypconsol.core.steps import Step
from nypconsol.ledger import LedgerError, open_ledger

NOTICE, CLOSE = dt.date(2026, 1, 5), dt.date(2026, 1, 19)


def main(location: str, name: str, count: int, go_file: str | None) -> int:
    with open_ledger(location, timeout=60) as ledger:
        if go_file:
            deadline = time.monotonic() + 60
            while not Path(go_file).exists():
                if time.monotonic() > deadline:
                    print("no go file", file=sys.stderr)
                    return 1
                time.sleep(0.005)
        steps = itertools.cycle([Step.ANNOUNCED, Step.SWEPT, Step.ACCESS_GRANTED])
        for number in itertools.count(1) if count == 0 else range(1, count + 1):
            recorded = ledger.record(
                handle=name,
                platform="x",
                step=next(steps),
                by=name,
                notice_date=NOTICE,
                close_date=CLOSE,
                note=f"{name} {number}",
            )
            print(recorded.event.id, flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), (sys.argv[4:] or [None])[0]))
    except KeyboardInterrupt:
        sys.exit(130)
    except LedgerError as error:
        print(error, file=sys.stderr)
        sys.exit(4)
