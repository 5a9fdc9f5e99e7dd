"""Bulk writes of plain tuples, for the set-based paths (imports, proposals of many workers).

`bulk_create` builds one model instance per row and prepares every value through its field;
at 100,000 workers plus a million enrolment months that alone takes longer than the whole
import may. These helpers take rows already in database form (see `db_datetime`) and write
them with COPY on PostgreSQL and executemany / multi-row INSERT on SQLite. They run inside the
caller's transaction and bypass no constraint: the database still checks every row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection, models


def tune_connection() -> None:
    """Give SQLite a page cache that holds the registry's indexes (the default 2 MB makes
    every insert into a million-row index a cache miss). No-op on PostgreSQL, whose
    shared_buffers are the server's business."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB, allocated as used


def db_datetime(value: dt.datetime) -> object:
    """An aware datetime as the backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def _table_and_columns(model: type[models.Model], columns: Sequence[str]) -> tuple[str, str]:
    qn = connection.ops.quote_name
    cols = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    return qn(model._meta.db_table), cols


def insert_rows(model: type[models.Model], columns: Sequence[str],
                rows: Iterable[Sequence[object]], *, batch_size: int = 20_000) -> int:
    """Insert rows (tuples in `columns` order, field names); returns how many."""
    table, cols = _table_and_columns(model, columns)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[Sequence[object]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


def insert_rows_returning_ids(model: type[models.Model], columns: Sequence[str],
                              rows: Sequence[Sequence[object]]) -> list[int]:
    """Insert rows and return their primary keys in the same order (multi-row INSERT ...
    RETURNING, as Django's bulk_create does on both backends)."""
    table, cols = _table_and_columns(model, columns)
    pk = connection.ops.quote_name(model._meta.pk.column)
    per_batch = max(1, min(2000, (connection.features.max_query_params or 30_000)
                           // len(columns) - 1))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for i in range(0, len(rows), per_batch):
            part = rows[i : i + per_batch]
            sql = (f"INSERT INTO {table} ({cols}) VALUES {', '.join([one] * len(part))} "
                   f"RETURNING {pk}")
            cursor.execute(sql, [v for row in part for v in row])
            ids.extend(r[0] for r in cursor.fetchall())
    return ids


def update_rows(model: type[models.Model], columns: Sequence[str],
                rows: Iterable[Sequence[object]]) -> None:
    """UPDATE by primary key: each row is (*values in `columns` order, pk)."""
    table, _cols = _table_and_columns(model, columns)
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(model._meta.get_field(c).column)} = %s" for c in columns)
    sql = f"UPDATE {table} SET {sets} WHERE {qn(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))
