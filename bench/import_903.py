"""
Benchmark the 903 import: a 5,000-child cohort with ten years of episode histories in one year's return
(about 60,000 episodes), written as CSV files and imported through ``children.services.import_files``, the
same path as the upload page and ``manage.py import_903``.

    createdb -h 127.0.0.1 -U postgres cpb_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpb_bench .venv/bin/python bench/import_903.py

Runs migrations first (so an empty database works), then, on the same files: the DfE's rule engine alone (as
the import runs it, a process of its own in .venv-903); the whole import, the DfE's rules included (they start
first and the app reads, checks and stores beside them); and the app's own import alone, the rules switched off
(a re-import, which replaces the year). Prints the three figures side by side. Goals: the whole import within
1.2x of the engine alone; the app's own import under 10 seconds on PostgreSQL. It writes to
whatever DATABASE_URL says: use a scratch database.
"""
import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corporate_parenting.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(24).hex())  # production settings need a key


def children_cpu():
    """CPU seconds used so far by this process's finished child processes (the DfE's rule engine)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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

    from children import dfe_rules, services, synthetic

    database = settings.DATABASES["default"]
    print(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME')}")
    call_command("migrate", verbosity=0)
    services.load_reference_data()
    default_engine = settings.DFE_RULES_PYTHON

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
        files = [(path.name, path.read_bytes()) for path in paths]

        # The DfE's rule engine alone on the same files, as the import runs it (its own process, .venv-903).
        started, engine_cpu = time.perf_counter(), children_cpu()
        alone = dfe_rules.run(options.year, files)
        engine_alone, engine_cpu = time.perf_counter() - started, children_cpu() - engine_cpu
        if not alone.checked:
            print(f"The DfE's rule engine did not run: {alone.message}")
            return 1
        flagged = ", ".join(f"{rule['code']} ({rule['count']:,})" for rule in alone.rules) or "none"
        print(f"The DfE's rule engine alone: {engine_alone:.2f} s, {engine_cpu:.2f} s of CPU ({alone.failure_count:,} "
              f"rows flagged; rules failed: "
              f"{flagged}; rules the engine could not apply: {', '.join(alone.not_run) or 'none'})")

        timings = {}
        for attempt, rules_on in (("Whole import, the DfE's rules included (first load)", True),
                                  ("The app's own import alone, the DfE's rules switched off (re-import)", False)):
            settings.DFE_RULES_PYTHON = default_engine if rules_on else ""
            started, cpu, engine_cpu = time.perf_counter(), time.process_time(), children_cpu()
            result = services.import_files(year=options.year, paths=paths)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            engine_cpu = children_cpu() - engine_cpu
            timings[rules_on] = elapsed
            if result.status != result.Status.SUCCEEDED:
                print(f"{attempt} FAILED with {result.error_count} errors, e.g. {result.errors[:3]}")
                return 1
            check = result.rule_check
            print(f"{attempt}: {elapsed:.2f} s for {total:,} rows ({total / elapsed:,.0f} rows/s); "
                  f"{sizes['episodes']:,} episodes; CPU: this process {cpu:.2f} s, the engine {engine_cpu:.2f} s; DfE rules: "
                  f"{check.get_status_display().lower()}, {check.failure_count:,} rows flagged")
    ratio = timings[True] / engine_alone
    print(f"Whole import {timings[True]:.2f} s against the DfE's engine alone {engine_alone:.2f} s: {ratio:.2f}x "
          f"(goal: within 1.2x): {'met' if ratio <= 1.2 else 'NOT met'}. The app's own work alone: "
          f"{timings[False]:.2f} s, run beside the engine (on a loaded machine, with no core to spare, the two add up: "
          f"compare the load average, {os.getloadavg()[0]:.1f}, with the {os.cpu_count()} cores).")
    goal = "met" if timings[False] < 10 else "NOT met (check the machine's load: the CPU figure above excludes it)"
    print(f"Goal (the app's own import under 10 s on PostgreSQL): {goal} for {sizes['episodes']:,} episodes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
