"""The facilitator's nomination pipeline: filters, counts, detail, CSV, late admission, the
call editor, and who may see and do what."""

import codecs
import csv
import datetime as dt
import html
import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from cohorts.models import Role
from nominations import submission
from nominations.forms import PipelineFilterForm
from nominations.models import Call, Nomination, ProjectKind
from nominations.pipeline import CSV_HEADER, PipelineFilters, pipeline_nominations, status_counts

from ..factories import (
    CallFactory,
    CohortFactory,
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    ThemeFactory,
    UserFactory,
)

Status = Nomination.Status
UTC = dt.UTC

# Queries per page whatever the number of nominations: user, cohort, roles (the session is
# cached), then for the list the counts by status and one page of rows with the library joined,
# plus how many rows match when a filter other than the status narrows them (the counts by
# status tell otherwise); for the CSV every nomination with library and nominator joined, and
# their themes.
LIST_QUERIES = 4
FILTERED_LIST_QUERIES = 5
CSV_QUERIES = 4


def pipeline_url(cohort):
    url = reverse("nominations:pipeline", kwargs={"cohort_slug": cohort.slug})
    return url


def csv_url(cohort):
    return reverse("nominations:pipeline_csv", kwargs={"cohort_slug": cohort.slug})


def detail_url(nomination):
    return reverse(
        "nominations:pipeline_detail",
        kwargs={"cohort_slug": nomination.cohort.slug, "pk": nomination.pk},
    )


def admit_url(nomination):
    return reverse(
        "nominations:admit_late",
        kwargs={"cohort_slug": nomination.cohort.slug, "pk": nomination.pk},
    )


def call_edit_url(cohort):
    return reverse("nominations:call_edit", kwargs={"cohort_slug": cohort.slug})


def csv_dicts(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- Filters and counts -----------------------------------------------------------------------


@pytest.fixture
def spread(cohort):
    """Five nominations in four statuses, five countries and four kinds of project."""
    submitted = timezone.now() - dt.timedelta(days=2)
    make = NominationFactory
    return {
        "aino": make(
            cohort=cohort,
            candidate_name="Aino Virtanen",
            library=LibraryFactory(name="Oodi", city="Helsinki", country="FI"),
            status=Status.SUBMITTED,
            submitted_at=submitted,
            project_kind=ProjectKind.NEW_MAIN_LIBRARY,
            project_title="A living room for the city",
            stipend_conditional=False,
        ),
        "wanjiru": make(
            cohort=cohort,
            candidate_name="Wanjiru Kamau",
            candidate_email="wanjiru@nairobi.example",
            library=LibraryFactory(name="McMillan Memorial", city="Nairobi", country="KE"),
            status=Status.SUBMITTED,
            submitted_at=submitted,
            project_kind=ProjectKind.BRANCH_DEVELOPMENT,
            project_title="Branches in every ward",
            stipend_conditional=True,
            stipend_reason="No travel budget.",
        ),
        "zoe": make(
            cohort=cohort,
            candidate_name="Zoé Martin",
            nominator_name="Paul Directeur",
            library=LibraryFactory(name="Médiathèque Centrale", city="Lyon", country="FR"),
            status=Status.DRAFT,
            project_kind=ProjectKind.PARTNERSHIPS,
            project_title="Libraries and museums together",
            stipend_conditional=None,
        ),
        "joao": make(
            cohort=cohort,
            candidate_name="João Silva",
            library=LibraryFactory(
                name="Biblioteca Mário de Andrade", city="São Paulo", country="BR"
            ),
            status=Status.UNDER_REVIEW,
            submitted_at=submitted,
            project_kind=ProjectKind.STRATEGIC_DEVELOPMENT,
            project_title="A strategy for 2030",
            stipend_conditional=True,
            stipend_reason="Exchange rates.",
        ),
        "greta": make(
            cohort=cohort,
            candidate_name="Greta Schulz",
            library=LibraryFactory(name="Zentralbibliothek", city="Hamburg", country="DE"),
            status=Status.WITHDRAWN,
            submitted_at=submitted,
            project_kind=ProjectKind.NEW_MAIN_LIBRARY,
            project_title="The harbour library",
            stipend_conditional=False,
        ),
    }


def names_on_page(response, spread) -> set[str]:
    page = response.content.decode()
    return {key for key, nomination in spread.items() if nomination.candidate_name in page}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"aino", "wanjiru", "zoe", "joao", "greta"}),
        ({"status": "submitted"}, {"aino", "wanjiru"}),
        ({"status": "withdrawn"}, {"greta"}),
        ({"country": "KE"}, {"wanjiru"}),
        ({"region": "Western Europe"}, {"zoe", "greta"}),
        ({"region": "Northern Europe"}, {"aino"}),
        ({"region": "Europe"}, {"aino", "zoe", "greta"}),
        ({"region": "South America"}, {"joao"}),
        ({"region": "Africa"}, {"wanjiru"}),
        ({"region": "Oceania"}, set()),
        ({"project_kind": "new_main_library"}, {"aino", "greta"}),
        ({"project_kind": "partnerships"}, {"zoe"}),
        ({"stipend": "yes"}, {"wanjiru", "joao"}),
        ({"stipend": "no"}, {"aino", "zoe", "greta"}),
        ({"q": "virtanen"}, {"aino"}),
        ({"q": "wanjiru@nairobi"}, {"wanjiru"}),
        ({"q": "paul directeur"}, {"zoe"}),
        ({"q": "Mário"}, {"joao"}),
        ({"q": "hamburg"}, {"greta"}),
        ({"q": "harbour"}, {"greta"}),
        ({"q": "library city"}, {"aino"}),
        ({"region": "Europe", "status": "draft"}, {"zoe"}),
        ({"region": "Europe", "stipend": "no", "q": "library"}, {"aino", "zoe", "greta"}),
    ],
)
def test_pipeline_filter_narrows_when_given(client, cohort, facilitator, spread, params, expected):
    client.force_login(facilitator)
    response = client.get(pipeline_url(cohort), params)
    assert response.status_code == 200
    assert names_on_page(response, spread) == expected


