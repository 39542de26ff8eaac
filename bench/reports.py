"""
Benchmark the annual corporate parenting report on a 5,000-child cohort: the whole build (gathering the
measures, grades, pledge and meetings, rendering the templates, WeasyPrint, storing the PDF) against
WeasyPrint alone laying out the same HTML saved as a static file. Goal: under 1.5x.

    .venv/bin/python bench/reports.py                     # a throwaway SQLite file in the temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpb_bench .venv/bin/python bench/reports.py

The cohort, people, board, self-evaluation, comparators and targets are built exactly as for the dashboards
benchmark (``bench/dashboards.py``: synthetic 903 returns through the real import). A database that already
holds them is reused (``--rebuild`` starts again). It writes to whatever database it is given: use a scratch
one. Built PDFs go to a temporary folder unless PRIVATE_MEDIA_ROOT is set.
"""
import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corporate_parenting.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(24).hex())  # production settings need a key


def _cohort_builder():
    """The dashboards benchmark's cohort builder, so both benchmarks measure the same council."""
    spec = importlib.util.spec_from_file_location("bench_dashboards", BENCH / "dashboards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=5000, help="Children in the last year's return.")
    parser.add_argument("--years", type=int, default=3, help="Collection years (returns) to import.")
    parser.add_argument("--year", type=int, default=2025, help="The last collection year (the report's year).")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3, help="Timed builds of each kind (after one warm-up).")
    parser.add_argument("--rebuild", action="store_true", help="Delete everything and build the cohort again.")
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'cpb_bench_reports.sqlite3'}"
    scratch = tempfile.TemporaryDirectory()
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", scratch.name)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from weasyprint import CSS, HTML

    from accounts.models import User
    from children.models import CohortReturn, Episode
    from reports import services
    from reports.models import ReportType

    database = settings.DATABASES["default"]
    print(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME')}")
    call_command("migrate", verbosity=0)
    if options.rebuild:
        call_command("flush", interactive=False, verbosity=0)
    if not User.objects.filter(username="chief.executive").exists():
        _cohort_builder()(options.children, options.years, options.year, options.seed)
    latest = CohortReturn.objects.order_by("-year").first()
    print(
        f"Cohort: {CohortReturn.objects.count()} returns; {latest.label} holds "
        f"{Episode.objects.filter(cohort_return=latest).values('child').distinct().count():,} children and "
        f"{Episode.objects.filter(cohort_return=latest).count():,} episodes"
    )
    year = options.year

    def full_build():
        report = services.request_report(ReportType.ANNUAL_REPORT, year=year, queue=False)
        started = time.perf_counter()
        report = services.build_report(report.pk, notify=False)
        return time.perf_counter() - started, report

    _elapsed, report = full_build()  # warm-up: imports, fonts, template loading
    html_path = Path(scratch.name) / "annual-report.html"
    html_path.write_text(services.render_html(report), encoding="utf-8")
    stylesheet = CSS(filename=str(services.PDF_STYLESHEET))

    def weasyprint_alone():
        started = time.perf_counter()
        HTML(filename=str(html_path), base_url=str(settings.BASE_DIR)).write_pdf(
            Path(scratch.name) / "static.pdf", stylesheets=[stylesheet], pdf_variant=services.PDF_VARIANT
        )
        return time.perf_counter() - started

    weasyprint_alone()  # warm-up
    ours, theirs, gathering = [], [], []
    for _ in range(options.runs):  # interleaved, so background load affects both alike
        elapsed, report = full_build()
        ours.append(elapsed)
        theirs.append(weasyprint_alone())
        started = time.perf_counter()
        services.render_html(report)
        gathering.append(time.perf_counter() - started)
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    ratio = ours_median / theirs_median
    static_pages = len(HTML(filename=str(html_path)).render(stylesheets=[stylesheet]).pages)
    print(f"\nAnnual report {report.year - 1} to {report.year}: {report.page_count} pages, {report.size_bytes / 1024:.0f} KB,"
          f" HTML {html_path.stat().st_size / 1024:.0f} KB ({static_pages} pages from the static file)")
    print(f"{'Build (data, templates, WeasyPrint, storage)':<48}{ours_median:>8.2f} s  (runs: {', '.join(f'{t:.2f}' for t in ours)})")
    print(f"{'  of which data and templates (render_html)':<48}{statistics.median(gathering):>8.2f} s")
    print(f"{'WeasyPrint alone on the saved HTML':<48}{theirs_median:>8.2f} s  (runs: {', '.join(f'{t:.2f}' for t in theirs)})")
    print(f"\nGoal (build under 1.5x WeasyPrint alone): {'met' if ratio < 1.5 else 'NOT met'} ({ratio:.2f}x)")
    scratch.cleanup()
    return 0 if ratio < 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
