"""Event coding (indexer.events) on sentences written for these tests.

The actor, place and date extractors are replaced by small fakes built from the test text, so each test
pins down what the event coder itself decides: the type, the sides, the place, the date, the figures,
the flags and how mentions of one event are merged.
"""

import re

import pytest

from indexer.events import ACLED_EVENT_TYPES, code_events, load_lexicon


def spans(text, surface):
    found = [
        {"start": m.start(), "end": m.end(), "text": surface} for m in re.finditer(re.escape(surface), text)
    ]
    assert found, f"{surface!r} not in test text"
    return found


def actor(text, surface, name, kind, country=None):
    slug = re.sub(r"\W+", "-", name.lower()).strip("-")
    return {
        "id": slug,
        "name": name,
        "type": kind,
        "country": country,
        "aliases": [surface],
        "mentions": spans(text, surface),
    }


def place(text, surface, name, kind, country, admin1=None, lat=0.0, lon=0.0):
    return {
        "id": f"test:{name.lower()}",
        "name": name,
        "kind": kind,
        "country": country,
        "admin1": admin1,
        "lat": lat,
        "lon": lon,
        "mentions": spans(text, surface),
    }


def date(text, surface, iso, precision="day"):
    (span,) = spans(text, surface)[:1]
    return {**span, "date": iso, "date_to": iso, "precision": precision}


def code(text, actors=(), places=(), dates=(), published=None, skip_spans=()):
    return code_events(text, published=published, actors=list(actors), places=list(places), dates=list(dates),
                       skip_spans=skip_spans)  # fmt: skip


def venue(text, *specs):
    """The place of the text's strongest event, its places given as `place`'s arguments after the text."""
    return top(code(text, places=[place(text, *spec) for spec in specs]))["place"]["name"]


def top(events):
    assert events, "no event coded"
    return max(events, key=lambda e: e["confidence"])


def sub_event(event):
    return (event["acled"] or {}).get("sub_event_type")


# --- one sentence per ACLED sub-event type ------------------------------------------------------------------

SUB_EVENT_SENTENCES = [
    ("Soldiers clashed with rebel fighters near Kalo on Tuesday.", "Armed clash", "ASSAULT"),
    ("Warplanes bombed a market in Tessa, killing four people.", "Air/drone strike", "ASSAULT"),
    ("Government artillery shelled the outskirts of Doru overnight.", "Shelling/artillery/missile attack", "ASSAULT"),
    ("A roadside bomb struck a police vehicle on the highway near Gari.", "Remote explosive/landmine/IED", "ASSAULT"),
    ("A suicide bomber blew himself up at a checkpoint in Lomo, killing three guards.", "Suicide bomb", "ASSAULT"),
    ("An unknown man threw a hand grenade into a bar in Kiva, wounding five customers.", "Grenade", "ASSAULT"),
    ("Residents said a helicopter dropped canisters of chlorine gas on the village.", "Chemical weapon", "ASSAULT"),
    ("Gunmen shot dead a teacher outside his home in Bara.", "Attack", "ASSAULT"),
    ("Armed men kidnapped two aid workers on the road to Sira.", "Abduction/forced disappearance", "ASSAULT"),
    ("Soldiers raped a woman in the village of Pemba, witnesses said.", "Sexual violence", "ASSAULT"),
    ("Hundreds of nurses protested outside the health ministry in Lusa, demanding unpaid wages.",
     "Peaceful protest", "PROTEST"),
    ("Students marched to parliament in Lusa; police dispersed them with tear gas.",
     "Protest with intervention", "PROTEST"),
    ("Security forces opened fire on demonstrators in Lusa, killing three protesters.",
     "Excessive force against protesters", "PROTEST"),
    ("Protesters threw stones at police and burned tyres in central Lusa.", "Violent demonstration", "PROTEST"),
    ("A mob lynched a man accused of theft in the market of Kara.", "Mob violence", "ASSAULT"),
    ("The two armed groups signed a ceasefire agreement in Naro on Friday.", "Agreement", "AGREE"),
    ("Police arrested the opposition leader at his home in Lusa.", "Arrests", "COERCE"),
    ("The army deployed reinforcements to the border town of Gami.", "Change to group/activity", "MOBILIZE"),
    ("Soldiers defused an improvised explosive device found under a bridge near Tura.",
     "Disrupted weapons use", "COERCE"),
    ("Militants established a new base in the forest near Tura.", "Headquarters or base established", "MOBILIZE"),
    ("Attackers looted shops and burned houses in the village of Dabi.", "Looting/property destruction", "ASSAULT"),
    ("The militia withdrew from the town of Soko and handed over control to the army without a fight.",
     "Non-violent transfer of territory", "RETREAT"),
    ("Other: On 2 May 2021, soldiers prevented a convoy from entering the town.", "Other", "COERCE"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "plover"), SUB_EVENT_SENTENCES)
def test_each_acled_sub_event_type(text, expected, plover):
    event = top(code(text))
    assert sub_event(event) == expected
    assert event["acled"]["event_type"] == ACLED_EVENT_TYPES[expected]
    assert event["type"] == plover


@pytest.mark.parametrize(
    "text",
    [
        "On 3 May, 120 Testlandic migrants returned from abroad and were taken to a shelter in Lusa.",
        "Families fled their homes in Kalo after the fighting, and a humanitarian corridor was opened.",
        "Police evicted dozens of families from a settlement on the edge of Lusa.",
    ],
)
def test_people_leaving_or_coming_back_in_numbers_is_a_strategic_development(text):
    event = top(code(text))
    assert event["acled"] == {"event_type": "Strategic developments", "sub_event_type": "Other"}


