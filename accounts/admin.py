from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "role", "court", "is_active")
    list_filter = ("role", "court", "is_active")
    search_fields = ("username", "name", "email")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Rôle", {"fields": ("role", "name", "court")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Rôle", {"fields": ("role", "name", "court")}))
