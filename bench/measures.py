"""
Benchmark the measures: every measure for every year, computed cold (cache empty), for cohorts of 5,000 and
80,000 children looked after (England's whole looked-after population) with ten years of returns in the
DfE's shape, beside the same figures computed by DuckDB over the same rows loaded in memory.

    createdb -h 127.0.0.1 -U postgres cpb_bench_measures
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpb_bench_measures .venv/bin/python bench/measures.py
    .venv/bin/python bench/measures.py --children 5000        # one size; SQLite in the temp folder without DATABASE_URL

For each size it prints, in one run: the rows written; the time to join every child's history across the
ten returns (``measures.history.rebuild``, which the import runs on the worker); the cold computation of every
measure for every year (``measures.queries.compute``, cache empty) with its number of queries; and DuckDB's
time for the same aggregate SQL over the same tables loaded in memory, with a check that both give the same
counts. Goal: the cold computation within 2x DuckDB, and the same number of queries whatever the size.

The returns are invented here, straight into the return tables (the import's checks are the import
benchmark's subject): each child's life in care is split into episodes, and each year's Episodes hold the
episode open on 1 April and those starting in the year, as the DfE receives them; children looked after for
the whole year get an OC2 row, care leavers aged 17 to 21 an OC3 row, some children missing or away
incidents, reviews on roughly the statutory timetable, and some young children are adopted (placed for
adoption under a placement order, with an AD1 row). It writes to whatever database it is given: use a scratch one.
"""
import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corporate_parenting.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

ONE_DAY = datetime.timedelta(days=1)
PLACES = ["U1", "U3", "U4", "U4", "U6", "U6", "U6", "K2", "R1", "P1", "A5", "Z1"]
PROVIDERS = ["PR1", "PR1", "PR1", "PR4", "PR4", "PR5", "PR2"]
MOVES = ["P", "P", "T", "L", "B", "U"]


def invent_lives(children, years, last_year, seed):
    """Lives in care, so that about ``children`` are looked after on each 31 March of the ``years``."""
    rng = random.Random(seed)
    first = datetime.date(last_year - years, 4, 1)
    window_start, window_end = first.replace(year=first.year - 8), datetime.date(last_year, 3, 1)
    mean_stay = 3.0
    count = int(children * (years + 8) / mean_stay)
    span = (window_end - window_start).days
    lives = []
    for number in range(count):
        start = window_start + datetime.timedelta(days=rng.randrange(span))
        age = rng.choice([0, 0, 1, 2, 4, 6, 8, 10, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17])
        born = start - datetime.timedelta(days=365 * age + rng.randrange(365))
        leave_by = born.replace(year=born.year + 18) if not (born.month == 2 and born.day == 29) else born + 18 * 365 * ONE_DAY
        stay = int(rng.expovariate(1 / (mean_stay * 365)))
        end = min(start + datetime.timedelta(days=max(stay, 10)), leave_by)
        episodes, current, rne = [], start, "S"
        while True:
            length = int(rng.expovariate(1 / 420)) + 7
            stop = current + datetime.timedelta(days=length)
            if stop >= end:
                episodes.append((current, end if end < window_end else None, rne, "E4A" if end < leave_by else "E17"))
                break
            episodes.append((current, stop, rne, "X1"))
            current, rne = stop, rng.choice(MOVES)
        place = [rng.choice(PLACES) for _ in episodes]
        ls = [rng.choice(["C2", "C2", "C1", "E1", "V2"]) for _ in episodes]
        # Some young children are adopted: placed for adoption under a placement order, then an adoption order.
        adopted = age < 5 and len(episodes) > 1 and episodes[-1][1] is not None and rng.random() < 0.3
        if adopted:
            last_start, last_end, last_rne, _rec = episodes[-1]
            episodes[-1] = (last_start, last_end, last_rne, "E11")
            place[-1], ls[-1], ls[-2] = rng.choice(["A4", "A3"]), "E1", "E1"
        # Reviews on roughly the statutory timetable, some a little late.
        reviews, held = [], start + datetime.timedelta(days=rng.randint(20, 35))
        while held < end:
            reviews.append(held)
            held += datetime.timedelta(days=(91 if len(reviews) == 1 else 182) + rng.randint(-20, 15))
        lives.append({
            "id": f"B{number:07d}", "born": born, "episodes": episodes, "care_leaver": end == leave_by,
            "place": place, "ls": ls, "adopted": adopted, "reviews": reviews,
            "provider": [rng.choice(PROVIDERS) for _ in episodes], "missing": rng.random() < 0.1, "seed": rng.random(),
        })
    return lives


