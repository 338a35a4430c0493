"""Place finding and geocoding against the offline gazetteer (golden sentences written for these tests)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from indexer.places import (
    _ROAD_WORDS,
    _SETTLEMENT_WORDS,
    FACILITY_RE,
    _facility_matches,
    _lowered,
    bare_unit_name,
    find_places,
    fold,
    hierarchy_ids,
    light,
    lookup_place,
    loose,
)

SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"

# Approximate real-world coordinates (lat, lon), for "within 25 km" checks.
SARAQIB = (35.864, 36.806)
BINNISH = (35.957, 36.714)
IDLIB = (35.931, 36.634)
ANKARA = (39.920, 32.854)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def by_mention(places: list[dict], text: str) -> dict:
    """The place one of whose mentions is exactly `text`."""
    found = [p for p in places if any(m["text"] == text for m in p["mentions"])]
    assert found, f"no place mentioned as {text!r} in {[p['name'] for p in places]}"
    assert len(found) == 1
    return found[0]


def test_transliteration_variants_fold_to_one_key():
    assert fold("Ma’rib") == fold("Marib") == "marib"
    assert fold("Deir ez-Zor") == "deir ez zor"
    assert light(fold("Ar-Raqqa")) == light(fold("Ar Raqqah"))
    assert loose(fold("Saraqeb")) == loose(fold("Saraqib"))
    assert loose(fold("Idleb")) == loose(fold("Idlib"))
    assert loose(fold("Northern Darfur")) == loose(fold("North Darfur"))
    assert bare_unit_name("Kaduna State") == "Kaduna"
    assert bare_unit_name("Baalbek-Hermel Governorate") == "Baalbek-Hermel"


def test_saraqeb_and_saraqib_are_the_same_town():
    text = (
        "Rebels said they had retaken Saraqeb on Thursday. Government troops had entered Saraqib a month ago."
    )
    places = find_places(text)
    one, other = by_mention(places, "Saraqeb"), by_mention(places, "Saraqib")
    assert one["id"] == other["id"]
    assert one["country"] == "SY" and one["admin1"] in ("Idlib", "Idleb")
    assert km((one["lat"], one["lon"]), SARAQIB) < 25
    assert one["canonical_name"] == "Saraqib"
    assert one["name"] == "Saraqeb", "a place is named as the article first spells it"


def test_direction_qualifier_names_the_place_itself():
    places = find_places("Air strikes continued across southern Idlib overnight, monitors in Syria said.")
    idlib = by_mention(places, "Idlib")
    assert idlib["kind"] == "admin1" and idlib["country"] == "SY"
    assert all("southern" not in p["name"].lower() for p in places)
    syria = by_mention(places, "Syria")
    assert syria["kind"] == "country"


def test_unit_word_chooses_the_province_and_a_bare_name_the_city():
    text = "Shelling hit Idlib on Monday. Thousands have fled Idlib province since December."
    places = find_places(text)
    city = by_mention(places, "Idlib")
    province = by_mention(places, "Idlib province")
    assert city["kind"] == "city" and province["kind"] == "admin1"
    assert city["id"] != province["id"]
    assert city["admin1_id"] == province["id"]
    assert km((city["lat"], city["lon"]), IDLIB) < 25


def test_province_of_x_is_the_province():
    places = find_places("Fighting spread to the adjoining province of Hama, the group said.")
    assert by_mention(places, "Hama")["kind"] == "admin1"


def test_demonyms_are_not_places():
    places = find_places("Turkish troops and Syrian forces exchanged fire, Turkish officials said.")
    assert places == []


def test_demonyms_still_point_at_their_country():
    places = find_places("Syrian troops shelled Hama on Tuesday.")
    hama = by_mention(places, "Hama")
    assert hama["country"] == "SY"


def test_co_mentioned_country_disambiguates():
    lebanon = find_places("Protesters gathered in Tripoli, the second city of Lebanon.")
    libya = find_places("Militias clashed in Tripoli as the war in Libya dragged on.")
    assert by_mention(lebanon, "Tripoli")["country"] == "LB"
    assert by_mention(libya, "Tripoli")["country"] == "LY"


def test_apposition_places_a_town_inside_its_unit():
    places = find_places("On 3 May, gunmen attacked a bus in Pesqueria, Nuevo Leon, killing two.")
    town = by_mention(places, "Pesqueria")
    assert town["country"] == "MX"
    assert town["admin1"] == "Nuevo Leon", "the unit is labelled as the article spells it"


def test_person_names_and_titles_are_not_places():
    text = (
        "President Recep Tayyip Erdogan said on Tuesday that Turkey would respond. "
        "Naji Mustafa, a spokesman for the group, confirmed the attack."
    )
    names = {p["name"] for p in find_places(text)}
    assert names == {"Turkey"}


def test_sentence_initial_words_that_are_also_villages_are_not_places():
    text = "Taking back the highway was the main goal. Smoke rose over Damascus."
    places = find_places(text)
    assert [p["name"] for p in places] == ["Damascus"]


def test_french_unit_name_closing_a_parenthetical_resolves_in_its_country():
    """Notes in the "town (district, region)" style name the region last, often in its French form."""
    places = find_places(
        "Soldiers clashed with separatists in Kumbo town, Jakiri subdivision (Bui, Nord-Ouest)."
    )
    region = by_mention(places, "Nord-Ouest")
    assert (region["kind"], region["country"]) == ("admin1", "CM")
    assert next(p for p in places if p["name"] == "Kumbo")["admin1"] == "Nord-Ouest"
    lone = find_places("Militants looted houses in Kolofata town (Mayo-Tsanaga, Extreme-Nord).")
    assert [(p["kind"], p["country"]) for p in lone] == [("admin1", "CM")]


def test_outer_unit_of_a_parenthetical_picks_the_namesake_town():
    """ "Rafah (Rafah, North Sinai)": the region named last decides which Rafah is meant."""
    places = find_places("Airstrikes targeted militants in Rafah (Rafah, North Sinai), with no fatalities.")
    towns = [p for p in places if p["kind"] == "city"]
    assert len(towns) == 1 and towns[0]["country"] == "EG"
    assert towns[0]["admin1"] == "North Sinai"


def test_name_of_a_neighbourhood_is_not_a_distant_namesake_town():
    # The neighbourhood is kept by name only, in the town's country, not placed at a namesake town.
    text = "In Parintins, Amazonas, a man was killed in a drive-by shooting in Palmares neighborhood."
    found = {p["name"]: p for p in find_places(text)}
    assert set(found) == {"Parintins", "Amazonas", "Palmares"}
    assert (found["Palmares"]["lat"], found["Palmares"]["country"]) == (None, "BR")
    assert found["Palmares"]["id"].startswith("unlisted:")
    text = "In Iguatu, Ceara, a man was shot in Jardim Oasis neighborhood by three armed men."
    assert "Jardim" not in {p["name"] for p in find_places(text)}


def test_admin1_label_is_not_taken_from_a_differently_named_capital():
    places = find_places("In Oaxaca de Juarez, Oaxaca, a man was killed.")
    assert {p["admin1"] for p in places} == {"Oaxaca"}


def test_skip_spans_are_ignored_and_offsets_point_into_the_text():
    text = "Clashes in Aleppo\n\nRelated: Strikes on Homs\n\nClashes erupted in Aleppo on Monday."
    skip = [(text.index("Related"), text.index("Homs") + 4)]
    places = find_places(text, skip_spans=skip)
    assert [p["name"] for p in places] == ["Aleppo"]
    for mention in places[0]["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"] == "Aleppo"


def test_regions_and_seas():
    places = find_places("The ship sank in the Mediterranean, south of the Aegean Sea.")
    kinds = {p["name"]: p["kind"] for p in places}
    assert kinds.get("Mediterranean Sea") == "water"
    assert kinds.get("Aegean Sea") == "water"


def test_lookup_place_and_hierarchy():
    syria = lookup_place("Syria")
    assert syria["kind"] == "country" and syria["country"] == "SY"
    assert lookup_place("SYR")["id"] == syria["id"]
    province = lookup_place("Idlib province")
    assert province["kind"] == "admin1"
    assert lookup_place(province["id"]) == province
    town = lookup_place("Saraqib")
    assert hierarchy_ids(town) == [town["id"], province["id"], syria["id"]]
    assert hierarchy_ids(syria) == [syria["id"]]
    assert lookup_place("Tripoli", country="LB")["country"] == "LB"
    assert lookup_place("no such place anywhere") is None


def test_output_shape():
    place = find_places("Fighting near Saraqib.")[0]
    for key in (
        "id",
        "name",
        "kind",
        "country",
        "admin1",
        "lat",
        "lon",
        "mentions",
        "admin1_id",
        "country_id",
    ):
        assert key in place
    assert place["kind"] in ("country", "admin1", "admin2", "city", "locality", "region", "water")


@pytest.mark.skipif(not (SHARED_DEV / "seed.input.jsonl").exists(), reason="../shared/eval is absent")
def test_seed_article_places_are_found_and_geocoded():
    record = json.loads((SHARED_DEV / "seed.input.jsonl").read_text(encoding="utf-8").splitlines()[0])
    places = find_places(record["text"])

    def near(point: tuple[float, float]) -> dict:
        located = [p for p in places if p["lat"] is not None]
        closest = min(located, key=lambda p: km((p["lat"], p["lon"]), point))
        assert km((closest["lat"], closest["lon"]), point) < 25, f"nothing within 25 km of {point}"
        return closest

    assert near(BINNISH)["country"] == "SY"
    assert near(SARAQIB)["canonical_name"] == "Saraqib"
    assert near(IDLIB)["admin1"] == "Idlib"
    assert near(ANKARA)["country"] == "TR"
    syria = [p for p in places if p["kind"] == "country" and p["country"] == "SY"]
    assert syria and syria[0]["name"] == "Syria"
    assert not any(p["name"] in ("Turkish", "Syrian", "Russian") for p in places)


def test_a_neighbourhood_prefix_keeps_namesake_towns_elsewhere_out():
    places = find_places("In Culiacan, Sinaloa, a trader was shot dead in Colonia Benito Juarez on Friday.")
    assert {p["admin1"] for p in places if p["kind"] != "country"} == {"Sinaloa"}
    assert not any(m["text"].startswith("Colonia") for p in places for m in p["mentions"])


def test_a_second_level_unit_abroad_needs_the_text_to_point_there():
    hays = by_mention(
        find_places("Fighting was reported in Hays district in western Yemen."), "Hays district"
    )
    assert hays["country"] == "YE"


def test_a_short_word_with_an_inner_capital_is_an_acronym_not_a_place():
    assert find_places("JaS fighters withdrew overnight.") == []


def test_a_town_in_parentheses_vetoes_namesakes_in_other_countries():
    from indexer.places import _beside_foreign_towns, _Place

    mali_town = _Place("t:1", "Bandiagara", "city", "ML", "ML.06", 14.35, -3.61, 17000)
    indian_town = _Place("t:2", "Mandoli", "city", "IN", "IN.07", 28.7, 77.3, 120000)
    malian_village = _Place("t:3", "Mandoli", "locality", "ML", "ML.06", 14.4, -3.5, 600)
    assert _beside_foreign_towns(indian_town, [mali_town])
    assert not _beside_foreign_towns(malian_village, [mali_town])


def test_an_adjectival_unit_name_is_labelled_by_its_city():
    kharkiv = by_mention(find_places("Hundreds protested in Kharkiv on Monday."), "Kharkiv")
    assert kharkiv["admin1"] == "Kharkiv"


def test_an_iso_subdivision_name_that_is_part_of_the_geonames_name_is_an_alias():
    wardak = by_mention(
        find_places("Taliban fighters attacked a convoy in Wardak province."), "Wardak province"
    )
    assert (wardak["kind"], wardak["country"]) == ("admin1", "AF")


def test_the_units_own_mention_sets_its_label_before_a_namesake_towns_spelling():
    text = "Troops entered Idlib city on Monday and later shelled villages across Idleb province."
    idlib_city = by_mention(find_places(text), "Idlib city")
    assert idlib_city["admin1"] == "Idleb"


def test_named_sites_are_places_without_coordinates():
    places = find_places("The two leaders spoke at a Rose Garden news conference in Washington.")
    garden = by_mention(places, "Rose Garden")
    assert (garden["kind"], garden["lat"], garden["lon"]) == ("facility", None, None)
    hall = by_mention(
        find_places("A ceremony was held outside the Great Hall of the People."), "Great Hall of the People"
    )
    assert hall["name"] == "Great Hall of the People"
    club = by_mention(find_places("Police guarded the road to the Reina nightclub."), "Reina nightclub")
    assert club["kind"] == "facility"


def test_unit_closing_a_parenthetical_overrides_the_gazetteers_older_unit():
    # GeoNames still files Hammanskraal under North West, the province it left in 2006.
    found = {
        p["name"]: p
        for p in find_places("Residents marched through Hammanskraal (City of Tshwane, Gauteng).")
    }
    assert found["Hammanskraal"]["admin1"] == "Gauteng"
    assert found["Hammanskraal"]["admin1_id"] == found["Gauteng"]["id"]


def test_unit_label_drops_the_generic_word_the_article_writes():
    found = {p["name"]: p for p in find_places("Troops were sent to Myeik in Tanintharyi Region.")}
    assert found["Myeik"]["admin1"] == "Tanintharyi"


def test_unit_label_keeps_the_generic_word_that_tells_two_units_apart():
    (lima,) = find_places("Police in Lima Province detained two men.")
    assert lima["admin1"] == "Lima Province"


def test_other_unit_named_answers_as_a_look_through_every_unit_would():
    from indexer.places import _gazetteer, _other_unit_named

    gazetteer = _gazetteer()
    units = list(gazetteer.admin1.items())
    # Every unit that shares its country and folded name with another, and a spread of the others.
    sample = [unit for code, unit in units if _other_unit_named(unit, fold(gazetteer.places[unit].name))]
    assert sample
    sample += [unit for _, unit in units[::25]]
    for unit in sample:
        prefix = f"{gazetteer.places[unit].country}."
        for key in {fold(gazetteer.places[unit].name), fold(bare_unit_name(gazetteer.places[unit].name))}:
            plain = any(
                other != unit and code.startswith(prefix) and fold(gazetteer.places[other].name) == key
                for code, other in units
            )
            assert _other_unit_named(unit, key) == plain, (unit, key)


def test_a_reading_conflicts_where_a_rival_country_keeps_conflicting_votes():
    # `_readings` tells a conflict by the rivals' count, as the walk over the leaders it replaced did.
    import random

    from indexer.places import CONFLICTING, _rivals

    rng = random.Random(5)
    codes = ["AF", "PK", "IN", "SY", "IQ"]
    for _ in range(5_000):
        votes = [rng.choice([0.0, 0.3, 0.5, 0.6, 0.9, 1.0, 1.5, 2.1]) for _ in range(rng.randint(0, 3))]
        leaders = sorted(zip(votes, rng.sample(codes, len(votes)), strict=True), reverse=True)
        own = {c: rng.choice([0.3, 0.5, 0.6, 1.0]) for v, c in leaders if rng.random() < 0.3}
        country = rng.choice(codes)
        rival_votes = 0.0
        for v, c in leaders:
            if c != country and v - own.get(c, 0.0) > rival_votes:
                rival_votes = v - own.get(c, 0.0)
        rivals = _rivals(leaders, own)
        assert (len(rivals) > (country in rivals)) == (rival_votes >= CONFLICTING), (leaders, own, country)


def test_a_seat_named_like_its_district_is_decided_by_size_not_by_which_districts_are_listed():
    # GeoNames lists a Hyderabad district for Pakistan only; repeating the town's name in the parenthesis
    # says nothing about the country, so the far larger Indian city stays the reading.
    found = find_places("Shops stayed shut in Hyderabad city (Hyderabad) after the strike call.")
    assert {p["country"] for p in found} == {"IN"}


def test_a_lone_smaller_name_after_a_big_city_is_read_as_one_of_its_quarters():
    found = {
        p["name"]: p for p in find_places("Vendors protested in Guatemala City (Bella Vista) on Monday.")
    }
    assert found["Guatemala City"]["country"] == "GT"


def test_a_unit_word_before_a_building_word_still_names_the_unit():
    found = {
        p["name"]: p
        for p in find_places("Gunmen fired at the Zahle Governorate building and Bank Melli Iran.")
    }
    assert found["Zahle"]["country"] == "LB"


def test_a_second_level_word_does_not_take_a_first_level_unit_of_another_spelling():
    (zabol,) = find_places("Truck drivers blocked the main road in Zabol county on Sunday.")
    assert (zabol["country"], zabol["kind"]) == ("IR", "city")


def test_a_bare_name_shared_by_a_unit_and_its_seat_is_the_seat_whatever_the_seats_spelling():
    # GeoNames spells the city Homyel' and the province Gomel.
    (gomel,) = find_places("Students rallied in Gomel on Sunday.")
    assert (gomel["country"], gomel["kind"]) == ("BY", "city")


def test_a_demonym_before_a_unit_word_names_the_unit():
    found = {p["name"]: p for p in find_places("Two herders were killed in Degehabur zone (Somali region).")}
    assert (found["Somali"]["country"], found["Somali"]["kind"]) == ("ET", "admin1")
    assert find_places("Somali troops entered the town on Friday.") == []


def test_a_unit_named_for_its_seat_is_labelled_as_the_article_spells_the_seat():
    (beirut,) = find_places("Protesters gathered in front of the central bank in Beirut.")
    assert (beirut["country"], beirut["admin1"]) == ("LB", "Beirut")


def test_a_bearing_written_after_the_name_is_the_same_unit():
    assert loose(fold("Kasai-Oriental")) == loose(fold("East Kasai"))
    (unit,) = find_places("Teachers went on strike across Kasai-Oriental province.")
    assert (unit["country"], unit["kind"]) == ("CD", "admin1")
    assert unit["canonical_name"] == "East Kasai"


def test_a_name_read_in_one_article_does_not_decide_it_in_the_next():
    """What a spelling can be is worked out once and kept across articles (for speed); the unit word and
    the direction word around it must still decide each article's reading, whatever came before."""
    texts = {
        "Clashes were reported in Idlib on Monday.": "city",
        "Clashes were reported in Idlib province on Monday.": "admin1",
        "Troops moved into northern Idlib.": "admin1",
    }
    for order in (list(texts), list(reversed(texts)), list(texts)):
        for text in order:
            assert [place["kind"] for place in find_places(text)] == [texts[text]], text


