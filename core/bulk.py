"""
Writing many checked rows at once: COPY on PostgreSQL, batched INSERTs elsewhere. Building model instances
for hundreds of thousands of rows costs more than the database does, and the rows are already checked.
"""
from django.db import connection

BATCH_SIZE = 2000


def insert_rows(model, fields, rows):
    """Insert ``rows`` (tuples in the order of ``fields``, model field names) into ``model``'s table."""
    rows = list(rows)
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
        placeholders = ", ".join(["%s"] * len(fields))
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows[start:start + BATCH_SIZE])
    return len(rows)
