"""
Demo cohort for Wyvern County Council: code lists and six years of synthetic 903
returns, written as CSV files and loaded through the same import officers use.
"""
import tempfile

from core import collection_year

from . import services
from . import synthetic

DEMO_LIVES = 900  # invented children entering care over 14 years; about 600 appear in the six returns


def load(context):
    services.load_reference_data()
    last_year = collection_year.latest_finished(context["today"])
    clerk = context.get("people", {}).get("officer.adeyemi")
    with tempfile.TemporaryDirectory() as folder:
        written = synthetic.write_cohort(folder, children=DEMO_LIVES, last_year=last_year, years=6, seed=2025)
        for year, paths in written.items():
            result = services.import_files(year=year, paths=paths, user=clerk)
            if result.status != result.Status.SUCCEEDED:
                raise RuntimeError(f"The demo {year} return did not import: {result.errors[:5]}")
            if "stdout" in context:
                context["stdout"].write(f"  903 return {result.year_label}: {result.counts}")
    context["cohort_years"] = sorted(written)
