"""
Staging: a return's rows as read, held in temporary tables of the import's own database connection instead of
in the worker's memory, until the import saves them or gives up.

A return of England's whole looked-after population is about 350,000 rows; held as Python objects they were
most of an import's memory (80 MB of an 80,000-child import's 280 MB). Held here they cost the worker nothing,
the checks between tables (a repeated row, a child missing from Header...) are queries over them, and saving
is ``INSERT ... SELECT`` from them, with no row passing through Python again. A temporary table is the
connection's own: another import (another worker, another connection) has its own of the same name, nothing
else sees it, and it is gone when the connection closes. It is written once and never updated, and has no
index: each check reads it whole once (a hash join or a sort), which is what an index would cost to build.

The same SQL runs on PostgreSQL (rows written with COPY) and SQLite (batched INSERTs); dates, whole numbers
and flags are typed columns, so they read back as Python dates, ints and booleans on both.
"""
from contextlib import contextmanager

from django.db import connection

from core.bulk import BATCH_SIZE

WRITTEN_TOGETHER = 5000  # rows sent to a staged table at once

# A column's kind of value -> its type here; any other kind is text. SQLite's "date" and "bool" are the declared
# types Django's SQLite backend converts back to dates and booleans.
TYPES = {
    "postgresql": {"date": "date", "int": "integer", "flag": "boolean", "decimal": "numeric"},
    "sqlite": {"date": "date", "int": "integer", "flag": "bool", "decimal": "decimal"},
}
# The schema holding the connection's own temporary tables, so that a name never reaches a permanent table.
TEMPORARY_SCHEMA = {"postgresql": "pg_temp", "sqlite": "temp"}


def quote(name):
    """A table's or column's name, quoted for SQL."""
    return connection.ops.quote_name(name)


class Staging:
    """
    The staged tables of one import, by key: each has ``row`` (the row's number in its file) and then the
    columns it was created with. ``close`` drops them all (the import calls it however it ends).
    """

    def __init__(self, prefix="return"):
        self.prefix = prefix
        self.columns = {}  # key -> [column names]

    def __contains__(self, key):
        return key in self.columns

    def table(self, key):
        """The staged table's qualified, quoted name, for SQL."""
        return f"{TEMPORARY_SCHEMA[connection.vendor]}.{quote(f'{self.prefix}_{key}')}"

    def create(self, key, columns):
        """(Re)create the table for ``key`` with ``columns``: (name, kind) pairs, kinds as ``TYPES`` has them."""
        types = TYPES[connection.vendor]
        definition = ", ".join(["row integer", *(f"{quote(name)} {types.get(kind, 'text')}" for name, kind in columns)])
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table(key)}")
            cursor.execute(f"CREATE TEMPORARY TABLE {quote(f'{self.prefix}_{key}')} ({definition})")
        self.columns[key] = [name for name, _kind in columns]

    @contextmanager
    def writer(self, key):
        """
        A function writing one row (a tuple: the row number, then the columns) to the table for ``key``. Rows are
        sent a batch at a time (COPY on PostgreSQL), so the connection is free between batches for the import's
        own progress reports.
        """
        columns = ", ".join(["row", *map(quote, self.columns[key])])
        table = self.table(key)
        batch = []

        def send():
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                else:
                    cursor.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(self.columns[key]) + 1))})",
                        batch,
                    )
            batch.clear()

        def write(row):
            batch.append(row)
            if len(batch) >= WRITTEN_TOGETHER:
                send()

        yield write
        if batch:
            send()

    def rows(self, sql, params=(), size=BATCH_SIZE):
        """The rows of a query over the staged tables, fetched a batch at a time (never all held at once)."""
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(size):
                yield from batch

    def close(self):
        """Drop every staged table (safe to call twice, and after the connection has gone)."""
        keys, self.columns = list(self.columns), {}
        if not keys or connection.connection is None:
            return
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table(key)}")
