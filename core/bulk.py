"""
Writing many checked rows at once: COPY on PostgreSQL, batched INSERTs elsewhere. Building model instances
for hundreds of thousands of rows costs more than the database does, and the rows are already checked.
"""
from itertools import islice

from django.db import connection

BATCH_SIZE = 2000


def insert_rows(model, fields, rows):
    """
    Insert ``rows`` (tuples in the order of ``fields``, model field names; any iterable, so that a generator
    streams them without all being held at once) into ``model``'s table. Returns how many.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
    count = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        while batch := list(islice(rows, BATCH_SIZE)):
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)
            count += len(batch)
    return count
