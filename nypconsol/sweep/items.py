"""The sweep's items, made in the store: every inbound message triaged a conversation at a time
(``triage_into``), or the results of an in-memory triage written as they are (``load_triaged``),
with the counts the summary and the ledger need kept as they go. Nothing but one conversation's
open reports and the counts stays in memory."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import orjson

from nypconsol.sweep.lexicon import Lexicon
from nypconsol.sweep.model import ArchiveCoverage, Priority, SweepInput, Triage
from nypconsol.sweep.scoring import classify
from nypconsol.sweep.store import SweepStore
from nypconsol.sweep.triage import FollowUpRule

FORCE = "force"  # the force-wide "district", listed last like the plan does
PRIORITIES = tuple(p.value for p in Priority)  # by rank: P1, P2, P3, none
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_BATCH = 2048
# Lists kept once and shared, at most this many: the lists triaged alike (categories, the
# common cues) come early and are few; a message's own cues seldom repeat, and a cache of all
# of them would grow with the sweep.
SHARED_LISTS = 4096

_SCHEMA = """
CREATE TABLE item (
    n INTEGER PRIMARY KEY,         -- the order made (not the order listed)
    seq INTEGER NOT NULL,          -- the order read: follow-ups are named in it
    district INTEGER NOT NULL,     -- the district's number, in the summary's order
    archive INTEGER NOT NULL,
    conversation TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent_ms INTEGER NOT NULL,
    sent_at TEXT NOT NULL,
    sender TEXT NOT NULL,
    pseudonym TEXT,
    text TEXT NOT NULL,
    attachments TEXT NOT NULL,     -- JSON lists, as the document has them
    rank INTEGER NOT NULL,         -- 0 for P1 ... 3 for none
    answered INTEGER NOT NULL,
    answered_by TEXT,
    categories TEXT NOT NULL,
    cues TEXT NOT NULL,
    follows TEXT,
    follow_ups TEXT NOT NULL,
    listed INTEGER NOT NULL        -- 1: a follow-up the worklists list under its report
)
"""
# The worklists' order, the document's, and a report's follow-ups.
_INDEXES = """
CREATE INDEX item_order ON item (rank, answered, sent_ms, archive, conversation, message_id);
CREATE INDEX item_district ON item
    (district, rank, listed, answered, sent_ms, archive, conversation, message_id);
