"""Plan dates and a recording shortcut shared by the ledger tests: dates relative to today, so
that every step is open and the ledger's own clock (which cannot be set) is after them."""

from __future__ import annotations

import datetime as dt

from nypconsol.core.progress import local_date

TODAY = local_date(dt.datetime.now(dt.UTC))
NOTICE = TODAY - dt.timedelta(days=20)
CLOSE = TODAY - dt.timedelta(days=5)


def record(ledger, step, handle="SkiptonCops", platform="x", **options):
    """Record ``step`` for an account with the plan dates above, by pc.smith unless told."""
    options.setdefault("by", "pc.smith")
    return ledger.record(
        handle=handle,
        platform=platform,
        step=step,
        notice_date=NOTICE,
        close_date=CLOSE,
        **options,
    )