def test_pipeline_selector_filters_when_called_directly(cohort, spread):
    found = pipeline_nominations(
        cohort=cohort, filters=PipelineFilters(region="Europe", stipend=False, status="submitted")
    )
    assert [n.candidate_name for n in found] == ["Aino Virtanen"]


def test_pipeline_leaves_out_other_cohorts_when_listing(client, cohort, facilitator, spread):
    NominationFactory(candidate_name="Someone Elsewhere")
    client.force_login(facilitator)
    assert "Someone Elsewhere" not in client.get(pipeline_url(cohort)).content.decode()


def test_status_counts_when_nominations_in_several_statuses(
    cohort, spread, django_assert_num_queries
):
    with django_assert_num_queries(1):
        counts = status_counts(cohort=cohort)
    assert counts == {
        "draft": 1,
        "submitted": 2,
        "under_review": 1,
        "accepted": 0,
        "waitlisted": 0,
        "declined": 0,
        "withdrawn": 1,
    }


def test_pipeline_shows_counts_and_awaiting_confirmation_when_listing(
    client, cohort, facilitator, spread
):
    spread["aino"].candidate_confirmed_at = timezone.now()
    spread["aino"].save()
    client.force_login(facilitator)
    page = html.unescape(client.get(pipeline_url(cohort)).content.decode())
    assert "5 nominations" in page
    assert re.search(r'\?status=submitted">Submitted</a></th><td>2</td>', page)
    # Wanjiru and João have not confirmed; Aino has; Zoé's draft is not waiting for anyone.
    assert page.count("awaiting the candidate's confirmation") == 2


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"country": "XX"},
        {"region": "Atlantis"},
        {"project_kind": "castle"},
        {"stipend": "maybe"},
    ],
)
def test_pipeline_unknown_filter_value_gives_message_when_given(
    client, cohort, facilitator, spread, params
):
    client.force_login(facilitator)
    response = client.get(pipeline_url(cohort), params)
    assert response.status_code == 200
    value = next(iter(params.values()))
    assert f"We do not know “{value}”, so this filter is left out." in response.content.decode()
    assert names_on_page(response, spread) == set(spread)
    assert client.get(csv_url(cohort), params).status_code == 200


def test_pipeline_keeps_valid_filters_when_another_is_unknown(client, cohort, facilitator, spread):
    client.force_login(facilitator)
    response = client.get(pipeline_url(cohort), {"status": "submitted", "region": "Atlantis"})
    assert names_on_page(response, spread) == {"aino", "wanjiru"}


# --- Detail -----------------------------------------------------------------------------------


def test_pipeline_detail_shows_everything_when_facilitator(client, cohort, facilitator, spread):
    nomination = spread["wanjiru"]
    client.force_login(facilitator)
    page = client.get(detail_url(nomination)).content.decode()
    for text in (
        "Wanjiru Kamau",
        "wanjiru@nairobi.example",
        "McMillan Memorial",
        "Nairobi",
        "Kenya",
        "Eastern Africa",
        "Africa",
        "No travel budget.",
        "Branches in every ward",
        nomination.nominator_name,
        nomination.candidate_bio,
        nomination.motivation,
    ):
        assert text in page, text


