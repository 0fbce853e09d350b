"""A sweep as its outputs read it: the document's head (archives, summary, findings) in memory,
and its items drawn from the store in the order they are listed, one at a time. Every sweep
renderer (JSON, CSV, HTML, the terminal summary) reads a sweep through this."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import orjson

from nypconsol.sweep.items import PRIORITIES, SHARED_LISTS, ItemCounts
from nypconsol.sweep.model import ArchiveCoverage
from nypconsol.sweep.store import SweepStore

_COLUMNS = (
    "n, archive, conversation, message_id, sent_at, sender, pseudonym, text, attachments, rank, "
    "answered, answered_by, categories, cues, follows, follow_ups"
)
_ORDER = "answered, sent_ms, archive, conversation, message_id"


class Entry(NamedTuple):
    """One line of a worklist: an item, with the follow-ups that add facts to it under it."""

    item: dict
    follow_ups: tuple[dict, ...]


class StoredSweep:
    """The sweep document, its items kept in the store until they are drawn. ``head`` is the
    document with an empty ``items`` list (in its place); ``items()`` are the items in the
    document's order; ``entries()`` a district's worklist. Valid while the store is open."""

    def __init__(
        self,
        store: SweepStore,
        head: dict,
        archives: Sequence[ArchiveCoverage],
        counts: ItemCounts,
    ) -> None:
        self.store = store
        self.head = head
        self.counts = counts
        self._paths = [a.path for a in archives]
        # Items of one account share their "account" mapping: treat items as read-only.
        self._accounts = [
            {
                "handle": a.account.handle,
                "platform": a.account.platform,
                "district": a.account.district,
            }
            for a in archives
        ]
        self._district_numbers = {d: n for n, d in enumerate(counts.districts)}
        self._lists: dict[str, list] = {"[]": []}

    @property
    def districts(self) -> list[str]:
        """Every district with an archive, in the summary's order."""
        return list(self.counts.districts)

    def _list(self, text: str) -> list:
        found = self._lists.get(text)
        if found is None:
            found = orjson.loads(text)
            if len(self._lists) < SHARED_LISTS:
                self._lists[text] = found
        return found

    def _item(self, row: tuple) -> dict:
        (
            _,
            archive,
            conversation,
            message_id,
            sent_at,
            sender,
            pseudonym,
            text,
            attachments,
            rank,
            answered,
            answered_by,
            categories,
            cues,
            follows,
            follow_ups,
        ) = row
        shared = self._list
        item = {
            "account": self._accounts[archive],
            "archive": self._paths[archive],
            "conversation": conversation,
            "message_id": message_id,
            "sent_at": sent_at,
            "sender": sender,
            "text": text,
            "priority": PRIORITIES[rank],
            "categories": shared(categories),
            "cues": orjson.loads(cues),
            "answered": bool(answered),
            "answered_by": answered_by,
            "follows": follows,
            "follow_ups": shared(follow_ups),
            "attachments": shared(attachments),
        }
        if pseudonym is not None:
            item["sender_pseudonym"] = pseudonym
        return item

    def _query(self, sql: str, parameters: tuple = ()) -> Iterator[tuple]:
        cursor = self.store.execute(sql, parameters)
        return self.store.rows(cursor)

    def items(self) -> Iterator[dict]:
        """Every item: by priority, then unanswered first, then oldest first (then archive,
        conversation and message id, so the order never depends on reading)."""
        rows = self._query(f"SELECT {_COLUMNS} FROM item ORDER BY rank, {_ORDER}")
        return (self._item(row) for row in rows)

    def entries(self, district: str, priority: str | None = None) -> Iterator[Entry]:
        """A district's worklist (of one priority) in the document's order, each follow-up
        under the report it adds facts to rather than in a place of its own; a follow-up whose
        report is not listed (sent before --since) keeps its place."""
        number = self._district_numbers.get(district)
        if number is None:
            return iter(())
        where, parameters = "district = ? AND listed = 0", (number,)
        if priority is not None:
            where += " AND rank = ?"
            parameters += (PRIORITIES.index(priority),)
        rows = self._query(
            f"SELECT {_COLUMNS} FROM item WHERE {where} ORDER BY rank, {_ORDER}", parameters
        )
        return (self._entry(row) for row in rows)

    def _entry(self, row: tuple) -> Entry:
        item = self._item(row)
        if not item["follow_ups"]:
            return Entry(item, ())
        under = self._query(
            f"SELECT {_COLUMNS} FROM item WHERE archive = ? AND conversation = ? AND follows = ? "
            "AND listed = 1 ORDER BY seq",
            (row[1], item["conversation"], item["message_id"]),
        )
        return Entry(item, tuple(self._item(follow_up) for follow_up in under))

    def entry_count(self, district: str, priority: str) -> int:
        """How many entries a district's worklist has of this priority (follow-ups under a
        report not counted)."""
        return self.counts.entries[(district, priority)]

    def categories(self, district: str, priority: str) -> Counter[str]:
        """A district's items of this priority by their first category (``other``)."""
        return self.counts.categories.get((district, priority), Counter())

    def archive_counts(self) -> dict[str, dict[str, int]]:
        """Per archive: its items of each priority and its unanswered P1 and P2 items."""
        return {
            path: dict(row) for path, row in zip(self._paths, self.counts.archives, strict=True)
        }

    def document(self) -> dict:
        """The whole document in memory, items and all (for a small sweep, and for tests)."""
        document = dict(self.head)
        document["items"] = list(self.items())
        return document