def test_a_gazetteer_cache_naming_a_missing_module_is_rebuilt_not_fatal(tmp_path, monkeypatch) -> None:
    """A cache pickled by other code (a renamed module, a tool that imported places under another name)
    must not stop extraction: it is rebuilt and rewritten."""
    import pickle

    from indexer import places

    monkeypatch.setenv("CONFLICTWIRE_CACHE_DIR", str(tmp_path))
    path = places._cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"cno_such_module_for_conflictwire\nGazetteer\n.")  # a pickle of a class that is gone
    rebuilt = {"rebuilt": True}
    monkeypatch.setattr(places, "_build_gazetteer", lambda: rebuilt)
    places._gazetteer.cache_clear()
    try:
        assert places._gazetteer() is rebuilt
    finally:
        places._gazetteer.cache_clear()
    with path.open("rb") as handle:
        assert pickle.load(handle) == rebuilt


def test_named_roads_are_places_of_kind_road_without_coordinates():
    text = (
        "Rebels cut the M5 highway near Saraqib on Monday. Later the M5 motorway reopened, while traffic on "
        "the Damascus-Aleppo highway was diverted to the Aleppo-Damascus road. A bomb went off on Airport Road "
        "in Kabul."
    )
    places = find_places(text)
    m5 = by_mention(places, "M5 highway")
    assert (m5["kind"], m5["lat"], m5["lon"]) == ("road", None, None)
    # One road however its road word is written; its country is that of the town named beside it.
    assert [m["text"] for m in m5["mentions"]] == ["M5 highway", "M5 motorway"]
    assert m5["country"] == "SY" and m5["country_id"] == by_mention(places, "Saraqib")["country_id"]
    # A road between two towns lies in their country, and the towns stay places of their own.
    linked = by_mention(places, "Damascus-Aleppo highway")
    assert (linked["kind"], linked["country"]) == ("road", "SY")
    assert [m["text"] for m in linked["mentions"]] == ["Damascus-Aleppo highway", "Aleppo-Damascus road"]
    assert by_mention(places, "Aleppo")["kind"] == "city"
    airport = by_mention(places, "Airport Road")
    assert (airport["kind"], airport["country"]) == ("road", "AF")