CREATE INDEX item_follow_up ON item (archive, conversation, follows, seq) WHERE listed = 1;
"""


def iso(ms: int | None) -> str | None:
    """UTC ISO 8601 to the second, ``2026-01-05T21:00:00Z``."""
    if ms is None:
        return None
    moment = _EPOCH + dt.timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def district_order(district: str) -> tuple[bool, str]:
    return (district == FORCE, district)


def since_ms(since: dt.date | None) -> int | None:
    if since is None:
        return None
    start = dt.datetime(since.year, since.month, since.day, tzinfo=dt.UTC)
    return (start - _EPOCH) // dt.timedelta(milliseconds=1)


@dataclass
class ItemCounts:
    """What the summary, the worklists' headings and the ledger say, counted as items are made."""

    districts: list[str]  # every district with an archive, in the summary's order
    items: int = 0
    before_since: int = 0
    # district -> priority -> {"answered": n, "unanswered": n}
    by_district: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    # (district, priority) -> the worklist's entries (items less the follow-ups under reports)
    entries: Counter[tuple[str, str]] = field(default_factory=Counter)
    # (district, priority) -> items by their first category ("other" when none)
    categories: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    # per archive number: the items of each priority, and the unanswered P1 and P2 ones
    archives: list[dict[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for district in self.districts:
            self.by_district[district] = {
                level: {"answered": 0, "unanswered": 0} for level in PRIORITIES
            }


class ItemWriter:
    """Items into the store's ``item`` table, a batch at a time, counted as they go."""

    def __init__(
        self,
        store: SweepStore,
        archives: Sequence[ArchiveCoverage],
        since: dt.date | None,
        pseudonyms: object | None,
    ) -> None:
        self.store = store
        store.execute(_SCHEMA)
        districts = sorted({a.account.district for a in archives}, key=district_order)
        self.counts = ItemCounts(districts=districts)
        self.counts.archives = [{"P1": 0, "P2": 0, "P3": 0, "unanswered": 0} for _ in archives]
        number = {district: n for n, district in enumerate(districts)}
        self._districts = [(number[a.account.district], a.account.district) for a in archives]
        self._platforms = [a.account.platform for a in archives]
        self._since_ms = since_ms(since)
        self._pseudonyms = pseudonyms
        self._rows: list[tuple] = []
        self._follow_ups: list[tuple[str, int]] = []
        self._lists: dict[tuple, str] = {(): "[]"}
        self.next_number = 0

    def number_for(self, sent_ms: int) -> int | None:
        """The number the message will have as an item, or None when --since leaves it out."""
        if self._since_ms is not None and sent_ms < self._since_ms:
            return None
        return self.next_number

    def _json(self, values: tuple[str, ...]) -> str:
        found = self._lists.get(values)
        if found is None:
            found = orjson.dumps(values).decode()
            if len(self._lists) < SHARED_LISTS:
                self._lists[values] = found
        return found

    def add(
        self,
        seq: int,
        archive: int,
        conversation: str,
        message_id: str,
        sent_ms: int,
        sender: str,
        text: str,
        attachments: tuple[str, ...],
        answered: bool,
        answered_by: str | None,
        result: Triage,
        listed: bool,
        follow_ups: tuple[str, ...] = (),
    ) -> None:
        """One message; left out (and counted) when sent before --since."""
        counts = self.counts
        if self.number_for(sent_ms) is None:
            counts.before_since += 1
            return
        number, district = self._districts[archive]
        priority = result.priority.value
        pseudonym = (
            None
            if self._pseudonyms is None
            else self._pseudonyms.pseudonym(sender, self._platforms[archive])  # type: ignore[attr-defined]
        )
        self._rows.append(
            (
                self.next_number,
                seq,
                number,
                archive,
                conversation,
                message_id,
                sent_ms,
                iso(sent_ms),
                sender,
                pseudonym,
                text,
                self._json(attachments),
                result.priority.rank,
                answered,
                answered_by,
                self._json(result.categories),
                self._json(result.cues),
                result.follows,
                self._json(follow_ups),
                listed,
            )
        )
        self.next_number += 1
        counts.items += 1
        counts.by_district[district][priority]["answered" if answered else "unanswered"] += 1
        if not listed:
            counts.entries[(district, priority)] += 1
        first = result.categories[0] if result.categories else "other"
        counts.categories.setdefault((district, priority), Counter())[first] += 1
        row = counts.archives[archive]
        if priority in row:
            row[priority] += 1
        if priority in ("P1", "P2") and not answered:
            row["unanswered"] += 1
        if len(self._rows) >= _BATCH:
            self.flush()

    def set_follow_ups(self, number: int, message_ids: list[str]) -> None:
        """The follow-ups of the report made as item ``number``, in the order read (written a
        batch at a time: reports with follow-ups are many in a large sweep)."""
        self._follow_ups.append((orjson.dumps(message_ids).decode(), number))
        if len(self._follow_ups) >= _BATCH:
            self._write_follow_ups()

    def _write_follow_ups(self) -> None:
        self.flush()  # the reports' own rows first
        follow_ups, self._follow_ups = self._follow_ups, []
        self.store.executemany("UPDATE item SET follow_ups = ? WHERE n = ?", follow_ups)

    def flush(self) -> None:
        if self._rows:
            rows, self._rows = self._rows, []
            self.store.executemany(f"INSERT INTO item VALUES ({','.join('?' * 20)})", rows)

    def finish(self) -> ItemCounts:
        """Every item written, the reports' follow-ups named, and the indexes made."""
        self._write_follow_ups()
        for statement in _INDEXES.split(";"):
            if statement.strip():
                self.store.execute(statement)
        return self.counts


def triage_into(
    store: SweepStore,
    archives: Sequence[ArchiveCoverage],
    lexicon: Lexicon,
    *,
    since: dt.date | None = None,
    pseudonyms: object | None = None,
) -> ItemCounts:
    """Triage every inbound message in the store (``read_into`` put them there), one account's
    conversation at a time in the order its messages were sent: each is scored, tied to the
    report it follows (``FollowUpRule``), and written as an item."""
    writer = ItemWriter(store, archives, since, pseudonyms)
    thread: tuple[int, str] | None = None
    rule = FollowUpRule(lexicon.follow_up_ms)
    lists: dict[int, list[tuple[int, str]]] = {}  # report's item -> its follow-ups (seq, id)
    for row in store.inbound("thread"):
        seq, archive, account, conversation, message_id, sent_ms, sender, text, kinds, by = row
        if (account, conversation) != thread:
            _name_follow_ups(writer, lists)
            thread, rule = (account, conversation), FollowUpRule(lexicon.follow_up_ms)
        number = writer.number_for(sent_ms)
        token = (archive, number)
        result, report = rule.next(sender, sent_ms, message_id, classify(text, lexicon), token)
        # Listed under its report when the report is an item of the same archive (as the
        # document names follow-ups: by archive, conversation and report).
        listed = report is not None and report[1] is not None and report[0] == archive
        if listed:
            lists.setdefault(report[1], []).append((seq, message_id))  # type: ignore[index]
        writer.add(
            seq,
            archive,
            conversation,
            message_id,
            sent_ms,
            sender,
            text,
            kinds,
            by is not None,
            by,
            result,
            listed,
        )
    _name_follow_ups(writer, lists)
    return writer.finish()


def _name_follow_ups(writer: ItemWriter, lists: dict[int, list[tuple[int, str]]]) -> None:
    for number, follow_ups in lists.items():
        writer.set_follow_ups(number, [message_id for _, message_id in sorted(follow_ups)])
    lists.clear()


def load_triaged(
    store: SweepStore,
    sweep: SweepInput,
    triaged: Sequence[Triage],
    *,
    since: dt.date | None = None,
    pseudonyms: object | None = None,
) -> ItemCounts:
    """The items of an in-memory sweep and its triage (``triage_input``) into the store."""
    if len(triaged) != len(sweep.messages):
        raise ValueError("triaged must hold one result per message, in the same order")
    writer = ItemWriter(store, sweep.archives, since, pseudonyms)
    number_of = {a.path: n for n, a in enumerate(sweep.archives)}
    follow_ups: dict[tuple[str, str, str], list[str]] = {}
    for message, result in zip(sweep.messages, triaged, strict=True):
        if result.follows is not None:
            head = (message.archive, message.conversation, result.follows)
            follow_ups.setdefault(head, []).append(message.message_id)
    listed_heads = {
        (m.archive, m.conversation, m.message_id)
        for m in sweep.messages
        if writer.number_for(m.sent_ms) is not None
    }
    for seq, (message, result) in enumerate(zip(sweep.messages, triaged, strict=True)):
        key = (message.archive, message.conversation, message.message_id)
        writer.add(
            seq,
            number_of[message.archive],
            message.conversation,
            message.message_id,
            message.sent_ms,
            message.sender,
            message.text,
            message.attachments,
            message.answered,
            message.answered_by,
            result,
            result.follows is not None
            and (message.archive, message.conversation, result.follows) in listed_heads,
            tuple(follow_ups.get(key, ())),
        )
    return writer.finish()