def test_displacement_gives_way_to_the_violence_that_caused_it():
    event = top(code("Soldiers clashed with rebels in Kalo and families fled their homes."))
    assert sub_event(event) == "Armed clash"


def test_seized_property_is_property_destruction_but_seized_ground_is_not():
    event = top(code("Militiamen confiscated a shopping mall and two hotels from their owners in Lusa."))
    assert sub_event(event) == "Looting/property destruction"
    event = top(code("Rebel fighters seized control of the town of Mera on Monday."))
    assert sub_event(event) != "Looting/property destruction"


def test_territory_goes_to_the_side_that_gained_it():
    text = "Government troops recaptured the town of Mera from the rebels on Monday."
    actors = [
        actor(text, "Government troops", "Military Forces of Testland", "state_forces", "TL"),
        actor(text, "the rebels", "Testland rebels", "rebel_group", "TL"),
    ]
    event = top(code(text, actors))
    assert sub_event(event) == "Government regains territory"
    assert event["actor1"]["name"] == "Military Forces of Testland"
    assert event["actor2"]["name"] == "Testland rebels"

    text = "Rebel fighters seized control of the town of Mera on Monday."
    event = top(code(text, [actor(text, "Rebel fighters", "Testland rebels", "rebel_group", "TL")]))
    assert sub_event(event) == "Non-state actor overtakes territory"


def test_the_subject_of_lost_is_the_loser():
    text = "The armed opposition lost the town to the army."
    actors = [
        actor(text, "armed opposition", "Testland rebels", "rebel_group", "TL"),
        actor(text, "the army", "Military Forces of Testland", "state_forces", "TL"),
    ]
    event = top(code(text, actors))
    assert sub_event(event) == "Government regains territory"
    assert event["actor1"]["name"] == "Military Forces of Testland"


def test_every_sub_event_type_of_acled_is_reachable_from_the_lexicon():
    families = load_lexicon().families
    reachable = {f.acled for f in families.values() if f.acled}
    reachable |= {
        "Armed clash", "Government regains territory", "Non-state actor overtakes territory", "Attack",
        "Protest with intervention", "Excessive force against protesters", "Violent demonstration",
        "Mob violence", "Other",
    }  # fmt: skip
    assert reachable == set(ACLED_EVENT_TYPES)


# --- ACLED conventions --------------------------------------------------------------------------------------


def test_violence_against_armed_people_is_a_clash_against_civilians_an_attack():
    assert (
        sub_event(top(code("Gunmen shot dead two police officers at a checkpoint in Bara."))) == "Armed clash"
    )
    assert sub_event(top(code("Gunmen shot dead two farmers in their field near Bara."))) == "Attack"


def test_unnamed_sides_follow_acled_naming():
    text = "Unknown gunmen killed a civilian in Bara."
    places = [place(text, "Bara", "Bara", "city", "NG", "Kano")]
    event = top(code(text, places=places))
    assert event["actor1"] == {
        "name": "Unidentified Armed Group (Nigeria)",
        "type": "political_militia",
        "country": "NG",
    }
    assert event["actor2"]["type"] == "civilians"

    text = "Residents protested in Bara over water shortages."
    event = top(code(text, places=[place(text, "Bara", "Bara", "city", "NG", "Kano")]))
    assert event["actor1"]["type"] == "protesters"
    assert event["actor1"]["name"] == "Protesters (Nigeria)"


def test_brawls_between_unarmed_groups_are_mob_violence():
    event = top(code("Two groups of villagers clashed over a land dispute in Kora, injuring five people."))
    assert sub_event(event) == "Mob violence"


def test_arrest_that_is_the_grievance_is_not_an_intervention():
    text = "Journalists protested in Lahore against the arrest of their editor. He was arrested last week on charges."
    assert sub_event(top(code(text))) == "Peaceful protest"
    text = "Workers protested in Lahore. Police detained them for breaking the lockdown."
    event = top(code(text))
    assert sub_event(event) == "Protest with intervention"
    assert event["actor2"]["type"] == "state_forces"


# --- flags --------------------------------------------------------------------------------------------------


def test_negated_event_is_flagged_and_carries_no_acled_type():
    event = top(code("Rebels did not attack the town on Sunday."))
    assert event["flags"] == ["negated"]
    assert event["acled"] is None


def test_a_threat_is_not_an_attack():
    event = top(code("The militia threatened to attack the town if the army advances."))
    assert event["type"] == "THREATEN"
    assert "threatened" in event["flags"]
    assert event["acled"] is None


def test_future_and_hypothetical_events_are_flagged():
    assert "future" in top(code("The army will deploy troops to the border next week."))["flags"]
    assert "hypothetical" in top(code("Officials said troops could storm the city."))["flags"]


def test_flagged_events_carry_no_fatalities():
    event = top(code("Officials warned that the militants would kill ten hostages."))
    assert event["fatalities"] is None


# --- figures ------------------------------------------------------------------------------------------------


def test_figures_attach_to_the_event_of_their_sentence():
    text = "Two Turkish soldiers were killed in an attack by Bashar al-Assad regime’s forces in Idlib, Turkey’s Defense Ministry said."
    actors = [
        actor(text, "Turkish soldiers", "Turkish military", "state_forces", "TR"),
        actor(text, "Bashar al-Assad regime’s forces", "Syrian government forces", "state_forces", "SY"),
        actor(text, "Turkey’s Defense Ministry", "Turkish Ministry of Defense", "government", "TR"),
    ]
    places = [place(text, "Idlib", "Idlib", "admin1", "SY", "Idlib", 35.93, 36.63)]
    (event,) = code(text, actors, places)
    assert event["fatalities"] == 2
    assert event["actor1"]["name"] == "Syrian government forces"
    assert event["actor2"]["name"] == "Turkish military"
    assert event["place"]["name"] == "Idlib"
    assert event["type"] == "ASSAULT"
    assert sub_event(event) == "Armed clash"