def test_road_words_that_name_no_road_are_not_places():
    text = (
        "The Israeli-Palestinian road map stalled. Protesters blocked the main road and a highway outside "
        "the city. The Belt and Road Initiative was discussed."
    )
    assert [p for p in find_places(text) if p["kind"] == "road"] == []
    # A town's name before a lower-case road word makes a road only where the town is a place in the text.
    found = find_places("Gunmen attacked a bus on the Kandahar road, and the Smith road works were delayed.")
    assert [(p["name"], p["country"]) for p in found if p["kind"] == "road"] == [("Kandahar road", "AF")]


def test_a_town_after_a_preposition_before_said_is_not_read_as_a_speaker():
    # "Haftar said" is a person speaking; in "Residents of Ati said" the town is not who speaks.
    text = (
        "Police detained several protesters at a rally in Ati. Residents of Ati said many families had fled."
    )
    (ati,) = [p for p in find_places(text) if p["name"] == "Ati"]
    assert (ati["country"], len(ati["mentions"])) == ("TD", 2)


def test_a_foreign_first_level_unit_yields_to_a_town_of_the_country_the_text_is_about():
    # Kaya is a town in Burkina Faso, and also (as Kayah) a state of Myanmar, which this text never mentions.
    text = (
        "Soldiers clashed with militants in Kaya on Friday. Travel between towns in the Centre-Nord region "
        "of Burkina Faso has become difficult, and Kaya's market stayed shut."
    )
    kaya = by_mention(find_places(text), "Kaya")
    assert (kaya["kind"], kaya["country"]) == ("city", "BF")
    # Named with its unit word, the state is still read as the state.
    (kayah,) = [
        p
        for p in find_places("Fighting spread across Kayah State in eastern Myanmar.")
        if p["kind"] == "admin1"
    ]
    assert kayah["country"] == "MM"


