"""Person extraction: titles, appositions, well-known leaders, surname coreference and false positives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.actors import find_actors
from indexer.people import find_people

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev" / "seed.input.jsonl"


def people(text: str, **kwargs) -> dict[str, dict]:
    return {person["name"]: person for person in find_people(text, **kwargs)}


def test_title_before_the_name_gives_role_and_affiliation():
    found = people("Turkey's Deputy Foreign Minister Sedat Önal met his counterpart on Monday.")
    assert found["Sedat Önal"]["role"] == "Deputy Foreign Minister"
    assert found["Sedat Önal"]["affiliation"] == "TR"
    found = people("Nigerian Army spokesman Onyema Nwachukwu denied the report.")
    assert found["Onyema Nwachukwu"]["role"] == "spokesman"
    assert found["Onyema Nwachukwu"]["affiliation"] == "NG"


def test_quoted_witnesses_are_people_with_their_occupation_as_role():
    text = (
        '"We heard loud noises and everyone started running," Asif Chaudhry, a teacher from Minchinabad, said. '
        '"Nobody feels safe," Aisha Ghwell, a nurse at the main hospital in Tarhuna, told reporters.'
    )
    found = people(text)
    assert (found["Asif Chaudhry"]["role"], found["Aisha Ghwell"]["role"]) == ("teacher", "nurse")


def test_a_rank_ending_a_title_is_not_part_of_the_name():
    text = (
        '"Our units hold their positions," police spokesperson Superintendent Nour al-Obeidi told reporters.'
    )
    (person,) = find_people(text)
    assert person["name"] == "Nour al-Obeidi"
    assert person["role"] == "spokesperson Superintendent"


def test_title_with_a_portfolio_keeps_the_portfolio_in_the_role():
    text = "The Russian delegation was headed by Presidential envoy for Syria Sergey Vershinin."
    found = people(text)
    assert found["Sergey Vershinin"]["role"] == "Presidential envoy for Syria"
    assert found["Sergey Vershinin"]["affiliation"] == "RU"


def test_coordinated_titles_share_the_affiliation():
    text = "The Russian delegation was headed by envoy Sergey Vershinin and special envoy for Syria Alexander Lavrentiev."
    found = people(text)
    assert found["Alexander Lavrentiev"]["role"] == "special envoy for Syria"
    assert found["Alexander Lavrentiev"]["affiliation"] == "RU"


def test_role_in_apposition_takes_affiliation_from_the_actor_named():
    text = '"The city has been liberated," Naji Mustafa, a spokesman for the National Liberation Front, said.'
    found = people(text, actors=find_actors(text))
    assert found["Naji Mustafa"]["role"] == "spokesman"
    assert found["Naji Mustafa"]["affiliation"] == "SY"


def test_well_known_leaders_resolve_from_surname_alone():
    found = people("Erdogan said Putin had agreed, and Zelensky disagreed.")
    assert found["Recep Tayyip Erdoğan"]["affiliation"] == "TR"
    assert found["Vladimir Putin"]["affiliation"] == "RU"
    assert found["Volodymyr Zelensky"]["role"] == "President"
    assert [m["text"] for m in found["Recep Tayyip Erdoğan"]["mentions"]] == ["Erdogan"]


def test_surname_mentions_attach_to_the_full_name_found_earlier():
    text = "Interior Minister Suleyman Soylu visited the site. Soylu said the attackers were caught."
    found = people(text)
    assert list(found) == ["Suleyman Soylu"]
    assert [m["text"] for m in found["Suleyman Soylu"]["mentions"]] == ["Suleyman Soylu", "Soylu"]


def test_title_only_mention_folds_into_the_full_name():
    text = "General Stephen Townsend arrived. Later, General Townsend spoke to troops."
    found = people(text)
    assert list(found) == ["Stephen Townsend"]
    assert len(found["Stephen Townsend"]["mentions"]) == 2


def test_text_role_wins_over_the_curated_one_and_offsets_are_exact():
    text = "Turkish President Recep Tayyip Erdoğan spoke. Erdoğan has said Turkey would act."
    result = find_people(text)
    assert len(result) == 1
    erdogan = result[0]
    assert erdogan["role"] == "President" and erdogan["affiliation"] == "TR"
    assert [text[m["start"] : m["end"]] for m in erdogan["mentions"]] == ["Recep Tayyip Erdoğan", "Erdoğan"]
    assert "Recep Tayyip Erdogan" in erdogan["aliases"]


def test_places_organisations_months_and_sentence_openings_are_not_people():
    text = (
        "Smoke Rises over Idlib. In February, Human Rights Watch said the United Nations Security Council met. "
        "Damascus Province officials said Saraqeb was calm. Talks continue in Ankara."
    )
    assert find_people(text) == []


def test_a_two_word_name_needs_a_cue():
    assert find_people("Rising Tensions dominated the week.") == []
    found = people("Rising tensions were noted, said Jane Doe.")
    assert "Jane Doe" in found and found["Jane Doe"]["role"] is None


def test_surname_shared_with_a_local_name_does_not_pull_in_a_leader():
    text = "Militant commander Burhan Wani was killed. Burhan was 22."
    found = people(text)
    assert list(found) == ["Burhan Wani"]


def test_empty_text():
    assert find_people("") == []


@pytest.mark.skipif(not SEED.exists(), reason="shared evaluation data not present")
def test_seed_article_people():
    record = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])
    text = record["text"]
    result = find_people(text, actors=find_actors(text))
    found = {p["name"]: p for p in result}
    assert found["Sedat Önal"]["role"] == "Deputy Foreign Minister"
    assert found["Sergey Vershinin"]["affiliation"] == "RU"
    assert found["Alexander Lavrentiev"]["role"] == "special envoy for Syria"
    assert found["Naji Mustafa"]["role"] == "spokesman"
    assert found["Bashar al-Assad"]["affiliation"] == "SY"
    assert len(found["Recep Tayyip Erdoğan"]["mentions"]) >= 3
    for person in result:
        for mention in person["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
    assert len(result) <= 8


def test_a_name_before_a_trailing_apostrophe_or_hyphen_ends_at_its_last_letter():
    """Word boundaries do not depend on the CPython patch release (before 3.11.3 a possessive repeat of a
    group let a word end on an apostrophe or a hyphen with no letter after it)."""
    text = "Defence Minister Ali Hassani' said on Monday that the army would stay."
    assert "Ali Hassani" in people(text)


def test_word_patterns_split_as_their_plain_forms():
    """The word patterns enter the repeat of hyphen or apostrophe and word characters only through its first
    turn written out (see `_WORD`); they split every text as the plain repeat does, whatever the separators
    around, doubled or at a word's ends."""
    import random
    import re

    from indexer.people import _ASCII_WORD, _CAPITALISED_WORD, _WORD

    plain = {
        _WORD: r"([^\W\d_]\w*+(?:['\-]\w+)*)",
        _ASCII_WORD: r"([A-Za-z][A-Za-z0-9_]*+(?:['\-][A-Za-z0-9_]+)*)",
        _CAPITALISED_WORD: r"([A-Z][A-Za-z0-9_]*+(?:['\-][A-Za-z0-9_]+)*)",
    }
    pick = random.Random(0)
    for _ in range(3000):
        text = "".join(pick.choice("aZé1_'- .x-Q'") for _ in range(pick.randrange(25)))
        for pattern, written in plain.items():
            assert pattern.split(text) == re.split(written, text), (pattern.pattern, text)