def test_pipeline_detail_is_404_when_nomination_of_another_cohort(client, cohort, facilitator):
    elsewhere = NominationFactory()
    client.force_login(facilitator)
    url = reverse(
        "nominations:pipeline_detail", kwargs={"cohort_slug": cohort.slug, "pk": elsewhere.pk}
    )
    assert client.get(url).status_code == 404


# --- Permissions ------------------------------------------------------------------------------


@pytest.fixture
def nomination(cohort):
    return NominationFactory(cohort=cohort)


def every_page(cohort, nomination):
    return [
        ("get", pipeline_url(cohort)),
        ("get", detail_url(nomination)),
        ("get", csv_url(cohort)),
        ("post", admit_url(nomination)),
        ("get", call_edit_url(cohort)),
        ("post", call_edit_url(cohort)),
    ]


def test_pipeline_pages_redirect_to_login_when_anonymous(client, cohort, nomination):
    for method, url in every_page(cohort, nomination):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize(
    "who", ["nominator", "participant", "mentor", "advisor_elsewhere", "facilitator_elsewhere"]
)
def test_pipeline_pages_are_forbidden_when_not_facilitator_or_advisor(
    client, cohort, nomination, make_member, who
):
    user = {
        "nominator": lambda: nomination.nominator,
        "participant": lambda: make_member(cohort, Role.PARTICIPANT),
        "mentor": lambda: make_member(cohort, Role.MENTOR),
        "advisor_elsewhere": lambda: make_member(CohortFactory(), Role.ADVISOR),
        "facilitator_elsewhere": lambda: make_member(CohortFactory(), Role.FACILITATOR),
    }[who]()
    client.force_login(user)
    for method, url in every_page(cohort, nomination):
        assert getattr(client, method)(url).status_code == 403, url


def test_pipeline_advisor_reads_but_cannot_manage_when_member(
    client, cohort, nomination, make_member
):
    client.force_login(make_member(cohort, Role.ADVISOR))
    assert client.get(pipeline_url(cohort)).status_code == 200
    assert client.get(detail_url(nomination)).status_code == 200
    assert client.get(csv_url(cohort)).status_code == 200
    assert client.post(admit_url(nomination), {"note": "x"}).status_code == 403
    assert client.get(call_edit_url(cohort)).status_code == 403
    assert client.post(call_edit_url(cohort), {"introduction": "x"}).status_code == 403
    page = client.get(pipeline_url(cohort)).content.decode()
    assert call_edit_url(cohort) not in page


def test_pipeline_facilitator_may_do_everything_when_member(
    client, cohort, nomination, facilitator
):
    client.force_login(facilitator)
    assert client.get(pipeline_url(cohort)).status_code == 200
    assert client.get(detail_url(nomination)).status_code == 200
    assert client.get(csv_url(cohort)).status_code == 200
    assert client.get(call_edit_url(cohort)).status_code == 200
    assert client.post(admit_url(nomination), {"note": ""}).status_code == 302


def test_cohort_page_links_the_pipeline_when_permitted(client, cohort, facilitator, make_member):
    client.force_login(facilitator)
    page = client.get(reverse("circle:detail", args=[cohort.slug])).content.decode()
    assert pipeline_url(cohort) in page
    assert call_edit_url(cohort) in page
    client.force_login(make_member(cohort, Role.ADVISOR))
    page = client.get(reverse("circle:detail", args=[cohort.slug])).content.decode()
    assert pipeline_url(cohort) in page
    assert call_edit_url(cohort) not in page
    client.force_login(make_member(cohort, Role.PARTICIPANT))
    page = client.get(reverse("circle:detail", args=[cohort.slug])).content.decode()
    assert pipeline_url(cohort) not in page


# --- A constant number of queries -------------------------------------------------------------

STATUS_CYCLE = [Status.SUBMITTED, Status.DRAFT, Status.UNDER_REVIEW, Status.WITHDRAWN]


def add_nominations(*, cohort, count, libraries, themes, nominator, late_by):
    """Many nominations at once (bulk inserts), in several statuses, countries and states."""
    now = timezone.now()
    built = []
    for i in range(count):
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        built.append(
            NominationFactory.build(
                cohort=cohort,
                nominator=nominator,
                library=libraries[i % len(libraries)],
                status=status,
                submitted_at=None if status == Status.DRAFT else now,
                candidate_confirmed_at=now if i % 3 == 0 else None,
                late_admitted_by=late_by if i % 5 == 0 else None,
                late_admitted_at=now if i % 5 == 0 else None,
                withdrawn_at=now if status == Status.WITHDRAWN else None,
                stipend_conditional=(None, True, False)[i % 3],
            )
        )
    created = Nomination.objects.bulk_create(built)
    through = Nomination.themes.through
    through.objects.bulk_create(
        [through(nomination_id=n.pk, theme_id=t.pk) for n in created for t in themes]
    )