def test_outcome_sentence_continues_the_event_before_it():
    text = "Militants attacked a police post in Bura. Three officers were killed and two were wounded."
    (event,) = code(text)
    assert sub_event(event) == "Armed clash"
    assert (event["fatalities"], event["injured"]) == (3, 2)
    assert event["sentence"] == "Militants attacked a police post in Bura."


def test_a_stated_total_replaces_the_sum_of_clauses():
    text = "Gunmen shot two men in Leon. One of them died later in hospital. 2 fatalities."
    assert top(code(text))["fatalities"] == 2


def test_no_fatalities_reported_is_zero():
    assert (
        top(code("Rebels shelled army positions near Dara. No fatalities were reported."))["fatalities"] == 0
    )


def test_background_reference_starts_no_event():
    assert code("Nearly a million people have been displaced by the latest fighting.") == []


# --- merging, ranking, provenance ---------------------------------------------------------------------------


def test_caption_and_body_reports_of_one_strike_merge():
    text = (
        "Smoke rises over Kafr Nabl during air strikes by government forces. (Photo)\n\n"
        "Government warplanes carried out air strikes on Kafr Nabl on Monday, killing four civilians."
    )
    actors = [actor(text, "government forces", "Military Forces of Syria", "state_forces", "SY")]
    places = [place(text, "Kafr Nabl", "Kafr Nabl", "city", "SY", "Idlib", 35.61, 36.56)]
    events = code(text, actors, places, skip_spans=[(text.index("(Photo)"), text.index("(Photo)") + 7)])
    strikes = [e for e in events if sub_event(e) == "Air/drone strike"]
    assert len(strikes) == 1
    assert strikes[0]["fatalities"] == 4
    assert strikes[0]["place"]["name"] == "Kafr Nabl"


def test_principal_event_has_the_highest_confidence():
    text = "On 4 May 2021, gunmen shot dead a trader in Kano market. Police later arrested two suspects."
    events = code(text)
    assert {sub_event(e) for e in events} == {"Attack", "Arrests"}
    assert sub_event(top(events)) == "Attack"


def test_offsets_point_at_the_sentence_in_the_text():
    text = "Talks were held in Ankara.\n\nMilitants attacked a convoy near Gao on Sunday."
    for event in code(text):
        assert text[event["start"] : event["end"]] == event["sentence"]
        assert 0 < event["confidence"] <= 1


def test_skipped_spans_are_never_coded():
    text = "Rebels attacked Gao\n\nRebels attacked Gao\n\nTalks resumed in Ankara."
    events = code(text, skip_spans=[(0, 19), (21, 40)])
    assert [e["type"] for e in events] == ["CONSULT"]


def test_event_date_comes_from_its_sentence_else_the_publication_date():
    text = "On 9 May 2020, protesters rallied in Sana. Separately, troops deployed to the border."
    dates = [date(text, "9 May 2020", "2020-05-09")]
    first, second = code(text, dates=dates, published="2020-05-11")
    assert (first["date"], first["date_precision"]) == ("2020-05-09", "day")
    assert second["date"] == "2020-05-09"
    (event,) = code("Troops deployed to the border.", published="2020-05-11")
    assert (event["date"], event["date_precision"]) == ("2020-05-11", "week")


def test_a_country_read_as_an_actor_is_not_the_event_place():
    text = (
        "Syrian artillery shelled a Turkish post in Idlib on Monday. Turkey retaliated against Syrian forces."
    )
    actors = [
        actor(text, "Turkey", "Turkey", "state_forces", "TR"),
        actor(text, "Syrian forces", "Military Forces of Syria", "state_forces", "SY"),
    ]
    places = [
        place(text, "Idlib", "Idlib", "admin1", "SY", "Idlib", 35.93, 36.63),
        place(text, "Turkey", "Turkey", "country", "TR", None, 39.0, 35.0),
    ]
    events = code(text, actors, places)
    retaliation = next(e for e in events if "retaliated" in e["sentence"])
    assert retaliation["place"]["name"] == "Idlib"
    assert retaliation["actor1"]["name"] == "Turkey"


def test_output_has_the_contract_fields():
    (event,) = code("Militants attacked a convoy near Gao on Sunday.")
    for key in ("type", "mode", "acled", "date", "date_precision", "place", "actor1", "actor2", "fatalities",
                "injured", "sentence", "start", "end", "confidence", "flags", "figures"):  # fmt: skip
        assert key in event


def test_empty_text_has_no_events():
    assert code("") == []


# --- sentence splitting -------------------------------------------------------------------------------------


