"""The audit trail is append-only in the database itself, not only by convention in the code.

Triggers refuse every UPDATE and DELETE of a row of `audit_auditevent`, whatever issues it: the
ORM (`.update()`, `.delete()`, Django's collector applying an `on_delete`), raw SQL, the Django
admin or a shell. On PostgreSQL a statement trigger refuses TRUNCATE too. Both databases raise
an integrity error (SQLite `RAISE(ABORT)`, PostgreSQL SQLSTATE 23001 `restrict_violation`), so
the statement and its transaction fail and nothing is changed.

One deliberate exception: `manage.py flush`, which empties *every* table of the database (and
which Django's transactional tests run after each test, `live_server` browser tests included).
Django flushes SQLite with `DELETE FROM` and PostgreSQL with `TRUNCATE`; Lindung's own `flush`
command (`audit/management/commands/flush.py`) drops the one trigger in the way (SQLite: the
DELETE trigger; PostgreSQL: the TRUNCATE trigger), flushes, and creates it again, all in one
transaction, with the SQL below (`FLUSH_GUARD`). Wiping the whole database is not rewriting
history, and no code of the application calls it.

What the triggers do not stop: whoever may run DDL on the table (its owner, i.e. the role that
runs the migrations) can drop them. Where the database administrator wants that separation
too, run migrations as the owner and serve the application with a role granted only SELECT and
INSERT on `audit_auditevent` (and USAGE on its sequence).

On SQLite, a later migration that rebuilds this table (SQLite's way to alter a column) drops
its triggers with the old table: such a migration must create them again. The tests in
`tests/audit/test_append_only.py` run on the fully migrated database and fail if it does not.
"""

from django.conf import settings
from django.db import migrations, models

TABLE = "audit_auditevent"
MESSAGE = "audit_auditevent is append-only: audit events cannot be changed or deleted"

SQLITE_INSTALL = [
    f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]

POSTGRESQL_INSTALL = [
    f"""CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$""",
    f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    f"CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_update ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]

# vendor -> (name, drop, create) of the one trigger that stands in the way of `flush`:
# SQLite flushes with DELETE, PostgreSQL with TRUNCATE.
FLUSH_GUARD = {
    "sqlite": ("audit_no_delete", SQLITE_REMOVE[1], SQLITE_INSTALL[1]),
    "postgresql": ("audit_no_truncate", POSTGRESQL_REMOVE[0], POSTGRESQL_INSTALL[3]),
}

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
}


def install(apps, schema_editor) -> None:
    # Lindung runs on SQLite and PostgreSQL only (README); another database gets no guard.
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(sql, params=None)  # no parameters: '%' is literal


def remove(apps, schema_editor) -> None:
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_region_one_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Only Django's collector reads on_delete (the column has no database constraint):
        # no schema change.
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='pelaku'),
        ),
        migrations.RunPython(install, remove, elidable=False),
    ]
