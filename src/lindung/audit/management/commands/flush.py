"""`flush`, with the audit trail's append-only guard lifted for the duration of the flush.

Django's `flush` empties every table (SQLite: DELETE, PostgreSQL: TRUNCATE); Django's
transactional tests run it after each test. The audit table's triggers refuse exactly those
statements (migration `audit.0005_append_only`), so this command drops the one trigger in the
way, runs Django's flush, and creates the trigger again, in one transaction: if anything
fails, the trigger is back as before. Emptying the whole database is not rewriting history,
and no code of the application runs it.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections, transaction

append_only = importlib.import_module("lindung.audit.migrations.0005_append_only")
TRIGGER_EXISTS = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s",
    "postgresql": "SELECT 1 FROM pg_trigger WHERE tgname = %s",
}


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        if options["interactive"]:
            # Asked before the transaction: SQLite would hold its write lock while waiting.
            confirm = input(
                f"You have requested a flush of the database.\nThis will IRREVERSIBLY "
                f'DESTROY all data currently in the "{connection.settings_dict["NAME"]}" '
                f"database,\nand return each table to an empty state.\nAre you sure you want "
                f"to do this?\n\n    Type 'yes' to continue, or 'no' to cancel: "
            )
            if confirm != "yes":
                self.stdout.write("Flush cancelled.")
                return
        guard = append_only.FLUSH_GUARD.get(connection.vendor)
        if guard is None:
            super().handle(**{**options, "interactive": False})
            return
        name, drop, create = guard
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                # A database not yet migrated that far has no trigger to put back.
                cursor.execute(TRIGGER_EXISTS[connection.vendor], [name])
                present = cursor.fetchone() is not None
                if present:
                    cursor.execute(drop)
            super().handle(**{**options, "interactive": False})
            if present:
                with connection.cursor() as cursor:
                    cursor.execute(create)