def test_sentences_keep_abbreviations_numbers_and_offsets():
    from indexer.sentences import split_sentences

    text = "Talks resumed on Feb. 26 in Ankara. Lt. Col. Ali said 1.5 million fled.\nCaption line (AFP Photo)"
    sentences = split_sentences(text, skip_spans=[(text.index("(AFP"), len(text))])
    assert [s.text for s in sentences] == [
        "Talks resumed on Feb. 26 in Ankara.",
        "Lt. Col. Ali said 1.5 million fled.",
        "Caption line",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_sentences_split_lower_cased_copy():
    from indexer.sentences import split_sentences

    text = "police held talks on wednesday. the imams led by m. ilyasi said no. 5 was ready."
    assert [s.text for s in split_sentences(text)] == [
        "police held talks on wednesday.",
        "the imams led by m. ilyasi said no. 5 was ready.",
    ]


def test_sentences_match_the_plain_splitter_on_awkward_text():
    """split_sentences tries the boundary pattern at the marks only (and not before a space), reads the
    word before a full stop after the last space when it can and what follows a mark with str.lstrip; the
    plain splitter runs the pattern with finditer and reads the word and the next visible character with
    regexes. Both must cut every text alike, also around line breaks, Unicode white space, quotes,
    initials, words longer than the window and skipped spans."""
    import random
    import re

    from indexer import sentences

    def plain(text, skip_spans):
        result = []

        def add(start, end):
            piece = text[start:end]
            body = piece.strip()
            if body and re.search(r"[^\W_]", body):
                start += len(piece) - len(piece.lstrip())
                result.append(sentences.Sentence(start, start + len(body), body))

        for segment_start, segment_end in sentences._keep_segments(len(text), skip_spans):
            start = segment_start
            for match in sentences._boundary_pattern().finditer(text, segment_start, segment_end):
                mark = match.start()
                word = re.search(r"([\w.]*)\n?\Z", text[max(0, mark - 20) : mark]).group(1).lower()
                following = re.compile(r"\s*(\S)").match(text, match.end(), match.end() + 10)
                if text[mark] in "\n!?":
                    ends = True
                elif word in sentences.ABBREVIATIONS or word.rstrip(".") in sentences.ABBREVIATIONS:
                    ends = False
                elif (len(word) == 1 and word.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
                    ends = False
                elif not following:
                    ends = True
                else:
                    next_char = following.group(1)
                    ends = (next_char.isupper() or next_char.isdigit() or next_char in "\"'“‘([") or (
                        next_char.islower() and word.isalpha() and len(word) > 1
                    )
                if ends:
                    add(start, match.start() if text[mark] == "\n" else match.end())
                    start = match.end()
            add(start, segment_end)
        return result

    pieces = [
        "Mr",
        "U.S",
        "a",
        "Feb",
        "1.5",
        "word",
        "é",
        "Word",
        "x.y.z",
        "no",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\u2003",
        "\xa0",
        "\x1c",
        ".",
        "..",
        "!",
        "?",
        "?!",
        '"',
        "”",
        "’",
        ")",
        "]",
        "(",
        "“",
        "9",
        "_",
        "\t",
        "Antananarivo",
    ]
    # A word longer than the window after a digit, with and without a space before it.
    for text in ("9AntananarivoAntananarivo. and so", "a 9AntananarivoAntananarivo. and so"):
        assert sentences.split_sentences(text) == plain(text, ()), text
    generator = random.Random(14)
    for _ in range(4000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 30)))
        skips = [(generator.randint(0, len(text)), generator.randint(0, len(text))) for _ in range(2)]
        for skip_spans in ((), skips):
            assert sentences.split_sentences(text, skip_spans) == plain(text, skip_spans), (text, skip_spans)


def test_a_place_named_as_an_origin_is_not_the_event_place():
    text = "On 3 May 2020, workers protested outside the hospital after a bus from Lima arrived in Iquitos."
    places = [
        place(text, "Iquitos", "Iquitos", "city", "PE", "Loreto", -3.75, -73.25),
        place(text, "Lima", "Lima", "city", "PE", "Lima", -12.04, -77.03),
    ]
    (event,) = code(text, places=places)
    assert event["place"]["name"] == "Iquitos"


def test_a_town_that_names_a_street_gives_way_to_the_town_the_street_is_in():
    text = "On 4 May 2020, gunmen attacked a shop on Quetta Road in Sukkur city."
    places = [
        place(text, "Quetta", "Quetta", "city", "PK", "Balochistan", 30.19, 67.01),
        place(text, "Sukkur", "Sukkur", "city", "PK", "Sindh", 27.71, 68.85),
    ]
    (event,) = code(text, places=places)
    assert event["place"]["name"] == "Sukkur"


def test_a_named_site_without_coordinates_is_never_the_event_place():
    text = "Militants attacked the Grand Palace hotel in Gao on Sunday."
    places = [
        place(text, "Gao", "Gao", "city", "ML", "Gao", 16.27, -0.04),
        place(text, "Grand Palace", "Grand Palace", "facility", None, None, None, None),
    ]
    (event,) = code(text, places=places)
    assert event["place"]["name"] == "Gao"


def test_a_village_outside_the_unit_its_sentence_names_gives_way_to_the_unit():
    text = "On 6 May 2020, police fired on villagers at Kesari village in Gaya district (Bihar), killing one."
    village = place(text, "Kesari", "Kesari", "locality", "IN", "Jharkhand", 23.9, 85.1)
    village.update(admin1_id="admin1:IN.38", population=900)
    district = place(text, "Gaya", "Gaya", "admin2", "IN", "Bihar", 24.8, 85.0)
    district.update(admin1_id="admin1:IN.34", population=400_000)
    state = place(text, "Bihar", "Bihar", "admin1", "IN", "Bihar", 25.6, 85.1)
    state.update(id="admin1:IN.34", population=100_000_000)
    event = top(code(text, places=[village, district, state]))
    assert event["place"]["name"] == "Gaya"


def test_a_village_inside_the_named_unit_stays_the_event_place():
    text = "On 6 May 2020, police fired on villagers at Kesari village in Gaya district (Bihar), killing one."
    village = place(text, "Kesari", "Kesari", "locality", "IN", "Bihar", 24.7, 85.0)
    village.update(admin1_id="admin1:IN.34", population=900)
    state = place(text, "Bihar", "Bihar", "admin1", "IN", "Bihar", 25.6, 85.1)
    state.update(id="admin1:IN.34", population=100_000_000)
    event = top(code(text, places=[village, state]))
    assert event["place"]["name"] == "Kesari"


