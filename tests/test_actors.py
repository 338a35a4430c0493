"""Actor extraction: the curated lexicon, the general patterns, lookups, and a real article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.actors import ACTOR_TYPES, find_actors, fold, iter_lexicon, load_lexicon, lookup_actor

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev" / "seed.input.jsonl"


def by_id(text: str, **kwargs) -> dict[str, dict]:
    return {actor["id"]: actor for actor in find_actors(text, **kwargs)}


def surfaces(actor: dict) -> list[str]:
    return [mention["text"] for mention in actor["mentions"]]


# ---------------------------------------------------------------------------------------------- the lexicon


def test_lexicon_has_at_least_150_curated_actors_with_valid_fields():
    lexicon = load_lexicon()
    curated = [entry for entry in lexicon.entries.values() if entry.curated]
    alias_count = sum(len(e.aliases) + len(e.exact) + len(e.weak) for e in curated)
    assert len(curated) >= 150
    assert alias_count >= 3 * len(curated)
    countries = set(lexicon.countries)
    for entry in curated:
        assert entry.type in ACTOR_TYPES, entry.id
        assert entry.country is None or entry.country in countries, entry.id
        assert entry.id == entry.id.lower() and " " not in entry.id


def test_iter_lexicon_lists_curated_state_and_generic_actors_once_each():
    actors = list(iter_lexicon())
    ids = [actor["id"] for actor in actors]
    assert len(ids) == len(set(ids))
    assert {
        "islamic-state",
        "syrian-government-forces",
        "military-forces-of-nigeria",
        "police-forces-of-chile",
    } <= set(ids)
    assert "protesters" in ids
    for actor in actors:
        assert set(actor) == {"id", "name", "type", "country", "aliases"}


def test_fold_keeps_length_so_offsets_survive():
    text = "Erdoğan’s envoy met Önal – then left."
    assert len(fold(text)) == len(text)
    assert fold(text) == "Erdogan's envoy met Onal - then left."


# ---------------------------------------------------------------------------------------------- lookups


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("regime forces", "syrian-government-forces"),
        ("Syrian Arab Army", "syrian-government-forces"),
        ("ISIS", "islamic-state"),
        ("daesh", "islamic-state"),
        ("Tatmadaw", "myanmar-military"),
        ("al shabaab", "al-shabaab"),
        ("Ansar Allah", "houthis"),
        ("hayat-tahrir-al-sham", "hayat-tahrir-al-sham"),
        ("Médecins Sans Frontières", "msf"),
        ("medecins sans frontieres", "msf"),
        ("Military Forces of Nigeria", "military-forces-of-nigeria"),
        ("Government of Turkey", "military-forces-of-turkey"),
        ("Nigerian troops", "military-forces-of-nigeria"),
    ],
)
def test_lookup_actor_accepts_ids_names_and_aliases_in_any_case(query, expected):
    found = lookup_actor(query)
    assert found is not None and found["id"] == expected


def test_lookup_actor_builds_country_class_actors_and_rejects_unknown_names():
    protesters = lookup_actor("Protesters (Chile)")
    assert protesters == {
        "id": "protesters-chile",
        "name": "Protesters (Chile)",
        "type": "protesters",
        "country": "CL",
        "aliases": [],
    }
    militia = lookup_actor("Fulani Ethnic Militia (Mali)")
    assert militia["type"] == "identity_militia" and militia["country"] == "ML"
    assert lookup_actor("Protesters (Atlantis)") is None
    assert lookup_actor("a completely unknown group") is None
    assert lookup_actor("   ") is None


# ---------------------------------------------------------------------------------------------- matching


def test_short_acronyms_match_only_in_capitals():
    found = by_id("Is this a pdf? The word is common. Ap is not AP.")
    assert "islamic-state" not in found
    assert "peoples-defence-force" not in found
    assert surfaces(found["associated-press"]) == ["AP"]
    found = by_id("IS fighters ambushed a PDF unit.")
    assert surfaces(found["islamic-state"]) == ["IS fighters"]
    assert surfaces(found["peoples-defence-force"]) == ["PDF"]


def test_short_mixed_case_abbreviations_match_only_as_written():
    # "LeT" is Lashkar-e-Taiba, "let" a verb; "JeM" is Jaish-e-Mohammed, "JEM" Sudan's Justice and Equality
    # Movement.
    assert by_id("Let them go, he said, and let the talks begin.") == {}
    found = by_id("LeT and JeM militants attacked a camp in Kashmir.")
    assert surfaces(found["lashkar-e-taiba"]) == ["LeT"]
    assert "jaish-e-mohammed" in found
    found = by_id("The government signed a ceasefire with the JEM in Darfur.")
    assert "justice-and-equality-movement" in found and "jaish-e-mohammed" not in found


def test_communal_militiamen_are_a_communal_militia():
    found = find_actors("Communal militiamen attacked a convoy near Marka.", country_hint="SO")
    assert [(a["name"], a["type"]) for a in found] == [("Communal Militia (Somalia)", "identity_militia")]


def test_longest_alias_wins_and_accents_do_not_matter():
    found = by_id(
        "The Syrian Observatory for Human Rights said Hay’at Tahrir al-Sham and al Shabab were active."
    )
    assert surfaces(found["syrian-observatory-for-human-rights"]) == ["Syrian Observatory for Human Rights"]
    assert "hayat-tahrir-al-sham" in found and "al-shabaab" in found


def test_one_dict_per_actor_with_offsets_into_the_original_text():
    text = "Taliban fighters attacked a checkpoint. The Taliban later claimed the attack."
    actors = find_actors(text)
    assert [a["id"] for a in actors] == ["taliban"]
    taliban = actors[0]
    assert (
        [text[m["start"] : m["end"]] for m in taliban["mentions"]]
        == surfaces(taliban)
        == ["Taliban fighters", "Taliban"]
    )
    assert "Taleban" in taliban["aliases"] and "Taliban fighters" in taliban["aliases"]


def test_weak_alias_needs_the_actor_named_elsewhere():
    assert by_id("The Observatory said ten people died.") == {}
    found = by_id("The Syrian Observatory for Human Rights counted ten dead, the Observatory said.")
    assert surfaces(found["syrian-observatory-for-human-rights"])[-1] == "the Observatory"


def test_skip_spans_are_ignored():
    text = "Smoke over Idlib. (AFP Photo) Turkish troops moved in."
    start = text.index("(AFP")
    found = by_id(text, skip_spans=[(start, start + len("(AFP Photo)"))])
    assert "afp" not in found
    assert "military-forces-of-turkey" in found


# ---------------------------------------------------------------------------------------------- general patterns


def test_demonym_and_head_noun_give_state_and_police_actors_for_any_country():
    found = by_id("Malawian soldiers and Zambian police patrolled the border.")
    assert found["military-forces-of-malawi"]["type"] == "state_forces"
    assert found["military-forces-of-malawi"]["country"] == "MW"
    assert found["police-forces-of-zambia"]["country"] == "ZM"


def test_coordinated_demonyms_share_the_head_noun():
    found = by_id("Clashes between Turkish and Syrian troops left soldiers dead.")
    assert "military-forces-of-turkey" in found and "syrian-government-forces" in found


def test_capitals_act_as_governments_only_when_they_act():
    assert by_id("The delegations ended the first day of talks in Ankara.") == {}
    assert by_id("Officials in Moscow said nothing.") == {}
    found = by_id("Ankara, Moscow hold talks on Idlib.")
    assert found["military-forces-of-turkey"]["type"] == "government"
    assert found["russian-armed-forces"]["type"] == "government"
    found = by_id("Turkey retaliated and Ankara sent thousands of troops.")
    assert surfaces(found["military-forces-of-turkey"]) == ["Turkey", "Ankara", "troops"]
    assert found["military-forces-of-turkey"]["type"] == "state_forces"


def test_state_actor_is_government_unless_forces_are_mentioned_and_external_abroad():
    found = by_id("Kyiv said Russian forces shelled Kharkiv; Moscow denied it.")
    assert found["armed-forces-of-ukraine"]["type"] == "government"
    assert found["russian-armed-forces"]["type"] == "state_forces"
    found = by_id("Kyiv said Russian forces shelled Kharkiv.", country_hint="UA")
    assert found["russian-armed-forces"]["type"] == "external_forces"


def test_leader_possessives_are_the_leaders_state():
    found = by_id("Putin's troops advanced and Assad's forces shelled the town.")
    assert surfaces(found["russian-armed-forces"]) == ["Putin's troops"]
    assert surfaces(found["syrian-government-forces"]) == ["Assad's forces"]


def test_generic_nouns_take_their_country_from_text_or_context():
    found = by_id("Protesters in Chile blocked roads.")
    assert found["protesters-chile"]["name"] == "Protesters (Chile)"
    found = by_id("Gunmen killed three villagers.", country_hint="NG")
    assert found["unidentified-armed-group-nigeria"]["type"] == "political_militia"
    assert found["civilians-nigeria"]["type"] == "civilians"
    found = by_id("Chilean police fired tear gas at protesters.")
    assert found["protesters-chile"]["country"] == "CL"
    found = by_id("Gunmen opened fire on a bus.")
    assert found["unidentified-armed-group"]["country"] is None


def test_generic_rebels_corefer_with_the_named_rebels():
    found = by_id("Syrian rebels retook the town. The rebels said the armed opposition held it.")
    assert list(found) == ["syrian-rebels"]
    assert surfaces(found["syrian-rebels"]) == ["Syrian rebels", "rebels", "armed opposition"]


def test_pro_prefix_and_hyphenated_modifiers_name_the_actor():
    found = by_id("Pro-Houthi forces shelled a Taliban-held town? No: a Houthi-controlled port.")
    assert surfaces(found["houthis"]) == ["Pro-Houthi forces", "Houthi"]
    assert surfaces(found["taliban"]) == ["Taliban"]


def test_identity_groups_make_communal_militias():
    found = by_id("Fulani gunmen attacked farmers in Benue.", country_hint="NG")
    militia = found["fulani-ethnic-militia-nigeria"]
    assert militia["type"] == "identity_militia" and militia["name"] == "Fulani Ethnic Militia (Nigeria)"


def test_people_who_protest_are_protesters_and_violent_crowds_rioters():
    found = by_id("Residents marched to the governor's office.", country_hint="PY")
    assert surfaces(found["protesters-paraguay"]) == ["Residents"]
    found = by_id("Palestinians hurled stones at Israeli troops.")
    assert found["rioters-palestine"]["type"] == "rioters"
    assert "israel-defense-forces" in found


def test_implicit_actors_are_marked_and_only_added_when_nobody_is_named():
    found = by_id("A protest took place outside the ministry.", country_hint="IQ")
    assert found["protesters-iraq"]["implicit"] is True
    found = by_id("The body of a man was found in a ditch.", country_hint="MX")
    assert found["unidentified-armed-group-mexico"]["implicit"] is True
    found = by_id("Police shot a suspect.")
    assert "unidentified-armed-group" not in found
    assert "implicit" not in found["police-forces"]


def test_empty_text_has_no_actors():
    assert find_actors("") == []


# ---------------------------------------------------------------------------------------------- a real article


@pytest.mark.skipif(not SEED.exists(), reason="shared evaluation data not present")
def test_seed_article_actors():
    record = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])
    text = record["text"]
    actors = find_actors(text)
    found = {a["id"]: a for a in actors}
    for actor in actors:
        for mention in actor["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
    syria = surfaces(found["syrian-government-forces"])
    assert {"Syrian army", "regime forces", "pro-regime forces", "Syrian troops", "Assad's forces"} <= set(
        syria
    )
    assert {"Turkish soldiers", "Turkish troops", "Turkish military", "Ankara"} <= set(
        surfaces(found["military-forces-of-turkey"])
    )
    assert "Russian delegation" in surfaces(found["russian-armed-forces"])
    assert found["national-liberation-front"]["type"] == "rebel_group"
    assert {"Syrian rebels", "insurgents", "armed opposition"} <= set(surfaces(found["syrian-rebels"]))
    assert found["iran-backed-militias"]["country"] == "IR"
    assert found["syrian-observatory-for-human-rights"]["type"] == "ngo"
    talks_in_ankara = text.index("talks in Ankara") + len("talks in ")
    assert all(m["start"] != talks_in_ankara for m in found["military-forces-of-turkey"]["mentions"])
    assert len(actors) <= 10


def test_pro_prefix_sites_are_those_the_case_blind_pattern_finds():
    """`_pro_sites` reads "pro-" prefixes off the scan view with ``str.find``; it must find exactly the
    hits of ``(?<![\\w\\-])pro-(?=\\w)`` without case, and `_blanked` must write them as the
    substitution did."""
    import re

    from indexer.actors import _blanked, _pro_sites
    from indexer.regexscan import scan_text

    pattern = re.compile(r"(?<![\w\-])pro-(?=\w)", re.IGNORECASE)
    texts = [
        "pro-Houthi forces and PRO-regime militias, anti-pro-war, pro- government, pro-pro-Assad",
        "Pro-Russian\u00a0pro-\u00c9tat _pro-x 3pro-y (pro-Kurdish) \u0130pro-z pro-_ pro-\u0661 pro-",
        "apro-b -pro-c \u201cpro-Turkish\u201d\npro-\tPro-Iran\u2019s",
        "",
    ]
    for text in texts:
        expected = [m.start() for m in pattern.finditer(text)]
        sites = _pro_sites(scan_text(text))
        assert sites == expected, text
        if sites:
            assert _blanked(text, sites) == pattern.sub("    ", text)


def test_previous_word_is_the_last_word_the_forward_search_finds():
    """`_previous_word` matches the reversed piece; it must give the last word ``([\\w']+)[^\\w']*$``
    finds searching forwards, at every cut of awkward pieces (no word, apostrophes, a word cut by the
    40-character window, newlines, non-ASCII letters and digits, a trailing newline)."""
    import re

    from indexer.actors import _previous_word

    pattern = re.compile(r"([\w']+)[^\w']*$")
    texts = [
        "Officials in the capital, said 'Ankara' -- \n and then Damascus's forces\n",
        "  ... (!) \u00c9tat d\u00e9clar\u00e9 _under_score_ \u0661\u0662 x\ny \u201cBaghdad\u201d\t",
        "'''' a'b 12 anti-war\u00a0",
        "averyveryveryverylongwordthatrunsoverthefortycharacterwindow then",
        "",
    ]
    for text in texts:
        for start in range(len(text) + 1):
            found = pattern.search(text[max(0, start - 40) : start])
            assert _previous_word(text, start) == (found.group(1) if found else ""), (text, start)


def test_aliases_after_a_blanked_prefix_are_those_a_whole_text_search_finds():
    """`_after_prefixes` re-runs the alias patterns only near the blanked "pro-" sites, over a window its
    reach bounds: it must keep exactly the hits a search of the whole blanked text has at a site's end,
    long runs of spaces and hyphens and sites near either end included."""
    from indexer.actors import _after_prefixes, _blanked, _matchers, _pro_sites
    from indexer.regexscan import scan_text

    m = _matchers()
    regexes = {"alias_words": m.alias_words, "alias_acronyms": m.alias_acronyms}
    texts = [
        "pro-Houthi fighters clashed with pro-government forces near pro-HTS positions.",
        "Residents said pro-regime   -  - forces and pro-Islamic State   fighters and pro-SDF units left.",
        "pro-" + "x" * 3000 + " pro-Syrian army pro-Assad forces pro-Hamas pro-RSF pro-M23",
        "The pro-Wagner " + " - " * 40 + "group and pro-al-Shabaab  -  -  - militants met pro-ISIS",
        "Fighters of pro-Syrian  -  -  -  -  -  -  army units joined pro-Islamic"
        + " -" * 60
        + " State cells",
    ]
    for text in texts:
        sites = _pro_sites(scan_text(text))
        assert sites, text
        masked = _blanked(text, sites)
        hits = {name: list(regex.finditer(text)) if regex else [] for name, regex in regexes.items()}
        got = _after_prefixes(masked, sites, hits)
        wanted = {site + 4 for site in sites}
        for name, regex in regexes.items():
            expected = [x.span() for x in regex.finditer(masked) if x.start() in wanted] if regex else []
            assert [x.span() for x in got[name]] == expected, (name, text)


def test_protest_subjects_are_the_hits_of_a_whole_text_scan():
    """`_scan` tries the protest subjects only in the clause of a protest or riot phrase, from after the last
    clause mark before it to its end; every pattern must still have exactly the hits of the scanner over the
    whole text: subjects before, between and after the phrases, in other clauses (each mark, a newline
    inside a subject, a subject the gap's 70 characters away), an action hidden inside a longer phrase's hit,
    a riot phrase alone, none at all. No subject phrase holds a clause mark."""
    from indexer.actors import _CLAUSE_MARKS, _protest_subjects, _scan, _scanner

    assert not [s for s in _protest_subjects(load_lexicon()) if any(mark in s for mark in _CLAUSE_MARKS)]

    texts = [
        "Residents marched on Monday, and villagers blocked the road. Students said nothing.",
        "Police rioted; later villagers rallied and hundreds of people took to the streets. Crowds cheered.",
        "Villagers said nothing. Students protested. Workers waited and Women went home.",
        "Youths were stone pelting stones at police while traders watched; residents rioted",
        "Protesters gathered. Residents and Syrians, Turks and farmers left quietly.",
        "Families of detainees, dozens of them, waited outside; prisoners went on strike",
        "Residents, farmers and locals say they never demonstrated; no one did.",
        "Nobody protests here: people, residents and workers live on.",
        "Residents. Students; workers: farmers! Traders? Villagers marched, and youths rioted.",
        "Hundreds of community\nmembers marched while residents, who had waited since dawn at the gate of "
        "the old town hall for news, rallied; students protested",
        "Residents who had waited since dawn at the gate of the old town hall for news from the capital marched",
        "Students protested; residents: marched. Residents! Rioted? Villagers rallied.residents rallied",
        "",
    ]
    for text in texts:
        folded = fold(text)
        expected = [[x.span() for x in hits] for hits in _scanner().finditer_each(folded)]
        assert [[x.span() for x in hits] for hits in _scan(folded)] == expected, text


def test_select_keeps_the_longest_then_most_reliable_then_first_candidates_that_do_not_overlap():
    """`_select` against the plain rule: candidates taken longest first, then by priority, then start, ties
    in their given order, each kept unless it overlaps one kept before it or a skip span (empty spans
    included, which overlap a span strictly around them)."""
    import random

    from indexer.actors import _Candidate, _select

    def plain(candidates, skip_spans):
        kept = []
        for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.priority, c.start)):
            spans = [*skip_spans, *((k.start, k.end) for k in kept)]
            if not any(cand.start < b and a < cand.end for a, b in spans):
                kept.append(cand)
        return sorted(kept, key=lambda c: c.start)

    rng = random.Random(7)
    for _ in range(300):
        candidates = []
        for number in range(rng.randrange(12)):
            start = rng.randrange(20)
            end = start + rng.choice((0, 0, 1, 2, 3, 5))
            candidates.append(_Candidate(start, end, "bare", rng.randrange(3), {"n": number}))
        skip_spans = rng.choice([(), ((4, 6),), ((0, 1), (9, 9))])
        got = [c.payload["n"] for c in _select(candidates, skip_spans)]
        assert got == [c.payload["n"] for c in plain(candidates, skip_spans)], (candidates, skip_spans)


def test_aliases_with_is_the_deduplicated_surfaces_then_all_aliases():
    """`ActorEntry.aliases_with` against ``_dedupe([*surfaces, *all_aliases()], exclude=name)``, for actors
    with many aliases and surfaces that repeat the name, listed aliases (respelled: case, hyphens, spacing,
    accents) and one another, in any order and more than once."""
    import random

    from indexer.actors import _dedupe

    lexicon = load_lexicon()
    rng = random.Random(11)
    entries = [lexicon.entries[i] for i in ("islamic-state", "military-forces-of-nigeria", "houthis")]
    entries += rng.sample(sorted(lexicon.entries.values(), key=lambda e: e.id), 20)

    def respelled(value: str) -> str:
        value = rng.choice(
            (value, value.upper(), value.lower(), value.replace(" ", "-"), value.replace(" ", "  "))
        )
        return value.replace("e", "é") if rng.random() < 0.2 else value

    for entry in entries:
        pool = [entry.name, *entry.all_aliases(), "Some Other Group", "someone else", ""]
        for _ in range(30):
            surfaces = [respelled(rng.choice(pool)) for _ in range(rng.randrange(6))]
            expected = _dedupe([*surfaces, *entry.all_aliases()], exclude=entry.name)
            assert entry.aliases_with(surfaces) == expected, (entry.id, surfaces)
