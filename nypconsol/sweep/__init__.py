"""The archive sweep: read the archives of accounts about to close, triage what the public sent
them, and build the sweep document (issue 14). Imported only when the sweep runs."""

from nypconsol.sweep.archives import SweepError, read_archives
from nypconsol.sweep.document import (
    PseudonymKey,
    PseudonymKeyError,
    has_unanswered_reports,
    pseudonym,
    pseudonym_key,
    sweep_document,
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
from nypconsol.sweep.triage import triage

__all__ = [
    "ArchiveCoverage",
    "ArchiveFinding",
    "InboundMessage",
    "Lexicon",
    "LexiconError",
    "Limits",
    "MatchedBy",
    "Priority",
    "PseudonymKey",
    "PseudonymKeyError",
    "SweepAccount",
    "SweepError",
    "SweepInput",
    "Triage",
    "classify",
    "has_unanswered_reports",
    "load_lexicon",
    "merge_lexicon",
    "pseudonym",
    "pseudonym_key",
    "read_archives",
    "sweep_document",
    "triage",
    "triage_input",
]