def test_an_event_whose_sentence_names_no_place_is_placed_at_the_article_focus():
    text = "On 8 May 2020, a truck was set on fire in Temuco. Masked men threatened the driver with guns."
    places = [place(text, "Temuco", "Temuco", "city", "CL", "Araucania", -38.74, -72.6)]
    events = code(text, places=places)
    threat = next(e for e in events if e["type"] == "THREATEN")
    assert threat["place"]["name"] == "Temuco"


def test_residents_from_a_town_protest_in_that_town():
    text = "A group of villagers from Sbeitla (Kasserine) protested to demand clean water."
    where = venue(
        text,
        ("Sbeitla", "Sbeitla", "city", "TN", "Kasserine"),
        ("Kasserine", "Kasserine", "admin1", "TN", "Kasserine"),
    )
    assert where == "Sbeitla"


def test_people_who_moved_from_a_town_act_where_they_arrived():
    text = "Migrants who had fled from Sbeitla protested in Kasserine to demand shelter."
    where = venue(
        text,
        ("Sbeitla", "Sbeitla", "city", "TN", "Kasserine"),
        ("Kasserine", "Kasserine", "city", "TN", "Kasserine"),
    )
    assert where == "Kasserine"


def test_a_town_is_preferred_to_the_unit_named_after_it_to_locate_it():
    text = "On 4 May 2020, in Uruapan, Michoacan, the teachers' union rejected the new wage offer."
    where = venue(
        text,
        ("Uruapan", "Uruapan", "city", "MX", "Michoacan"),
        ("Michoacan", "Michoacan", "admin1", "MX", "Michoacan"),
    )
    assert where == "Uruapan"


def test_a_place_of_an_event_the_sentence_only_refers_to_is_not_the_venue():
    text = (
        "Students gathered outside the courthouse in Sidon, in demonstration against the arrest of activists "
        "during riots in Tyre."
    )
    where = venue(
        text,
        ("Sidon", "Sidon", "city", "LB"),
        ("Tyre", "Tyre", "city", "LB"),
    )
    assert where == "Sidon"


@pytest.mark.parametrize(
    "text",
    [
        "In Curitiba, residents banged pots against the governor during his visit.",
        "In Valparaiso, workers and members of the dockers' union marched on the streets of the port.",
        "Neighbours in Quito staged a cacerolazo against the curfew.",
    ],
)
def test_common_protest_wordings_are_protests(text):
    assert top(code(text))["type"] == "PROTEST"


def test_a_states_forces_are_at_home_or_abroad_by_where_the_event_happened():
    # The article names Turkey most, so its actor list calls the Syrian army foreign; each event judges by
    # its own place instead.
    text = (
        "Syrian government forces shelled a camp in Saraqib on Monday, killing four civilians. "
        "Turkish soldiers struck army positions near Saraqib in response, the defence ministry in Ankara said."
    )
    syrian = {**actor(text, "Syrian government forces", "Syrian government forces", "external_forces", "SY"),
              "id": "syrian-government-forces"}  # fmt: skip
    turkish = {**actor(text, "Turkish soldiers", "Military Forces of Turkey", "state_forces", "TR"),
               "id": "military-forces-of-turkey"}  # fmt: skip
    places = [
        place(text, "Saraqib", "Saraqib", "city", "SY", "Idlib"),
        place(text, "Ankara", "Ankara", "city", "TR"),
    ]
    events = code(text, actors=[syrian, turkish], places=places)
    sides = {
        (e["actor1"] or {}).get("id"): (e["actor1"]["type"], e["place"]["country"])
        for e in events
        if e["place"]
    }
    assert sides["syrian-government-forces"] == ("state_forces", "SY")
    assert sides["military-forces-of-turkey"] == ("external_forces", "SY")


def test_an_unlisted_village_never_places_an_event():
    text = "Gunmen killed four farmers in Chaharmaghzak village in Samangan province on Monday."
    village = {**place(text, "Chaharmaghzak", "Chaharmaghzak", "locality", "AF", "Samangan", None, None),
               "id": "unlisted:chaharmaghzak-af"}  # fmt: skip
    province = place(text, "Samangan", "Samangan", "admin1", "AF", "Samangan", 36.3, 67.9)
    event = top(code(text, places=[village, province]))
    assert event["place"]["name"] == "Samangan"


def test_the_event_placed_where_the_headline_says_leads():
    # Untitled, the suicide bombing outranks the shooting the story opens with; a headline about the
    # shooting's town puts the shooting first again.
    text = (
        "Soldiers shot dead twenty villagers in Lusa on Tuesday. "
        "A suicide bomber blew himself up at a market in Kara on Monday, killing nine people."
    )
    places = [place(text, "Kara", "Kara", "city", "XX", lat=1.0, lon=1.0),
              place(text, "Lusa", "Lusa", "city", "XX", lat=2.0, lon=2.0)]  # fmt: skip
    assert top(code(text, places=places))["place"]["name"] == "Kara"
    titled = code_events(
        text, published=None, actors=[], places=places, dates=[], title="Villagers killed in Lusa"
    )
    assert top(titled)["place"]["name"] == "Lusa"
    # A headline naming only the country changes nothing.
    country = {**place(text, "Lusa", "Xland", "country", "XX"), "mentions": []}
    titled = code_events(
        text, published=None, actors=[], places=[*places, country], dates=[], title="Xland: villagers killed"
    )
    assert top(titled)["place"]["name"] == "Kara"


