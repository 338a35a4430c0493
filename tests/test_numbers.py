"""Numbers and casualty figures as news copy writes them (indexer.numbers)."""

import re

import pytest

from indexer.numbers import (
    find_figures,
    find_quantities,
    lower_ascii,
    no_case_twins,
    parse_number,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("two", 2),
        ("Seventeen", 17),
        ("twenty-five", 25),
        ("one hundred and two", 102),
        ("18", 18),
        ("at least 18", 18),
        ("more than 900,000", 900_000),
        ("nearly a million", 1_000_000),
        ("1.5 million", 1_500_000),
        ("3-5", 3),
        ("a dozen", 12),
        ("half a dozen", 6),
        ("dozens", 12),
        ("hundreds of", 100),
        ("a", 1),
    ],
)
def test_parse_number_reads_words_digits_and_hedges(phrase, value):
    assert parse_number(phrase) == value


@pytest.mark.parametrize("phrase", ["", "soldiers", "Zu-23", "the"])
def test_parse_number_refuses_what_is_not_a_number(phrase):
    assert parse_number(phrase) is None


def test_quantity_keeps_qualifier_and_marks_vague_words_as_estimates():
    assert parse_quantity("at least 18").qualifier == "at_least"
    assert parse_quantity("more than 900,000").qualifier == "more_than"
    assert parse_quantity("20-30").qualifier == "range"
    dozens = parse_quantity("dozens of")
    assert dozens.estimated and dozens.value == 12
    assert not parse_quantity("a dozen").estimated


def test_find_quantities_skips_years_clock_times_ordinals_and_calibres():
    text = "On 9 May 2020 at 10:30, the 1st brigade fired 82mm mortars and three rockets; Zu-23 guns."
    values = [q.value for q in find_quantities(text)]
    assert values == [9, 3]


def test_find_quantities_offsets_point_into_the_text():
    text = "Officials said at least 18 soldiers died."
    (quantity,) = find_quantities(text)
    assert text[quantity.start : quantity.end] == "at least 18"


def figures(text):
    return [(f.kind, f.value, f.summary) for f in find_figures(text)]


def test_passive_death_clause_counts_its_subject():
    assert figures("Two Turkish soldiers were killed in an attack.") == [("killed", 2, False)]


def test_active_killing_counts_its_object_and_stops_at_the_next_clause():
    assert figures("Gunmen raided the market, killing 6 civilians, including 2 women.") == [
        ("killed", 6, False)
    ]


def test_coordinated_victims_are_added_and_injuries_kept_apart():
    text = "Militants fired on a patrol in which three officers and one driver were killed and another seven people were injured."
    assert figures(text) == [("killed", 4, False), ("injured", 7, False)]


def test_left_dead_and_singular_victims():
    assert figures("Fighting this month has left at least 18 soldiers dead.") == [("killed", 18, False)]
    assert figures("A man was stabbed to death near the station.") == [("killed", 1, False)]
    assert figures("They killed a farmer and his son.") == [("killed", 2, False)]


def test_appositive_subject_is_found_behind_commas():
    text = "The mayor's bodyguards, two police agents, were also killed."
    assert figures(text) == [("killed", 2, False)]


def test_explicit_total_is_a_summary_and_no_fatalities_is_zero():
    assert ("killed", 3, True) in figures("Three bodies were found. 3 fatalities.")
    assert figures("No fatalities were reported.") == [("killed", 0, False)]
    assert ("killed", 45, True) in figures("The death toll rose to 45 on Sunday.")


def test_other_figure_kinds():
    assert figures("Police arrested 12 people and 30 were detained later.") == [
        ("arrested", 12, False),
        ("arrested", 30, False),
    ]
    assert figures("More than 900,000 people have been displaced since December.") == [
        ("displaced", 900_000, False)
    ]


def test_dates_are_not_counted_as_victims():
    assert figures("On 9 May 2020 two soldiers were killed.") == [("killed", 2, False)]


def test_people_named_without_a_count_give_no_figure():
    assert figures("The victims were killed at night.") == []


@pytest.mark.parametrize("twin", ["\u0130", "\u0131", "\u017f", "\u212a"])
def test_no_case_twins_spots_each_letter_that_matches_ascii_ignoring_case(twin):
    text = f"Police said {twin} was here"
    assert not no_case_twins(text)
    assert no_case_twins(text, 0, 11)
    assert not no_case_twins(text, 12, 13)
    assert re.search("(?i)[iks]", twin)


def test_lower_case_pattern_matches_alike_with_or_without_ignorecase_on_cleared_text():
    pattern = r"\b(?:said|killed|states)\b[^.]{0,20}?\bthat\b"
    for raw in (
        "Officials SAID on Tuesday THAT Élysée",
        "KILLED, they said that",
        "Said. That",
        "ÉTATS that",
    ):
        text = lower_ascii(raw)
        assert no_case_twins(text)
        spans = [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
        assert spans == [m.span() for m in re.finditer(pattern, text)]
    twin_text = lower_ascii("Officials \u017fAID that")
    assert not no_case_twins(twin_text)
    assert re.search(pattern, twin_text, re.IGNORECASE) and not re.search(pattern, twin_text)


FIGURE_TEXTS = [
    "Two soldiers were killed and three wounded in Kidal. Police said 12 people were arrested.",
    "Gunmen killed 5 villagers; the bodies of two others were found near the well-known market.",
    "The death toll rose to 41 on Monday.\nNo casualties were reported. Anti-government fighters kidnapped 3.",
    "Dozens were injured (including 4 children), officials said, and about 200 families were displaced by "
    "the floods. The bodies of seven men were recovered, leaving eleven dead in total.",
    "killed: 4. Self-injured? No. The attack left 2 dead and 9 hurt — a UN team said no one was killed.",
    "Hundreds fled their homes after militants seized 20 passengers; at least 15 were abducted on Sunday.",
]


@pytest.mark.parametrize("text", FIGURE_TEXTS)
def test_figure_reader_skips_no_span_that_holds_a_figure(text):
    """A FigureReader passes over spans without an opening of a trigger and tries each trigger only at the
    openings; on every span, sentence-like or cut mid-word, it finds what the trigger patterns run over the
    whole span with ``finditer`` lead to."""
    from indexer import numbers

    lowered = lower_ascii(text)
    reader = numbers.FigureReader(text)
    patterns = numbers._figure_patterns()
    step = 7
    for start in range(0, len(text), step):
        for end in range(start, len(text) + 1, step):
            hits = [list(patterns[name].finditer(lowered, start, end)) for name in numbers._SCANNED_FIGURES]
            expected = numbers._read_figures(lowered, start, end, no_case_twins(lowered, start, end), hits)
            assert reader.find(start, end) == expected, (start, end)
    assert find_figures(text), "each text reports some figure"