def test_shaped_words_read_ahead_are_those_a_whole_split_gives():
    from indexer.people import _ASCII_WORD, _WORD, _could_be_name, _split_words, _words

    text = (
        "Gen. J.. Haftar's iPhone met al-Assad, x-Ray and 2Ray in 1-Ray; U.S.-led Jean-Claude ab--Cd "
        "ab-'Cd 12-Ab Mr.Smith  O'Brien (Reuters) a_B 3D pro-Kremlin-backed Al-Qaida-linked 3-4-Ab "
        "The FILE-PHOTO of Syria-based year-old ab-Cd-EF al-Qaida x-al-Assad abu-bakr al-Assad-Smith "
        "ash-sham-Xy -al-Bab 7al-Cd al-3Cd bin-Laden-Ab-Cd"
    )
    sparse, whole = _words(text), _split_words(text)
    assert (sparse.start, sparse.end, sparse.text) == (whole.start, whole.end, whole.text)
    # They are the capitalised or hyphenated words of the whole text that may be part of a name.
    shaped = [
        (m.start(), m.group())
        for m in _ASCII_WORD.finditer(text)
        if m.group()[0].isupper() or "-" in m.group()
    ]
    assert list(zip(sparse.start, sparse.bare, strict=True)) == [
        (s, w) for s, w in shaped if _could_be_name(w)
    ]
    assert {"Gen", "The", "FILE-PHOTO", "year-old"}.isdisjoint(sparse.bare)
    # Non-ASCII characters that are no word characters leave the words as they are, wherever they stand.
    for symbol in ("\u25b6", "\u20ac", "\u00b0", "\u2022", "\u00a0"):
        for marked in (text.replace(" ", symbol, 3), text.replace("-", symbol, 2), symbol + text + symbol):
            read, split = _words(marked), _split_words(marked)
            assert read._word.pattern == _ASCII_WORD.pattern
            assert (read.start, read.end, read.text) == (split.start, split.end, split.text), marked
            for start in range(len(marked)):
                assert read.before(start) == split.before(start), (marked, start)
                assert read.after(start) == split.after(start), (marked, start)
    # A non-ASCII word character anywhere ("é", a superscript digit) sends the text to the whole split.
    for other in ("\u00e9", "\u00b2", "\u0663", "\u011f"):
        marked = text.replace("Ray", "R" + other + "ay", 1)
        assert _words(marked)._word.pattern == _WORD.pattern
    assert sparse.text[:2] == ["J.", "Haftar's"]
    assert "Phone" not in sparse.bare and "al-Assad" in sparse.bare and "Ray" in sparse.bare
    # The words around a name are read where one space separates them, and only there.
    assert sparse.after(4) == (5, 7, "J.", "J")
    assert sparse.before(text.index("Haftar")) is None
    assert sparse.before(text.index("O'Brien")) is None
    assert sparse.before(text.index("Jean"))[2] == "led"
    assert sparse.before(text.index("al-Assad"))[3] == "met"


