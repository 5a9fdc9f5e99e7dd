from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from lindung.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Lindung", {"fields": ("role", "region", "extra_regions")}),
    )
    list_display = ["username", "first_name", "role", "region", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["region", "extra_regions"]
