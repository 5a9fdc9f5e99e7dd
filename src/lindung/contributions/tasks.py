"""Background billing, run by `lindung db_worker` (django-tasks-db): a month of a large
programme takes seconds to minutes, longer than a web request should wait."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from lindung.accounts.models import User
from lindung.contributions.services import bill_generate, lapses_apply
from lindung.programs.models import Programme


@task()
def bill_generate_task(*, programme_id: int, month: str, user_id: int) -> dict:
    """Generate (or regenerate) one programme-month bill as `user_id`; the service checks
    the user's role and region again when the task runs."""
    bill = bill_generate(
        by=User.objects.get(pk=user_id),
        programme=Programme.objects.get(pk=programme_id),
        month=dt.date.fromisoformat(month),
    )
    return {"bill_id": bill.pk, "lines": bill.line_count, "total": bill.total}


@task()
def lapses_apply_task(*, programme_id: int, user_id: int) -> dict:
    """End the lapsed enrolments of a programme in the background (a large programme with a
    long unpaid stretch ends many enrolments, each with its audit event)."""
    ended = lapses_apply(
        by=User.objects.get(pk=user_id), programme=Programme.objects.get(pk=programme_id)
    )
    return {"ended": ended}
