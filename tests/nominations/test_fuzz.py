"""Random data thrown at the nomination form: never a server error, never a lost draft."""

import uuid

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nominations.forms import TEXT_LIMITS
from nominations.models import Nomination

from ..factories import CallFactory, CohortFactory, LibraryFactory, ThemeFactory, UserFactory

FUZZ = settings(
    deadline=None,
    max_examples=60,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TEXT_FIELDS = [
    "nominator_name",
    "nominator_role",
    "candidate_name",
    "candidate_job_title",
    "candidate_bio",
    "motivation",
    "project_title",
    "project_description",
    "stipend_reason",
]
EMAIL_FIELDS = ["nominator_email", "candidate_email"]
CHOICE_FIELDS = ["project_kind", "travel_support", "stipend_conditional"]
OTHER_FIELDS = [
    "creation_token",
    "library",
    "new_library_name",
    "new_library_city",
    "new_library_country",
    "new_library_population",
    "commits_working_hours",
    "commits_whole_year",
    "commits_language",
]
ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "lots",
    "-1",
    "0",
    "1e9",
    "650000",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "NaN",
    "١٢٣٤٥٦",
    "None",
    "yes",
    "no",
    "on",
    "partly",
    "FI",
    "XX",
    "new_main_library",
    "cagri@library.example",
    "not an email",
    "a@b",
    "x" * 300 + "@example.org",
    str(uuid.uuid4()),
    "'; DROP TABLE nominations_nomination; --",
    "\u202e\u200b\ufeff",
    "👩🏽‍💼" * 10,
]
values = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=30),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300),
    st.integers(min_value=1, max_value=8000).map(lambda n: "é" * n),
    st.integers().map(str),
    st.floats().map(str),
)


def form_data(draw, *, library_pk: int, theme_pks: list[int]) -> dict:
    """A POST with random values in a random subset of the fields; the others are left out,
    or (half the time) filled in as a complete, valid nomination would be."""
    fields = TEXT_FIELDS + EMAIL_FIELDS + CHOICE_FIELDS + OTHER_FIELDS
    data = (
        dict(valid_post(library_pk=library_pk, theme_pks=theme_pks)) if draw(st.booleans()) else {}
    )
    for name in draw(st.lists(st.sampled_from(fields), unique=True)):
        if name == "library":
            data[name] = draw(st.one_of(st.just(str(library_pk)), values))
        else:
            data[name] = draw(values)
    if draw(st.booleans()):
        data["themes"] = draw(
            st.lists(st.one_of(st.sampled_from([str(pk) for pk in theme_pks]), values), max_size=4)
        )
    data[draw(st.sampled_from(["save", "submit"]))] = "1"
    return data


def valid_post(*, library_pk: int, theme_pks: list[int]) -> dict:
    return {
        "library": str(library_pk),
        "nominator_name": "Dana Director",
        "nominator_role": "Library director",
        "nominator_email": "director@library.example",
        "candidate_name": "Çağla Öztürk",
        "candidate_job_title": "Head of branches",
        "candidate_email": "cagri@library.example",
        "candidate_bio": "Runs the branch network.",
        "motivation": "To learn with peers.",
        "project_kind": "branch_development",
        "project_title": "Ten new branches",
        "project_description": "Ten neighbourhood branches by 2027.",
        "themes": [str(pk) for pk in theme_pks],
        "travel_support": "partly",
        "stipend_conditional": "no",
        "commits_working_hours": "on",
        "commits_whole_year": "on",
        "commits_language": "on",
    }


@pytest.fixture
def setting(db):
    cohort = CohortFactory()
    themes = [ThemeFactory(cohort=cohort), ThemeFactory(cohort=cohort)]
    CallFactory(cohort=cohort)
    return cohort, LibraryFactory(), [t.pk for t in themes]


@pytest.fixture
def nominator(client, db):
    user = UserFactory()
    client.force_login(user)
    return user


def snapshot(nomination: Nomination) -> dict:
    nomination.refresh_from_db()
    fields = TEXT_FIELDS + EMAIL_FIELDS + ["project_kind", "travel_support", "stipend_conditional"]
    values = {name: getattr(nomination, name) for name in fields}
    values["library_id"] = nomination.library_id
    values["themes"] = set(nomination.themes.values_list("pk", flat=True))
    values["status"] = nomination.status
    return values


def assert_kept_or_replaced(before: dict, after: dict, posted: dict) -> None:
    """Each field holds its old value, or the new one posted when that one was valid."""
    for name in TEXT_FIELDS + EMAIL_FIELDS:
        sent = posted.get(name)
        if after[name] == before[name]:
            continue
        assert sent is not None, name
        new = sent.strip().lower() if name in EMAIL_FIELDS else sent.strip()
        # A textarea keeps each line break as one LF, as browsers' CR LF and lone CR count once.
        assert after[name] in (new, new.replace("\r\n", "\n").replace("\r", "\n")), name
        assert "\x00" not in sent, name
        if name in TEXT_LIMITS:
            assert len(new) <= TEXT_LIMITS[name], name
    for name in ("project_kind", "travel_support"):
        assert after[name] in (before[name], (posted.get(name) or "").strip()), name


@FUZZ
@given(data=st.data())
def test_nominate_form_never_fails_when_posted_random_data(client, setting, nominator, data):
    cohort, library, theme_pks = setting
    post = form_data(data.draw, library_pk=library.pk, theme_pks=theme_pks)
    response = client.post(reverse("nominations:nominate", args=[cohort.slug]), post)
    assert response.status_code in (200, 302)
    try:
        token = uuid.UUID(post.get("creation_token", ""))
    except ValueError:
        return
    assert Nomination.objects.filter(creation_token=token).count() <= 1


@FUZZ
@given(data=st.data(), submitted=st.booleans())
def test_edit_form_never_loses_draft_when_posted_random_data(
    client, setting, nominator, data, submitted
):
    """A draft keeps each old value unless a valid new one replaced it; a submitted
    nomination changes only as a whole and valid."""
    cohort, library, theme_pks = setting
    nomination = Nomination.objects.create(
        cohort=cohort,
        nominator=nominator,
        library=library,
        nominator_name="Dana Director",
        candidate_name="Kept Candidate",
        candidate_email="kept@library.example",
        motivation="Kept motivation.",
        project_kind="partnerships",
        travel_support="partly",
        status=Nomination.Status.SUBMITTED if submitted else Nomination.Status.DRAFT,
    )
    nomination.themes.set(theme_pks[:1])
    before = snapshot(nomination)
    post = form_data(data.draw, library_pk=library.pk, theme_pks=theme_pks)
    response = client.post(reverse("nominations:edit", args=[nomination.pk]), post)
    assert response.status_code in (200, 302)
    assert Nomination.objects.filter(pk=nomination.pk).exists()
    after = snapshot(nomination)
    assert_kept_or_replaced(before, after, post)
    if after["themes"] != before["themes"]:
        assert after["themes"] <= set(theme_pks)
    if submitted:
        assert after["status"] == Nomination.Status.SUBMITTED
        if response.status_code == 200:
            assert after == before
    else:
        assert after["status"] in (Nomination.Status.DRAFT, Nomination.Status.SUBMITTED)
