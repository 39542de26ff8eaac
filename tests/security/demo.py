"""
The demo council for request-level tests (the permission matrix and the bad-input tests): loaded once per
test module inside a transaction that is rolled back at the module's end, with its files in a folder of the
module's own. Import the fixtures into a test module to use them.
"""
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from accounts.models import Role, User

ANONYMOUS = "anonymous"
# One demo person of each role (accounts/demo.py).
DEMO_PERSON = {
    Role.CHIEF_EXECUTIVE: "chief.executive",
    Role.COUNCILLOR: "cllr.okafor",
    Role.OFFICER: "officer.lindqvist",
    Role.YOUNG_PERSON: "ycc.rep",
    Role.CLERK: "clerk",
    Role.PARTNER: "partner.nhs",
    Role.ADMINISTRATOR: "admin.osei",
}
PROJECT_APPS = ("accounts", "children", "indicators", "boards", "reports")


def one(model_path, **filters):
    """The first object of a model in the demo data (``"boards.Meeting"``)."""
    found = apps.get_model(model_path).objects.filter(**filters).order_by("pk").first()
    assert found is not None, f"The demo council has no {model_path} matching {filters}; the test needs one."
    return found


def _file_storage(location):
    return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(location)}}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-private-files")


# What a test module that uses ``demo_council`` needs of the demo's reports, as ``DEMO_REPORTS`` in the module:
# "all" (the default) builds the demo's board pack and annual report; "one board pack" builds a pack only (for
# tests that need a ready report to download); "none" builds no PDF. Each build takes seconds of WeasyPrint.
DEMO_REPORT_CHOICES = ("all", "one board pack", "none")


@pytest.fixture(scope="module")
def demo_council(request, django_db_setup, django_db_blocker, demo_files):
    """The synthetic council, plus a built board pack (unless the module asks for none) and a report schedule."""
    reports = getattr(request.module, "DEMO_REPORTS", "all")
    assert reports in DEMO_REPORT_CHOICES, f"DEMO_REPORTS is one of {DEMO_REPORT_CHOICES}, not {reports!r}"
    overrides = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={**settings.STORAGES, "default": _file_storage(demo_files)},
        # The DfE's rule engine, which the tests switch off test by test (tests/conftest.py), is still on while a
        # module's fixture runs: without this the demo's six imports waited about 50 s for it in every module.
        # The demo's returns pass the DfE's rules (tests/children/test_synthetic_returns.py).
        DFE_RULES_PYTHON="",
    )
    with django_db_blocker.unblock(), overrides:
        with transaction.atomic():
            call_command("load_demo", stdout=io.StringIO(), without_report_builds=reports != "all")
            if reports != "none":
                _add_a_built_board_pack_and_a_schedule()
            _add_a_document_to_an_approved_evaluation()
            yield
            transaction.set_rollback(True)


def _add_a_built_board_pack_and_a_schedule():
    from boards.models import Meeting, MeetingStatus
    from reports import services as report_services
    from reports.models import Report, ReportSchedule, ReportStatus, ReportType

    if not Report.objects.filter(status=ReportStatus.READY).exists():
        # The last meeting held, as the demo's own pack (reports/demo.py): its public pack is on the public site.
        meeting = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("starts_at").last()
        report = report_services.request_report(ReportType.BOARD_PACK, meeting=meeting).report
        report_services.build_report(report.pk)  # here, not by the worker: this data is never committed
    if not ReportSchedule.objects.exists():
        ReportSchedule.objects.create(kind=ReportType.BOARD_PACK, days_before_meeting=7)


def _add_a_document_to_an_approved_evaluation():
    from indicators.models import EvidenceItem

    if not EvidenceItem.objects.filter(evaluation__status="approved").exclude(file="").exists():
        item = EvidenceItem(evaluation=one("indicators.Evaluation", status="approved"), title="Case file audit")
        item.file.save("case-file-audit.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))


@pytest.fixture(autouse=True)
def _demo_file_storage(settings, demo_files):
    settings.STORAGES = {**settings.STORAGES, "default": _file_storage(demo_files)}


@pytest.fixture
def clients(demo_council, db):
    """
    A test client for anonymous and for a demo person of each role, each signed in with a second factor (as
    officers and administrators must be where TWO_FACTOR_REQUIRED, and anyone for the Django admin).
    """
    from tests.conftest import give_second_factor

    signed_in = {ANONYMOUS: Client()}
    for role, username in DEMO_PERSON.items():
        client = Client()
        client.user = User.objects.get(username=username)
        client.force_login(client.user)
        give_second_factor(client, client.user)
        signed_in[role] = client
    return signed_in


def database_state(exclude=()):
    """Every row of the project's own tables (sign-in times aside), to show a request changed nothing."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in PROJECT_APPS or model._meta.proxy or label in exclude:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        state[label] = list(model.objects.order_by("pk").values_list(*fields))
    return state


def stored_files(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
