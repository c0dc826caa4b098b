"""Region, continent and Global South status of a country, read from a shipped data file.

The file ``cohorts/data/countries.csv`` names its sources (UN M49 sub-regions, UNCTAD's
classification of economies) and its date. Nothing here is typed by hand.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

DATA_FILE = Path(__file__).parent / "data" / "countries.csv"


# The names as people read them, in their language. The file's English names stay the keys
# (filters in addresses, grouping); pages, charts and exports show these.
REGION_NAMES = {
    "Africa": _("Africa"),
    "Asia": _("Asia"),
    "Europe": _("Europe"),
    "North America": _("North America"),
    "Oceania": _("Oceania"),
    "South America": _("South America"),
    "Australia and New Zealand": _("Australia and New Zealand"),
    "Caribbean": _("Caribbean"),
    "Central America": _("Central America"),
    "Central Asia": _("Central Asia"),
    "Eastern Africa": _("Eastern Africa"),
    "Eastern Asia": _("Eastern Asia"),
    "Eastern Europe": _("Eastern Europe"),
    "Melanesia": _("Melanesia"),
    "Micronesia": _("Micronesia"),
    "Middle Africa": _("Middle Africa"),
    "Northern Africa": _("Northern Africa"),
    "Northern America": _("Northern America"),
    "Northern Europe": _("Northern Europe"),
    "Polynesia": _("Polynesia"),
    "South-eastern Asia": _("South-eastern Asia"),
    "Southern Africa": _("Southern Africa"),
    "Southern Asia": _("Southern Asia"),
    "Southern Europe": _("Southern Europe"),
    "Western Africa": _("Western Africa"),
    "Western Asia": _("Western Asia"),
    "Western Europe": _("Western Europe"),
}


def region_name(name: str) -> str:
    """A continent or sub-region as the file names it, in the active language."""
    return str(REGION_NAMES.get(name, name))


@dataclass(frozen=True)
class Geography:
    subregion: str
    continent: str
    global_south: bool

    @property
    def subregion_name(self) -> str:
        return region_name(self.subregion)

    @property
    def continent_name(self) -> str:
        return region_name(self.continent)


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
