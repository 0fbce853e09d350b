"""``nypconsol sweep`` and the progress ledger, on SQLite and PostgreSQL: a ``swept`` event per
archive with its SHA-256 and counts and no text at all, said in the output; the default file
used only when it exists; a ledger that cannot be used is a message and exit 4, after the
sweep's own output is written."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from nypconsol.core.steps import Step
from nypconsol.ledger import login_name, open_ledger

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sweep"))
from sweepcli import KEY, example_archives, run

# Everything the example archives hold that a ledger must never: texts, names, sender ids.
TEXTS = [
    "knife",
    "chippy",
    "dementia",
    "end it tonight",
    "Prospect Hill",
    "Siân",
    "Jones",
    "Dales Resident",
    "2210000001",
    "jordan",
]


@pytest.fixture
def examples(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NYPCONSOL_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("NYPCONSOL_MASTODON_TOKEN", raising=False)
    return example_archives(tmp_path)


def swept(*args: str):  # type: ignore[no-untyped-def]
    return run("sweep", "-i", "inventory.csv", "archives", "--start", "2026-11-02", *args)


def test_each_archive_swept_is_recorded_with_its_sha256_and_counts(backend, examples):
    open_ledger(backend.location, create=True).close()
    result = swept("--ledger", backend.location, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert "Recorded in the progress ledger" in result.stderr
    assert "swept for HelmsleyPolice (facebook), RiponPolice (instagram), WhitbySNT (x)" in (
        result.stderr.replace("\n", " ")
    )
    with open_ledger(backend.location) as ledger:
        events = ledger.events()
        assert ledger.verify().ok
    assert len(events) == 3
    paths = {p.name: p for p in examples}
    for event, archive in zip(events, document["archives"], strict=True):
        assert (event.step, event.handle, event.platform) == (
            Step.SWEPT,
            archive["account"],
            archive["platform"],
        )
        assert event.by == login_name() and event.note is None
        digest = hashlib.sha256(paths[Path(archive["path"]).name].read_bytes()).hexdigest()
        items = [i for i in document["items"] if i["archive"] == archive["path"]]
        count = {p: sum(1 for i in items if i["priority"] == p) for p in ("P1", "P2", "P3")}
        unanswered = sum(1 for i in items if i["priority"] in ("P1", "P2") and not i["answered"])
        assert event.sweep is not None
        assert event.sweep.canonical() == {
            "archive_sha256": digest,
            "conversations": archive["conversations"],
            "messages": archive["messages"],
            "p1": count["P1"],
            "p2": count["P2"],
            "p3": count["P3"],
            "unanswered": unanswered,
        }
    whitby = next(e for e in events if e.handle == "WhitbySNT")
    assert (whitby.sweep.p1, whitby.sweep.p2, whitby.sweep.unanswered) == (2, 2, 3)
    rows = repr(backend.sql("SELECT * FROM ledger_events"))
    for text in TEXTS:
        assert text not in rows, text


def test_a_ledger_named_but_missing_is_exit_4_after_the_sweep_is_written(backend, examples):
    result = swept("--ledger", backend.location, "-o", "out")
    assert result.exit_code == 4
    assert "Error: the sweep was not recorded in the progress ledger" in result.stderr
    assert "record the sweep once the ledger can be reached" in result.stderr
    assert (examples[0].parents[2] / "out" / "sweep.json").is_file()
    assert "Scarborough: 1 archive" in result.stdout
    if backend.kind == "postgresql":
        assert backend.cluster.password not in result.stderr


def test_the_ledger_failure_wins_over_check(backend, examples):
    result = swept("--ledger", backend.location, "--check")
    assert result.exit_code == 4


def test_the_default_file_is_used_only_when_it_exists(tmp_path, examples, monkeypatch):
    monkeypatch.delenv("NYPCONSOL_LEDGER", raising=False)
    result = swept()
    assert result.exit_code == 0
    assert "Not recorded in a progress ledger: there is none here" in result.stderr
    assert not (tmp_path / "nypconsol-ledger.sqlite").exists()
    open_ledger("nypconsol-ledger.sqlite", create=True).close()
    result = swept()
    assert result.exit_code == 0
    assert (
        "Recorded in the progress ledger nypconsol-ledger.sqlite (the default, in the working "
        "folder)" in result.stderr.replace("\n", " ")
    )
    with open_ledger("nypconsol-ledger.sqlite") as ledger:
        assert len(ledger.events()) == 3


def test_the_environment_names_the_ledger(tmp_path, examples, monkeypatch):
    open_ledger(str(tmp_path / "team.sqlite"), create=True).close()
    monkeypatch.setenv("NYPCONSOL_LEDGER", str(tmp_path / "team.sqlite"))
    result = swept()
    assert result.exit_code == 0
    assert "(NYPCONSOL_LEDGER)" in result.stderr
    again = swept()  # a second sweep adds records, and says they are repeats
    assert "swept is already recorded" in again.stderr
    with open_ledger(str(tmp_path / "team.sqlite")) as ledger:
        assert len(ledger.events()) == 6


def test_a_file_that_is_not_a_ledger_is_exit_4(tmp_path, examples, monkeypatch):
    monkeypatch.delenv("NYPCONSOL_LEDGER", raising=False)
    (tmp_path / "notes.sqlite").write_bytes(b"not a database at all, " * 100)
    result = swept("--ledger", "notes.sqlite")
    assert result.exit_code == 4
    assert "the sweep was not recorded in the progress ledger" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.postgresql
def test_an_unreachable_postgresql_is_a_message_without_its_password(
    pg_cluster, tmp_path, examples, monkeypatch
):
    url = f"postgresql://ledger:s3cret-pass@/nodb?host={tmp_path}&port=1"
    result = swept("--ledger", url)
    assert result.exit_code == 4
    assert "the sweep was not recorded in the progress ledger" in result.stderr
    assert "s3cret-pass" not in result.stderr


def test_an_archive_not_read_whole_is_not_recorded_as_swept(backend, examples):
    """Its tweets were read but its direct messages were not: recording it as swept would let
    the account be closed with reports nobody read."""
    import zipfile

    x_zip = next(p for p in examples if "WhitbySNT" in str(p))
    with zipfile.ZipFile(x_zip) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["data/direct-messages.js"] = b"[]"  # without the window.YTD prefix
    with zipfile.ZipFile(x_zip, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    open_ledger(backend.location, create=True).close()
    result = swept("--ledger", backend.location)
    assert "archive-not-ytd" in result.stderr
    said = result.stderr.replace("\n", " ")
    assert "Not recorded as swept: WhitbySNT (x), as not all of its archive could be read" in said
    assert "swept for HelmsleyPolice (facebook), RiponPolice (instagram), with each" in said
    with open_ledger(backend.location) as ledger:
        assert sorted(e.handle for e in ledger.events()) == ["HelmsleyPolice", "RiponPolice"]