def test_surnames_of_people_are_not_places():
    # A given name after a quotation closed by a comma is not a sentence opening, so what follows it is a
    # surname; so is a name a title and a given name come before, or one a person's role follows.
    text = (
        '"Nobody feels safe here," Fawzia Safi, a resident of Kabul, said. '
        '"We will stay," Steve Warren told reporters in Baghdad. '
        "Brigadier General Chinedu Yakubu said the roads were open. "
        "Ziad Saleh, a nurse at the main hospital, counted the wounded."
    )
    names = {p["name"] for p in find_places(text)}
    assert {"Kabul", "Baghdad"} <= names
    assert names.isdisjoint({"Safi", "Warren", "Yakubu", "Saleh", "Sale"})


def test_a_town_followed_by_a_description_is_still_a_town():
    text = "Fighters shelled Donetsk, a rebel stronghold, and the crossing at Rafah, an official border post."
    names = {p["name"] for p in find_places(text)}
    assert {"Donetsk", "Rafah"} <= names


def test_a_common_word_before_a_region_word_names_the_region():
    found = find_places(
        "Schools in Cameroon's Centre region stayed shut; Baidoa is the capital of Bay region."
    )
    centre = by_mention(found, "Centre region")
    assert (centre["kind"], centre["country"]) == ("admin1", "CM")
    assert by_mention(found, "Bay region")["country"] == "SO"
    # Not where the word ends a longer name, nor before "state" or "department".
    text = (
        "Islamic State province fighters attacked, the State Department said. The Islamic State claimed it."
    )
    assert find_places(text) == []


def test_settlements_the_gazetteer_does_not_list_are_places_by_name():
    text = (
        "Taliban fighters attacked a checkpoint in Chaharmaghzak village in Sufi Bala district, Samangan. "
        "Elsewhere, suspected militiamen raided the Dogon village of Tieba (Bankass, Mopti)."
    )
    found = find_places(text)
    village = by_mention(found, "Chaharmaghzak")
    assert (village["kind"], village["lat"], village["lon"]) == ("locality", None, None)
    assert (village["country"], village["admin1"]) == ("AF", "Samangan")
    assert village["id"].startswith("unlisted:")
    # "Dogon" describes the village; Tieba is its name.
    assert by_mention(found, "Tieba")["country"] == "ML"
    assert not [p for p in found if p["name"] == "Dogon"]
    # A quarter named before the city it lies in, and nothing made of a settlement word after other words.
    quarter = by_mention(find_places("Security forces fired in the Qaddam district of Damascus."), "Qaddam")
    assert quarter["country"] == "SY"
    assert find_places("Olympic village athletes trained in the hamlet's hall.") == []


def test_named_sites_are_found_in_a_text_that_names_no_town():
    (square,) = find_places("Students tried to force their way into Tahrir Square on Friday.")
    assert (square["name"], square["kind"]) == ("Tahrir Square", "facility")


