from django.contrib import admin

from lindung.core.admin import ReadOnlyAdmin
from lindung.registry.models import Occupation, Worker


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to", "source"]
    search_fields = ["code", "name"]


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    """Workers change through the registry services (NIK rules, duplicate checks, audit), in
    the app's worker pages and imports."""

    list_display = ["nik", "name", "village", "occupation", "status"]
    search_fields = ["nik", "name"]
    list_filter = ["status", "occupation"]
