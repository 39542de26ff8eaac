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

Then, for ``--large-children`` (default 80,000: England's whole looked-after population, about 970,000
episodes, 72 MB), the app's own reading, checking and storing (the DfE's rules off), run in a process of its
own so that its peak memory (the process's maximum resident set) is its own, against a plain PostgreSQL COPY of
the same files into unindexed tables of text columns. Goals: within 5x the COPY, and peak memory under 5x the
files' size. Generating 80,000 lives takes minutes, so the files are kept in ``bench/.cache`` (by seed, size
and a checksum of the generator and its postcodes), and generated again only when one of those changes.
``--large-children 0`` skips it.
"""
import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corporate_parenting.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(24).hex())  # production settings need a key


CACHE = Path(__file__).resolve().parent / ".cache"
MB = 1024 * 1024


def cached_return(children, year, seed, history_years, moves_every_days):
    """
    The paths of a generated return's CSV files, generated once and kept in ``bench/.cache``: the folder's name
    carries the options and a checksum of the generator and its postcodes, so a changed generator writes anew.
    """
    from children import synthetic

    digest = hashlib.sha256()
    for source in (Path(synthetic.__file__), synthetic.POSTCODES_FILE):
        digest.update(source.read_bytes())
    prefix = f"import_903-{children}-{year}-{seed}-{history_years}-{moves_every_days}-"
    folder = CACHE / f"{prefix}{digest.hexdigest()[:12]}"
    listing = folder / "files.txt"
    if not listing.exists():
        for stale in CACHE.glob(f"{prefix}*"):
            shutil.rmtree(stale, ignore_errors=True)
        started = time.perf_counter()
        lives = synthetic.generate(children, last_year=year, years=1, seed=seed, history_years=history_years,
                                   moves_every_days=moves_every_days, all_in_last_year=True)
        paths = synthetic.write_return(lives, year, folder)
        listing.write_text("\n".join(path.name for path in paths))
        print(f"Generated {children:,} children in {time.perf_counter() - started:.1f} s into {folder}")
    return [folder / name for name in listing.read_text().split()]


def plain_copy(paths):
    """Seconds for a plain PostgreSQL COPY of the CSV files into new unindexed tables of text columns, committed."""
    from django.db import connection, transaction

    names = []
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for number, path in enumerate(paths):
            with open(path, "rb") as handle:
                heading = handle.readline().decode("utf-8-sig").strip().split(",")
                name = f"bench_copy_{number}"
                names.append(name)
                columns = ", ".join(f'"{column}" text' for column in heading)
                cursor.execute(f"CREATE TABLE {name} ({columns})")
                with cursor.cursor.copy(f"COPY {name} FROM STDIN (FORMAT csv)") as copy:
                    while block := handle.read(MB):
                        copy.write(block)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP TABLE {name}")
    return elapsed


def memory(name):
    """This process's resident set (VmRSS) or its peak (VmHWM, which, unlike ru_maxrss, starts again at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1]) * 1024
    return 0


def import_in_child(year, paths):
    """
    The app's own import (DfE rules off) of ``paths`` in a process of its own (this script with ``--child``),
    so that the peak memory measured is the import's: (its report, with its peak resident set and CPU seconds).
    """
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", str(year), *map(str, paths)], stdout=subprocess.PIPE,
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"The import's process failed ({process.returncode})")
    report = json.loads(output.decode().strip().splitlines()[-1])
    return {**report, "cpu": usage.ru_utime + usage.ru_stime}


def child_import(year, paths):
    """In the child process: import with the DfE's rules off and print how long each part took, as JSON."""
    import django

    django.setup()
    from django.conf import settings

    from django.db import connection

    from children import services, ssda903, ssda903_return
    from measures import history

    settings.DFE_RULES_PYTHON = ""
    # "storing" is the database's INSERT ... SELECT of the staged rows into the cohort tables (their indexes kept
    # up); "committing" is mostly PostgreSQL checking each new row's deferred foreign keys, one row at a time.
    spent = {"reading and checking": 0.0, "storing": 0.0, "the history rebuild": 0.0, "committing": 0.0}

    def timed(function, part):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - started
        return wrapper

    ssda903.read_return = timed(ssda903.read_return, "reading and checking")
    ssda903_return.SSDA903.store = timed(ssda903_return.SSDA903.store, "storing")
    history.rebuild = timed(history.rebuild, "the history rebuild")
    connection.commit = timed(connection.commit, "committing")
    at_rest = memory("VmRSS")
    started = time.perf_counter()
    result = services.import_files(year=year, paths=paths)
    elapsed = time.perf_counter() - started
    print(json.dumps({
        "seconds": elapsed, "status": result.status, "errors": result.errors[:3], "counts": result.counts,
        "at_rest": at_rest, "peak": memory("VmHWM"), "parts": spent,
    }))


def large_return(options):
    """The 80,000-child figures: the app's own import against a plain COPY, and the import's peak memory."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1] != "postgresql":
        print("The large return's figures compare with PostgreSQL's COPY: run on PostgreSQL.")
        return 0
    paths = cached_return(options.large_children, options.year, options.seed, options.history_years,
                          options.moves_every_days)
    size = sum(path.stat().st_size for path in paths)
    episodes = sum(1 for _ in open(next(p for p in paths if p.stem == "episodes"))) - 1
    reset()
    copy = min(plain_copy(paths) for _ in range(3))
    report = import_in_child(options.year, paths)
    peak = report["peak"]
    if report["status"] != "succeeded":
        print(f"The large import FAILED: {report['errors']}")
        return 1
    parts = ", ".join(f"{part} {seconds:.1f} s" for part, seconds in report["parts"].items())
    ratio, memory = report["seconds"] / copy, peak / size
    print(f"{options.large_children:,} children, {episodes:,} episodes, {size / MB:.0f} MB of CSV files "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    print(f"  The app's own import (DfE rules off, first load of the year): {report['seconds']:.1f} s, "
          f"{report['cpu']:.1f} s of its own CPU ({parts}); "
          f"a plain COPY of the same files into unindexed tables: {copy:.2f} s (best of 3): {ratio:.1f}x "
          f"(goal: within 5x): {'met' if ratio <= 5 else 'NOT met'}")
    print(f"  The import's peak memory: {peak / MB:.0f} MB ({report['at_rest'] / MB:.0f} MB of it the process at rest "
          f"before it began), {memory:.1f}x the files' size (goal: under 5x): {'met' if memory < 5 else 'NOT met'}")
    reset()
    return 0


def reset():
    """Empty the cohort tables with plain SQL, as the measures benchmark does (the year starts empty)."""
    from django.db import connection

    from bench.measures import reset as empty
    from children.models import DfeRuleCheck, DfeRuleFailure

    with connection.cursor() as cursor:
        for model in (DfeRuleFailure, DfeRuleCheck):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    empty()


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
    parser.add_argument("--large-children", type=int, default=80000, help="The large return's children (0: skip it).")
    parser.add_argument("--skip-small", action="store_true", help="Only the large return's figures.")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child_import(int(options.child[0]), options.child[1:])

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
    if options.skip_small:
        return large_return(options) if options.large_children else 0

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
    settings.DFE_RULES_PYTHON = default_engine
    return large_return(options) if options.large_children else 0


if __name__ == "__main__":
    sys.exit(main())