def write(lives, years, last_year):
    """Every year's return rows straight into the tables. Returns {table: rows}."""
    from children.models import (
        Adoption, CareLeaverOutcome, Child, CohortReturn, Episode, HealthOutcome, MissingEpisode, Review,
    )
    from core.bulk import insert_rows
    from core.collection_year import CollectionYear

    now = datetime.datetime.now(datetime.UTC)
    insert_rows(Child, ["child_id", "sex", "date_of_birth", "ethnicity", "upn", "created_at", "updated_at"],
                [(life["id"], "MF"[i % 2], life["born"], "WBRI", "", now, now) for i, life in enumerate(lives)])
    child_pk = dict(Child.objects.values_list("child_id", "pk"))
    counts = {"episodes": 0, "oc2": 0, "oc3": 0, "missing": 0, "reviews": 0, "ad1": 0}
    for year in range(last_year - years + 1, last_year + 1):
        window = CollectionYear(year)
        ret = CohortReturn.objects.create(year=year)
        episodes, oc2, oc3, missing, reviews, ad1 = [], [], [], [], [], []
        for life in lives:
            pk = child_pk[life["id"]]
            rng = random.Random(life["seed"] * 1000 + year)
            held = False
            for position, (start, end, rne, rec) in enumerate(life["episodes"]):
                if start > window.ends_on or (end is not None and end < window.starts_on):
                    continue
                if start < window.starts_on and not (end is None or end >= window.starts_on):
                    continue
                ended = end is not None and end <= window.ends_on
                episodes.append((
                    ret.pk, pk, start, life["episodes"][position][1] if ended else None, rne, life["ls"][position], "N1",
                    life["place"][position], life["provider"][position], rec if ended else "", 12, False,
                    "", "", "", "", "",
                ))
                held = True
            if held:
                reviews += [(ret.pk, pk, day, "PN1") for day in life["reviews"] if window.contains(day)]
                last_start, last_end = life["episodes"][-1][0], life["episodes"][-1][1]
                if life["adopted"] and window.contains(last_end):
                    ad1.append((ret.pk, pk, last_start - 30 * ONE_DAY, "1" if life["place"][-1] == "A3" else "0"))
                first, last_end = life["episodes"][0][0], life["episodes"][-1][1]
                if first <= window.starts_on and (last_end is None or last_end > window.ends_on):
                    oc2.append((ret.pk, pk, rng.randint(0, 35), rng.random() < 0.9, rng.random() < 0.85,
                                rng.random() < 0.8, rng.random() < 0.05))
                if life["missing"]:
                    for _ in range(rng.randint(1, 3)):
                        missing.append((ret.pk, pk, rng.choice("MMA"), window.starts_on + datetime.timedelta(days=rng.randrange(360))))
            elif life["care_leaver"]:
                birthdays = [age for age in (17, 18, 19, 20, 21) if window.contains(life["born"].replace(year=life["born"].year + age) if not (life["born"].month == 2 and life["born"].day == 29) else life["born"] + age * 365 * ONE_DAY)]
                if birthdays:
                    oc3.append((ret.pk, pk, rng.choice(["YES"] * 9 + ["NO"]), rng.choice(["F1", "F2", "G4", "G5"]),
                                rng.choice(["B1", "D1", "U1", "S2"])))
        insert_rows(Episode, ["cohort_return", "child", "start_date", "end_date", "reason_new_episode", "legal_status",
                              "category_of_need", "placement_type", "placement_provider", "reason_ceased",
                              "distance_miles", "placed_outside_area", "reason_place_change", "home_postcode",
                              "placement_postcode", "urn", "placement_la"], episodes)
        insert_rows(HealthOutcome, ["cohort_return", "child", "sdq_score", "health_assessment", "teeth_check",
                                    "immunisations", "substance_misuse", "sdq_reason"], [(*row, "") for row in oc2])
        insert_rows(CareLeaverOutcome, ["cohort_return", "child", "in_touch", "activity", "accommodation"], oc3)
        insert_rows(MissingEpisode, ["cohort_return", "child", "kind", "start_date"], missing)
        insert_rows(Review, ["cohort_return", "child", "review_date", "participation"], reviews)
        insert_rows(Adoption, ["cohort_return", "child", "date_matched", "foster_carer_adoption", "number_of_adopters",
                               "adopters_sex", "adopters_legal_status"], [(*row, "2", "MF", "L0") for row in ad1])
        for key, rows in (("episodes", episodes), ("oc2", oc2), ("oc3", oc3), ("missing", missing), ("reviews", reviews),
                          ("ad1", ad1)):
            counts[key] += len(rows)
    return counts


def duck_type(field):
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return "BOOLEAN"
    if kind == "DateField":
        return "DATE"
    if kind == "DateTimeField":
        return "TIMESTAMP"
    if kind == "DecimalField":
        return "DOUBLE"
    if kind in ("CharField", "TextField"):
        return "VARCHAR"
    return "BIGINT"


