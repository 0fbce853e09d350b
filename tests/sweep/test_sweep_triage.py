"""How triage reads a message: word boundaries, misspellings, phrases, structural cues, contexts
that set report words aside, follow-ups, and the lexicon the force can extend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nypconsol.sweep.lexicon import LexiconError
from nypconsol.sweep.lexicon_build import (
    compile_lexicon,
    default_lexicon_data,
    load_lexicon,
    merge_lexicon,
)
from nypconsol.sweep.model import InboundMessage, Priority
from nypconsol.sweep.scoring import classify
from nypconsol.sweep.triage import triage

P1, P2, P3, NONE = Priority.P1, Priority.P2, Priority.P3, Priority.NONE


def priority(text: str) -> Priority:
    return classify(text).priority


# --- matching -----------------------------------------------------------------------------------


def test_the_issues_example_without_crime_police_or_report_words():
    result = classify("theres a lad going along the cars pulling door handles")
    assert result.priority is P1  # happening as the person writes
    assert "vehicle_crime" in result.categories
    assert any(c.startswith("happening as written") for c in result.cues)


@pytest.mark.parametrize(
    "text",
    [
        "gunther says the cotton gin is lovely",  # gun inside a word
        "the scrapbook club meets on tuesday",  # scrap
        "my knifeless cutlery drawer",  # knife
        "bathtime for the twins",  # bat
    ],
)
def test_words_match_whole_words_only(text):
    assert priority(text) is NONE


def test_a_misspelling_is_read_as_the_word_and_the_cue_says_so():
    result = classify("lad with a machette outside the shop")
    assert result.priority is P1
    assert "weapons: machette (read as machete)" in result.cues


def test_a_real_word_near_a_lexicon_word_is_not_a_misspelling():
    assert "weapons" not in classify("shouting in the street at closing time").categories
    assert classify("the kids were shouting in the park").priority is not P1


def test_text_speak_and_dropped_gs():
    assert priority("sum1 beatin up a lad at the bus stop rn") is P1
    assert priority("ther is a guy wiv a nife outside") is P1


def test_phrase_patterns_span_a_few_words():
    assert "vehicle_crime" in classify("someone pulling on all the car door handles").categories
    assert "domestic_abuse" in classify("my sisters boyfriend hits her").categories


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("silver corsa YK19 ABC parked up", "registration", "YK19 ABC"),
        ("reg is yk19abc", "registration", "YK19ABC"),
        ("old car A123 BCD again", "registration", "A123 BCD"),
        ("lorry ABC123X on the A19", "registration", "ABC123X"),
        ("near YO1 7HH by the walls", "postcode", "YO1 7HH"),
        ("it was about 10.30pm", "time", "10.30pm"),
        ("outside 14 gillygate road", "street", "gillygate road"),
    ],
)
def test_structural_cues(text, kind, value):
    assert f"{kind}: {value}" in classify(text).cues


@pytest.mark.parametrize(
    "text",
    [
        "on the a64 now heading east",  # a road number, not a registration
        "see you b4 2pm",  # not a postcode
        "THE A64 NOW IS CLOSED",  # capitals: a road and a word
    ],
)
def test_what_only_looks_like_a_registration_or_postcode(text):
    cues = classify(text).cues
    assert not any(c.startswith(("registration:", "postcode:")) for c in cues), cues


def test_a_registration_on_its_own_is_intelligence():
    result = classify("YX68 KLM")
    assert (result.priority, result.categories) == (P2, ("vehicle_registration",))


# --- what is not a report ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "well done catching the burglars in thirsk, brilliant work",
        "https://www.example.org/news man charged after stabbing in the town centre",
        "my wife stole my heart 20 years ago lol",
        "the prices at the races are daylight robbery",
        "thoughts with the family of the lad who was stabbed, so sad",
    ],
)
def test_praise_news_jokes_idioms_and_condolence_are_not_reports(text):
    assert priority(text) is NONE


def test_a_question_about_reporting_needs_a_reply_but_is_not_a_report():
    assert priority("can i report a crime on here?") is P3


def test_set_aside_words_are_shown_not_hidden():
    result = classify("well done catching the burglars, brilliant work")
    assert result.priority is NONE
    assert any(c.startswith("set aside as praise or thanks: burglary") for c in result.cues)


def test_now_or_a_registration_keeps_a_report_inside_praise():
    assert priority("thanks for last week, but theres a lad trying car doors again right now") is P1
    assert priority("well done lads, btw the van that keeps dumping rubbish is YX68 KLM") is P2


def test_self_harm_is_never_set_aside():
    assert priority("lol i just want to end it all tonight") is P1
    assert priority("thanks for everything, i cant go on") is P1


def test_past_and_now():
    assert priority("a lad with a knife outside the co-op") is P1
    assert priority("a lad pulled a knife on me last week outside the co-op") is P2
    assert priority("someone broke into my shed last night") is P2
    assert priority("someone is breaking into my shed right now") is P1


def test_the_possible_report_safety_net():
    result = classify("a fella keeps dragging a lass towards a car outside the spar")
    assert result.priority in (P1, P2)
    assert classify("the bins were not collected again").priority is NONE


def test_messages_without_text_are_none():
    assert classify("").priority is NONE
    assert classify("👍").priority is NONE


def test_the_same_text_the_same_result():
    text = "lad trying car doors on church st right now YK19 ABC"
    assert classify(text) == classify(text)


# --- follow-ups ---------------------------------------------------------------------------------


def message(mid: str, minute: int, text: str, sender: str = "222", conversation: str = "c1"):
    return InboundMessage(
        archive="a.zip",
        conversation=conversation,
        message_id=mid,
        sent_ms=1_767_000_000_000 + minute * 60_000,
        sender=sender,
        text=text,
    )


def test_a_follow_up_with_facts_belongs_with_its_report():
    messages = [
        message("1", 0, "lad trying car doors on our street right now"),
        message("2", 3, "its a silver corsa YK19 ABC"),
        message("3", 5, "he went down towards the park"),
        message("4", 9, "thanks"),  # adds nothing
    ]
    results = triage(messages)
    assert [r.priority for r in results] == [P1, P1, P1, NONE]
    assert [r.follows for r in results] == [None, "1", "1", None]
    assert results[1].cues[0] == "follow-up: adds facts to the report sent 3 min before"


def test_not_a_follow_up_after_the_window_from_someone_else_or_in_another_conversation():
    messages = [
        message("1", 0, "lad trying car doors on our street right now"),
        message("2", 300, "its a silver corsa YK19 ABC"),  # five hours on
        message("3", 2, "its a silver corsa YK19 ABC", sender="999"),
        message("4", 2, "its a silver corsa YK19 ABC", conversation="c2"),
    ]
    results = triage(messages)
    assert [r.follows for r in results] == [None, None, None, None]
    assert [r.priority for r in results][1:] == [P2, P2, P2]  # a registration on its own


def test_the_order_messages_come_in_does_not_matter():
    messages = [
        message("2", 3, "its a silver corsa YK19 ABC"),
        message("1", 0, "lad trying car doors on our street right now"),
    ]
    assert [r.follows for r in triage(messages)] == ["1", None]


# --- the lexicon --------------------------------------------------------------------------------


def test_the_shipped_lexicon_compiles_and_is_loaded_safely():
    data = default_lexicon_data()
    assert data["version"] == 1
    lexicon = compile_lexicon(data)
    assert set(lexicon.categories) >= {"weapons", "self_harm", "missing_person", "enquiry"}
    text = (Path(__file__).resolve().parents[2] / "nypconsol/sweep/lexicon.yaml").read_text()
    assert "!!" not in text  # no YAML tags


def test_the_force_extends_the_lexicon():
    override = {
        "categories": {
            "theft": {"terms": ["half inched"]},
            "wildlife_crime": {
                "label": "wildlife crime",
                "priority": "P2",
                "terms": ["badger baiting"],
            },
        },
        "places": ["ugthorpe"],
        "idioms_remove": ["daylight robbery"],
    }
    lexicon = load_lexicon(override)
    assert "theft" in classify("someone half inched my bike", lexicon).categories
    assert classify("badger baiting up by ugthorpe", lexicon).categories == ("wildlife_crime",)
    assert "place: ugthorpe" in classify("badger baiting up by ugthorpe", lexicon).cues
    assert classify("the parking here is daylight robbery", lexicon).priority is P2
    # the shipped lexicon is unchanged
    assert "theft" not in classify("someone half inched my bike").categories
    assert classify("the parking here is daylight robbery").priority is NONE


def test_merge_adds_to_lists_merges_mappings_and_replaces_values():
    base = {"a": [1, 2], "b": {"c": 1, "d": [1]}, "e": "x"}
    merged = merge_lexicon(base, {"a": [2, 3], "b": {"d": [2], "f": 2}, "e": "y", "a_remove": [1]})
    assert merged == {"a": [2, 3], "b": {"c": 1, "d": [1, 2], "f": 2}, "e": "y"}
    assert base == {"a": [1, 2], "b": {"c": 1, "d": [1]}, "e": "x"}


@pytest.mark.parametrize(
    ("override", "where"),
    [
        ({"categories": {"theft": {"priority": "P9"}}}, "categories.theft.priority"),
        (
            {"categories": {"x": {"priority": "P2", "patterns": ["(unclosed"]}}},
            "categories.x.patterns[0]",
        ),
        ({"categories": {"theft": {"terms": [True]}}}, "categories.theft.terms"),
        ({"categories": {"x": {"terms": ["a"]}}}, "categories.x: has no priority"),
        ({"contexts": {"praise": {"suppresses": ["nonsense"]}}}, "contexts.praise.suppresses"),
        ({"places_remove": "york"}, "places_remove"),
        (["not", "a", "mapping"], "mapping"),
    ],
)
def test_a_bad_override_is_an_error_naming_where(override, where):
    with pytest.raises(LexiconError) as caught:
        load_lexicon(override)
    assert where in str(caught.value)


DICTIONARY = Path("/usr/share/dict/british-english")


@pytest.mark.skipif(not DICTIONARY.exists(), reason="no word list (apt-get install wbritish)")
def test_no_real_word_is_read_as_a_misspelling_of_another():
    """A dictionary word within the fuzzy distance of a lexicon word is either a form of it
    (assaults, shotguns) or listed in not_misspellings (shouting is not shooting)."""
    from nypconsol.sweep.cues import fuzzy

    lexicon = load_lexicon()
    collisions = []
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if not re.fullmatch(r"[a-z]+", word) or len(word) < lexicon.fuzzy_min_length:
            continue
        if word in lexicon.known_words:
            continue
        entry = fuzzy(lexicon, word)
        if entry is None:
            continue
        term = entry.words[0]
        prefix = 0
        while prefix < min(len(word), len(term)) and word[prefix] == term[prefix]:
            prefix += 1
        if prefix < len(term) - 1:  # not the same word with another ending
            collisions.append(f"{word} -> {term}")
    assert collisions == []
