"""The roster and attendance CSV exports: content read back with the csv module, Excel's BOM,
formula injection made inert, constant queries. (Rights: tests/cohorts/test_dashboard.py.)"""

import csv
import io

import pytest
import time_machine
from django.urls import reverse

from cohorts.models import Membership, Role
from tests.cohorts.test_dashboard import NOW, build_year

pytestmark = pytest.mark.django_db


def fetch(client, cohort, name):
    response = client.get(reverse(name, kwargs={"cohort_slug": cohort.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{cohort.slug}-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@time_machine.travel(NOW, tick=False)
def test_roster_csv_lists_everyone_with_place_and_project(client):
    year = build_year(nominations=3, participants=4)
    client.force_login(year.facilitator)
    rows = fetch(client, year.cohort, "circle:roster_csv")
    assert rows[0] == [
        "name",
        "email",
        "role",
        "library",
        "city",
        "country",
        "continent",
        "project_kind",
        "project_title",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert [row[2] for row in rows[1:5]] == ["participant"] * 4  # participants first
    first = by_name["Participant 000"]
    assert first[1] == year.participants[0].email
    assert first[5:7] == ["Finland", "Europe"]
    assert first[7:] == ["new_main_library", "Project of participant 0"]
    second = by_name["Participant 001"]  # enrolled without a linked nomination
    assert second[5:] == ["Brazil", "South America", "", ""]
    assert by_name["Fay Facilitator"][2] == "facilitator"
    assert by_name["Mo Mentor"][2] == "mentor"
    assert len(rows) == 1 + 4 + 3  # the facilitator, the advisor and the mentor


@time_machine.travel(NOW, tick=False)
def test_roster_csv_neutralises_formulas(client):
    year = build_year(nominations=1, participants=1)
    person = year.participants[0]
    person.display_name = '=HYPERLINK("http://evil.example")'
    person.save(update_fields=["display_name"])
    library = Membership.objects.get(user=person, cohort=year.cohort).library
    library.name = "@SUM(A1)"
    library.save(update_fields=["name"])
    client.force_login(year.facilitator)
    rows = fetch(client, year.cohort, "circle:roster_csv")
    row = next(r for r in rows if r[1] == person.email)
    assert row[0] == '\'=HYPERLINK("http://evil.example")'
    assert row[3] == "'@SUM(A1)"


@time_machine.travel(NOW, tick=False)
def test_attendance_csv_has_a_column_per_event_and_totals(client):
    year = build_year(nominations=1, participants=4)
    client.force_login(year.facilitator)
    rows = fetch(client, year.cohort, "circle:attendance_csv")
    header = rows[0]
    assert header[:2] == ["name", "email"]
    assert header[2] == "2025-01-14 Session 1/14"
    assert "Cancelled session" not in ",".join(header)
    assert header[-5:] == ["present", "excused", "absent", "not_recorded", "present_share"]
    events = header[2:-5]
    assert len(events) == 8  # three past monthly, the past mentoring, four to come
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    ana = by_name["Participant 000"]  # in the group
    assert ana["2025-02-20 Group A mentoring"] == "present"
    assert (ana["present"], ana["absent"], ana["not_recorded"], ana["present_share"]) == (
        "4",
        "0",
        "0",
        "100%",
    )
    dan = by_name["Participant 003"]  # not in the group: its sessions do not concern him
    assert dan["2025-02-20 Group A mentoring"] == "n/a"
    assert (dan["present"], dan["absent"], dan["present_share"]) == ("0", "3", "0%")
    assert dan["2025-03-05 Session 3/5"] == ""  # still to come, not counted
    totals = by_name["total present"]
    assert totals["2025-01-14 Session 1/14"] == "2"
    assert totals["2025-02-20 Group A mentoring"] == "2"


@time_machine.travel(NOW, tick=False)
def test_exports_queries_constant(client, django_assert_num_queries):
    small = build_year(nominations=5, participants=3)
    client.force_login(small.facilitator)
    counts = {}
    for name in ("circle:roster_csv", "circle:attendance_csv"):
        target = reverse(name, kwargs={"cohort_slug": small.cohort.slug})
        with django_assert_num_queries(4 if name == "circle:roster_csv" else 6) as captured:
            client.get(target)
        counts[name] = len(captured.captured_queries)
    large = build_year(nominations=60, participants=30)
    client.force_login(large.facilitator)
    for name, count in counts.items():
        with django_assert_num_queries(count):
            rows = fetch(client, large.cohort, name)
        assert sum(1 for row in rows if row[0].startswith("Participant")) == 30


def test_exports_refused_to_a_participant(client, cohort, make_member):
    client.force_login(make_member(cohort, Role.PARTICIPANT))
    for name in ("circle:roster_csv", "circle:attendance_csv"):
        assert client.get(reverse(name, kwargs={"cohort_slug": cohort.slug})).status_code == 403
