"""`MultiPattern` must give exactly the hits of running each pattern's `finditer` on its own; it is only
a faster way to run the lexicon patterns of the extractors."""

import codecs
import random
import re

import pytest

from indexer.regexscan import (
    AnyOf,
    MultiPattern,
    PrefixSearch,
    ascii_marks,
    case_sensitive_sieve,
    encode_ascii,
    regex_prefixes,
    required_words,
    scan_text,
    scan_view,
    top_level_alternatives,
)

TEXTS = [
    "Gunmen killed 12 villagers near Idlib on Tuesday; the Syrian army shelled rebel positions.",
    "PRO-GOVERNMENT militias\tattacked protesters in Khartoum.\nThe police arrested 30 people.",
    "air strike airstrike air-strike AIR\u00a0STRIKE airstrikes, air  strikes and airs",
    "\u0130stanbul \u212aabul \u017fhells: killed\u2003by the M23 and the m23 rebels (al-Shabaab).",
    "",
    "ab abc abcd abcabc xabc abc-abc",
]
PATTERNS = [
    re.compile(r"(?<![\w\-])(?:air[\s\-]*strikes?|shell(?:ed|ing)?)(?![\w\-])", re.IGNORECASE),
    re.compile(r"(?<![\w\-])(?:killed|arrested|attacked)(?![\w\-])"),
    re.compile(r"(?<![\w\-])(?:M23|al[\s\-]+Shabaab|Kabul|Istanbul|shells)(?![\w\-])", re.IGNORECASE),
    re.compile(r"(?<![\w\-])(?:(?:the\s+)?police|gunmen|protesters?|militias?)(?![\w\-])", re.IGNORECASE),
    re.compile(r"\b\d+\s+(?:villagers|people)\b"),
    re.compile(r"abc|ab"),
    re.compile(r"\w+ly"),
]


@pytest.mark.parametrize("depth", [1, 2, 3, 6])
def test_hits_equal_finditer_of_each_pattern(depth):
    scanner = MultiPattern.build(PATTERNS, depth=depth)
    for text in TEXTS:
        expected = [[m.span() for m in p.finditer(text)] for p in PATTERNS]
        assert [[m.span() for m in hits] for hits in scanner.finditer_each(text)] == expected


def test_hits_within_a_range_equal_finditer_with_bounds():
    scanner = MultiPattern.build(PATTERNS, depth=4)
    text = TEXTS[0] + " " + TEXTS[1]
    for start, end in [(0, 20), (10, 60), (25, len(text)), (60, 61)]:
        expected = [[m.span() for m in p.finditer(text, start, end)] for p in PATTERNS]
        got = scanner.finditer_each(text, scan_text(text), start, end)
        assert [[m.span() for m in hits] for hits in got] == expected


def test_only_the_patterns_asked_for_are_run_each_from_its_own_start():
    """`only` maps pattern numbers to where each starts: those get ``finditer(text, only[n], end)``, the
    others nothing, both for the patterns the scan finds and for those tried everywhere."""
    for depth in (2, 4):
        scanner = MultiPattern.build(PATTERNS, depth=depth)
        for text in TEXTS + WORD_START_TEXTS:
            end = len(text)
            for only in ({0: 0, 2: 5}, {1: 3, 3: 3, 6: 10}, {5: 1}, {2: end}):
                only = {n: min(start, end) for n, start in only.items()}
                got = scanner.finditer_each(text, scan_text(text), min(only.values()), end, only=only)
                expected = [
                    [m.span() for m in p.finditer(text, only[n], end)] if n in only else []
                    for n, p in enumerate(PATTERNS)
                ]
                assert [[m.span() for m in hits] for hits in got] == expected, (text, only)


