"""
The audit trail: reads of child-level data, changes by people and by imports, people and their roles,
sign-ins and refusals; the person named for good; the trusted address; nothing changed or removed; search
and export.
"""
import csv
import io

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import PersonCannotBeDeleted, Role
from audit import services as audit
from children.models import Child

from tests.conftest import give_second_factor
from tests.children.conftest import file_set, reference_data, run_files  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(run_files, make_user):
    officer = make_user(Role.OFFICER, username="hanna", first_name="Hanna", last_name="Lindqvist", email="hanna@council.example")
    result = run_files(file_set("valid"), user=officer)
    assert result.status == "succeeded"
    return {"import": result, "officer": officer, "child": Child.objects.get(child_id="C001")}


def entries(event=None, **filters):
    found = LogEntry.objects.filter(**filters)
    if event:
        found = found.filter(additional_data__event=event)
    return found


def signed_in(user):
    client = Client()
    client.force_login(user)
    if user.is_staff:
        give_second_factor(client, user)  # the Django admin asks for it
    return client


def test_an_imports_changes_are_in_the_trail_child_by_child(loaded, run_files):
    officer, child = loaded["officer"], loaded["child"]
    imported = entries("imported", additional_data__import_pk=loaded["import"].pk)
    assert imported.count() == Child.objects.count()
    mine = imported.get(additional_data__child_id="C001")
    assert (mine.object_pk, mine.actor_id) == (str(child.pk), officer.pk)
    assert mine.additional_data["actor_name"] == "Hanna Lindqvist"
    assert mine.additional_data["actor_email"] == "hanna@council.example"

    # The same year again without C003: C003's records for the year are removed, and the trail says so.
    files = dict(file_set("valid"))
    files = [
        (name, b"\n".join(line for line in content.split(b"\n") if not line.startswith(b"C003,")))
        for name, content in files.items()
    ]
    again = run_files(files, user=officer)
    assert again.status == "succeeded", again.errors[:3]
    removed = entries("removed_by_import", additional_data__import_pk=again.pk)
    assert list(removed.values_list("additional_data__child_id", flat=True)) == ["C003"]
    assert removed.get().action == LogEntry.Action.DELETE
    trail = signed_in(officer).get(reverse("children:child_audit", args=[Child.objects.get(child_id="C003").pk]))
    assert "Removed by an import" in trail.content.decode()


def test_every_read_of_child_level_data_is_recorded_with_the_person(loaded, settings):
    officer, child, cohort_import = loaded["officer"], loaded["child"], loaded["import"]
    client = signed_in(officer)
    client.get(reverse("children:child_list"))
    listed = entries("listed", actor=officer)
    assert listed.count() == Child.objects.count() and listed.filter(object_pk=str(child.pk)).exists()
    client.get(reverse("children:child_export"))
    assert entries("exported", actor=officer).count() == Child.objects.count()
    client.get(reverse("children:child_detail", args=[child.pk]))
    assert entries(action=LogEntry.Action.ACCESS, actor=officer, object_pk=str(child.pk)).exclude(
        additional_data__has_key="event"
    ).count() == 1
    upload = cohort_import.files.first()
    b"".join(client.get(reverse("children:import_file", args=[cohort_import.pk, upload.pk])).streaming_content)
    assert entries("downloaded_file", actor=officer).get().object_pk == str(upload.pk)
    client.get(reverse("children:import_detail", args=[cohort_import.pk]) + "?download=problems")
    assert entries("downloaded_problems", actor=officer).get().object_pk == str(cohort_import.pk)
    for entry in LogEntry.objects.filter(actor=officer).exclude(additional_data__event="imported"):
        assert entry.additional_data["actor_name"] == "Hanna Lindqvist", entry.additional_data