def test_a_capital_named_in_a_parenthesis_after_a_district_does_not_outrank_the_district():
    text = (
        "On 4 May 2020, pro-Houthi forces attacked National Resistance forces in Hays district (Al Hudaydah)."
    )
    where = venue(
        text,
        ("Hays district", "Hays", "admin2", "YE", "Al Hudaydah", 13.93, 43.48),
        ("Al Hudaydah", "Al Hudaydah", "city", "YE", "Al Hudaydah", 14.80, 42.95),
    )
    assert where == "Hays"
    # a town with its units after it stays the venue
    text = "On 4 May 2020, gunmen attacked a checkpoint in Kumbo (Bui, Nord-Ouest)."
    where = venue(
        text,
        ("Kumbo", "Kumbo", "city", "CM", "North-West", 6.20, 10.68),
        ("Bui", "Bui", "admin2", "CM", "North-West", 6.25, 10.70),
        ("Nord-Ouest", "North-West", "admin1", "CM", "North-West", 6.0, 10.2),
    )
    assert where == "Kumbo"


def test_a_town_read_far_from_the_district_its_parenthesis_names_gives_way_to_that_district():
    text = "On 3 May 2020, gunmen killed four youths in Kwal district (Bassa LGA, Plateau)."

    def places(kwal_lat, bassa_country="NG"):
        return [
            place(text, "Kwal district", "Kwal", "locality", "NG", "Plateau", kwal_lat, 8.85),
            place(text, "Bassa LGA", "Bassa", "locality", bassa_country, "Plateau", 9.93, 8.73),
            place(text, "Plateau", "Plateau", "admin1", "NG", "Plateau", 9.17, 9.75),
        ]

    assert top(code(text, places=places(8.90)))["place"]["name"] == "Bassa"  # Kwal read 115 km away
    assert top(code(text, places=places(9.80)))["place"]["name"] == "Kwal"  # 15 km: the village itself
    # a locator read in another country is the misread name, not the town
    assert top(code(text, places=places(8.90, bassa_country="DO")))["place"]["name"] == "Kwal"
    # a locator with no coordinates (a settlement no gazetteer lists) is no distance away at all
    unlisted = [{**p, "lat": None, "lon": None} if p["name"] == "Bassa" else p for p in places(9.80)]
    assert top(code(text, places=unlisted))["place"]["name"] == "Kwal"


@pytest.mark.parametrize(
    ("text", "town", "locator", "expected"),
    [
        (
            "On 2 May 2020, an IED exploded in the Al-Saba Bahrat area in Idleb city, killing a commander.",
            ("Al-Saba", "Al-Saba", "locality", "SY", "Tartus", 34.87, 35.95),
            ("Idleb city", "Idlib", "city", "SY", "Idlib", 35.93, 36.63),
            "Idlib",
        ),
        (
            "On 3 May 2020, an explosion hit the Rajwara area in Handwara subdistrict, injuring civilians.",
            ("Rajwara", "Rajwara", "city", "IN", "Jammu and Kashmir", 33.40, 74.30),
            ("Handwara subdistrict", "Handwara", "city", "IN", "Jammu and Kashmir", 34.40, 74.28),
            "Handwara",
        ),
        # "in Ar-Raqqa" without "city" after a town is read as its province: the town stays the venue
        (
            "On 4 May 2020, Turkish forces shelled villages in the countryside of Tell Abiad in Ar-Raqqa.",
            ("Tell Abiad", "Tell Abiad", "locality", "SY", "Ar-Raqqa", 36.70, 38.95),
            ("Ar-Raqqa", "Ar-Raqqa", "city", "SY", "Ar-Raqqa", 35.95, 39.01),
            "Tell Abiad",
        ),
    ],
)
def test_a_place_read_far_from_the_city_it_is_said_to_lie_in_gives_way_to_that_city(
    text, town, locator, expected
):
    assert venue(text, town, locator) == expected


def test_towns_that_only_name_a_road_give_way_to_the_unit_the_sentence_places_the_event_in():
    towns = (
        ("Mumbai", "Mumbai", "city", "IN", "Maharashtra", 19.07, 72.88),
        ("Agra", "Agra", "city", "IN", "Uttar Pradesh", 27.18, 78.01),
        ("Barwani", "Barwani", "admin2", "IN", "Madhya Pradesh", 22.03, 74.90),
    )
    text = "On 3 May 2020, migrant labourers blocked the Mumbai-Agra highway and pelted stones at police in Barwani."
    assert venue(text, *towns) == "Barwani"
    # a qualifier between the road's name and its road word changes nothing
    text = "On 2 May 2020, labourers blocked traffic on the Agra-Mumbai national highway at a village in Barwani."
    assert venue(text, *towns) == "Barwani"


def test_a_place_inside_an_actor_named_after_of_is_a_side_not_the_venue():
    text = (
        "On 1 May 2020, Ukrainian forces fired at the positions of the Luhansk People's Militia "
        "in the area of Donetskyi."
    )
    actors = [
        actor(text, "Ukrainian forces", "Military Forces of Ukraine", "state_forces", "UA"),
        actor(text, "Luhansk People's Militia", "NAF", "rebel_group", "UA"),
    ]
    places = [
        place(text, "Luhansk", "Luhansk", "city", "UA", "Luhansk", 48.57, 39.31),
        place(text, "Donetskyi", "Donetskyi", "locality", "UA", "Luhansk", 48.82, 38.56),
    ]
    assert top(code(text, actors=actors, places=places))["place"]["name"] == "Donetskyi"


def test_a_ship_or_convoy_loaded_with_weapons_is_a_change_to_group_activity():
    event = top(code("A ship loaded with tanks, armored vehicles and heavy weapons arrived in Lusa port."))
    assert sub_event(event) == "Change to group/activity"


