"""A cohort's slug is part of its pages' addresses, so it cannot be a word another page under
/cohorts/ already uses (that cohort's page could never be reached)."""

import pytest
from django.core.exceptions import ValidationError

from circle import urls as circle_urls
from cohorts import urls as cohorts_urls
from cohorts.models import RESERVED_COHORT_SLUGS, Cohort

from ..factories import CohortFactory, ProgrammeFactory


def test_the_reserved_slugs_are_the_words_of_the_cohorts_pages():
    patterns = [*cohorts_urls.urlpatterns, *circle_urls.urlpatterns]  # both live under /cohorts/
    words = {str(pattern.pattern).split("/")[0] for pattern in patterns}
    assert {word for word in words if word and "<" not in word} == RESERVED_COHORT_SLUGS


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(RESERVED_COHORT_SLUGS))
def test_a_cohort_cannot_take_a_page_s_word(slug):
    cohort = CohortFactory.build(slug=slug, programme=ProgrammeFactory())
    with pytest.raises(ValidationError) as refused:
        cohort.full_clean()
    assert refused.value.message_dict["slug"] == [
        f"“{slug}” is the address of another page: choose another slug."
    ]


def test_an_ordinary_slug_is_accepted():
    assert Cohort._meta.get_field("slug").clean("metlib-2031", None) == "metlib-2031"