@pytest.mark.parametrize(
    ("url_of", "queries", "query"),
    [
        (pipeline_url, LIST_QUERIES, ""),
        (pipeline_url, LIST_QUERIES, "?status=submitted&page=2"),
        (
            pipeline_url,
            FILTERED_LIST_QUERIES,
            "?region=Europe&stipend=no&q=library&status=submitted",
        ),
        (pipeline_url, FILTERED_LIST_QUERIES, "?stipend=no&page=3"),
        (csv_url, CSV_QUERIES, ""),
        (csv_url, CSV_QUERIES, "?region=Europe&stipend=no&q=library&status=submitted"),
    ],
)
def test_pipeline_queries_are_the_same_when_5_or_500_nominations(
    client, cohort, facilitator, django_assert_num_queries, url_of, queries, query
):
    libraries = [
        LibraryFactory(country=code) for code in ("FI", "KE", "BR", "FR", "IN", "US", "DE")
    ]
    themes = [ThemeFactory(cohort=cohort) for _ in range(3)]
    nominator = UserFactory()
    make = {
        "cohort": cohort,
        "libraries": libraries,
        "themes": themes,
        "nominator": nominator,
        "late_by": facilitator,
    }
    url = url_of(cohort) + query
    client.force_login(facilitator)

    add_nominations(count=5, **make)
    with django_assert_num_queries(queries):
        small = client.get(url)
    add_nominations(count=495, **make)
    with django_assert_num_queries(queries):
        large = client.get(url)

    assert small.status_code == large.status_code == 200
    if url_of is csv_url and not query:
        assert (len(csv_dicts(small)), len(csv_dicts(large))) == (5, 500)


# --- Pages of the pipeline -------------------------------------------------------------------

PER_PAGE = 50


def add_numbered(*, cohort, count, start=0, **fields):
    """``count`` nominations named "Candidate 000", "Candidate 001", …, in the pipeline's
    order (the lower the number, the later it was submitted)."""
    nominator = UserFactory()
    library = fields.pop("library", None) or LibraryFactory()
    latest = timezone.now() - dt.timedelta(hours=1)
    fields = {"status": Status.SUBMITTED, **fields}
    Nomination.objects.bulk_create(
        NominationFactory.build(
            cohort=cohort,
            nominator=nominator,
            library=library,
            candidate_name=f"Candidate {i:03}",
            submitted_at=latest - dt.timedelta(minutes=i),
            **fields,
        )
        for i in range(start, start + count)
    )


def candidates_on(page: str) -> list[int]:
    return [int(number) for number in re.findall(r">Candidate (\d{3})</a></th>", page)]


def link(page: str, rel: str) -> str:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', page)
    assert found, f"no rel={rel} link"
    return html.unescape(found.group(1))


def test_pipeline_shows_the_first_page_when_no_page_asked(client, cohort, facilitator):
    add_numbered(cohort=cohort, count=120)
    client.force_login(facilitator)
    page = client.get(pipeline_url(cohort)).content.decode()
    assert candidates_on(page) == list(range(50))
    assert "Showing 1–50 of 120" in page
    assert "120 nominations" in page  # the counts cover every nomination, not the page
    assert re.search(r'\?status=submitted">Submitted</a></th><td>120</td>', page)
    assert 'rel="prev"' not in page
    assert link(page, "next") == "?page=2"


def test_pipeline_page_2_shows_the_next_rows_when_asked(client, cohort, facilitator):
    add_numbered(cohort=cohort, count=120)
    client.force_login(facilitator)
    page = client.get(pipeline_url(cohort), {"page": "2"}).content.decode()
    assert candidates_on(page) == list(range(50, 100))
    assert "Showing 51–100 of 120" in page
    assert link(page, "prev") == "?page=1"
    assert link(page, "next") == "?page=3"
    nav = re.search(r'<nav class="pagination" aria-label="[^"]+">(.*?)</nav>', page, re.DOTALL)
    assert nav is not None
    current = re.findall(r'<a href="([^"]*)" aria-current="page">(.*?)</a>', nav.group(1))
    assert current == [("?page=2", '<span class="visually-hidden">Page </span>2')]
    assert '<a href="?page=3"><span class="visually-hidden">Page </span>3</a>' in nav.group(1)

    last = client.get(pipeline_url(cohort), {"page": "3"}).content.decode()
    assert candidates_on(last) == list(range(100, 120))
    assert "Showing 101–120 of 120" in last
    assert 'rel="next"' not in last


