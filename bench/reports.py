"""
Benchmark the reports on a 5,000-child cohort, each with the measures' cache cold (emptied first, so the figures
are computed from the database) and warm:

- the annual corporate parenting report: the whole build (gathering the measures, grades, pledge and meetings,
  rendering the templates, WeasyPrint, storing the PDF) against WeasyPrint alone laying out the same HTML saved
  as a static file;
- a board pack of about 60 pages with five PDF papers merged into it: the whole build (the pack's data as at its
  date, the measures the agenda names, templates, WeasyPrint, the pypdf merge, for both the members' and the
  public pack, storing both) against WeasyPrint alone on the same two HTML files plus the merge alone.

Goal: each build within 1.3x of its baseline with the cache cold (the issue's anchor; before this bench timed
warm builds only, and the annual report on 80,000 children took 2.1x WeasyPrint alone cold).

    .venv/bin/python bench/reports.py                     # a throwaway SQLite file in the temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpb_bench .venv/bin/python bench/reports.py

The cohort, people, board, self-evaluation, comparators and targets are built exactly as for the dashboards
benchmark (``bench/dashboards.py``: synthetic 903 returns through the real import); the pack's meeting, its
five agenda items naming measures and their papers are added here. A database that already holds them is
reused (``--rebuild`` starts again). It writes to whatever database it is given: use a scratch one. Built PDFs
go to a temporary folder unless PRIVATE_MEDIA_ROOT is set.
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


PAPERS = 5  # merged into the pack
PAPER_PAGES = 8  # each: with the pack's own pages, about 60
GOAL = 1.3  # times the baseline, cold


def _pack_meeting(pages):
    """A meeting after the demo board's last one, with five agenda items naming measures, each with a PDF paper."""
    import datetime

    from django.core.files.base import ContentFile
    from django.db import transaction
    from weasyprint import HTML

    from accounts.models import User
    from boards import services
    from boards.models import Meeting

    from django.utils import timezone

    # Still to come, so the pack is dated to its build and holds the papers published before it.
    starts_at = timezone.now() + datetime.timedelta(days=30)
    # Made afresh each run: the papers' files live in this run's private folder.
    from reports.models import Report

    Report.objects.filter(meeting__venue="Benchmark room").delete()
    Meeting.objects.filter(venue="Benchmark room").delete()
    last = Meeting.objects.order_by("-starts_at").first()
    author = User.objects.get(username="officer.adeyemi")
    measures = ("looked_after_rate_per_10000, placement_kinship, placed_over_20_miles", "three_or_more_placements",
                "care_leavers_in_eet, care_leavers_suitable_accommodation", "health_assessment, dental_check",
                "long_term_stability")
    with transaction.atomic():
        meeting = services.schedule_meeting(
            board=last.board, starts_at=starts_at, venue="Benchmark room")
        for number, named in enumerate(measures, start=1):
            item = services.add_agenda_item(meeting=meeting, title=f"Report {number}", report_author=author,
                                            measures=named, order=number)
            body = "".join(f'<h2 style="break-before: page">Report {number}, page {page}</h2><p>{"Findings. " * 300}</p>'
                           for page in range(1, pages + 1))
            services.upload_paper(agenda_item=item, title=f"Report {number}", uploaded_by=author, published=True,
                                  file=ContentFile(HTML(string=body).write_pdf(), name=f"report-{number}.pdf"),
                                  author=str(author), purpose="For the benchmark.", recommendations="Note the report.")
    return meeting


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=5000, help="Children in the last year's return.")
    parser.add_argument("--years", type=int, default=3, help="Collection years (returns) to import.")
    parser.add_argument("--year", type=int, default=2025, help="The last collection year (the report's year).")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3, help="Timed builds of each kind, cold and warm (after one warm-up).")
    parser.add_argument("--paper-pages", type=int, default=PAPER_PAGES, help="Pages in each of the pack's five papers.")
    parser.add_argument("--only", choices=("annual", "pack"), help="Time one of the two documents only.")
    parser.add_argument("--rebuild", action="store_true", help="Delete everything and build the cohort again.")
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'cpb_bench_reports.sqlite3'}"
    scratch = tempfile.TemporaryDirectory()
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", scratch.name)

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from weasyprint import CSS, HTML

    from accounts.models import User
    from children.models import CohortReturn, Episode
    from reports import merging, selectors, services
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
    meeting = _pack_meeting(options.paper_pages)
    stylesheet = CSS(filename=str(services.PDF_STYLESHEET))
    subjects = {ReportType.ANNUAL_REPORT: {"year": options.year}, ReportType.BOARD_PACK: {"meeting": meeting}}

    def full_build(kind, *, cold):
        report = services.request_report(kind, queue=False, **subjects[kind]).report
        if cold:
            cache.clear()  # the measures' figures computed from the database, as after an import
        started = time.perf_counter()
        report = services.build_report(report.pk, notify=False)
        return time.perf_counter() - started, report

    def saved_html(report):
        """The HTML files a build laid out (the members' and, for a pack, the public pack's), as static files."""
        figures = selectors.pack_figures(report) if report.kind == ReportType.BOARD_PACK else None
        variants = (False, True) if report.kind == ReportType.BOARD_PACK else (False,)
        paths = []
        for public in variants:
            path = Path(scratch.name) / f"{report.kind}-{'public' if public else 'members'}.html"
            path.write_text(services.render_html(report, public=public, figures=figures), encoding="utf-8")
            paths.append(path)
        return paths

    def baseline(paths):
        """WeasyPrint alone on the saved HTML, plus (for a pack) the merge alone: (seconds, merge seconds)."""
        total = merge_total = 0.0
        for path in paths:
            started = time.perf_counter()
            document = HTML(filename=str(path), base_url=str(settings.BASE_DIR)).render(
                stylesheets=[stylesheet], pdf_variant=services.PDF_VARIANT)
            pdf = document.write_pdf(pdf_variant=services.PDF_VARIANT)
            total += time.perf_counter() - started
            pages = merging.placeholders(document)  # read from the laid-out pages, outside the merge's time
            if pages:
                files = {paper.pk: paper.printable_file
                         for paper in selectors.papers_to_merge({pk for pk, _ in pages.values()})}
                started = time.perf_counter()
                merging.merge(pdf, pages, files)
                merge_total += time.perf_counter() - started
        return total + merge_total, merge_total

    met = True
    documents = {"annual": (ReportType.ANNUAL_REPORT, "Annual report"), "pack": (ReportType.BOARD_PACK, "Board pack")}
    for kind, label in [documents[options.only]] if options.only else documents.values():
        _elapsed, report = full_build(kind, cold=False)  # warm-up: imports, fonts, template loading
        paths = saved_html(report)
        baseline(paths)  # warm-up
        timings = {"cold": [], "warm": [], "baseline": [], "merge": []}
        for _ in range(options.runs):  # interleaved, so background load affects each alike
            timings["cold"].append(full_build(kind, cold=True)[0])
            elapsed, report = full_build(kind, cold=False)
            timings["warm"].append(elapsed)
            alone, merge_alone = baseline(paths)
            timings["baseline"].append(alone)
            timings["merge"].append(merge_alone)
        median = {name: statistics.median(values) for name, values in timings.items()}
        pages = report.page_count if kind == ReportType.ANNUAL_REPORT else f"{report.page_count} + {report.public_page_count} (public)"
        print(f"\n{label}: {pages} pages, {report.size_bytes / 1024:.0f} KB")

        def line(text, name, timings=timings, median=median):
            runs = ", ".join(f"{value:.2f}" for value in timings[name])
            print(f"{text:<56}{median[name]:>8.2f} s  (runs: {runs})")

        line("Build, figures' cache cold", "cold")
        line("Build, figures' cache warm", "warm")
        line("WeasyPrint alone on the saved HTML" + (" plus the merge alone" if kind == ReportType.BOARD_PACK else ""),
             "baseline")
        if kind == ReportType.BOARD_PACK:
            line("  of which the merge alone (pypdf)", "merge")
        for state in ("cold", "warm"):
            ratio = median[state] / median["baseline"]
            print(f"  {state}: {ratio:.2f}x the baseline")
        ratio = median["cold"] / median["baseline"]
        met = met and ratio <= GOAL
        print(f"Goal (cold build within {GOAL}x the baseline): {'met' if ratio <= GOAL else 'NOT met'} ({ratio:.2f}x)")
    scratch.cleanup()
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
