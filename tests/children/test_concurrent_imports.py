"""Two imports of different years at once both finish (the second waits for the first's save): never a raw
database error. The two returns share most of their children, whom neither has saved yet."""
import threading

import pytest
from django.db import connection, connections

from children import services, synthetic
from children.models import Child, CohortImport, CohortReturn

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's concurrency (the .ci/run PostgreSQL run)"),
]


def test_two_years_imported_at_once_both_finish(tmp_path, officer):
    services.load_reference_data()
    written = synthetic.write_cohort(tmp_path, children=300, last_year=2025, years=2, seed=11)
    imports = [
        services.create_import(
            year=year, files=[services.store_upload_copy(path.name, path.read_bytes()) for path in paths], user=officer,
        )
        for year, paths in written.items()
    ]
    start, checked = threading.Barrier(len(imports)), threading.Barrier(len(imports), timeout=60)

    def both_checked(done, total):
        if done == total:  # every row checked: both go on to save at the same moment
            checked.wait()

    def run(cohort_import):
        try:
            start.wait()
            services.run_import(cohort_import.pk, progress=both_checked)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(cohort_import,)) for cohort_import in imports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    finished = {i.year: (i.status, i.errors) for i in CohortImport.objects.all()}
    assert finished == {2024: ("succeeded", []), 2025: ("succeeded", [])}
    headers = [
        {line.split(",")[0] for line in next(p for p in paths if p.name == "header.csv").read_text().splitlines()[1:]}
        for paths in written.values()
    ]
    assert len(headers[0] & headers[1]) > 50  # the race: both would add these children
    in_headers = headers[0] | headers[1]
    assert set(Child.objects.values_list("child_id", flat=True)) == in_headers
    assert set(CohortReturn.objects.values_list("year", flat=True)) == {2024, 2025}
