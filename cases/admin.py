"""The admin sees through the same policy as everyone: a staff account with no place in a mission
sees none of it, and no file is ever offered for download here."""

from django.contrib import admin

from cases import access
from cases.models import AccessLog, Court, Document, Mission


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "country")
    list_filter = ("country",)
    search_fields = ("name", "code")


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ("rg", "title", "court", "status", "report_due")
    list_filter = ("status", "court")
    search_fields = ("rg", "title")
    fields = ("court", "rg", "title", "framework", "kind", "ordered_on", "judge", "report_due", "dires_due", "status")
    readonly_fields = fields

    def get_queryset(self, request):
        return access.visible_missions(request.user).select_related("court")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "mission", "is_medical", "producer", "uploaded_at")
    fields = (
        "mission",
        "number",
        "title",
        "date",
        "is_medical",
        "producer",
        "unrelated",
        "size",
        "content_type",
        "sha256",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return access.visible_documents(request.user, action=access.Action.VIEW).select_related("mission")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "document_id", "action", "allowed", "rule", "ip")
    list_filter = ("allowed", "action", "rule")

    def get_queryset(self, request):
        return AccessLog.objects.filter(mission__in=access.visible_missions(request.user)).filter(
            mission__assignments__expert=request.user
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