def test_a_foreign_unit_yields_to_a_region_of_the_same_name():
    text = "Saudi Arabia and the other members of the Gulf Cooperation Council met in Riyadh."
    gulf = by_mention(find_places(text), "Gulf")
    assert (gulf["kind"], gulf["country"]) == ("region", None)
    found = find_places("Troops were sent to Gulf Province in Papua New Guinea.")
    assert by_mention(found, "Gulf Province")["country"] == "PG"


def test_places_in_a_list_share_its_preposition_and_raids_on_a_town_place_it():
    found = find_places("The road linking Taloqan and Khanabad reopened on Monday.")
    assert {(p["name"], p["country"]) for p in found} == {("Taloqan", "AF"), ("Khanabad", "AF")}
    found = find_places("Chadian warplanes carried out air raids on Mongo.")
    assert {(p["name"], p["country"]) for p in found} == {("Mongo", "TD")}


def test_a_common_word_closing_a_parenthesis_after_a_town_is_the_unit_holding_it():
    places = find_places(
        "On 5 May 2020, in San Lorenzo (Central), bus drivers protested at the San Fernando depot."
    )
    assert by_mention(places, "San Lorenzo")["country"] == "PY"
    assert by_mention(places, "Central")["id"] == "admin1:PY.06"
    # no unit called "North" holds any Tripoli: the word stays a word
    places = find_places("On 2 May 2020, protesters gathered in Tripoli (North) to demand aid.")
    assert [p["name"] for p in places] == ["Tripoli"]


def test_a_common_word_before_a_lower_case_settlement_word_is_the_town():
    man = by_mention(find_places("Party members disrupted a meeting in Man town on Wednesday."), "Man town")
    assert (man["country"], man["kind"]) == ("CI", "city")
    assert find_places("Fans of Man City celebrated in the streets.") == []


def test_a_town_a_road_is_named_after_is_a_place():
    places = find_places("Rioters blocked the Halba highway with burning tyres.")
    assert by_mention(places, "Halba")["country"] == "LB"
    assert by_mention(places, "Halba highway")["kind"] == "road"
    places = find_places("Protesters blocked the Aabde-Halba road at an intersection.")
    assert by_mention(places, "Halba")["country"] == "LB"
    assert find_places("Traffic on the Ring road was stopped for an hour.") == []


def test_a_spelling_variant_before_a_front_word_is_the_place():
    idleb = by_mention(find_places("Regime forces captured two rebels on the eastern Idleb front."), "Idleb")
    assert (idleb["country"], idleb["admin1"]) == ("SY", "Idleb")


def test_a_town_whose_name_goes_on_with_a_particle_and_a_name_is_another_place():
    text = (
        "Near Caracuaro de Morelos, Michoacan, police were ambushed in the community of La Presa del Cirian."
    )
    names = [p["name"] for p in find_places(text)]
    assert "Caracuaro de Morelos" in names
    assert "La Presa" not in names


def test_a_city_word_after_a_spelling_variant_holds_against_a_rival_country():
    places = find_places("An IED exploded in the Al-Saba Bahrat area in Idleb city on Saturday.")
    idleb = by_mention(places, "Idleb city")
    assert (idleb["kind"], idleb["country"]) == ("city", "SY")


def test_the_ends_of_a_road_read_in_countries_far_apart_are_both_dropped():
    # the gazetteer has no Lebanese Masnaa, only a Yemeni one: which end is the namesake is unknowable
    places = find_places("Rioters blocked the Rashayya-Masnaa road with dirt mounds.")
    assert [p["kind"] for p in places] == ["road"]
    places = find_places("Troops reopened the Damascus-Aleppo highway.")
    assert {p["name"] for p in places if p["kind"] == "city"} == {"Damascus", "Aleppo"}


def test_a_name_before_a_business_or_currency_word_is_not_a_place():
    places = find_places(
        "Drivers protested at the headquarters of the San Fernando company in San Lorenzo (Central)."
    )
    assert [(p["name"], p["country"]) for p in places] == [("San Lorenzo", "PY"), ("Central", "PY")]
    assert [p["name"] for p in find_places("Depositors queued outside Kabul Bank in Herat.")] == ["Herat"]
    assert [p["name"] for p in find_places("Traders in Beirut protested as the U.S. dollar rose.")] == [
        "Beirut"
    ]
    assert (
        by_mention(find_places("Workers protested in San Fernando, Pampanga."), "San Fernando")["country"]
        == "PH"
    )


def test_two_small_towns_near_each_other_hold_each_other_up_against_a_bigger_namesake_abroad():
    text = "Rioters in Pella set fires overnight, and the coaches carrying migrants were led towards Arnissa."
    pella, arnissa = (by_mention(find_places(text), name) for name in ("Pella", "Arnissa"))
    assert pella["country"] == "GR"  # not the larger Pella in Iowa
    assert km((pella["lat"], pella["lon"]), (arnissa["lat"], arnissa["lon"])) < 60
    assert by_mention(find_places("Tulip growers gathered in Pella on Saturday."), "Pella")["country"] == "US"


def test_common_english_and_note_spellings_of_first_level_units_resolve():
    socotra = by_mention(find_places("A ship arrived in Socotra (Hidaybu, Suqutra)."), "Socotra")
    assert (socotra["kind"], socotra["country"]) == ("admin1", "YE")
    assert by_mention(find_places("Camps were bombed (Hidaybu, Suqutra)."), "Hidaybu")["kind"] == "admin2"
    places = find_places("In Providencia, Metropolitana, workers protested.")
    assert by_mention(places, "Metropolitana")["id"] == "admin1:CL.12"  # Santiago Metropolitan Region
    assert by_mention(places, "Providencia")["country"] == "CL"  # not the Mexican village


def test_names_joined_by_and_are_one_place_where_the_gazetteer_has_them_so():
    sistan = by_mention(
        find_places("Clashes in Sistan and Baluchestan province."), "Sistan and Baluchestan province"
    )
    assert (sistan["kind"], sistan["country"]) == ("admin1", "IR")  # not Pakistan's Balochistan
    kashmir = by_mention(find_places("Protests in Jammu and Kashmir."), "Jammu and Kashmir")
    assert (kashmir["kind"], kashmir["country"]) == ("admin1", "IN")
    assert (
        by_mention(find_places("Flights to Trinidad and Tobago."), "Trinidad and Tobago")["kind"] == "country"
    )
    # two places side by side stay two
    assert [p["name"] for p in find_places("Fighting in Jammu and Srinagar.")] == ["Jammu", "Srinagar"]


