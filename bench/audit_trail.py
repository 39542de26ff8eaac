"""
Benchmark a child's audit trail page query against a large audit log, with and without the index on the
child each entry is about (children/migrations/0004_audit_trail_child_index.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpb_bench .venv/bin/python bench/audit_trail.py

PostgreSQL only (the entries are made with generate_series). It needs a database with children in it, such
as the one bench/dashboards.py builds. The entries are added inside a transaction that is rolled back, so the
database is left as it was.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corporate_parenting.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(24).hex())  # production settings need a key


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000, help="Audit entries to add for the run.")
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from children import selectors
    from children.models import Child, Episode

    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    children = Child.objects.count()
    if not children:
        raise SystemExit("The database has no children: run bench/dashboards.py against it first.")
    child = Child.objects.order_by("pk")[children // 2]
    index = "auditlog_entry_child_pk"

    def page():
        timings = []
        for _ in range(options.runs):
            started = time.perf_counter()
            rows = list(selectors.audit_trail(child)[:50])
            timings.append(time.perf_counter() - started)
        return statistics.median(timings), len(rows)

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                """
                INSERT INTO auditlog_logentry (content_type_id, object_pk, object_id, object_repr, action, changes,
                    changes_text, timestamp, additional_data)
                SELECT %s, (g %% 60000)::text, g %% 60000, 'Episode', 1, '{}'::jsonb, '', now() - g * interval '1 second',
                    jsonb_build_object('child_pk', (SELECT min(id) FROM children_child) + g %% %s, 'year', 2025)
                FROM generate_series(1, %s) g
                """,
                [ContentType.objects.get_for_model(Episode).pk, children, options.entries],
            )
            cursor.execute("ANALYZE auditlog_logentry")
            print(f"Added {options.entries:,} audit entries in {time.perf_counter() - started:.0f} s "
                  f"({children:,} children)")
            with_index, rows = page()
            cursor.execute(f'DROP INDEX "{index}"')
            cursor.execute("ANALYZE auditlog_logentry")
            without_index, _ = page()
            print(f"\nA child's audit trail, first page of {rows} entries (median of {options.runs}):")
            print(f"  with the index      {with_index * 1000:8.1f} ms")
            print(f"  without the index   {without_index * 1000:8.1f} ms")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
