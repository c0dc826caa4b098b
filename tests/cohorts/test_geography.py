import pytest
from django.conf import settings
from django.utils import translation
from django_countries import countries

from cohorts.geography import (
    REGION_NAMES,
    UNKNOWN,
    continents,
    geography_of,
    known_countries,
    region_name,
    subregions,
)

from ..factories import LibraryFactory


@pytest.mark.parametrize(
    ("code", "subregion", "continent", "global_south"),
    [
        ("FI", "Northern Europe", "Europe", False),
        ("KE", "Eastern Africa", "Africa", True),
        ("BR", "South America", "South America", True),
        ("MX", "Central America", "North America", True),
        ("US", "Northern America", "North America", False),
        ("JP", "Eastern Asia", "Asia", False),
        ("IN", "Southern Asia", "Asia", True),
        ("NZ", "Australia and New Zealand", "Oceania", False),
        ("FJ", "Melanesia", "Oceania", True),
        ("GR", "Southern Europe", "Europe", False),
    ],
)
def test_geography_from_the_data_file(code, subregion, continent, global_south):
    geography = geography_of(code)
    assert (geography.subregion, geography.continent, geography.global_south) == (
        subregion,
        continent,
        global_south,
    )


def test_every_country_people_can_choose_has_a_geography():
    choosable = {code for code, _name in countries}
    # Antarctica and a few uninhabited territories have no M49 sub-region.
    assert len(choosable - known_countries()) <= 6


def test_unknown_code_has_no_geography():
    assert geography_of("ZZ") is UNKNOWN


def test_library_geography_derives_from_its_country(db):
    library = LibraryFactory(country="NG")
    assert library.geography.continent == "Africa"
    assert library.geography.global_south is True


def test_every_region_of_the_file_has_a_name_for_people():
    assert set(continents()) | set(subregions()) == set(REGION_NAMES)


def test_regions_are_named_apart_in_every_language():
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names = {region_name(region) for region in REGION_NAMES}
        # "North America" (the continent) is not "Northern America" (its sub-region), nor
        # "Southern Africa" the country: every name is told apart.
        assert len(names) == len(REGION_NAMES), language