def test_a_big_citys_variant_spelling_followed_by_city_is_that_city():
    quamishli = by_mention(find_places("A grenade hit a house in Quamishli city."), "Quamishli city")
    assert (quamishli["country"], quamishli["kind"]) == ("SY", "city")  # Qamishli
    # a loosely similar name before "village", or after "town of", is not stretched to a big city
    for text in (
        "Fighters attacked troops in El Adde village.",
        "Soldiers stopped protesters in the town of Douris.",
    ):
        assert not any(p["kind"] == "city" for p in find_places(text))


def test_romanian_de_sub_names_are_read_whole():
    village = by_mention(
        find_places("Villagers protested in Poienile de sub Munte, Maramures."), "Poienile de sub Munte"
    )
    assert (village["kind"], village["country"]) == ("locality", "RO")


def test_a_weakly_placed_town_vouches_only_for_close_neighbours():
    # Rajwara, read before another name, has namesakes 100 km and more from Handwara: not enough to make it
    # a place
    places = find_places("An explosion hit Rajwara Handwara in Handwara subdistrict (Kupwara district).")
    assert [p["name"] for p in places] == ["Handwara", "Kupwara"]


def test_j_and_k_is_jammu_and_kashmir_and_labelled_so():
    places = find_places("Militants attacked troops in Poonch district, J&K.")
    poonch = by_mention(places, "Poonch district")
    assert (poonch["country"], poonch["admin1"]) == ("IN", "Jammu and Kashmir")  # not Pakistan's Poonch
    assert by_mention(places, "J&K")["id"] == "admin1:IN.12"
    assert [p["name"] for p in find_places("AT&T and H&M shops were looted in Lagos.")] == ["Lagos"]


@pytest.mark.parametrize(
    "text, mention",
    [
        ("A blast hit a base near Damascus' airport on Friday.", "Damascus"),
        ("Police dispersed a march in Buenos Aires' city centre.", "Buenos Aires"),
    ],
)
def test_a_plural_possessive_apostrophe_is_not_part_of_the_name(text, mention):
    """The mention ends where the name does, on every CPython 3.11 (before 3.11.3 a possessive repeat of a
    group in the word pattern kept the apostrophe, and the place was named "Damascus'")."""
    place = by_mention(find_places(text), mention)
    assert place["name"] == mention
    assert text[place["mentions"][0]["start"] : place["mentions"][0]["end"]] == mention


def test_an_initialism_keeps_its_last_full_stop():
    text = (
        "U.S. forces struck a base in Syria. Russia said it could compete with the U.S. "
        "Talks in the U.S. ended. Protesters marched in Bogota D.C. on Monday."
    )
    places = find_places(text)
    united_states = next(p for p in places if p["country"] == "US" and p["kind"] == "country")
    assert [m["text"] for m in united_states["mentions"]] == ["U.S."] * 3
    for mention in united_states["mentions"]:
        assert text[mention["start"] : mention["end"]] == "U.S."
    bogota = next(p for p in places if p["country"] == "CO" and p["kind"] in ("admin1", "city"))
    assert [m["text"] for m in bogota["mentions"]] == ["Bogota D.C."]
    assert bogota["name"] == "Bogota D.C."


def test_initialisms_written_with_full_stops_are_read_as_written_without():
    text = "Officials in the U.S. said so. The D.R.C. army and the U.A.E. met. J.K. Rowling and A.B. Jones spoke."
    found = {p["name"]: [m["text"] for m in p["mentions"]] for p in find_places(text)}
    assert found == {
        "United States": ["U.S."],
        "Democratic Republic of the Congo": ["D.R.C."],
        "United Arab Emirates": ["U.A.E."],
    }, 'and no place named "The D" (Detroit\'s nickname) beside the United States'


@pytest.mark.parametrize(
    "text",
    [
        "The rebels' base near Ma'arat al-Numan fell, officials' said.",
        "Troops entered O'Brien''s town 'Wins' and the leaders’ camp in Qal`at.",
        "A raid on Saraqeb’ and the Maaret‘ road",
        "Forces left Şanlıurfa and Ma'arrat’s outskirts; résidents' homes burned.",
        "He said: 'No.' Then 'yes'",
        "Zero-day ZIP [Aleppo] `Alep` @Idlib_x Éclair",
    ],
)
def test_the_tokeniser_splits_every_text_the_same_way_whatever_its_apostrophes(text):
    """The tokeniser takes a faster split for most texts; its words must be the general pattern's words:
    an apostrophe stays in a word only between two letters. A word is capitalised when its first letter is."""
    from indexer.places import _WORD_SPLIT_RE, _Tokens

    tokens = _Tokens(text)
    expected = _WORD_SPLIT_RE.split(text)[1::2]
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == [
        word[:-2] if word.endswith(("'s", "’s")) and len(word) > 2 else word for word in expected
    ]
    assert list(map(bool, tokens.capitalised)) == [word[0].isupper() for word in expected]


@pytest.mark.parametrize(
    "text",
    [
        "“We will stay,” he said. Troops left Idlib; “No.” Then: Aleppo!",
        'Residents fled,"\n Kabul fell. "Quiet," said Ali, ” and the road',
        "The rebels’ base — near Ma’arat… fell? 2015: Homs",
        '"Kabul." Then U.S. and D.R.C. forces: "Go," Ali said.\n\nHe left. ',
        "...lead... in. the end",
        "One",
        'He said: "No." “Yes.” Then: "Go," she said. "Why?" ” Aleppo. Idlib',
    ],
)
def test_the_tokeniser_tells_sentence_starts_from_the_gaps_between_words(text):
    """The faster split reads sentence breaks from the shape of each gap; a quotation closed by a comma
    ('"...," he said') goes on in the same sentence, whatever the quotation marks."""
    from indexer.places import _WORD_SPLIT_RE, _breaks_sentence, _Tokens

    tokens = _Tokens(text)
    parts = _WORD_SPLIT_RE.split(text)
    assert tokens.sentence_start == [True] + [_breaks_sentence(gap) for gap in parts[2:-1:2]]
    # The words opening a sentence, which the split lists for `in_headline` from the gaps it read.
    openers = tokens._openers
    tokens._openers = None
    tokens.in_headline(0)
    assert openers == tokens._openers == [k for k, opens in enumerate(tokens.sentence_start) if opens]


