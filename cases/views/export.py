"""The bordereau as a ZIP of the pieces the user may open."""

import shutil
import tempfile
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from cases import access
from cases.csv_export import csv_bytes
from cases.views.common import file_extension, mission_page, safe_name

BORDEREAU_HEADER = [_("N°"), _("Date"), _("Pièce"), _("Produite par"), _("Fichier"), "SHA-256"]


@login_required
def mission_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The bordereau as a ZIP of the pieces this user may open (and only those), each access logged."""
    mission, _context = mission_page(request, pk, "mission_documents")
    documents = list(
        access.visible_documents(request.user, mission, action=access.Action.DOWNLOAD)
        .select_related("producer_party")
        .order_by("number")
    )
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        rows = []
        for doc in documents:
            access.document_for(request, access.Action.DOWNLOAD, doc.pk)
            name = f"{doc.number:03d} - {safe_name(doc.title)}{file_extension(doc.content_type)}"
            with doc.file.open("rb") as handle, zf.open(name, "w") as target:
                shutil.copyfileobj(handle, target, 64 * 1024)
            date = doc.date.strftime("%d/%m/%Y") if doc.date else ""
            rows.append([doc.number, date, doc.title, doc.producer_label, name, doc.sha256])
        # Quoted and neutralised: a title cannot forge a row nor run as a formula in a spreadsheet.
        zf.writestr("bordereau.csv", csv_bytes(BORDEREAU_HEADER, rows))
    archive.seek(0)
    response = FileResponse(
        archive,
        content_type="application/zip",
        as_attachment=True,
        filename=f"bordereau-RG-{safe_name(mission.rg)}.zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
