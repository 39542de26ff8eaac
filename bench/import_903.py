"""
Benchmark the 903 import: a 5,000-child cohort with ten years of episode histories in one year's return
(about 60,000 episodes), written as CSV files and imported through ``children.services.import_files``, the
same path as the upload page and ``manage.py import_903``.

    createdb -h 127.0.0.1 -U postgres cpb_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpb_bench .venv/bin/python bench/import_903.py

Runs migrations first (so an empty database works), imports twice (a first load, then a re-import of the
same year, which replaces it) and prints the time and rows per second of each. Goal: 60,000 episodes in
under 10 seconds on PostgreSQL. It writes to whatever DATABASE_URL says: use a scratch database.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corporate_parenting.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(24).hex())  # production settings need a key


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--history-years", type=int, default=10)
    parser.add_argument("--moves-every-days", type=int, default=190, help="Mean length of an episode (tunes the episode count).")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=903)
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from children import services
    from children import synthetic

    database = settings.DATABASES["default"]
    print(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME')}")
    call_command("migrate", verbosity=0)
    services.load_reference_data()

    started = time.perf_counter()
    lives = synthetic.generate(
        options.children, last_year=options.year, years=1, seed=options.seed, history_years=options.history_years,
        moves_every_days=options.moves_every_days, all_in_last_year=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        paths = synthetic.write_return(lives, options.year, folder)
        sizes = {p.stem: sum(1 for _ in open(p)) - 1 for p in paths}
        print(f"Generated {options.children:,} children in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{table} {rows:,}" for table, rows in sizes.items()))
        total = sum(sizes.values())
        for attempt in ("First import", "Re-import (replaces the year)"):
            started, cpu = time.perf_counter(), time.process_time()
            result = services.import_files(year=options.year, paths=paths)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            if result.status != result.Status.SUCCEEDED:
                print(f"{attempt} FAILED with {result.error_count} errors, e.g. {result.errors[:3]}")
                return 1
            print(f"{attempt}: {elapsed:.2f} s for {total:,} rows ({total / elapsed:,.0f} rows/s); "
                  f"{sizes['episodes']:,} episodes ({sizes['episodes'] / elapsed:,.0f} episodes/s); "
                  f"this process used {cpu:.2f} s of CPU (the rest is the database and waiting)")
    goal = "met" if elapsed < 10 else "NOT met (check the machine's load: the CPU figure above excludes it)"
    print(f"Goal (60,000 episodes under 10 s on PostgreSQL): {goal} for {sizes['episodes']:,} episodes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
