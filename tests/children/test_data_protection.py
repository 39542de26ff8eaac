"""
Data protection duties: children in none of the returns of the last CHILD_RECORD_RETENTION_YEARS are removed
each night with everything held about them (recorded in the audit trail by counts only), and an officer exports
everything held about one child, with its audit trail, for a subject access request (itself recorded).
"""
import csv
import datetime
import io
import zipfile

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.models import Role
from children import tasks
from children.models import Child, CohortReturn, Episode, Review
from core.collection_year import CollectionYear

pytestmark = pytest.mark.django_db


def episode(child, year, started):
    return Episode.objects.create(
        cohort_return=year, child=child, start_date=started, reason_new_episode="S", legal_status="C2",
        category_of_need="N1", placement_type="U1",
    )


@pytest.fixture
def returns(settings):
    """Three children: one only in a return that ended before the retention period, two in one within it."""
    settings.CHILD_RECORD_RETENTION_YEARS = 7
    today = timezone.localdate()
    # The latest year whose return ended more than seven years ago, and last year's.
    old_year = next(y for y in range(today.year, 2000, -1) if CollectionYear(y).ends_on < today.replace(year=today.year - 7))
    old, recent = CohortReturn.objects.create(year=old_year), CohortReturn.objects.create(year=today.year - 1)
    gone = Child.objects.create(child_id="GONE01", sex="F", date_of_birth=datetime.date(old_year - 17, 5, 1), ethnicity="WBRI")
    stays = Child.objects.create(child_id="STAYS1", sex="M", date_of_birth=datetime.date(old_year - 10, 2, 3), ethnicity="WBRI")
    other = Child.objects.create(child_id="OTHER1", sex="M", date_of_birth=datetime.date(today.year - 12, 2, 3), ethnicity="WBRI")
    episode(gone, old, CollectionYear(old_year).starts_on)
    Review.objects.create(cohort_return=old, child=gone, review_date=CollectionYear(old_year).starts_on + datetime.timedelta(days=30))
    episode(stays, old, CollectionYear(old_year).starts_on + datetime.timedelta(days=3))
    episode(stays, recent, CollectionYear(today.year - 1).starts_on + datetime.timedelta(days=3))
    episode(other, recent, CollectionYear(today.year - 1).starts_on + datetime.timedelta(days=9))
    return {"gone": gone, "stays": stays, "other": other}


def test_the_nightly_job_removes_children_past_the_retention_period_and_records_counts_only(returns):
    assert PeriodicTask.objects.get(task="children.remove_children_past_retention").enabled
    before = LogEntry.objects.count()
    assert tasks.remove_children_past_retention.delay().get() == 1  # run as beat runs it (eagerly here)

    assert sorted(Child.objects.values_list("child_id", flat=True)) == ["OTHER1", "STAYS1"]
    assert not Episode.objects.filter(child_id=returns["gone"].pk).exists()
    assert Episode.objects.filter(child=returns["stays"]).count() == 2  # every year of a child who stays
    new = LogEntry.objects.order_by("pk")[before:]
    assert [entry.additional_data["event"] for entry in new] == ["retention_removed"]
    entry = new[0]
    assert entry.additional_data["children_removed"] == 1 and entry.additional_data["retention_years"] == 7
    assert entry.additional_data["rows_removed"]["children.Episode"] == 1
    assert entry.additional_data["rows_removed"]["children.Review"] == 1
    assert "GONE01" not in str(entry.additional_data) + entry.object_repr

    tasks.remove_children_past_retention.delay()  # the next night: nothing more to remove, and it says so
    assert LogEntry.objects.filter(additional_data__event="retention_removed").latest("pk").additional_data["children_removed"] == 0
    assert Child.objects.count() == 2


def test_an_officer_exports_everything_held_about_one_child_with_its_audit_trail(returns, officer_client, client_for):
    child = returns["stays"]
    officer_client.get(reverse("children:child_detail", args=[child.pk]))  # a view, in the trail
    page = officer_client.get(reverse("children:child_detail", args=[child.pk])).content.decode()
    url = reverse("children:subject_access", args=[child.pk])
    assert url in page
    response = officer_client.get(url)
    assert response["Content-Type"] == "application/zip" and response["Cache-Control"].startswith("private")
    archive = zipfile.ZipFile(io.BytesIO(response.content))

    def rows(name):
        return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode())))

    assert [row["child_id"] for row in rows("child")] == ["STAYS1"]
    episodes = rows("children_episode")
    assert sorted(row["start_date"] for row in episodes) == sorted(str(e.start_date) for e in Episode.objects.filter(child=child))
    assert len(episodes) == 2  # both years
    assert "OTHER1" not in str(archive.read("child.csv")) and all("OTHER1" not in str(archive.read(n)) for n in archive.namelist())
    trail = rows("audit_trail")
    assert [row["what"] for row in trail].count("Viewed") == 2
    exported = LogEntry.objects.get(additional_data__event="subject_access_export")
    assert exported.object_pk == str(child.pk) and exported.additional_data["tables"]["children_episode"] == 2
    assert client_for(Role.COUNCILLOR).get(url).status_code == 403