def test_word_start_searches_find_what_the_regex_engine_finds():
    """The piece searches (`_search_before`, `_finditer_piece`) see a piece as a string of its own, the text
    searches (`_search_between`-style `search_text`, `_finditer_text`) see the text around the span; both
    must give the regex engine's answer wherever the span starts: mid-word, after a hyphen, at the text's
    start, after a non-ASCII letter."""
    from indexer import events
    from indexer.numbers import lower_ascii
    from indexer.regexscan import scan_text, word_view

    texts = [
        "Police said no one was hurt after the attack; troops would not return, officials warned.",
        "pro-government militia never fired. Anti-rebel forces (the army) clashed with Ḫalid's men in a town",
        "If the army attacks, residents from Aleppo may flee; following the latest fighting, talks were held.",
        "knot-notice: withdrawn denials, nor-east — will they? Zaïd'll go north of Marib, the police said.",
    ]
    patterns = events.searched_patterns()
    for text in texts:
        lowered = lower_ascii(text)
        scanned = scan_text(text)
        words = word_view(scanned)
        for pattern in patterns:
            built = events._word_search(pattern)
            assert built is not None, pattern.pattern
            for start in range(0, len(text), 3):
                for end in range(start, len(text) + 1, 5):
                    piece = lowered[start:end]
                    found = events._search_before(pattern, lowered, scanned, words, start, end)
                    expected = pattern.search(piece)
                    assert (found and found.span()) == (expected and expected.span())
                    assert [
                        m.span() for m in events._finditer_piece(pattern, lowered, words, start, end)
                    ] == [m.span() for m in pattern.finditer(piece)]
                    assert [m.span() for m in events._finditer_text(pattern, lowered, words, start, end)] == [
                        m.span() for m in pattern.finditer(lowered, start, end)
                    ]
                    found = built.search_text(lowered, words, start, end)
                    expected = pattern.search(lowered, start, end)
                    assert (found and found.span()) == (expected and expected.span())


def test_searches_before_a_cue_find_what_the_regex_engine_finds():
    """`_before` tries its pattern at the piece's start (at the clause's start only when a head of any of
    the patterns is there) and at the places after a space that the shared scan of `_find_cues` found
    from the clause on: wherever the clause, the piece and the cue start (mid-word, after a space, an
    apostrophe, a hyphen, at the text's start), it must say whether ``pattern.search(text[start:cue.start])``
    finds anything."""
    from indexer import events
    from indexer.regexscan import scan_text, word_view
    from indexer.sentences import split_sentences

    texts = [
        "no one was hurt; troops would not return, they'll not fight, officials warned it may attack again.",
        "If the army attacks, residents may flee; 'll threaten - the police will no longer shell the town.",
        " not  never   would  'll  if  threatened to  could  the same attack, a further clash—unless it ends",
    ]
    lexicon = events.load_lexicon()
    searches = events._cue_searches(lexicon)
    assert searches is not None
    for text in texts:
        scanned = scan_text(text)
        words = word_view(scanned)
        for end in range(1, len(text) + 1):
            for clause in range(0, end + 1, 3):
                cue = events.Cue("attack", end, end, "", clause=clause)
                cue.starts = [found.end() for found in searches.scan.finditer(words, clause, end)]
                cue.head_at_clause = searches.any_head.match(words, clause, end) is not None
                for start in range(clause, end + 1):
                    for name in events._BEFORE_CUE:
                        pattern = getattr(lexicon, name)
                        expected = pattern.search(text[start:end]) is not None
                        found = events._before(
                            pattern, searches.heads[name], text, scanned, words, cue, start
                        )
                        assert found == expected, (name, text[start:end])
        # `_find_cues` builds each cue's places to try as above.
        for cues in events._find_cues(text, split_sentences(text), lexicon, scanned=scanned, words=words):
            for cue in cues:
                assert cue.starts == [
                    found.end() for found in searches.scan.finditer(words, cue.clause, cue.start)
                ]
                assert cue.head_at_clause == (
                    searches.any_head.match(words, cue.clause, cue.start) is not None
                )


def test_a_clause_starts_after_the_last_break_as_rfind_finds_it():
    """`_clause_start` finds the last ";", ":", "—" or " – " of the window in the breaks of the whole text
    (`_clause_breaks`) by bisection: it must give what the largest of the four ``rfind`` gives, with breaks
    side by side, overlapping (" – – "), at the window's edges and beyond them."""
    from indexer import events
    from indexer.sentences import Sentence

    def plain(text: str, sentence: Sentence, position: int) -> int:
        window_start = max(sentence.start, position - 120)
        cut = max(text.rfind(mark, window_start, position) for mark in (";", ":", "—", " – "))
        return cut + 1 if cut >= 0 else window_start

    texts = [
        "a; b: c — d – e – – f;: g —; h – ; i" + " ".join(["word"] * 40) + "; end – – ",
        " – – – ;" + "x" * 130 + ":— – :" + "y" * 5,
        "no break at all in this one, just words and commas, a dash-like hyphen - and an en–dash",
    ]
    for text in texts:
        breaks = events._clause_breaks(text)
        for start in range(len(text)):
            sentence = Sentence(start, len(text), text[start:])
            for position in range(start, len(text) + 1):
                expected = plain(text, sentence, position)
                assert events._clause_start(text, sentence, position) == expected
                assert events._clause_start(text, sentence, position, breaks) == expected


