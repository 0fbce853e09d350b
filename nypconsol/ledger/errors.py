"""The one exception the ledger raises for a fault: its message is safe to show as it is (no
password, no driver traceback) and its exit code is 4, FAILURE."""

from __future__ import annotations

from nypconsol.core.errors import NypconsolError


class LedgerError(NypconsolError):
    """The ledger could not be used: unreachable, login refused, timed out, busy, disk full,
    not a ledger, or written by a newer nypconsol (exit 4, FAILURE)."""


class LedgerNotFound(LedgerError):
    """There is no ledger there yet (only ``record`` creates one)."""
