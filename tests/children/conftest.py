"""Fixtures for cohort tests: reference data, real-shaped 903 files and a small synthetic cohort."""
from pathlib import Path

import pytest

from children import services
from children import synthetic

DATA = Path(__file__).parent / "data"
YEAR = 2025


@pytest.fixture
def reference_data(db):
    services.load_reference_data()


def file_set(folder, **replacements):
    """The CSV files in ``folder`` as (name, bytes); ``replacements`` swap a table's text (None drops it)."""
    files = {path.name: path.read_bytes() for path in sorted((DATA / folder).glob("*.csv"))}
    for table, text in replacements.items():
        name = f"{table}.csv"
        if text is None:
            files.pop(name, None)
        else:
            files[name] = text.encode()
    return list(files.items())


@pytest.fixture
def run_files(reference_data, officer):
    """Import (name, bytes) files for a year now, through the same service the task uses."""

    def run(files, year=YEAR, user=officer):
        cohort_import = services.create_import(
            year=year, files=[services.store_upload_copy(name, content) for name, content in files], user=user
        )
        return services.run_import(cohort_import.pk)

    return run


@pytest.fixture
def cohort(reference_data):
    """A small synthetic cohort: two returns (2023-24 and 2024-25) through the real import."""
    return synthetic.build_cohort(children=180, years=2, seed=7, last_year=YEAR)
