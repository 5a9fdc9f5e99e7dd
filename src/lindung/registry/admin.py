from django.contrib import admin

from lindung.registry.models import Occupation, Worker


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to", "source"]
    search_fields = ["code", "name"]


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ["nik", "name", "village", "occupation", "status"]
    search_fields = ["nik", "name"]
    raw_id_fields = ["village"]
    list_filter = ["status", "occupation"]
