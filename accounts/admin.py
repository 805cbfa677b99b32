from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Invitation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "email", "role", "court", "language", "is_active")
    list_filter = ("role", "court", "language", "is_active")
    search_fields = ("username", "name", "email")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Rôle"), {"fields": ("role", "name", "court", "language")}))
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Rôle"), {"fields": ("role", "name", "email", "court", "language")}),
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are made and taken through the services (the seat rules); the token's
    digest is never shown."""

    list_display = ("email", "role", "mission", "party", "invited_by", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email",)
    fields = (*list_display, "accepted_by", "cancelled_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
