"""The selection's diversity: the counts against every nomination, each warning, the SVG charts
and their tables, who may see the page, and a constant number of queries."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Role
from metlib.charts import Chart, Limit, Row, Series
from nominations import diversity
from nominations.diversity import Tally, diversity_of, shares_side_by_side
from nominations.diversity_charts import diversity_charts
from nominations.models import Decision, Nomination, ProjectKind

from ..factories import (
    CohortFactory,
    CriterionFactory,
    LibraryFactory,
    NominationFactory,
    SelectionFactory,
    ThemeFactory,
    UserFactory,
)
from .scored import add_scored_nominations

Status = Nomination.Status
Outcome = Decision.Outcome
SVG = "{http://www.w3.org/2000/svg}"


def diversity_url(cohort):
    return reverse("nominations:diversity", kwargs={"cohort_slug": cohort.slug})


@pytest.fixture
def nominate(cohort, facilitator):
    """nominate("ES", outcome=…) → a nomination under review from that country, decided if
    an outcome is given."""

    def make(
        country,
        *,
        outcome=None,
        kind=ProjectKind.NEW_MAIN_LIBRARY,
        stipend=False,
        awarded=False,
        published=False,
        status=Status.UNDER_REVIEW,
        themes=None,
    ):
        nomination = NominationFactory(
            cohort=cohort,
            status=status,
            library=LibraryFactory(country=country),
            project_kind=kind,
            stipend_conditional=stipend,
            themes=themes,
        )
        if outcome:
            Decision.objects.create(
                nomination=nomination,
                outcome=outcome,
                stipend_awarded=awarded,
                decided_by=facilitator,
                decided_at=timezone.now(),
                published_at=timezone.now() if published else None,
            )
        return nomination

    return make


@pytest.fixture
def themes(cohort):
    return [
        ThemeFactory(cohort=cohort, name=name)
        for name in ("Urban Mobility", "Civic Engagement", "Public Safety")
    ]


@pytest.fixture
def spread(nominate, themes):
    """Seven nominations in the running (four selected) and two that are not."""
    mobility, civic, _safety = themes
    nominate("ES", outcome=Outcome.ACCEPTED, themes=[mobility, civic])
    nominate("ES", outcome=Outcome.ACCEPTED, published=True, kind=ProjectKind.PARTNERSHIPS)
    nominate("ES", outcome=Outcome.ACCEPTED, kind=ProjectKind.PARTNERSHIPS, themes=[mobility])
    nominate("FR", outcome=Outcome.WAITLISTED, kind=ProjectKind.BRANCH_DEVELOPMENT)
    nominate("KE", outcome=Outcome.ACCEPTED, stipend=True, awarded=True, themes=[civic])
    nominate("KE", outcome=Outcome.DECLINED, stipend=True, published=True, themes=[civic])
    nominate("BR", stipend=True, themes=[mobility])
    nominate("JP", status=Status.DRAFT)
    nominate("IN", outcome=Outcome.ACCEPTED, status=Status.WITHDRAWN)


def counted(tallies):
    return [(t.label, t.nominated, t.selected) for t in tallies]


def kinds(diversity):
    return [warning.kind for warning in diversity.warnings]


# --- The counts ---------------------------------------------------------------------------------


def test_diversity_counts_every_nomination_against_the_selection_when_decided(cohort, spread):
    seen = diversity_of(cohort=cohort)
    assert (seen.nominated, seen.selected) == (7, 4)
    assert counted(seen.by_country) == [
        ("Spain", 3, 3),
        ("Kenya", 2, 1),
        ("Brazil", 1, 0),
        ("France", 1, 0),
    ]
    assert counted(seen.by_subregion) == [
        ("Southern Europe", 3, 3),
        ("Eastern Africa", 2, 1),
        ("South America", 1, 0),
        ("Western Europe", 1, 0),
    ]
    assert counted(seen.by_continent) == [
        ("Europe", 4, 3),
        ("Africa", 2, 1),
        ("South America", 1, 0),
    ]
    assert counted(seen.by_project_kind) == [
        ("New main library", 4, 2),
        ("Partnerships", 2, 2),
        ("Branch development", 1, 0),
    ]
    assert counted(seen.by_theme) == [
        ("Civic Engagement", 5, 3),  # the factory gives the first two themes by default
        ("Urban Mobility", 5, 3),
        ("Public Safety", 0, 0),  # a theme nobody chose is still listed
    ]
    assert (seen.global_south.nominated, seen.global_south.selected) == (3, 1)
    assert seen.global_south_share_nominated == pytest.approx(3 / 7)
    assert seen.global_south_share_selected == pytest.approx(1 / 4)
    assert (seen.stipends_requested, seen.stipends_requested_selected) == (3, 1)
    assert (seen.stipends_awarded, seen.stipend_budget) == (1, 3)
    assert (seen.capacity_min, seen.capacity_max, seen.max_per_country) == (15, 20, 2)


def test_diversity_counts_submitted_until_review_opens_when_not_opened(cohort, nominate):
    nominate("FI", status=Status.SUBMITTED)
    assert diversity_of(cohort=cohort).nominated == 1
    SelectionFactory(cohort=cohort, review_opened_at=timezone.now())
    assert diversity_of(cohort=cohort).nominated == 0


def test_diversity_shares_are_empty_when_nobody_nominated_or_selected(cohort):
    seen = diversity_of(cohort=cohort)
    assert (seen.nominated, seen.selected) == (0, 0)
    assert seen.global_south_share_nominated is None
    assert seen.global_south_share_selected is None


# --- The warnings -------------------------------------------------------------------------------


def test_diversity_warns_of_a_country_over_the_limit_when_too_many_selected(cohort, spread):
    warnings = diversity_of(cohort=cohort).warnings
    assert [w.message for w in warnings if w.kind == diversity.COUNTRY] == [
        "3 selected from Spain; at most 2 per country"
    ]
    SelectionFactory(cohort=cohort, max_per_country=3)
    assert diversity.COUNTRY not in kinds(diversity_of(cohort=cohort))


def test_diversity_warns_of_a_continent_with_nominees_and_none_selected_when_missing(
    cohort, spread
):
    warnings = diversity_of(cohort=cohort).warnings
    assert [w.message for w in warnings if w.kind == diversity.CONTINENT] == [
        "South America has 1 nominee and none selected"
    ]


def test_diversity_does_not_warn_of_continents_when_not_asked_or_nobody_selected(cohort, nominate):
    nominate("KE")
    nominate("BR")
    assert diversity.CONTINENT not in kinds(diversity_of(cohort=cohort))  # nobody selected
    nominate("ES", outcome=Outcome.ACCEPTED)
    assert diversity.CONTINENT in kinds(diversity_of(cohort=cohort))
    SelectionFactory(cohort=cohort, represent_every_continent=False)
    assert diversity.CONTINENT not in kinds(diversity_of(cohort=cohort))


def test_diversity_warns_when_over_capacity(cohort, nominate):
    cohort.capacity_min, cohort.capacity_max = 1, 2
    cohort.save()
    for country in ("ES", "FR", "FI"):
        nominate(country, outcome=Outcome.ACCEPTED)
    messages = [w.message for w in diversity_of(cohort=cohort).warnings]
    assert "3 selected; the cohort takes at most 2" in messages
    assert diversity.UNDER_CAPACITY not in kinds(diversity_of(cohort=cohort))


def test_diversity_warns_when_under_the_minimum(cohort, nominate):
    nominate("ES", outcome=Outcome.ACCEPTED)
    nominate("FR", outcome=Outcome.WAITLISTED)
    messages = [w.message for w in diversity_of(cohort=cohort).warnings]
    assert "1 selected; the cohort needs at least 15" in messages


def test_diversity_warns_when_stipends_over_budget(cohort, nominate):
    cohort.stipends_available = 1
    cohort.save()
    nominate("KE", outcome=Outcome.ACCEPTED, stipend=True, awarded=True)
    nominate("BR", outcome=Outcome.ACCEPTED, stipend=True, awarded=True)
    messages = [w.message for w in diversity_of(cohort=cohort).warnings]
    assert "2 travel stipends awarded; the budget allows 1" in messages


def test_diversity_warns_when_selected_needs_a_stipend_not_awarded(cohort, nominate):
    nominate("KE", outcome=Outcome.ACCEPTED, stipend=True)
    nominate("BR", outcome=Outcome.ACCEPTED, stipend=True, awarded=True)
    messages = [w.message for w in diversity_of(cohort=cohort).warnings]
    assert (
        "1 selected nominee can take part only with a travel stipend not awarded to them"
        in messages
    )
    assert diversity.STIPENDS_OVER_BUDGET not in kinds(diversity_of(cohort=cohort))


def test_diversity_warns_when_a_stipend_breaks_the_calls_stipend_rule(cohort, nominate):
    nominate("RS", outcome=Outcome.ACCEPTED, stipend=True, awarded=True)  # Serbia
    nominate("MX", outcome=Outcome.ACCEPTED, stipend=True, awarded=True)
    nominate("MX", outcome=Outcome.WAITLISTED, stipend=True)

    found = diversity_of(cohort=cohort)

    messages = [w.message for w in found.warnings]
    assert "1 travel stipend goes to a nominee the call's stipend rule does not give one" in (
        messages
    )
    # Side by side: 2 of 3 nominations from the Global South, 1 of the 2 selected.
    assert (found.global_south.nominated, found.global_south.selected) == (2, 1)


def test_diversity_warns_when_too_few_kinds_of_project_selected(cohort, nominate):
    SelectionFactory(cohort=cohort, min_project_kinds=3)
    nominate("ES", outcome=Outcome.ACCEPTED)
    nominate("FR", kind=ProjectKind.PARTNERSHIPS)
    # Only two kinds were nominated, so two are all that can be asked for.
    messages = [w.message for w in diversity_of(cohort=cohort).warnings]
    assert "1 kind of project selected; at least 2 wanted" in messages


def test_diversity_has_no_warnings_when_the_selection_keeps_every_rule(cohort, nominate):
    cohort.capacity_min, cohort.capacity_max, cohort.stipends_available = 2, 3, 1
    cohort.save()
    SelectionFactory(cohort=cohort, min_project_kinds=2)
    nominate("ES", outcome=Outcome.ACCEPTED, kind=ProjectKind.PARTNERSHIPS)
    nominate("ES", outcome=Outcome.ACCEPTED)
    nominate("KE", outcome=Outcome.ACCEPTED, stipend=True, awarded=True)
    nominate("FR", outcome=Outcome.DECLINED)
    assert diversity_of(cohort=cohort).warnings == ()


# --- The charts ---------------------------------------------------------------------------------


def parsed(svg):
    """The chart as XML: parsing fails on any markup that is not well-formed."""
    return ET.fromstring(str(svg))  # noqa: S314 - markup this project just made


def texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def test_charts_are_well_formed_svg_with_the_numbers_when_drawn(cohort, spread):
    charts = {
        chart.chart_id: chart for chart in diversity_charts(diversity=diversity_of(cohort=cohort))
    }
    assert set(charts) == {
        "chart-country",
        "chart-subregion",
        "chart-continent",
        "chart-global-south",
        "chart-project-kind",
        "chart-theme",
        "chart-stipends",
        "chart-size",
    }
    for chart in charts.values():
        root = parsed(chart.svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        assert root.find(f"{SVG}title").get("id") == title_id
        assert root.find(f"{SVG}desc").get("id") == desc_id
        assert root.find(f"{SVG}title").text == chart.title
        assert all(element.get("style") is None for element in root.iter())
        assert root.find(f".//{SVG}style") is None
    country = parsed(charts["chart-country"].svg)
    shown = texts(country)
    for expected in ("Spain", "3 nominated", "3 selected", "Kenya", "2 nominated", "1 selected"):
        assert expected in shown
    # The two series differ by pattern, not only by colour, and the description says which.
    assert country.find(f".//{SVG}pattern") is not None
    assert "Hatched bars: All nominations; solid bars: Selected." in country.find(f"{SVG}desc").text
    stipends = texts(parsed(charts["chart-stipends"].svg))
    assert "Budget: 3" in stipends
    size = texts(parsed(charts["chart-size"].svg))
    assert {"Minimum: 15", "Maximum: 20", "4"} <= set(size)


def test_chart_escapes_text_when_labels_carry_markup(cohort):
    chart = Chart(
        chart_id="chart-test",
        title='Themes <b> & "quotes"',
        description="x < y",
        label_heading="Theme",
        series=(Series(name="All & <every>", value_format="%(value)d nominated"),),
        rows=(Row(label="Arts & <Culture> 'old'", values=(2,)),),
        limits=(Limit(label="Cap <max>", value=4),),
    )
    root = parsed(chart.svg)
    assert root.find(f"{SVG}title").text == 'Themes <b> & "quotes"'
    assert "Arts & <Culture> 'old'" in texts(root)
    assert "Cap <max>: 4" in texts(root)
    assert "<b>" not in str(chart.svg)


def test_chart_refuses_rows_that_do_not_match_the_series_when_built():
    with pytest.raises(ValueError, match="one value per series"):
        Chart(
            chart_id="chart-bad",
            title="t",
            description="",
            label_heading="h",
            series=(Series(name="a", value_format="%(value)d"),),
            rows=(Row(label="r", values=(1, 2)),),
        )


def test_global_south_chart_adds_up_to_every_nomination_when_drawn(cohort, spread):
    seen = diversity_of(cohort=cohort)
    chart = next(c for c in diversity_charts(diversity=seen) if c.chart_id == "chart-global-south")
    assert chart.rows == (
        Row(label="Global South", values=(3, 1)),
        Row(label="Elsewhere", values=(4, 3)),
    )
    assert isinstance(seen.global_south, Tally)


# --- The page -----------------------------------------------------------------------------------


def test_diversity_page_shows_charts_tables_and_warnings_when_facilitator(
    client, cohort, facilitator, spread
):
    client.force_login(facilitator)
    response = client.get(diversity_url(cohort))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1>") == 1
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) == 8
    for svg in svgs:
        parsed(svg)  # what the page sends is well-formed too
    assert page.count('<table class="chart-data">') == 8
    assert "<caption>By country: the numbers</caption>" in page
    assert '<th scope="col">Country</th>' in page
    assert re.search(
        r'<th scope="row">Spain</th><td class="num">3</td><td class="num">3</td>', page
    )
    assert re.search(r'<th scope="row">Budget</th><td class="num" colspan="1">3</td>', page)
    assert "3 selected from Spain; at most 2 per country" in page
    assert "South America has 1 nominee and none selected" in page
    assert "43% of nominations" in page
    assert "25% of the selection" in page
    assert "style=" not in page.split("<main", 1)[1]


def test_shares_of_nominations_and_selection_sit_side_by_side_when_decided(
    client, cohort, facilitator, spread
):
    shares = shares_side_by_side(diversity=diversity_of(cohort=cohort))

    assert [
        (s.label, s.nominated, s.nominated_percent, s.selected, s.selected_percent) for s in shares
    ] == [
        ("Global South", 3, 43, 1, 25),
        ("Elsewhere", 4, 57, 3, 75),
        ("Europe", 4, 57, 3, 75),
        ("Africa", 2, 29, 1, 25),
        ("South America", 1, 14, 0, 0),
    ]
    client.force_login(facilitator)
    page = client.get(diversity_url(cohort)).content.decode()
    assert "Nominations and selection side by side" in page
    assert page.count('<details class="chart-details">') == 8  # folded until opened


def test_diversity_page_says_so_when_nothing_to_count(client, cohort, facilitator):
    client.force_login(facilitator)
    page = client.get(diversity_url(cohort)).content.decode()
    assert "Nothing to count yet." in page
    assert "0 selected; the cohort needs at least 15" in page


def test_diversity_redirects_to_login_when_anonymous(client, cohort):
    response = client.get(diversity_url(cohort))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "who", ["nominator", "participant", "advisor", "advisor_elsewhere", "facilitator_elsewhere"]
)
def test_diversity_is_forbidden_when_not_deciding_the_selection(
    client, cohort, nominate, make_member, who
):
    nomination = nominate("ES", outcome=Outcome.ACCEPTED)
    user = {
        "nominator": lambda: nomination.nominator,
        "participant": lambda: make_member(cohort, Role.PARTICIPANT),
        "advisor": lambda: make_member(cohort, Role.ADVISOR),
        "advisor_elsewhere": lambda: make_member(CohortFactory(), Role.ADVISOR),
        "facilitator_elsewhere": lambda: make_member(CohortFactory(), Role.FACILITATOR),
    }[who]()
    client.force_login(user)
    assert client.get(diversity_url(cohort)).status_code == 403


def test_cohort_page_links_diversity_when_deciding(client, cohort, facilitator, make_member):
    detail = reverse("circle:detail", args=[cohort.slug])
    client.force_login(facilitator)
    assert diversity_url(cohort) in client.get(detail).content.decode()
    client.force_login(make_member(cohort, Role.ADVISOR))
    assert diversity_url(cohort) not in client.get(detail).content.decode()


# --- A constant number of queries ---------------------------------------------------------------

# The user (the session is cached), the cohort with the roles; the selection settings, the
# nominations (library and decision joined), the cohort's themes, the nominations' themes.
DIVERSITY_QUERIES = 6


def test_diversity_queries_are_the_same_when_20_or_500_nominations(
    client, cohort, facilitator, django_assert_num_queries
):
    SelectionFactory(cohort=cohort)
    make = {
        "cohort": cohort,
        "libraries": [
            LibraryFactory(country=code) for code in ("FI", "KE", "BR", "ES", "IN", "US", "MX")
        ],
        "themes": [ThemeFactory(cohort=cohort) for _ in range(4)],
        "advisors": [UserFactory() for _ in range(2)],
        "criteria": [CriterionFactory(cohort=cohort) for _ in range(2)],
        "nominator": UserFactory(),
        "decided_by": facilitator,
    }
    client.force_login(facilitator)

    add_scored_nominations(count=20, **make)
    with django_assert_num_queries(DIVERSITY_QUERIES):
        small = client.get(diversity_url(cohort))
    add_scored_nominations(count=480, **make)
    with django_assert_num_queries(DIVERSITY_QUERIES):
        large = client.get(diversity_url(cohort))

    assert small.status_code == large.status_code == 200
    assert small.context["diversity"].nominated == 10
    assert large.context["diversity"].nominated == 250
    assert large.context["diversity"].selected == sum(
        t.selected for t in large.context["diversity"].by_country
    )