def test_a_text_with_non_ascii_punctuation_only_is_told_to_have_ascii_letters():
    from indexer.places import _NON_ASCII_LETTER, _ascii_image

    for text in ["“Quoted” — a dash", "Café in Aleppo", "x² and ½", "٣ digits", "日本", "\ud800 lone"]:
        assert (_ascii_image(text) is not None) == (_NON_ASCII_LETTER.search(text) is None)


@pytest.mark.parametrize(
    "text",
    [
        "Hall of Fame",
        "Crowds filled the Great Hall of the People Square on Monday.",
        "The Royal Palace Square and Palace Square, then Tahrir Square",
        "Rose Garden Gardens Hall",
        "They met at the Al-Rasheed Hotel, then the Rasheed hotel and the Reina nightclub.",
        "x-Foo Hall; O'Brien Memorial Hospital\nLake View Dam",
        "Camp",
        " Camp Bastion",
        "The King Fahd University of Petroleum and Minerals Stadium University Park",
        "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa Bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb Tower",
        "One Two Three Four Five Six Hall",
        "Washington DC Cathedral\u00a0Church of St Peter Hall-of-residence and Kabul\tairport",
        "QUEEN ELIZABETH Hospital, McDonald Hall.",
        "She reached Liberation Square",
        "İstanbul Hall and İzmir Palace; the Kabul\u00a0Airport, Bagram Airbase Base",
        "Marib Towers, Rose Gardens\x1cHall\u2009Park’s gate and Park's, the Halls and Hall_1 Dam2",
        "The Ali Camp-David Hospital’ and Ré Hotel? Camp Square\u0301 Park\u00e9",
        "Tower Hall",
    ],
)
def test_facilities_are_read_near_facility_words_exactly_as_over_the_whole_text(text: str) -> None:
    """The pattern runs only in windows around facility words; it must find what a scan of the whole text
    finds, in the same order, including a match that swallows the next facility word."""
    windowed = [(m.span(), m.group()) for m in _facility_matches(text)]
    whole = [(m.span(), m.group()) for m in FACILITY_RE.finditer(text)]
    assert windowed == whole


def test_facility_word_bounds_are_the_patterns_among_ascii_characters() -> None:
    """`_facility_heads` tells white space before a facility word and a word character after it by ASCII bytes,
    and every facility word by its lowered form: they must be what `\\s`, `\\b` and the heads mean."""
    from indexer.places import (
        _BEFORE_FACILITY_WORD,
        _FACILITY_HEADS,
        _FACILITY_LOWER_HEADS,
        _FACILITY_WORDS,
        _WORD_BYTES,
    )

    for c in range(128):
        assert (c in _BEFORE_FACILITY_WORD) == (re.fullmatch(r"\s", chr(c)) is not None or chr(c) == "?")
        assert (c in _WORD_BYTES) == (re.fullmatch(r"\w", chr(c)) is not None)
    heads = f"{_FACILITY_HEADS}|{_FACILITY_LOWER_HEADS}".split("|")
    assert {word.decode() for word in _FACILITY_WORDS} == {head.lower() for head in heads}


@pytest.mark.parametrize(
    "text",
    [
        "The VILLAGE of Teldau, the Town Hall and the Kabul Road",
        "“Quoted” near the Ring Road — in Chaharmaghzak village’s centre",
        "Temperatures of 300 \u212a near the Suburb; ſettlement and DIſTRICT",
        "İstanbul’s Beyoğlu district and the Highway 1 hamlet",
        "ÀÉÎ Neighbourhood, neighborhood and a MOTORWAY",
    ],
)
def test_lowered_image_finds_the_words_where_the_lowered_text_does(text: str) -> None:
    """Roads and unlisted villages find their words in an ASCII image of the lowered text; each word must be
    found at the offsets `str.lower` gives (or, where it changes the text's length, the text as written)."""
    lowered = text.lower() if len(text.lower()) == len(text) else text
    image = _lowered(text)
    assert len(image) == len(text)
    for word in (*_ROAD_WORDS, *_SETTLEMENT_WORDS):
        assert [i for i in range(len(text)) if lowered.startswith(word.decode(), i)] == [
            i for i in range(len(text)) if image.startswith(word, i)
        ], word


def test_mentions_left_unscored_are_ones_accept_refuses_however_supported(monkeypatch):
    """`_resolve_pass` skips scoring a mention `_none_accepted` rules out: `_accept` must then refuse each of
    its places whatever the evidence, here readings with every support the text could give and none."""
    from indexer import places as module

    skipped = []
    original = module._none_accepted

    def recording(mention, indexes, places):
        verdict = original(mention, indexes, places)
        if verdict:
            skipped.append((mention, tuple(indexes)))
        return verdict

    monkeypatch.setattr(module, "_none_accepted", recording)
    for text in [
        "President Jordan met General Chinedu Yakubu in Lagos. Haftar said Kabul was calm.",
        "Residents of Ati said the Paris Club and Jordan Peterson visited Mobile, and Mobile is a word.",
        "Fawzia Safi, a resident of Kabul, said Kandahar Gardens and Colonia Roma were quiet near Mexico City.",
        "The Turkey dollar fell. Ahmed Aleppo told reporters in Idlib that Hama villages were shelled.",
    ]:
        module.find_places(text)
    assert skipped
    places = module._gazetteer().places
    for mention, indexes in skipped:
        for index in indexes:
            for contained in {False, mention.container is not None}:
                for support, conflict, alias, near in [(9.0, False, False, True), (0.0, True, True, False)]:
                    reading = module._Reading(
                        index, 20.0, support, contained, conflict, False, alias, 0.0, near
                    )
                    assert not module._accept(mention, places[index], reading, places)