def test_child_level_pages_are_never_cached(loaded):
    client = signed_in(loaded["officer"])
    for url in (
        reverse("children:child_list"), reverse("children:child_export"),
        reverse("children:child_detail", args=[loaded["child"].pk]), reverse("audit:trail"),
    ):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_the_address_is_the_visitors_only_through_a_trusted_proxy(loaded, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    officer, child = loaded["officer"], loaded["child"]
    straight = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    straight.force_login(officer)
    straight.get(reverse("children:child_detail", args=[child.pk]))
    proxied = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    proxied.force_login(officer)
    proxied.get(reverse("children:child_detail", args=[child.pk]))
    views = entries(action=LogEntry.Action.ACCESS, object_pk=str(child.pk)).exclude(additional_data__has_key="event")
    assert sorted(views.values_list("remote_addr", flat=True)) == ["198.51.100.7", "203.0.113.5"]


def test_changes_to_people_and_their_roles_are_in_the_trail(make_user):
    admin = make_user(Role.ADMINISTRATOR, username="kwame", first_name="Kwame", last_name="Osei", is_staff=True, is_superuser=True)
    person = make_user(Role.OFFICER, username="rachel")
    client = signed_in(admin)
    person.role = Role.PARTNER
    from auditlog.context import set_actor

    with set_actor(admin):
        person.save()
    change = entries(action=LogEntry.Action.UPDATE, object_pk=str(person.pk), content_type__model="user").get()
    assert change.changes_dict["role"] == ["officer", "partner"]
    assert change.additional_data["actor_name"] == "Kwame Osei"
    client.post(f"/admin/accounts/user/{person.pk}/change/", {})  # a bad form changes nothing and records nothing
    assert entries(action=LogEntry.Action.UPDATE, object_pk=str(person.pk)).count() == 1


def test_sign_ins_failures_and_refusals_are_in_the_trail(client, make_user):
    make_user(Role.COUNCILLOR, username="cllr", first_name="Adaeze", last_name="Okafor")
    client.post(reverse("login"), {"username": "cllr", "password": "wrong"})
    failed = entries("sign_in_failed").get()
    assert failed.additional_data["username_tried"] == "cllr" and failed.remote_addr == "127.0.0.1"
    assert audit.who(failed) == "Someone signing in as 'cllr'"
    client.post(reverse("login"), {"username": "cllr", "password": "a-long-test-password"})
    assert entries("signed_in").get().additional_data["actor_name"] == "Adaeze Okafor"
    assert client.get(reverse("children:child_list")).status_code == 403
    refused = entries("refused").get()
    assert refused.additional_data["path"] == reverse("children:child_list")
    assert refused.additional_data["actor_name"] == "Adaeze Okafor"


def test_a_person_cannot_be_deleted_and_a_deactivated_person_is_still_named(loaded, client_for, make_user):
    officer, child = loaded["officer"], loaded["child"]
    signed_in(officer).get(reverse("children:child_detail", args=[child.pk]))
    with pytest.raises(PersonCannotBeDeleted):
        officer.delete()
    officer.is_active = False
    officer.save()
    page = client_for(Role.OFFICER).get(reverse("children:child_audit", args=[child.pk])).content.decode()
    assert "Hanna Lindqvist (hanna@council.example)" in page
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    assert signed_in(admin).get(f"/admin/accounts/user/{officer.pk}/delete/").status_code == 403


def test_the_trail_names_the_person_as_they_were_not_as_the_account_is_now(loaded, client_for):
    """The name and email are copied into each entry: what the account says later cannot rewrite the trail."""
    officer, child = loaded["officer"], loaded["child"]
    signed_in(officer).get(reverse("children:child_detail", args=[child.pk]))
    officer.first_name, officer.last_name, officer.email = "Someone", "Else", "else@council.example"
    officer.save()
    page = client_for(Role.OFFICER).get(reverse("children:child_audit", args=[child.pk])).content.decode()
    assert "Hanna Lindqvist (hanna@council.example)" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only guard is PostgreSQL's")
def test_postgresql_refuses_to_update_or_delete_an_audit_entry(loaded):
    entry = LogEntry.objects.filter(actor=loaded["officer"]).first()
    for attempt in (
        lambda: LogEntry.objects.filter(pk=entry.pk).update(object_repr="Nothing to see"),
        lambda: LogEntry.objects.filter(pk=entry.pk).delete(),
        lambda: type(loaded["officer"]).objects.filter(pk=loaded["officer"].pk).delete(),  # would null the actor
    ):
        with pytest.raises(DatabaseError, match="Audit entries cannot be changed or removed"), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.object_repr != "Nothing to see"


def test_officers_search_the_trail_by_person_and_by_child_and_export_it(loaded, make_user):
    officer, child = loaded["officer"], loaded["child"]
    other = make_user(Role.OFFICER, username="tunde", first_name="Tunde", last_name="Adeyemi")
    signed_in(officer).get(reverse("children:child_detail", args=[child.pk]))
    signed_in(other).get(reverse("children:child_detail", args=[Child.objects.get(child_id="C002").pk]))
    auditor = make_user(Role.OFFICER, username="auditor")
    reader = signed_in(auditor)
    by_person = reader.get(reverse("audit:trail"), {"person": "lindqvist", "event": ""}).content.decode()
    assert "Hanna Lindqvist" in by_person and "Tunde Adeyemi" not in by_person
    by_child = reader.get(reverse("audit:trail"), {"child": "C002"}).content.decode()
    assert "Child C002" in by_child and "Child C001" not in by_child
    response = reader.get(reverse("audit:export"), {"person": "lindqvist"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows and all("Hanna Lindqvist" in row["who"] for row in rows)
    assert {"Viewed", "Changed by an import"} <= {row["what"] for row in rows}
    assert entries("trail_exported", actor=auditor).exists()


def test_only_officers_read_the_trail(client_for):
    for role in (Role.CLERK, Role.PARTNER, Role.COUNCILLOR, Role.CHIEF_EXECUTIVE, Role.YOUNG_PERSON):
        assert client_for(role).get(reverse("audit:trail")).status_code == 403