def test_patterns_written_backwards_find_what_the_forward_ones_find():
    """`_ends_with` reads `DEFINITE_BEFORE` and `PASSIVE_BEFORE` backwards: wherever a piece starts and ends
    (mid-word, at white space, before a final line break), it must say whether the forward pattern finds
    anything in it."""
    from indexer import events

    texts = [
        "Police said the   latest raid was carried out; those al-Shabab fighters were  reportedly killed\n",
        "Its men, THEIR homes and such 'bombings' got\tbadly hit. Being attacked is one thing; were they?\n\n",
        "thesis: sawdust, hiss, herd, Isaac's sametime tests; been-there Zaïd’s troops are being shelled",
    ]
    pairs = [
        (events.DEFINITE_BEFORE, events.DEFINITE_BEFORE_REVERSED),
        (events.PASSIVE_BEFORE, events.PASSIVE_BEFORE_REVERSED),
    ]
    for text in texts:
        for pattern, reversed_pattern in pairs:
            for start in range(len(text) + 1):
                for end in range(start, len(text) + 1):
                    expected = pattern.search(text[start:end]) is not None
                    assert events._ends_with(reversed_pattern, text, start, end) == expected, (
                        pattern.pattern,
                        text[start:end],
                    )


def test_actor_spans_and_the_focus_come_out_as_the_plain_sorts_give_them():
    """Spans are sorted by two stable sorts with C key functions, and the focus is the least of the units
    and towns (else of all places) by mentions and rank; both must agree with the plain key functions,
    ties included."""
    import random

    from indexer import events

    generator = random.Random(14)
    for _ in range(300):
        spans = [
            (generator.randint(0, 5), generator.randint(0, 5), {"n": n})
            for n in range(generator.randint(0, 12))
        ]
        plain = sorted(spans, key=lambda span: (span[0], -span[1]))
        events._by_start_longest_first(spans)
        assert [id(span[2]) for span in spans] == [id(span[2]) for span in plain]

        kinds = ["country", "region", "admin1", "admin2", "admin3", "city", "town"]
        places = [
            {"id": f"p{n}", "kind": generator.choice(kinds), "mentions": []}
            for n in range(generator.randint(0, 6))
        ]
        for offset in range(0, 60, 3):
            if places and generator.random() < 0.6:
                generator.choice(places)["mentions"].append({"start": offset, "end": offset + 2})
        mentioned = {}
        counts = {}
        for _, _, place in sorted(
            (m["start"], m["end"], p) for p in places for m in p["mentions"] if m["end"] > m["start"]
        ):
            mentioned.setdefault(id(place), place)
            counts[id(place)] = counts.get(id(place), 0) + 1
        ranked = sorted(
            mentioned.values(),
            key=lambda p: (-counts[id(p)] - (1 if events._place_rank(p) > 0 else 0), -events._place_rank(p)),
        )
        focus = next((p for p in ranked if events._place_rank(p) > 0), ranked[0] if ranked else None)
        assert events._Context("x" * 80, None, places, []).focus is focus


def test_a_sentence_without_a_cue_yields_no_mention_even_with_casualties():
    """code_events skips `_sentence_mention` for a sentence without a cue, which must then yield nothing,
    whatever its figures."""
    from indexer import events
    from indexer.numbers import Figure
    from indexer.sentences import split_sentences

    text = "Five people were killed and two were injured, officials said on Monday."
    (sentence,) = split_sentences(text)
    figures = [Figure("killed", 5, 0, 30), Figure("injured", 2, 31, 44)]
    lexicon = load_lexicon()
    for forced in (None, "Attack"):
        assert events._sentence_mention(text.lower(), sentence, 0, 0, [], lexicon, forced, figures) is None


def test_one_scan_finds_every_trigger_and_figure_opening():
    """`_word_starts` scans the word view once for where a trigger, a generic actor or a figure phrase may
    start; with it, the lexicon hits are those of each pattern's `finditer` and the figure reader finds
    the openings its own scan finds, also after hyphens, at runs of separators, and at the text's start."""
    from indexer import events
    from indexer.numbers import FigureReader, lower_ascii
    from indexer.regexscan import scan_text, word_view

    texts = [
        "Clashes erupted; anti-government protesters marched -- air - strikes hit, self-killed? no: air--strike",
        "killed 3. Police  arrested  two;  gunmen   kidnapped 5 and anyone  hurt was taken; 12 were injured",
        "Shelling-killed 4, pro-army militia attacked—rebels ambushed “troops”; the death toll rose to 9\n",
        "Protesters-clashed with police (riot) as Zaïd’s men were abducted. The bodies of six were found.",
        "  soldiers killed at least 20 militants on Monday, suicide-bombing the base; no one was wounded",
        "An air  strike -- and angry - crowds: the anti--aircraft guns and stone  pelting; anyone - hurt? Troops clashed",
    ]
    lexicon = load_lexicon()
    scanner = events._lexicon_scanner(lexicon)
    for text in texts:
        lowered, scanned = lower_ascii(text), scan_text(text)
        words = word_view(scanned)
        starts = events._word_starts(lexicon, words)
        assert starts is not None
        # Every place the scanner's own scan finds is among them (the first position is always tried).
        assert set(scanner.positions(scanned, 0, len(text))) <= {0, *starts}, text
        family_hits, generic_hits = events._lexicon_hits(lowered, lexicon, scanned, starts)
        found = [[m.span() for m in hits] for hits in family_hits + generic_hits]
        assert found == [[m.span() for m in p.finditer(lowered)] for p in scanner.patterns], text
        assert any(found), text
        reader = FigureReader(lowered, scanned, words, lowered=True, after_spaces=starts)
        assert reader.positions == FigureReader(lowered, scanned, words, lowered=True).positions, text
        assert reader.positions, text
