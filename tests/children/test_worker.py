"""The import as production runs it: queued by the upload page, done by a Celery worker."""
import time

import pytest
from django.db import transaction
from django.urls import reverse

from children import services
from children.models import CohortImport, DfeRuleCheck, Episode

from .conftest import YEAR, file_set


@pytest.mark.worker
@pytest.mark.dfe_rules
def test_an_import_runs_on_the_worker_and_reports_progress(celery_worker, client_for):
    services.load_reference_data()
    client = client_for("officer")
    with transaction.atomic():
        cohort_import = services.create_import(
            year=YEAR, files=[services.store_upload_copy(n, c) for n, c in file_set("valid")], user=client.user
        )
        services.queue_import(cohort_import)

    deadline = time.monotonic() + 120  # the DfE's rule engine takes seconds
    while True:
        cohort_import.refresh_from_db()
        progress = client.get(reverse("children:import_progress", args=[cohort_import.pk])).json()
        if cohort_import.finished or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert cohort_import.status == CohortImport.Status.SUCCEEDED, cohort_import.errors
    assert progress["finished"] and progress["percent"] == 100
    assert cohort_import.counts["episodes"] == 4
    assert Episode.objects.filter(cohort_return__year=YEAR).count() == 4
    check = DfeRuleCheck.objects.get(cohort_import=cohort_import)  # the DfE's own rules ran on the worker too
    assert check.status == "ran", check.message
