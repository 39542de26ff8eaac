"""
A 903 import whose worker dies part way (PostgreSQL run): nothing is changed, the periodic job marks the
import failed with a message an officer understands once it has run past its time limit, and "Try again"
runs it with the same files.
"""
import datetime
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from children import services, synthetic
from children.models import Child, CohortImport, CohortReturn
from children.tasks import run_cohort_import
from core.tasks import fail_abandoned_jobs

from tests.workers import wait_until
from .conftest import YEAR


def _cohort_files(children):
    with tempfile.TemporaryDirectory() as folder:
        written = synthetic.write_cohort(folder, children=children, last_year=YEAR, years=1, seed=11)
        return [services.store_upload_copy(Path(path).name, Path(path).read_bytes()) for path in written[YEAR]]


@pytest.mark.worker
def test_an_import_whose_worker_dies_is_marked_failed_and_can_be_tried_again(own_worker, client_for):
    services.load_reference_data()
    officer = client_for("officer")
    cohort_import = services.create_import(year=YEAR, files=_cohort_files(4000), user=officer.user)

    own_worker.start()
    own_worker.send(run_cohort_import, cohort_import.pk)
    running = wait_until(
        lambda: CohortImport.objects.filter(pk=cohort_import.pk, status="running", rows_total__gt=0).first(),
        "the import to be checking rows",
    )
    own_worker.kill()

    cohort_import.refresh_from_db()
    assert cohort_import.status == CohortImport.Status.RUNNING, "the import finished before the worker was killed"
    assert not CohortReturn.objects.filter(year=YEAR).exists() and not Child.objects.exists()  # nothing changed

    # The worker comes back; until the import's hard limit has passed, the periodic job leaves it alone.
    own_worker.start()
    hard_limit = datetime.timedelta(seconds=settings.TASK_TIME_LIMITS["import"][1])
    assert services.fail_abandoned_imports(timezone.now() + datetime.timedelta(seconds=30)) == []
    past_the_limit = running.started_at + hard_limit + datetime.timedelta(minutes=2)
    own_worker.send(fail_abandoned_jobs, now=past_the_limit.isoformat())
    wait_until(lambda: CohortImport.objects.filter(pk=cohort_import.pk, status="failed").exists(), "the mark")

    cohort_import.refresh_from_db()
    assert cohort_import.stage == services.STOPPED
    [problem] = cohort_import.errors
    assert problem["message"].startswith("The import stopped before it finished: the computer running it")
    assert "Press \u201cTry again\u201d to run it again with the same files." in problem["message"]
    page = officer.get(reverse("children:import_detail", args=[cohort_import.pk])).content.decode()
    assert "the import worker" in page and "Try again with the same files" in page

    # "Try again" (the officer's button) runs it again, on whichever worker takes it, and it succeeds.
    response = officer.post(reverse("children:import_retry", args=[cohort_import.pk]))
    assert response.status_code == 302
    wait_until(lambda: CohortImport.objects.filter(pk=cohort_import.pk, status__in=["succeeded", "failed"]).exists(),
               "the import to finish", seconds=180, every=0.5)
    cohort_import.refresh_from_db()
    assert cohort_import.status == CohortImport.Status.SUCCEEDED, cohort_import.errors
    assert Child.objects.count() == cohort_import.counts["header"] > 0