def test_pipeline_paging_keeps_the_filters_when_following_the_links(client, cohort, facilitator):
    kenya = LibraryFactory(country="KE")
    add_numbered(cohort=cohort, count=70, library=kenya, stipend_conditional=True)
    add_numbered(cohort=cohort, count=70, start=500, stipend_conditional=False)
    client.force_login(facilitator)

    # As the filter form sends them: every field, most of them empty.
    given = {"q": "", "status": "", "country": "KE", "region": "", "stipend": "yes"}
    page = client.get(pipeline_url(cohort), given).content.decode()
    assert candidates_on(page) == list(range(50))
    assert link(page, "next") == "?country=KE&stipend=yes&page=2"
    assert "Showing 1–50 of 70" in page
    assert "70 nominations match the filters" in page
    assert "140 nominations" in page  # the counts by status are of the whole cohort

    second = client.get(pipeline_url(cohort) + link(page, "next")).content.decode()
    assert candidates_on(second) == list(range(50, 70))
    assert "Showing 51–70 of 70" in second
    back = link(second, "prev")
    assert "country=KE" in back
    assert "stipend=yes" in back
    # Choosing other filters starts again at the first page; the CSV is every match, unpaged.
    assert 'name="page"' not in second
    csv_link = html.unescape(re.search(r'href="([^"]*export\.csv[^"]*)"', second).group(1))
    assert "page=" not in csv_link
    rows = csv_dicts(client.get(csv_link))
    assert len(rows) == 70
    assert {row["library_country_code"] for row in rows} == {"KE"}
    assert len(csv_dicts(client.get(csv_url(cohort), {"country": "KE", "page": "2"}))) == 70


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("", range(50)),
        ("abc", range(50)),
        ("0", range(50)),
        ("-2", range(50)),
        ("1.5", range(50)),
        ("2%00", range(50)),
        ("9" * 5000, range(50)),  # too long for int(): not a number
        ("4", range(100, 120)),
        ("99999999999999999999", range(100, 120)),
    ],
)
def test_pipeline_shows_the_first_or_last_page_when_the_number_is_wrong(
    client, cohort, facilitator, number, shown
):
    add_numbered(cohort=cohort, count=120)
    client.force_login(facilitator)
    response = client.get(pipeline_url(cohort), {"page": number})
    assert response.status_code == 200
    assert candidates_on(response.content.decode()) == list(shown)


def test_pipeline_has_no_pagination_when_one_page_holds_every_row(
    client, cohort, facilitator, spread
):
    client.force_login(facilitator)
    response = client.get(pipeline_url(cohort), {"page": "7"})
    assert names_on_page(response, spread) == set(spread)
    page = response.content.decode()
    assert 'class="pagination"' not in page
    assert "Showing" not in page


def test_pipeline_shows_no_rows_when_nothing_matches_on_a_later_page(
    client, cohort, facilitator, spread
):
    client.force_login(facilitator)
    response = client.get(pipeline_url(cohort), {"region": "Oceania", "page": "3"})
    assert response.status_code == 200
    assert "No nomination matches these filters." in response.content.decode()
    assert names_on_page(response, spread) == set()


def test_pipeline_filter_form_shows_each_requests_values_when_its_markup_is_cached(
    client, cohort, facilitator, spread
):
    client.force_login(facilitator)
    for word in ("alpha", "beta", "alpha"):
        page = client.get(pipeline_url(cohort), {"q": word}).content.decode()
        assert re.search(rf'<input type="text" name="q" value="{word}"', page)
    for _ in range(2):  # no filter given: the form is built only when its markup is not cached
        page = client.get(pipeline_url(cohort)).content.decode()
        assert re.search(r'<input type="text" name="q"(?! value)', page)
        assert '<option value="KE">Kenya</option>' in page
        assert "alpha" not in page
    page = client.get(pipeline_url(cohort), {"status": "bogus"}).content.decode()
    assert "We do not know “bogus”, so this filter is left out." in page


