"""
Benchmark the dashboards on a 5,000-child cohort: each dashboard's median response time against a trivial
signed-in page's (the goal is under 3x).

    .venv/bin/python bench/dashboards.py                     # a throwaway SQLite file in the temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpb_bench .venv/bin/python bench/dashboards.py

The cohort is synthetic (``children.synthetic``) and goes in through the real 903 import: ``--children``
children looked after in the last of ``--years`` returns, with their full histories, plus the demo people,
board, self-evaluation, comparators and targets. A database that already holds the cohort is reused
(``--rebuild`` starts again). It writes to whatever database it is given: use a scratch one.

The trivial page runs the same middleware, sign-in, role check and base template as every page, with no
content: the ratio shows what the dashboard itself costs. Each dashboard's HTML is cached under the cohort's
version, the change stamp of the board's business (``core.stamps``) and the date, so the median is the usual
request. Two more figures show the other requests honestly: "after a board change" is one request after the
change stamp moved (the live panels are gathered and the page rendered again; the measure sections still come
from the cache), and "first after import" one with the cache emptied, when the measures are computed again.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corporate_parenting.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(24).hex())  # production settings need a key


def build(children, years, last_year, seed):
    import datetime

    from django.db import transaction

    from accounts import demo as accounts_demo
    from boards import demo as boards_demo
    from children import services
    from children import synthetic
    from measures import demo as measures_demo
    from indicators import demo as indicators_demo

    started = time.perf_counter()
    services.load_reference_data()
    context = {"today": datetime.date(last_year, 5, 1), "stdout": sys.stdout}
    with transaction.atomic():
        accounts_demo.load(context)
    with tempfile.TemporaryDirectory() as folder:
        written = synthetic.write_cohort(
            folder, children=children, last_year=last_year, years=years, seed=seed, all_in_last_year=True
        )
        for year, paths in written.items():
            result = services.import_files(year=year, paths=paths, user=context["people"]["officer.adeyemi"])
            if result.status != result.Status.SUCCEEDED:
                raise SystemExit(f"The {year} return did not import: {result.errors[:3]}")
            print(f"  imported {result.year_label}: {result.counts}")
    context["cohort_years"] = sorted(written)
    with transaction.atomic():
        indicators_demo.load(context)
        measures_demo.load(context)
        boards_demo.load(context)
    print(f"Built the cohort in {time.perf_counter() - started:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=5000, help="Children in the last year's return.")
    parser.add_argument("--years", type=int, default=3, help="Collection years (returns) to import.")
    parser.add_argument("--year", type=int, default=2025, help="The last collection year.")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--runs", type=int, default=31, help="Timed requests per page (after two warm-ups).")
    parser.add_argument("--rebuild", action="store_true", help="Delete everything and build the cohort again.")
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'cpb_bench_dashboards.sqlite3'}"

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.shortcuts import render
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.db import connection
    from django.urls import include, path, reverse

    from accounts.models import User
    from children.models import CohortReturn, Episode
    from core import stamps
    from core.permissions import ALL_ROLES, role_required

    database = settings.DATABASES["default"]
    print(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME')}")
    call_command("migrate", verbosity=0)
    if options.rebuild:
        call_command("flush", interactive=False, verbosity=0)
    if not User.objects.filter(username="chief.executive").exists():
        build(options.children, options.years, options.year, options.seed)
    latest = CohortReturn.objects.order_by("-year").first()
    print(
        f"Cohort: {CohortReturn.objects.count()} returns; {latest.label} holds "
        f"{Episode.objects.filter(cohort_return=latest).values('child').distinct().count():,} children and "
        f"{Episode.objects.filter(cohort_return=latest).count():,} episodes"
    )

    @role_required(*ALL_ROLES)
    def trivial(request):
        return render(request, "base.html")

    bench_urls = types.ModuleType("bench_urls")
    bench_urls.urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), path("", include(settings.ROOT_URLCONF))]
    pages = [
        ("Trivial page (chief executive)", "chief.executive", "/bench/trivial/"),
        ("Chief executive's dashboard", "chief.executive", None),
        ("Councillor's dashboard", "cllr.okafor", None),
        ("Officer's dashboard", "officer.lindqvist", None),
    ]
    with override_settings(
        ROOT_URLCONF=bench_urls,
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=False,
        DEBUG=False,
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ):
        urls = {
            "Chief executive's dashboard": reverse("dashboards:chief_executive"),
            "Councillor's dashboard": reverse("dashboards:councillor"),
            "Officer's dashboard": reverse("dashboards:officer"),
        }
        clients = {}
        for label, username, url in pages:
            client = Client()
            client.force_login(User.objects.get(username=username))
            clients[label] = (client, url or urls[label])

        def warm_up():
            for client, url in clients.values():
                for _ in range(2):
                    assert client.get(url).status_code == 200, f"{url} did not answer 200"

        warm_up()
        # Rounds of one request per page, so that whatever else the machine does weighs on every page alike.
        timings = {label: [] for label in clients}
        for _ in range(options.runs):
            for label, (client, url) in clients.items():
                started = time.perf_counter()
                client.get(url)
                timings[label].append(time.perf_counter() - started)
        results = {}
        for label, (client, url) in clients.items():
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            stamps.stamp()  # as after a pledge rating, an action update or a meeting scheduled
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as changed_queries:
                client.get(url)
            changed = (time.perf_counter() - started, len(changed_queries.captured_queries))
            cache.clear()  # as after an import: the measures are computed again
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as cold_queries:
                client.get(url)
            cold = time.perf_counter() - started
            results[label] = (
                statistics.median(timings[label]), len(queries.captured_queries), changed, cold,
                len(cold_queries.captured_queries),
            )
            warm_up()
    baseline = results[pages[0][0]][0]
    print(f"\n{'Page':<34}{'median':>10}{'queries':>9}{'x trivial':>11}{'after a board change':>24}{'first after import':>24}")
    worst = 0
    for label, (median, queries, (changed, changed_queries), cold, cold_queries) in results.items():
        ratio = median / baseline
        if label != pages[0][0]:
            worst = max(worst, ratio)
        print(
            f"{label:<34}{median * 1000:>8.1f}ms{queries:>9}{ratio:>10.1f}x"
            f"{changed * 1000:>11.0f}ms, {changed_queries:>2} queries{cold * 1000:>11.0f}ms, {cold_queries:>2} queries"
        )
    print(f"\nGoal (each dashboard under 3x the trivial page): {'met' if worst < 3 else 'NOT met'} (worst {worst:.1f}x)")
    return 0 if worst < 3 else 1


if __name__ == "__main__":
    sys.exit(main())