WORD_START_PATTERNS = [
    re.compile(r"(?<![\w\-])(?:u\.s\.|'s|killed|caf\u00e9s?)(?![\w\-])", re.IGNORECASE),
    re.compile(r"(?<![\w\-.])(?:army|forces|(?:the\s+)?police)\b", re.IGNORECASE),
    re.compile(r"(?<![\w-])(?:\d+\s+dead|m23)(?![\w\-])"),
]
WORD_START_TEXTS = [
    *TEXTS,
    "U.S. forces\u2014and the police\u2019s army\u201d killed 3 (caf\u00e9s \u00c9cole).army x.police",
    "\u201cKilled\u201d \u00e9killed caf\u00e9killed 7\u00a0dead 12 dead-end -army _army \u0130 army's 's",
]


def test_patterns_opening_at_a_word_start_equal_finditer_around_any_separator():
    scanner = MultiPattern.build(WORD_START_PATTERNS, depth=4)
    assert scanner.at_start is not None and not scanner.everywhere, "all are found by the word-start scan"
    for text in WORD_START_TEXTS:
        for start, end in [(0, len(text)), (3, len(text)), (1, max(1, len(text) - 5))]:
            expected = [[m.span() for m in p.finditer(text, start, end)] for p in WORD_START_PATTERNS]
            got = scanner.finditer_each(text, scan_text(text), start, end)
            assert [[m.span() for m in hits] for hits in got] == expected, text


RUN_PATTERNS = [
    re.compile(
        r"(?<![\w\-])(?:al[\s\-]+shabaab|u\.s\.(?:'s)?|syrian(?:[\s\-]+army)?)(?![\w\-])", re.IGNORECASE
    ),
    re.compile(
        r"(?<![\w\-])(?:syria|iraq)(?:'s?)?(?:\s*,\s*(?:syria|iraq))*\s+(?:army|forces)(?![\w\-])", re.I
    ),
    re.compile(r"(?<![\w\-])(?:anti-terror|pro-government)\s+(?:units?|militias?)(?![\w\-])", re.IGNORECASE),
    re.compile(r"(?<![\w-])(?:M23|\d+\s+dead)(?![\w\-])"),
]
RUN_TEXTS = [
    *WORD_START_TEXTS,
    "Al - \t Shabaab and al--shabaab, AL\u00a0SHABAAB; U.S.'s u.s. Syrian  -army syrian",
    "Syria, Iraq  forces; syria's\nARMY iraq,syria army anti -terror units pro-Government\u2014militias",
    "M23 m23 4  dead 5-dead 6\u2003dead; Syria\u2019s army, \u00c9cole syria-army",
]


def test_a_deeper_scan_through_runs_of_separators_keeps_every_hit():
    """`scan_depth` only narrows where the patterns are tried: the hits stay those of `finditer`,
    whatever runs of spaces, hyphens and punctuation the text writes between words."""
    shallow = MultiPattern.build(RUN_PATTERNS, depth=4)
    deep = MultiPattern.build(RUN_PATTERNS, depth=4, scan_depth=8)
    assert deep.scan.pattern != shallow.scan.pattern
    for text in RUN_TEXTS:
        for start, end in [(0, len(text)), (2, len(text)), (1, max(1, len(text) - 4))]:
            expected = [[m.span() for m in p.finditer(text, start, end)] for p in RUN_PATTERNS]
            got = deep.finditer_each(text, scan_text(text), start, end)
            assert [[m.span() for m in hits] for hits in got] == expected, text


def test_run_prefixes_read_hyphens_and_runs_as_one_space():
    assert regex_prefixes(r"al[\s\-]+shabaab", 6, runs=True) == {"al sha"}
    assert regex_prefixes(r"anti-terror", 6, runs=True) == {"anti t"}
    # an alternation repeated or made optional ends the prefix
    assert regex_prefixes(r"iraq(?:,\s*(?:syria|iran))*\s+army", 8, runs=True) == {"iraq"}


def test_scan_text_keeps_offsets_and_unifies_case_and_spaces():
    text = "A\tB\u00a0C \u0130\u212a\u017f \u0663"
    scanned = scan_text(text)
    assert len(scanned) == len(text)
    assert scanned == "a b c iks 3"


