from django.contrib import admin

from lindung.core.models import Parameter


@admin.register(Parameter)
class ParameterAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "valid_from", "source"]
    list_filter = ["key"]
