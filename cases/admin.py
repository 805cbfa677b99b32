"""The admin sees through the same policy as everyone: a staff account with no place in a mission
sees none of it, and no file is ever offered for download here. What it shows of a medical piece
(its title is itself medical information, rule 8) is logged like any other view (rule 9)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import access
from cases.models import AccessLog, Court, Document, Mission
from cases.services.access_log import access_log_record, access_log_record_many


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    """The list of courts, with their addresses; the courts an expert proposed wait here for a check
    (`approved`) before they are offered to everyone."""

    list_display = ("name", "code", "country", "address", "approved", "proposed_by")
    list_filter = ("country", "approved")
    search_fields = ("name", "code", "address")
    list_select_related = ("proposed_by",)
    fields = ("name", "code", "country", "address", "approved", "proposed_by")
    readonly_fields = ("proposed_by",)
    actions = ["approve"]

    @admin.action(description=_("Vérifier les juridictions proposées sélectionnées"))
    def approve(self, request, queryset):
        count = queryset.filter(approved=False).update(approved=True)
        self.message_user(
            request,
            ngettext("%(count)d juridiction vérifiée.", "%(count)d juridictions vérifiées.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ("rg", "title", "court", "status", "report_due")
    list_filter = ("status", "court")
    search_fields = ("rg", "title")
    fields = (
        "court",
        "rg",
        "title",
        "framework",
        "kind",
        "ordered_on",
        "judge",
        "report_due",
        "dires_due",
        "status",
        "language",
        "single_expert_agreed_on",
    )
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

    def _log_view(self, request, object_id) -> None:
        """Rule 9: the page of one piece is a view, allowed or denied, logged like
        cases.access.document_for logs it (an outsider's attempt is a 404 there, and is not)."""
        document = (
            Document.objects.select_related("mission").filter(pk=object_id).first()
            if str(object_id).isdigit()
            else None
        )
        if document is None:
            return
        decision = access.decide(request.user, access.Action.VIEW, document)
        if decision.rule != access.Rule.OUTSIDE:
            access_log_record(request=request, document=document, action=access.Action.VIEW, decision=decision)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._log_view(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._log_view(request, object_id)  # its heading names the piece, title included
        return super().history_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        """The list shows titles: every medical piece of the page is logged, in one INSERT."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            by_mission: dict[int, list[Document]] = {}
            for document in changelist.result_list:
                if document.is_medical:
                    by_mission.setdefault(document.mission_id, []).append(document)
            rows = []
            for documents in by_mission.values():
                decisions = access.decide_many(request.user, access.Action.VIEW, documents[0].mission, documents)
                rows += [(d, decisions[d.pk]) for d in documents if decisions[d.pk].rule != access.Rule.OUTSIDE]
            access_log_record_many(request=request, action=access.Action.VIEW, rows=rows)
        return response


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