def duckdb_figures(repeats):
    """The same aggregate SQL in DuckDB over the same two tables, loaded in memory. Returns (seconds, rows)."""
    import csv

    import duckdb
    from django.db import connection

    from children.models import Child
    from measures import queries
    from measures.models import ChildYear

    years = sorted(set(ChildYear.objects.values_list("year", flat=True)))
    code_groups = queries._code_groups()
    aggregates = {f"{queries.PREFIX}{name}": aggregate for name, aggregate in queries._aggregates(years, code_groups).items()}
    queryset = ChildYear.objects.filter(year__in=years).order_by().values("year").annotate(**aggregates)
    sql, params = queryset.query.sql_with_params()
    duck = duckdb.connect()
    with tempfile.TemporaryDirectory() as folder:
        for model in (ChildYear, Child):
            table = model._meta.db_table
            columns = [field.column for field in model._meta.concrete_fields]
            path = Path(folder) / f"{table}.csv"
            with connection.cursor() as cursor, open(path, "w", newline="") as handle:
                cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
                writer = csv.writer(handle)
                writer.writerow(columns)
                while rows := cursor.fetchmany(50_000):
                    writer.writerows(rows)
            types = {field.column: duck_type(field) for field in model._meta.concrete_fields}
            duck.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', header=true, columns={types!r})")
    duck_sql = sql.replace("%s", "?").replace('"', "")
    timings, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = duck.execute(duck_sql, [p.isoformat() if isinstance(p, datetime.date) else p for p in params]).fetchall()
        timings.append(time.perf_counter() - started)
    columns = [description[0] for description in duck.description]
    rows = {row[0]: dict(zip(columns, row)) for row in result}
    return statistics.median(timings), rows


def cold_compute(repeats):
    """Median seconds and queries of ``compute()`` with the cache emptied before each run."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from measures import queries

    timings, query_count, results = [], None, None
    for _ in range(repeats):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            results = queries.compute(cached=True)
            timings.append(time.perf_counter() - started)
        query_count = len(captured.captured_queries)
    cache.clear()
    return statistics.median(timings), query_count, results


def reset():
    """Empty the cohort tables with plain SQL (the ORM would send a signal for every row)."""
    from django.db import connection

    from children.models import Child, CohortImport, CohortImportFile, CohortReturn
    from children.services import return_record_models
    from measures.models import CareEpisode, ChildYear, ReturnDifference

    with connection.cursor() as cursor:
        for model in (ReturnDifference, ChildYear, CareEpisode, *return_record_models(), CohortImportFile, CohortImport, CohortReturn, Child):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def run(size, years, last_year, seed, repeats):
    from django.db import transaction

    from children import services
    from measures import history

    print(f"\n== {size:,} children looked after, {years} years of returns ==")
    reset()
    services.load_reference_data()
    started = time.perf_counter()
    lives = invent_lives(size, years, last_year, seed)
    with transaction.atomic():
        counts = write(lives, years, last_year)
    print(f"Invented and wrote {len(lives):,} lives in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{key} {value:,}" for key, value in counts.items()))
    started = time.perf_counter()
    with transaction.atomic():
        episodes, child_years, differences = history.rebuild()
    print(f"History joined across the returns (done by the import, on the worker): {time.perf_counter() - started:.1f} s "
          f"for {episodes:,} episodes and {child_years:,} child-years ({differences} differences)")
    seconds, query_count, results = cold_compute(repeats)
    duck_seconds, duck_rows = duckdb_figures(repeats)
    from measures import queries

    ours = queries._year_rows(sorted(results), queries._code_groups())
    same = all(
        ours[year][name] == duck_rows[year][f"{queries.PREFIX}{name}"]
        or float(ours[year][name] or 0) == float(duck_rows[year][f"{queries.PREFIX}{name}"] or 0)
        for year in ours for name in ours[year] if name != "year"
    )
    measures = sum(len(values) for values in results.values())
    at_end = {year: values["looked_after_at_31_march"].numerator for year, values in sorted(results.items())}
    print(f"Looked after at 31 March by year: {at_end}")
    print(f"Cold computation of {measures:,} figures ({len(results)} years): {seconds:.2f} s in {query_count} queries")
    print(f"DuckDB, the same SQL over the same rows in memory: {duck_seconds:.2f} s; same counts: {'yes' if same else 'NO'}")
    ratio = seconds / duck_seconds if duck_seconds else float("inf")
    print(f"Ratio {ratio:.1f}x (goal: within 2x): {'met' if ratio <= 2 else 'NOT met'}")
    return query_count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, action="append", help="Children looked after (default: 5,000 and 80,000).")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--last-year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'cpb_bench_measures.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    query_counts = [run(size, options.years, options.last_year, options.seed, options.repeats)
                    for size in options.children or [5000, 80000]]
    print(f"\nQueries per cold computation by size: {query_counts} "
          f"({'the same whatever the size' if len(set(query_counts)) == 1 else 'NOT constant'})")


if __name__ == "__main__":
    main()
