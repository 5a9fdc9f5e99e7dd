from __future__ import annotations

from django.db.models import Q, QuerySet

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.imports.models import ImportJob


def import_jobs_for(*, user: User) -> QuerySet[ImportJob]:
    """Jobs the user uploaded, and those uploaded inside the user's region. The stored file and
    error workbook are left out (load them with `import_job_get(..., with_content=True)`)."""
    scope = scope_of(user)
    if scope.is_national:
        qs = ImportJob.objects.all()
    elif scope.is_empty:
        qs = ImportJob.objects.filter(created_by=user)
    else:
        qs = ImportJob.objects.filter(Q(created_by=user) | scope.q("region_code"))
    return qs.defer("content", "error_file").select_related("created_by", "programme")


def import_job_get(*, user: User, pk: int, with_content: bool = False) -> ImportJob:
    qs = import_jobs_for(user=user)
    if with_content:
        qs = qs.defer(None).select_related("created_by", "programme")
    return qs.get(pk=pk)