def test_the_word_before_is_the_last_word_of_a_whole_split_up_to_one_space():
    """`before` reads a chunk of letters without the word pattern, and turns down a chunk ending with no word
    character or with a full stop after five letters without finding where it starts: it gives what the
    whole text's words say (the last word ending, with its own full stop, one space before), on chunks of
    letters and of others, and full stops after abbreviations, initials and longer words."""
    from indexer.people import _ASCII_WORD, _WORD, _with_stop, _words

    for text in (
        "Gen. J. Haftar met Mr. Ab. Cd, (Ef) x.Gh ab'cd Ij 3-Kl 9x-Mn U.S. Op U.S.-led Qr al-Assad's St"
        " ab_ Uv 12 Wx a-_ Yz 'ab' Cd x- Ef",
        "Président Ahmed al-Sharaa met Mr. Érdoğan. Ğa bü Ça x2 Ḑb x\u0663 Ab é_ Cd ü, Ef",
        ". Ab Brig. Cd Syria. Ef GENS. Gh Cmdr. Ij Capt_. Kl x.Prof. Mn O'Neil. Op ab1. Qr Abcd. St a-bcde. Uv",
        "Gen. Ab",
        "a. B",
    ):
        sparse = _words(text)
        pattern = _ASCII_WORD if text.isascii() else _WORD
        whole = [_with_stop(text, m.start(), m.group()) for m in pattern.finditer(text)]
        for start in sorted({m.start() for m in pattern.finditer(text)} | set(range(len(text)))):
            earlier = [w for w in whole if w[0] < start]
            expected = None
            if start >= 2 and text[start - 1] == " " and earlier and earlier[-1][1] == start - 1:
                expected = earlier[-1]
            assert sparse.before(start) == expected, (text, start)


