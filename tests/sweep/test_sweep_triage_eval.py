"""The triage measured on labelled messages: recall and precision per priority on held-out
sets, printed in the test output: ``pytest tests/sweep/test_sweep_triage_eval.py -s`` (or ``-rP``).

Three sets, all written by the same hand that wrote the lexicon (labelled/):
- tuning.txt: what the lexicon was tuned on, in three rounds. Round three is set B, written as a
  held-out set after the first lexicon and measured once before any tuning on it: report
  recall 38.7%, P1 found as a report 46.7%. That figure is why the lexicon was widened.
- heldout3.txt (set C): written after all tuning, committed before it was measured, never tuned
  on. The fair estimate. First (and only pre-commit) measurement: report recall 82.7%, P1 found
  as a report 90.0%, P1 exactly 70.0%, P2 as P2 or P1 77.8%, P3 66.7%; precision P1 80.8%,
  reports 84.9%, P3 100%.
- heldout.txt (set A): written first, before any lexicon, and never run while tuning; but its
  messages were in mind when the lexicon was written, so its near-perfect figures flatter.

Recall comes first: a report that is missed waits in a closed account, a false alarm costs a
person a few seconds. On set C the floors are the first measurement, less a message or two, so
that a change to the lexicon that loses reports fails here: P1 found as a report 90% (a P1 read
as P2 is still in front of a person the same day), every report 80%, P1 exactly 70%. Precision
floors are lower in importance and set the same way. On set A the floors are the ones chosen
before it was first measured: P1 90% (97% as a report), reports 90%, P1 precision 70%.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nypconsol.sweep.lexicon_build import load_lexicon
from nypconsol.sweep.model import Priority
from nypconsol.sweep.scoring import classify

LABELLED = Path(__file__).resolve().parent / "labelled"
LEVELS = ("P1", "P2", "P3", "none")


def load(name: str) -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate((LABELLED / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sep, text = line.partition(" | ")
        assert sep and label.strip() in LEVELS, f"{name}:{number}: not 'LABEL | text'"
        rows.append((label.strip(), text))
    return rows


def measure(rows: list[tuple[str, str]]) -> dict:
    lexicon = load_lexicon()
    pairs = [(gold, classify(text, lexicon).priority.value, text) for gold, text in rows]
    figures: dict = {"n": len(pairs), "confusion": {}, "missed": []}
    for gold in LEVELS:
        figures["confusion"][gold] = {
            p: sum(1 for g, q, _ in pairs if (g, q) == (gold, p)) for p in LEVELS
        }

    def ratio(hit: int, total: int) -> float:
        return hit / total if total else 1.0

    for level in ("P1", "P2", "P3"):
        gold_n = sum(1 for g, _, _ in pairs if g == level)
        pred_n = sum(1 for _, p, _ in pairs if p == level)
        both = sum(1 for g, p, _ in pairs if g == p == level)
        figures[level] = {
            "gold": gold_n,
            "flagged": pred_n,
            "recall": ratio(both, gold_n),
            "precision": ratio(both, pred_n),
        }
    report = {"P1", "P2"}
    figures["P1"]["as_report"] = ratio(
        sum(1 for g, p, _ in pairs if g == "P1" and p in report), figures["P1"]["gold"]
    )
    figures["P2"]["at_least"] = ratio(
        sum(1 for g, p, _ in pairs if g == "P2" and p in report), figures["P2"]["gold"]
    )
    gold_reports = sum(1 for g, _, _ in pairs if g in report)
    flagged_reports = sum(1 for _, p, _ in pairs if p in report)
    both_reports = sum(1 for g, p, _ in pairs if g in report and p in report)
    figures["reports"] = {
        "gold": gold_reports,
        "flagged": flagged_reports,
        "recall": ratio(both_reports, gold_reports),
        "precision": ratio(both_reports, flagged_reports),
    }
    figures["missed"] = [(g, p, t) for g, p, t in pairs if g != p]
    return figures


def table(title: str, figures: dict) -> str:
    lines = [f"{title}: {figures['n']} messages", ""]
    lines.append(f"{'':14}{'recall':>8}{'precision':>11}{'gold':>6}{'flagged':>9}")
    for level in ("P1", "P2", "P3", "reports"):
        f = figures[level]
        name = "P1+P2" if level == "reports" else level
        lines.append(
            f"{name:14}{f['recall']:>8.1%}{f['precision']:>11.1%}{f['gold']:>6}{f['flagged']:>9}"
        )
    lines.append(f"{'P1 as report':14}{figures['P1']['as_report']:>8.1%}")
    lines.append(f"{'P2 as P2+':14}{figures['P2']['at_least']:>8.1%}")
    lines.append("")
    lines.append("confusion (rows: labelled, columns: triage)")
    lines.append(f"{'':8}" + "".join(f"{p:>6}" for p in LEVELS))
    for gold in LEVELS:
        lines.append(f"{gold:8}" + "".join(f"{figures['confusion'][gold][p]:>6}" for p in LEVELS))
    if figures["missed"]:
        lines.append("")
        lines.append("disagreements (labelled -> triage):")
        lines.extend(f"  {g:>4} -> {p:<4} {t}" for g, p, t in figures["missed"])
    return "\n".join(lines)


def test_the_labelled_sets_are_big_enough_and_apart():
    set_a, set_c, tuning = load("heldout.txt"), load("heldout3.txt"), load("tuning.txt")
    everything = set_a + set_c + tuning
    assert len(everything) >= 300
    for held_out in (set_a, set_c):
        assert sum(1 for g, _ in held_out if g in ("P1", "P2")) >= 60
        assert sum(1 for g, _ in held_out if g == "none") >= 50  # many hard negatives
    texts = [{t for _, t in rows} for rows in (set_a, set_c, tuning)]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])


def _show(request: pytest.FixtureRequest, title: str, figures: dict) -> None:
    text = table(title, figures)
    print("\n" + text)
    request.node.add_report_section("call", "triage figures", text)


def test_held_out_set_c(request: pytest.FixtureRequest):
    figures = measure(load("heldout3.txt"))
    _show(request, "held-out set C (written after tuning, never tuned on)", figures)
    assert figures["P1"]["as_report"] >= 0.90
    assert figures["reports"]["recall"] >= 0.80
    assert figures["P1"]["recall"] >= 0.70
    assert figures["P2"]["at_least"] >= 0.75
    assert figures["P3"]["recall"] >= 0.60
    assert figures["P1"]["precision"] >= 0.75
    assert figures["reports"]["precision"] >= 0.80
    assert figures["P3"]["precision"] >= 0.90


def test_held_out_set_a(request: pytest.FixtureRequest):
    figures = measure(load("heldout.txt"))
    _show(request, "held-out set A (written before the lexicon; flatters it)", figures)
    assert figures["P1"]["recall"] >= 0.90
    assert figures["P1"]["as_report"] >= 0.97
    assert figures["reports"]["recall"] >= 0.90
    assert figures["P2"]["at_least"] >= 0.85
    assert figures["P3"]["recall"] >= 0.60
    assert figures["P1"]["precision"] >= 0.70
    assert figures["reports"]["precision"] >= 0.75
    assert figures["P3"]["precision"] >= 0.50


def test_tuning_set_figures(request: pytest.FixtureRequest):
    """For information: the set the lexicon was tuned on (its figures flatter the lexicon)."""
    figures = measure(load("tuning.txt"))
    _show(request, "tuning (the lexicon was tuned on these)", figures)
    assert figures["reports"]["recall"] >= 0.95  # tuning that stops fitting is a regression


def test_priorities_are_the_issues_vocabulary():
    assert [p.value for p in Priority] == list(LEVELS)