def test_prefixes_skip_optional_start_only_when_asked():
    assert regex_prefixes(r"(?:the )?bodies", 3) == {"the", "bod"}
    assert regex_prefixes(r"(?:the )?bodies", 3, from_required=True) == {"bod"}
    assert regex_prefixes(r"\w+ly", 3) == {""}


def test_required_words_never_reject_a_sentence_the_pattern_matches():
    pattern = re.compile(r"(?:the |a )?(?:\w+ )?(?:body|bodies) of|kill(?:ed|ing)")
    required = required_words(pattern)
    assert required is not None
    for text in ["the bodies of six men", "KILLING", "no match here", "a body of water"]:
        scanned = scan_text(text)
        if pattern.search(text.lower()):
            assert required.search(scanned)
    assert not required.search(scan_text("nothing relevant"))


def test_prefix_search_finds_what_search_finds():
    for pattern in PATTERNS:
        searcher = PrefixSearch.build(pattern, depth=3)
        for text in TEXTS:
            for start, end in [(0, len(text)), (3, len(text)), (0, max(0, len(text) - 5))]:
                expected = pattern.search(text, start, end)
                found = searcher.search(text, scan_text(text), start, end)
                assert (found and found.span()) == (expected and expected.span())


def test_piece_search_sees_the_piece_edges_as_search_on_the_slice_does():
    edge_sensitive = [re.compile(r"^(?:was|were) \w+"), re.compile(r"\bnot$"), re.compile(r"(?<!a )army")]
    for pattern in [*PATTERNS, *edge_sensitive]:
        searcher = PrefixSearch.build(pattern, depth=3)
        for text in [*TEXTS, "they were told the army did not", "a army was not"]:
            for start, end in [(0, len(text)), (5, len(text)), (2, max(2, len(text) - 4)), (4, 4)]:
                expected = pattern.search(text[start:end])
                found = searcher.search_piece(text, scan_text(text), start, end)
                assert (found and (found.span(), found.group())) == (
                    expected and (expected.span(), expected.group())
                ), (pattern.pattern, text, start, end)


def test_alternatives_are_split_only_at_the_top_level():
    assert top_level_alternatives("(?:a|b)|c[|]d|(?:e)(?:f|g)|\\|h") == [
        "a",
        "b",
        "c[|]d",
        "(?:e)(?:f|g)",
        "\\|h",
    ]
    assert top_level_alternatives("(?:(?:a|b)|[]|]x)") == ["a", "b", "[]|]x"]


def test_any_of_answers_whether_the_whole_alternation_matches():
    alternatives = [p.pattern for p in PATTERNS if not p.flags & re.IGNORECASE]
    whole = re.compile("|".join(f"(?:{p})" for p in alternatives))
    checker = AnyOf.build(alternatives)
    assert checker.others, "an alternative that can start anywhere is kept apart"
    for text in [*TEXTS, "quickly", "7 people", "no match here"]:
        for start in (0, 2):
            assert checker.found(text, scan_text(text), start) == bool(whole.search(text, start))


def test_scan_view_of_a_slice_is_the_slice_of_scan_text():
    for text in TEXTS:
        for start in range(0, len(text), 7):
            assert scan_view(text[start : start + 4]) == scan_text(text)[start : start + 4]


def _written_by(write):
    """A codec error handler writing each character as `write` does (in UTF-8), and its name."""

    def handler(error):
        return "".join(map(write, error.object[error.start : error.end])).encode("utf-8"), error.end

    name = f"test-regexscan-{id(write)}"
    codecs.register_error(name, handler)
    return name