def test_famous_names_are_found_where_the_patterns_find_them():
    """`_famous_hits` tries the patterns only where a text's word starts a famous name: it finds what
    ``finditer`` of each pattern finds and what the joint scan it replaced found, on every famous name
    written in awkward ways. Every name is in these texts, so a first word missing would lose hits."""
    import re

    from indexer.numbers import lower_ascii
    from indexer.people import _famous_hits, _vocabulary, fold
    from indexer.regexscan import MultiPattern, scan_text

    vocab = _vocabulary()
    joint = MultiPattern.build(
        [vocab.surname_regex, re.compile(vocab.fullname_regex.pattern, re.IGNORECASE)], depth=4, scan_depth=8
    )
    names = sorted(
        {n for p in vocab.famous for n in [p["name"], *(p.get("aliases") or []), *(p.get("surnames") or [])]}
    )
    shapes = (
        "{}",
        "{} said.",
        "Mr. {}'s aide",
        "(pro-{}) {}-led",
        '"{}," x{} _{} 2{} {}2',
        "Ça {}’s élan é{} {}é",
        "{}\u00a0and {}\u212a",
    )
    spellings = (str.upper, str.lower, str.title, lambda n: n.replace(" ", "  \n\t "), lambda n: n)
    texts = [
        shape.format(*[spell(n)] * shape.count("{}"))
        for n in names
        for shape in shapes
        for spell in spellings
    ]
    texts.append(" ".join(names) + "\n" + "; ".join(n.upper() for n in names))
    texts.append("Putin Putin Vladimir Putin Putin Bashar al-Assad al-Assad al Assad Kim Jong Un K\u0131m")
    found = 0
    for text in texts:
        folded = fold(text)
        scanned = scan_text(folded)
        hits = [[m.span() for m in pattern_hits] for pattern_hits in _famous_hits(folded, scanned)]
        plain = [
            [m.span() for m in vocab.surname_regex.finditer(folded)],
            [m.span() for m in vocab.fullname_regex.finditer(lower_ascii(folded))],
        ]
        assert hits == plain, text
        assert hits == [[m.span() for m in h] for h in joint.finditer_each(folded, scanned)], text
        found += len(hits[0]) + len(hits[1])
    assert found > 10 * len(names)


def test_name_words_are_the_words_outside_every_blocked_span():
    """The bisections in the sorted starts and ends of the spans say what a pass over every span says, for
    spans nested, touching, repeated, empty, reversed or reaching before the text."""
    import random

    from indexer.people import _name_words, _words

    words = _words("Xavi Yoko Zara Quin Ulla Vera Wren Omar Pia Nell")
    assert len(words.start) == 10
    pick = random.Random(0)
    for _ in range(2000):
        blocked = []
        for _ in range(pick.randrange(12)):
            a = pick.randrange(-5, 55)
            blocked.append((a, a + pick.randrange(-25, 15)))
        expected = [
            not any(start < b and a < end for a, b in blocked)
            for start, end in zip(words.start, words.end, strict=True)
        ]
        assert _name_words(words, blocked) == expected, blocked


def test_the_appositive_sieve_keeps_every_apposition():
    """The apposition pattern is tried only where its case-sensitive sieve matches the scan view: the roles
    are those the pattern alone gives, whatever the case and the whitespace."""
    import dataclasses

    from indexer.actors import fold_article
    from indexer.people import _appositive_role, _vocabulary
    from indexer.regexscan import scan_text

    vocab = _vocabulary()
    plain = dataclasses.replace(vocab, appositive_sieve=None)
    assert vocab.appositive_sieve is not None
    found = 0
    for text in (
        "Naji Mustafa, a spokesman for the National Liberation Front, said",
        "Naji Mustafa, A SPOKESMAN FOR THE FRONT, said",
        "Naji Mustafa,\u00a0the\nSenior  Commander of it",
        "Naji Mustafa, who said nothing, left",
        "Naji Mustafa, Syria's deputy foreign ministers said",
        "Naji Mustafa, ſpokesman, left",
        "Naji Mustafa, a teacher-turned-commanders, left",
        "Naji Mustafa,",
    ):
        folded = fold_article(text)
        scanned = scan_text(folded)
        for end in range(len(folded)):
            expected = _appositive_role(folded, scanned, end, plain, [])
            assert _appositive_role(folded, scanned, end, vocab, []) == expected, (text, end)
            found += expected is not None
    assert found >= 5
