"""The audit trail as a workbook for an inspector's working papers (core.exports: formula-safe,
personal numbers masked as on the page)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.audit import presentation
from lindung.audit.models import AuditEvent
from lindung.core.exports import ExportFile, XlsxBook
from lindung.core.formatting import mask_identities_in


def audit_trail_export(events: Sequence[AuditEvent]) -> ExportFile:
    names = presentation.id_names(events)
    book = XlsxBook()
    sheet = book.sheet(_("Jejak audit"))
    sheet.widths([18, 22, 22, 18, 14, 50, 60]).freeze("A2")
    sheet.header(
        [
            _("Waktu"),
            _("Oleh"),
            _("Tindakan"),
            _("Jenis data"),
            _("Kode wilayah"),
            _("Ringkasan"),
            _("Perubahan"),
        ]
    )
    for ev in events:
        changes = "; ".join(
            f"{c.field}: {c.old} → {c.new}" if c.old is not None else f"{c.field}: {c.new}"
            for c in presentation.changes_of(ev.changes, names=names)
        )
        actor = ev.actor.get_full_name() or ev.actor.username if ev.actor else _("(sistem)")
        sheet.append(
            [
                timezone.localtime(ev.at),
                actor,
                presentation.action_label(ev.action),
                presentation.object_label(ev.object_type),
                ev.region_code,
                mask_identities_in(ev.summary),
                mask_identities_in(changes),
            ]
        )
    return book.file()