@pytest.mark.parametrize(
    "write",
    [
        lambda char: {"\u2019": "'", "\u2013": "-", "\u2014": "--"}.get(char, char),  # one mark as two
        lambda char: "Z" if char.isalnum() else " ",
        lambda char: char.upper(),  # the marks stay non-ASCII
    ],
)
def test_encode_ascii_equals_the_error_handler_alone(write):
    errors = _written_by(write)
    marks = ascii_marks(write)
    pieces = [
        "a",
        " ",
        "\u2018",
        "\u2019",
        "\u201c",
        "\u201d",
        "\u2013",
        "\u2014",
        "\u00e9",
        "\u0661",
        "\u00a0",
        "\u25b6",
    ]
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(12)))
        assert encode_ascii(text, errors, marks) == text.encode("ascii", errors)


def test_ascii_marks_are_the_marks_written_in_ascii():
    written = {"\u2019": "'", "\u2014": "--"}
    assert ascii_marks(lambda char: written.get(char, char)) == (("\u2019", "'"), ("\u2014", "--"))
    assert ascii_marks(lambda char: " ") == tuple(
        (mark, " ") for mark in "\u2018\u2019\u201c\u201d\u2013\u2014"
    )


SIEVED = [
    re.compile(r"(?<![\w\-])(?:air[\s\-]*strikes?|shell(?:ed|ing)?)(?![\w\-])", re.IGNORECASE),
    re.compile(r"(?<![\w\-])(?:istanbul|kabul|stra\u00dfe|[k-m]23|\u00e9cole)\b", re.IGNORECASE),
    re.compile(r"(?<=\s)[^\W\d]+?ed\s+(?:by|in)\b|(?P<n>\d+)\s*(?!dead)\w+", re.IGNORECASE),
]


@pytest.mark.parametrize("pattern", SIEVED)
def test_sieve_matches_wherever_the_case_insensitive_pattern_does(pattern):
    sieve = case_sensitive_sieve(pattern)
    assert sieve is not None
    for text in [*TEXTS, "STRASSE Stra\u00dfe \u00c9COLE \u00e9cole L23 \u212a23, 3 shelled by"]:
        scanned = scan_text(text)
        for position in range(len(text) + 1):
            if pattern.match(text, position) is not None:
                assert sieve.match(scanned, position) is not None, (text, position)


def test_sieve_writes_an_optional_group_as_an_alternation_with_an_empty_branch():
    # The regex engine runs a repeated group through its general repeat loop, slower than a branch.
    pattern = re.compile(r"(?:north(?:ern)?\s+)?(?:ab(?:c|de)?)?e(?:s|rs)?", re.IGNORECASE)
    sieve = case_sensitive_sieve(pattern)
    assert sieve is not None and "{0,1}" not in sieve.pattern
    for text in ["abce", "ABDEERS", "e", "Northern abes", "north  e", "abx", "northe", "ABCDE", "abdes"]:
        scanned = scan_text(text)
        for position in range(len(text) + 1):
            found, sieved = pattern.match(text, position), sieve.match(scanned, position)
            assert (found and found.span()) == (sieved and sieved.span()), (text, position)


def test_no_sieve_for_a_case_sensitive_pattern():
    assert case_sensitive_sieve(re.compile(r"(?<![\w\-])(?:M23|Kabul)")) is None


def test_word_start_patterns_led_by_digits_equal_finditer():
    patterns = [
        re.compile(r"(?<![\w\-])\d+(?:st|nd|rd|th)\s+(?:brigade|division)(?![\w\-])", re.IGNORECASE),
        re.compile(r"(?<![\w\-])(?:killed|people|rebels)(?![\w\-])", re.IGNORECASE),
    ]
    scanner = MultiPattern.build(patterns, depth=4)
    text = "The 3rd Brigade and 41st division killed 12 people; x5th brigade, 2nd-brigade. 7th Division"
    for start, end in [(0, len(text)), (4, 40), (21, len(text)), (5, 6)]:
        expected = [[m.span() for m in p.finditer(text, start, end)] for p in patterns]
        got = scanner.finditer_each(text, scan_text(text), start, end)
        assert [[m.span() for m in hits] for hits in got] == expected