def test_pipeline_row_shows_labels_link_and_local_time_when_listing(
    client, cohort, facilitator, spread
):
    joao = spread["joao"]
    joao.submitted_at = dt.datetime(2025, 3, 1, 14, 30, 5, tzinfo=UTC)
    joao.save()
    facilitator.time_zone = "Asia/Tokyo"
    facilitator.save()
    client.force_login(facilitator)
    page = client.get(pipeline_url(cohort)).content.decode()
    row = re.search(
        rf'<tr><th scope="row"><a href="{detail_url(joao)}">João Silva</a>.*?</tr>', page
    )
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(0))
    assert cells == [
        "Biblioteca Mário de Andrade",
        "São Paulo",
        "Brazil",
        '<span class="status">Under review</span><br><small>awaiting the candidate&#x27;s '
        "confirmation</small>",
        "Strategic development",
        "Yes",
        # 14:30 UTC is 23:30 in Tokyo; the machine-readable time stays the UTC instant.
        '<time datetime="2025-03-01T14:30:05+00:00">March 1, 2025, 11:30 p.m.</time>',
    ]
    assert "your time (Asia/Tokyo)" in page

    # Someone in another zone sees the same instant in theirs, even straight after.
    other = UserFactory(time_zone="America/New_York")
    MembershipFactory(user=other, cohort=cohort, role=Role.FACILITATOR)
    client.force_login(other)
    page = client.get(pipeline_url(cohort)).content.decode()
    assert '<time datetime="2025-03-01T14:30:05+00:00">March 1, 2025, 9:30 a.m.</time>' in page


def test_pipeline_row_shows_dashes_and_notes_when_fields_are_empty(client, cohort, facilitator):
    NominationFactory(
        cohort=cohort,
        candidate_name="",
        library=None,
        project_kind="",
        stipend_conditional=None,
        status=Status.DRAFT,
        late_admitted_at=timezone.now(),
        late_admitted_by=facilitator,
    )
    client.force_login(facilitator)
    page = client.get(pipeline_url(cohort)).content.decode()
    row = re.search(r'<tr><th scope="row"><a href="[^"]+">Untitled nomination</a>.*?</tr>', page)
    assert row is not None
    assert re.findall(r"<td>(.*?)</td>", row.group(0)) == [
        "—",
        "—",
        "—",
        '<span class="status">Draft</span><br><small>let in late</small>',
        "—",
        "—",
        "—",
    ]