def test_a_name_no_longer_found_is_a_prefix_of_no_gazetteer_name(monkeypatch):
    """`_name_lookup` answers `_NO_LONGER` for a name of several words only when neither it nor any longer name
    starting with it is found: no beginning of a gazetteer key of several words, in each key space (exact,
    light, loose, demonyms with and without a final s), gets it, and `_scan` finds the same mentions with the
    shortcut as without it. The plain lookup is `_name_lookup` with no word nor pair of words closing a name."""
    from indexer import places as module

    gazetteer = module._gazetteer()
    exact_words = {word for key in gazetteer.exact if " " in key for word in key.split(" ")}
    names = []
    for index in (gazetteer.exact, gazetteer.light, gazetteer.loose):
        # The keys holding a word no exact key of several words holds, and a sample of the others.
        keys = [key for key in index if " " in key]
        names += [key for key in keys if not exact_words.issuperset(key.split(" "))][::7] + keys[::97]
    names += [name for key in gazetteer.demonyms if " " in key for name in (key, f"{key}s")]
    names += [f"al {name}" for name in names[::13]] + [f"{name} al" for name in names[::17]]
    # An article and a word of no longer name: found under the word's light or loose key alone.
    names += [f"al {key}" for key in list(gazetteer.exact)[::61] if " " not in key]
    # Names found under their light or loose key only, by words no key holds side by side ("Hamah Citi").
    several = [key for key in gazetteer.exact if " " in key][::89]
    names += [
        " ".join(f"{word}h" if word[-1] in "aeiou" else word for word in key.split(" ")) for key in several
    ]
    names += [key.replace("i", "y") for key in several]
    closes, closes_pair = module._closes_name, module._closes_pair
    monkeypatch.setattr(module, "_closes_name", lambda word: False)
    monkeypatch.setattr(module, "_closes_pair", lambda first, second: False)
    found = [name for name in names if module._name_lookup(name, True) != (None, (), ())]
    monkeypatch.setattr(module, "_closes_name", closes)
    monkeypatch.setattr(module, "_closes_pair", closes_pair)
    assert len(found) > 20_000
    starts = {" ".join(name.split(" ")[:n]) for name in found for n in range(2, name.count(" ") + 2)}
    assert not [start for start in starts if module._name_lookup(start, True) is module._NO_LONGER]
    # A made-up word closes a name, unless it (or its light or loose form) shares a bit with a word of the
    # gazetteer's names: a few percent of words do, by the process's string hashes, so several are tried.
    made_up = ["zzyzxq", "qvxjzk", "xkcdqz", "jqzvvx", "wxqzjv", "zvqxkj", "kqzxvj", "vjxqzz"]
    assert any(
        module._name_lookup(f"{name} {word}", True) is module._NO_LONGER
        for name in found[:50]
        for word in made_up
    )
    # So do two words of the gazetteer's names that stand side by side in none ("Minister Riyadh").
    words = ["minister", "riyadh", "general", "kabul", "chancellor", "angela", "merkel", "yasin"]
    assert any(
        module._closes_pair(first, second)
        and module._name_lookup(f"{first} {second}", True) is module._NO_LONGER
        for first in words
        for second in words
    )

    texts = [
        "Minister Riyadh Yasin met Chancellor Angela Merkel, Lieutenant General Raid Shakir Jawdat and "
        "Brigadier General Haldun in Jammu and Kashmir (J&K), the D.R.C., the U.A.E. and Kasai Oriental.",
        "Al Nimr Bar, Ar Raqqa Hama Dorf, Deir ez-Zor Juncker Town, North Waziristan Zelenskyy Agency.",
        "Aamaq News Agency said Proactiva Open Arms NGO left Sistan and Baluchestan for Trinidad and Tobago.",
    ]
    texts += [" ".join(f"{word.title()} Zzyzxq" for word in name.split(" ")) + "." for name in found[::500]]
    texts += [f"Zzyzxq {name.title()} and {name.title()} Qwertyx Sea." for name in found[::400]]

    def mentions() -> list[tuple]:
        module._words_lookup.cache_clear()
        module._mention_candidates.cache_clear()
        scanned = []
        for text in texts:
            tokens = module._Tokens(text)
            named, demonyms = module._scan(text, tokens, gazetteer, ())
            scanned.append(([(m.start, m.end, m.surface, m.candidates) for m in named], demonyms))
        return scanned

    with_shortcut = mentions()
    monkeypatch.setattr(module, "_closes_name", lambda word: False)
    monkeypatch.setattr(module, "_closes_pair", lambda first, second: False)
    assert mentions() == with_shortcut
    module._words_lookup.cache_clear()
    module._mention_candidates.cache_clear()


def test_loose_token_skips_only_steps_that_change_nothing():
    """`loose_token` tests for a pair, a "c" or "w" and the ending's last letter before replacing; every
    short word over the letters its steps read, and some longer ones, folds as the steps taken in turn fold it."""
    import itertools
    import random
    import re

    from indexer import places as module

    def plain(token: str) -> str:
        token = token.replace("ou", "u").replace("oo", "u").replace("ee", "i").replace("ph", "f")
        token = token.replace("dj", "j").replace("ck", "k")
        token = re.sub(r"qu(?=[aeio])", "k", token)
        token = re.sub(r"c(?=[aou])|w(?![aeiou])", lambda m: "k" if m.group() == "c" else "u", token)
        token = re.sub(r"(.)\1+", r"\1", token.translate(str.maketrans("qyeo", "kiiu")))
        return re.sub(r"(?<=[aiu])h$|(?<=..)[aiu]h?$", "", token)

    letters = "aeiouhcwqkpdjy"
    words = ["".join(p) for n in range(5) for p in itertools.product(letters, repeat=n)]
    rng = random.Random(7)
    words += ["".join(rng.choice(letters + "bst") for _ in range(rng.randint(5, 12))) for _ in range(20_000)]
    words += ["kaa\n", "sah\n", "ab\n"]
    assert [module.loose_token.__wrapped__(word) for word in words] == [plain(word) for word in words]


def test_a_name_that_lower_cases_to_a_folded_key_folds_to_it():
    """`_prior` takes a place whose name lower-cases to the mention's folded key for one spelled as the mention
    is, without folding the name: that holds only if every such name folds to its lower case. An ASCII one
    does (`fold` lower-cases it, and a folded key holds nothing else `fold` changes); a non-ASCII character
    that lower-cases to ASCII (the Kelvin sign) must fold to its lower case too, alone and in a name, as must
    every non-ASCII gazetteer name that lower-cases to a folded key. Fails if `fold` comes to treat such a
    name otherwise."""
    from indexer import places as module

    odd = [c for c in map(chr, range(0x80, 0x110000)) if c.lower().isascii()]
    assert odd and all(fold(c) == c.lower() for c in odd)
    assert all(fold(f"Ab-{c}e") == f"ab {c.lower()}e" for c in odd)
    for place in module._gazetteer().places:
        lowered = place.name.lower()
        if not place.name.isascii() and fold(lowered) == lowered:  # lower-cased, it is a folded key
            assert fold(place.name) == lowered, place.name
