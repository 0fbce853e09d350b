"""The archive sweep: read the archives of accounts about to close, triage what the public sent
them, and build the sweep document (issue 14). Imported only when the sweep runs.

A sweep of any size, holding one archive file in memory at a time::

    with SweepStore() as store:  # a private temporary folder, removed on the way out
        read = read_into(store, paths, accounts)
        result = sweep_result(store, read, lexicon, since=..., pseudonyms=...)
        for chunk in render("sweep", "json", result): ...  # the items drawn one at a time

``read_archives``, ``triage_input`` and ``sweep_document`` do the same in memory, for a few
archives."""

from nypconsol.sweep.archives import ArchivesRead, SweepError, read_archives, read_into
from nypconsol.sweep.document import (
    PseudonymKey,
    PseudonymKeyError,
    has_unanswered_reports,
    pseudonym,
    pseudonym_key,
    sweep_document,
    sweep_result,
    triage_input,
)
from nypconsol.sweep.lexicon import Lexicon, LexiconError
from nypconsol.sweep.lexicon_build import load_lexicon, merge_lexicon
from nypconsol.sweep.model import (
    ArchiveCoverage,
    ArchiveFinding,
    InboundMessage,
    MatchedBy,
    Priority,
    SweepAccount,
    SweepInput,
    Triage,
)
from nypconsol.sweep.scoring import classify
from nypconsol.sweep.sources import Limits
from nypconsol.sweep.store import StoreError, SweepStore
from nypconsol.sweep.stored import StoredSweep
from nypconsol.sweep.triage import triage

__all__ = [
    "ArchiveCoverage",
    "ArchiveFinding",
    "ArchivesRead",
    "InboundMessage",
    "Lexicon",
    "LexiconError",
    "Limits",
    "MatchedBy",
    "Priority",
    "PseudonymKey",
    "PseudonymKeyError",
    "StoreError",
    "StoredSweep",
    "SweepAccount",
    "SweepError",
    "SweepInput",
    "SweepStore",
    "Triage",
    "classify",
    "has_unanswered_reports",
    "load_lexicon",
    "merge_lexicon",
    "pseudonym",
    "pseudonym_key",
    "read_archives",
    "read_into",
    "sweep_document",
    "sweep_result",
    "triage",
    "triage_input",
]