def test_pipeline_row_escapes_what_people_typed_when_listing(client, cohort, facilitator):
    NominationFactory(
        cohort=cohort,
        candidate_name='<script>alert("x")</script>',
        library=LibraryFactory(name="R&D <Library>", city="O'Town"),
    )
    client.force_login(facilitator)
    page = client.get(pipeline_url(cohort)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<td>R&amp;D &lt;Library&gt;</td><td>O&#x27;Town</td>" in page


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("confirmed", [True, False])
def test_pipeline_awaiting_note_follows_the_model_when_listing(
    client, cohort, facilitator, status, confirmed
):
    nomination = NominationFactory(
        cohort=cohort,
        status=status,
        candidate_confirmed_at=timezone.now() if confirmed else None,
    )
    client.force_login(facilitator)
    page = html.unescape(client.get(pipeline_url(cohort)).content.decode())
    expected = nomination.awaits_candidate and status != Status.WITHDRAWN
    assert ("awaiting the candidate's confirmation" in page) is expected


# --- CSV --------------------------------------------------------------------------------------


def test_csv_round_trip_keeps_every_field_when_exported(client, cohort, facilitator):
    theme_a = ThemeFactory(cohort=cohort, name="Urban Mobility")
    theme_b = ThemeFactory(cohort=cohort, name="Civic Engagement")
    library = LibraryFactory(
        name="Bibliothèque de Montréal", city="Montréal", country="CA", city_population=1_760_000
    )
    submitted = dt.datetime(2025, 3, 1, 14, 30, 5, tzinfo=UTC)
    tricky = NominationFactory(
        cohort=cohort,
        library=library,
        candidate_name="Zoë Ångström-Nuñez",
        motivation='We said "yes", then\nwe built it, together.',
        project_title='=HYPERLINK("http://evil.example","click")',
        status=Status.SUBMITTED,
        submitted_at=submitted,
        stipend_conditional=True,
        stipend_reason="+1 for the budget",
        themes=[theme_a, theme_b],
    )
    plain = NominationFactory(cohort=cohort, library=None, status=Status.DRAFT)
    NominationFactory()  # another cohort's

    client.force_login(facilitator)
    response = client.get(csv_url(cohort))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(codecs.BOM_UTF8)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert cohort.slug in disposition
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    assert next(reader) == list(CSV_HEADER)
    rows = {row["nomination_id"]: row for row in csv_dicts(response)}
    assert set(rows) == {str(tricky.pk), str(plain.pk)}
    row = rows[str(tricky.pk)]
    assert row["candidate_name"] == "Zoë Ångström-Nuñez"
    assert row["motivation"] == 'We said "yes", then\nwe built it, together.'
    assert row["project_title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["stipend_reason"] == "'+1 for the budget"
    assert row["status"] == "submitted"
    assert row["submitted_at"] == "2025-03-01 14:30:05"  # UTC, a date and time to Excel
    assert row["library_name"] == "Bibliothèque de Montréal"
    assert row["library_city"] == "Montréal"
    assert row["library_country_code"] == "CA"
    assert row["library_country_name"] == "Canada"
    assert row["library_city_population"] == "1760000"
    assert row["library_subregion"] == "Northern America"
    assert row["library_continent"] == "North America"
    assert row["library_global_south"] == "no"
    assert row["themes"] == "Urban Mobility; Civic Engagement"
    assert row["stipend_conditional"] == "yes"
    assert row["commits_whole_year"] == "yes"
    assert row["awaiting_candidate_confirmation"] == "yes"
    assert row["nominator_account_email"] == tricky.nominator.email
    assert rows[str(plain.pk)]["library_name"] == ""
    assert rows[str(plain.pk)]["submitted_at"] == ""


def test_csv_applies_the_filters_when_given(client, cohort, facilitator, spread):
    client.force_login(facilitator)
    rows = csv_dicts(client.get(csv_url(cohort), {"region": "Europe", "stipend": "no"}))
    assert sorted(row["candidate_name"] for row in rows) == [
        "Aino Virtanen",
        "Greta Schulz",
        "Zoé Martin",
    ]


# --- Letting a nomination in late -------------------------------------------------------------


def test_admit_late_records_who_and_when_and_nominator_can_submit_when_after_deadline(
    client, cohort, facilitator
):
    draft = NominationFactory(cohort=cohort, status=Status.DRAFT)
    after = cohort.nominations_deadline + dt.timedelta(days=1, hours=3)
    with time_machine.travel(after, tick=False):
        with pytest.raises(submission.SubmissionRefused):
            submission.submit_nomination(nomination=draft, by=draft.nominator)

        client.force_login(facilitator)
        response = client.post(admit_url(draft), {"note": "They wrote to us on the day."})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.late_admitted_by == facilitator
        assert draft.late_admitted_at == after
        assert draft.late_admission_note == "They wrote to us on the day."

        page = client.get(detail_url(draft)).content.decode()
        assert "is let in: its nominator can now submit it." in page
        assert "They wrote to us on the day." in page
        assert str(facilitator) in page

        submission.submit_nomination(nomination=draft, by=draft.nominator)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.submitted_at == after


def test_admit_late_is_refused_when_before_deadline(client, cohort, facilitator):
    draft = NominationFactory(cohort=cohort, status=Status.DRAFT)
    client.force_login(facilitator)
    response = client.post(admit_url(draft), {"note": "early"}, follow=True)
    assert "The deadline has not passed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.late_admitted_at is None


def test_admit_late_is_refused_when_already_submitted(client, cohort, facilitator):
    done = NominationFactory(
        cohort=cohort, status=Status.SUBMITTED, submitted_at=cohort.nominations_open_at
    )
    with time_machine.travel(cohort.nominations_deadline + dt.timedelta(days=1), tick=False):
        client.force_login(facilitator)
        response = client.post(admit_url(done), {"note": ""}, follow=True)
    assert "Only a draft can be let in late." in response.content.decode()
    done.refresh_from_db()
    assert done.late_admitted_at is None


def test_admit_late_form_is_offered_when_draft_after_deadline(client, cohort, facilitator):
    draft = NominationFactory(cohort=cohort, status=Status.DRAFT)
    client.force_login(facilitator)
    assert admit_url(draft) not in client.get(detail_url(draft)).content.decode()
    with time_machine.travel(cohort.nominations_deadline + dt.timedelta(hours=1), tick=False):
        client.force_login(facilitator)  # a session from three weeks earlier has expired
        assert admit_url(draft) in client.get(detail_url(draft)).content.decode()


# --- The call editor --------------------------------------------------------------------------


def call_post(**overrides):
    data = {
        "introduction": "A year of learning together, for library leaders.",
        "programme": "Monthly sessions and mentoring.",
        "eligibility": "Someone leading an urban transformation project.",
        "requirements": "Two hours a month, all year, in English.",
        "conference": "",
        "stipends": "Up to three travel stipends.",
        "selection": "",
        "timeline": "March: deadline\nApril: results",
        "contact_name": "Ana Facilitator",
        "contact_email": "ana@example.org",
        "min_city_population": "400000",
        "nominations_per_library": "1",
        "working_language": "English",
        "nominations_open_at": "2025-01-15T09:00",
        "nominations_deadline": "2025-03-31T23:59",
        "announcement_date": "2025-04-15",
    }
    data.update(overrides)
    return data


@time_machine.travel(dt.datetime(2024, 12, 1, 12, 0, tzinfo=UTC), tick=False)
def test_call_editor_saves_text_and_local_deadline_when_valid(client, cohort, facilitator):
    assert cohort.time_zone == "America/New_York"
    client.force_login(facilitator)
    response = client.post(call_edit_url(cohort), call_post())
    assert response.status_code == 302
    call = Call.objects.get(cohort=cohort)
    assert call.introduction == "A year of learning together, for library leaders."
    assert call.timeline == "March: deadline\nApril: results"
    assert call.contact_email == "ana@example.org"
    cohort.refresh_from_db()
    # 23:59 on 31 March in New York is daylight time (UTC-4); 9:00 on 15 January is UTC-5.
    assert cohort.nominations_deadline == dt.datetime(2025, 4, 1, 3, 59, tzinfo=UTC)
    assert cohort.nominations_open_at == dt.datetime(2025, 1, 15, 14, 0, tzinfo=UTC)
    assert cohort.announcement_date == dt.date(2025, 4, 15)

    # The editor shows them again as the cohort's local times, not the facilitator's (UTC).
    page = client.get(call_edit_url(cohort)).content.decode()
    assert 'value="2025-03-31T23:59"' in page
    assert "America/New_York" in page
    public = client.get(reverse("nominations:call", args=[cohort.slug])).content.decode()
    assert "A year of learning together, for library leaders." in public


@time_machine.travel(dt.datetime(2024, 12, 1, 12, 0, tzinfo=UTC), tick=False)
def test_call_editor_updates_existing_call_when_saved(client, cohort, facilitator):
    CallFactory(cohort=cohort)
    client.force_login(facilitator)
    client.post(call_edit_url(cohort), call_post(introduction="Rewritten."))
    assert Call.objects.get(cohort=cohort).introduction == "Rewritten."
    assert Call.objects.count() == 1


@time_machine.travel(dt.datetime(2024, 12, 1, 12, 0, tzinfo=UTC), tick=False)
def test_call_editor_refuses_deadline_before_opening_and_keeps_values_when_invalid(
    client, cohort, facilitator
):
    before = (cohort.nominations_open_at, cohort.nominations_deadline)
    client.force_login(facilitator)
    response = client.post(
        call_edit_url(cohort),
        call_post(nominations_deadline="2025-01-10T23:59", introduction="Kept as typed, ünïcode."),
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The message sits in the deadline's own field group, between its label and its input.
    group = re.search(
        r'<label for="id_nominations_deadline".*?<input[^>]*name="nominations_deadline"[^>]*>',
        page,
        re.DOTALL,
    )
    assert group is not None
    assert "The deadline must come after the opening." in group.group(0)
    assert 'value="2025-01-10T23:59"' in group.group(0)
    assert 'value="2025-01-15T09:00"' in page
    assert "Kept as typed, ünïcode." in page
    assert "ana@example.org" in page
    assert not Call.objects.filter(cohort=cohort).exists()
    cohort.refresh_from_db()
    assert (cohort.nominations_open_at, cohort.nominations_deadline) == before


@time_machine.travel(dt.datetime(2024, 12, 1, 12, 0, tzinfo=UTC), tick=False)
def test_call_editor_refuses_time_skipped_by_clock_change_when_given(client, cohort, facilitator):
    client.force_login(facilitator)
    # New York clocks jump from 2:00 to 3:00 on 9 March 2025: 2:30 never happens.
    response = client.post(call_edit_url(cohort), call_post(nominations_open_at="2025-03-09T02:30"))
    assert response.status_code == 200
    assert "America/New_York" in response.content.decode()
    assert not Call.objects.filter(cohort=cohort).exists()


def test_pipeline_region_filter_shows_names_in_the_language_and_keeps_the_key():
    with translation.override("fr"):
        _any, *groups = PipelineFilterForm().fields["region"].choices
        offered = {value: str(label) for _group, options in groups for value, label in options}
    assert offered["Europe"] == "Europe"
    assert offered["Africa"] == "Afrique"
    assert offered["Northern Europe"] == "Europe du Nord"
    assert offered["Northern America"] == "Amérique septentrionale"
