"""Date expressions resolved against the publication date (articles "published" on Thu 27 Feb 2020)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import dates
from indexer.dates import find_dates
from indexer.regexscan import scan_text

PUBLISHED = "2020-02-27"


def only(text: str, published: str | None = PUBLISHED) -> tuple[str, str, str, str]:
    found = find_dates(text, published)
    assert len(found) == 1, found
    item = found[0]
    assert text[item["start"] : item["end"]] == item["text"]
    return item["text"], item["date"], item["date_to"], item["precision"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks resumed on Feb. 26 in Ankara.", ("on Feb. 26", "2020-02-26", "2020-02-26", "day")),
        (
            "Fire intensified late on Feb. 26, officials said.",
            ("late on Feb. 26", "2020-02-26", "2020-02-26", "day"),
        ),
        ("On 9 May 2020, clashes erupted.", ("On 9 May 2020", "2020-05-09", "2020-05-09", "day")),
        (
            "Around 9 May 2020 (as reported), a man died.",
            ("Around 9 May 2020", "2020-05-09", "2020-05-09", "day"),
        ),
        (
            "It happened on March 5, 2019 near the border.",
            ("on March 5, 2019", "2019-03-05", "2019-03-05", "day"),
        ),
        ("The 21st May 2020 strike.", ("21st May 2020", "2020-05-21", "2020-05-21", "day")),
        ("Filed 2020-02-01 by the agency.", ("2020-02-01", "2020-02-01", "2020-02-01", "day")),
    ],
)
def test_absolute_days(text, expected):
    assert only(text) == expected


def test_month_and_day_without_a_year_takes_the_year_on_or_before_publication():
    assert only("The truce began on Feb. 20.")[1] == "2020-02-20"
    assert only("The truce began on March 3.")[1] == "2019-03-03"
    assert only("The talks ended on Feb. 27.")[1] == "2020-02-27"


def test_days_ago_weeks_ago():
    assert only("Three weeks ago, the town fell.") == ("Three weeks ago", "2020-02-03", "2020-02-09", "week")
    assert only("He left two days ago.") == ("two days ago", "2020-02-25", "2020-02-25", "day")
    assert only("a month ago")[1:] == ("2020-01-01", "2020-01-31", "month")


def test_in_the_last_n_days():
    assert only("Sixty towns fell in the last three days.") == (
        "in the last three days",
        "2020-02-24",
        "2020-02-27",
        "day",
    )
    assert only("over the past few weeks")[1:] == ("2020-02-06", "2020-02-27", "week")


def test_since_a_month_runs_to_publication():
    assert only("Forces have gained ground since December.") == (
        "since December",
        "2019-12-01",
        "2020-02-27",
        "month",
    )


def test_this_month_and_last_week():
    assert only("Clashes so far this month killed 18.") == ("this month", "2020-02-01", "2020-02-27", "month")
    assert only("They met last week.") == ("last week", "2020-02-17", "2020-02-23", "week")
    assert only("They met last month.")[1:] == ("2020-01-01", "2020-01-31", "month")


def test_part_of_a_month():
    assert only("ahead of an end-February deadline") == ("end-February", "2020-02-21", "2020-02-29", "week")
    assert only("in early March 2019")[1:] == ("2019-03-01", "2019-03-10", "week")


def test_weekdays_and_deictic_days():
    assert only("The ministry said on Tuesday that") == ("on Tuesday", "2020-02-25", "2020-02-25", "day")
    assert only("He spoke on Thursday.")[1] == PUBLISHED
    assert only("It resumed last Thursday.")[1] == "2020-02-20"
    assert only("Two soldiers died yesterday.") == ("yesterday", "2020-02-26", "2020-02-26", "day")
    assert only("Talks continue today.")[1] == PUBLISHED


def test_months_and_years():
    assert only("in May 2020 there were")[1:] == ("2020-05-01", "2020-05-31", "month")
    assert only("The war began in 2011.")[1:] == ("2011-01-01", "2011-12-31", "year")
    assert only("since 2011")[1:] == ("2011-01-01", "2020-02-27", "year")


def test_words_that_look_like_dates_are_not():
    assert find_dates("They may 5 times refuse, and march on.", PUBLISHED) == []
    assert find_dates("He said 2,000 people fled and 1,500 stayed.", PUBLISHED) == []
    assert find_dates("a pre-2019 rule", PUBLISHED) == []


def test_relative_expressions_need_a_publication_date():
    assert find_dates("It happened yesterday, on Tuesday, on Feb. 26.", None) == []
    assert only("On 9 May 2020, clashes erupted.", None)[1] == "2020-05-09"


def test_numeric_dates_use_dateparser_and_prefer_the_past():
    assert only("Filed on 25/12/2019.")[1] == "2019-12-25"
    assert only("Filed on 09/05/2020.", "2020-05-10")[1] == "2020-05-09"


def test_several_dates_in_order_with_offsets():
    text = "Russian envoys arrived on Feb. 26; talks continue on Feb. 27. Three weeks ago the town fell."
    found = find_dates(text, PUBLISHED)
    assert [d["date"] for d in found] == ["2020-02-26", "2020-02-27", "2020-02-03"]
    assert [text[d["start"] : d["end"]] for d in found] == [d["text"] for d in found]


TRICKY = [
    "On Monday, early on Friday and since 3 March 2020; the day before yesterday, mid-March, In 2019.",
    "\u017fince March 2020 and \u212aabul on 12 Feb. 2021, 2019-03-04 or 09/05/2020 \u2014 three weeks ago.",
    "in the last two days, throughout the past month, late May 2019, by June, anti-March_12 x1 1x \u00b2 \u0663",
]


def _tried_positions(text: str) -> list[int]:
    """Where the design says the pattern is tried: a word (letters and digits) not right after a hyphen
    that starts with a digit or is, lower-cased, a trigger."""
    return [
        word.start()
        for word in dates._WORD.finditer(text)
        if not (word.start() and text[word.start() - 1] == "-")
        and (word.group()[0].isdigit() or word.group().lower() in dates._TRIGGERS)
    ]


@pytest.mark.parametrize("text", TRICKY)
def test_the_fast_paths_try_the_same_positions_and_find_the_same_matches(text):
    starts = [m.start() for m in dates._starts().finditer(text)]
    confirmed = [p for p in starts if text[p].isascii() or p in _tried_positions(text)]
    assert confirmed == _tried_positions(text)
    for position in _tried_positions(text):
        full = dates._pattern().match(text, position)
        names, subset, sieve = dates._forms_at(text[position : position + 4])
        fast = subset.match(text, position) if subset is not None else None
        assert (full and full.span()) == (fast and fast.span())
        if fast is not None and sieve is not None:
            assert sieve.match(scan_text(text), position) is not None
        if full:
            assert next(n for n, _ in dates._FORMS if full.group(n)) == next(
                n for n in names if fast.group(n)
            )


# Every way a form opens after a trigger word (`dates._FOLLOWERS`), to be put after each trigger.
OPENINGS = [
    "5 March 2020", "05 March 2020", "5th of March 2020", "March 5, 2020", "Mar. 5", "2020-03-05", "5/3/2020", "5 March",
    "March 5", "the end of May", "the early May", "early-May", "mid-May", "late May 2019", "end of May",
    "May 2020", "May", "2019", "of May 2020", "of 2019", "as of 5 March", "on 5 March", "on Monday",
    "few days ago", "day ago", "couple of weeks ago", "2 weeks ago", "the last three days", "the past week",
    "week", "weekend", "month", "year", "Monday", "on Friday", "day before yesterday", "yesterday",
    "today", "tonight", "night", "this morning", "morning", "today", "in May", "this week", "the previous year",
    "afternoon", "evening", "the mid-May", "-May", "of May", "12.05.2020", "21st May", "100 days ago",
    "a few weeks ago", "a couple weeks ago", "Sept. 5, 2020", "end-May",
]  # fmt: skip
SEPARATORS = [" ", "  ", "\u00a0", "\n", " \t", "-", ", ", ""]


def _opened_texts() -> list[str]:
    words = sorted(w for w in dates._TRIGGERS if w.isalpha())
    texts = [
        f"Then {word}{separator}{opening}."
        for word in words
        for separator in SEPARATORS
        for opening in OPENINGS
    ]
    # A letter matching an ASCII one without case ("ı") sends a text to the start pattern's own scan.
    twins = [t + " \u0131" for t in texts[::3]] + [t.replace("Then", "\u017fo") for t in texts[1::3]]
    return [*texts, *(t.upper() for t in texts[::7]), *(t.title() for t in texts[::5]), *twins]


@pytest.mark.parametrize("text", [*TRICKY, *(t.translate({0x17F: "s", 0x212A: "K"}) for t in TRICKY)])
def test_start_positions_read_off_the_scan_view_keep_every_start_a_date_matches_at(text):
    """The view drops start positions only where no form matches: what remains of `_starts`' positions
    holds every one the full pattern matches at."""
    starts = [m.start() for m in dates._starts().finditer(text)]
    positions = dates._start_positions(text)
    assert set(positions) <= set(starts)
    assert [p for p in starts if dates._pattern().match(text, p)] == [
        p for p in positions if dates._pattern().match(text, p)
    ]


def test_the_words_a_trigger_needs_after_it_let_every_date_through():
    """Each trigger before each way a form can open, in several cases and with several separators: the
    start positions hold every position the full pattern matches at. (Fails when `_FOLLOWERS` leaves out
    a word that a form opens with after a trigger.)"""
    texts = _opened_texts()
    dropped = 0
    for text in texts:
        starts = [m.start() for m in dates._starts().finditer(text)]
        positions = set(dates._start_positions(text))
        assert positions <= set(starts)
        for position in starts:
            if position not in positions:
                dropped += 1
                assert dates._pattern().match(text, position) is None, (text, position)
    assert dropped > len(texts) // 4


@pytest.mark.parametrize("text", [*TRICKY, *(t.upper() for t in TRICKY)])
def test_a_sieve_passes_wherever_its_alternation_matches(text):
    """The sieve may let through positions where no date starts, never reject one where a date does."""
    scanned = scan_text(text)
    for position in range(len(text)):
        names, subset, sieve = dates._forms_at(text[position : position + 4])
        if subset is None:
            continue
        assert sieve is not None
        if subset.match(text, position) is not None:
            assert sieve.match(scanned, position) is not None, (text, position)


def test_after_compile_forms_no_text_compiles_another_alternation():
    dates._subset_pattern.cache_clear()
    dates._forms_at.cache_clear()
    dates.compile_forms()
    compiled = dates._subset_pattern.cache_info().misses
    for text in [*TRICKY, "On", "12", "In 2019", "the day before yesterday", "Sunday"]:
        dates.find_dates(text, "2020-03-04")
    assert dates._subset_pattern.cache_info().misses == compiled


def test_start_positions_keep_every_start_a_date_matches_at_in_the_sample_corpus():
    """On whole articles of news copy, as well as on the made-up openings above: every word start where the
    full pattern matches is among the positions the view keeps (`_FOLLOWERS` is written by hand from
    `_FORMS`; a form added without its followers fails here when the sample uses it)."""
    sample = Path(__file__).resolve().parents[1] / "data" / "sample" / "articles.jsonl"
    texts = [
        json.loads(line)["text"] for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    matched = 0
    for text in texts:
        kept = set(dates._start_positions(text))
        for found in dates._starts().finditer(text):
            if dates._pattern().match(text, found.start()):
                matched += 1
                assert found.start() in kept, (text[found.start() : found.start() + 40],)
    assert matched > 100
