"""Region, continent and Global South status of a country, read from a shipped data file.

The file ``cohorts/data/countries.csv`` names its sources (UN M49 sub-regions, UNCTAD's
classification of economies) and its date. Nothing here is typed by hand.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "countries.csv"


@dataclass(frozen=True)
class Geography:
    subregion: str
    continent: str
    global_south: bool


UNKNOWN = Geography(subregion="", continent="", global_south=False)


@cache
def _table() -> dict[str, Geography]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {
            row["iso2"]: Geography(
                subregion=row["subregion"],
                continent=row["continent"],
                global_south=row["global_south"] == "yes",
            )
            for row in rows
        }


def geography_of(country_code: str) -> Geography:
    """Where a country (ISO 3166-1 alpha-2) lies; UNKNOWN for a code the file does not hold."""
    return _table().get(str(country_code).upper(), UNKNOWN)


def known_countries() -> frozenset[str]:
    return frozenset(_table())


def continents() -> tuple[str, ...]:
    return tuple(sorted({g.continent for g in _table().values()}))


def subregions() -> tuple[str, ...]:
    return tuple(sorted({g.subregion for g in _table().values()}))


def countries_in(region: str) -> frozenset[str]:
    """The country codes of a UN M49 sub-region or of a continent (either name works)."""
    return frozenset(code for code, g in _table().items() if region in (g.subregion, g.continent))
