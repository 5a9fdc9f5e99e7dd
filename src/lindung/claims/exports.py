"""The claims register as an XLSX workbook, through the one formula-safe writer
(`core.exports`): a claimant named `=HYPERLINK(...)` stays text."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from lindung.claims.models import Claim
from lindung.core.exports import ExportFile, Styled, XlsxBook
from lindung.core.formatting import mask_identity

RUPIAH = "#,##0"
DATE = "DD-MM-YYYY"


def claims_workbook(claims: QuerySet[Claim]) -> ExportFile:
    """One row per claim: worker, region, type, dates, status, the rules' outcome, calculated
    and paid amounts and their difference. Identity numbers are masked (a list is for finding
    a claim, not for copying numbers in bulk: registry.privacy)."""
    book = XlsxBook()
    sheet = book.sheet(_("Klaim"))
    sheet.widths([12, 28, 20, 20, 20, 18, 34, 12, 12, 16, 16, 36, 14, 14, 14, 12, 28, 24])
    sheet.freeze("A2")
    sheet.header(
        [
            _("Nomor"),
            _("Pekerja"),
            _("NIK pekerja"),
            _("Desa/kelurahan"),
            _("Kecamatan"),
            _("Pekerjaan"),
            _("Jenis klaim"),
            _("Tanggal peristiwa"),
            _("Tanggal dilaporkan"),
            _("Status"),
            _("Kode kelayakan"),
            _("Penjelasan"),
            _("Manfaat dihitung (Rp)"),
            _("Dibayar BPJS (Rp)"),
            _("Selisih (Rp)"),
            _("Tanggal dibayar"),
            _("Alasan penolakan"),
            _("Program"),
        ],
        font=Font(bold=True),
    )
    rows = claims.select_related("worker__village__parent", "worker__occupation", "programme")
    for c in rows.iterator(chunk_size=2000):
        village = c.worker.village
        sheet.append(
            [
                c.number,
                c.worker.name,
                mask_identity(c.worker.nik),
                village.name,
                village.parent.name if village.parent_id else "",
                c.worker.occupation.name,
                c.get_claim_type_display(),
                Styled(c.event_date, DATE),
                Styled(c.reported_date, DATE),
                c.get_status_display(),
                c.eligibility_code,
                c.explanation,
                Styled(c.calculated_amount, RUPIAH),
                Styled(c.paid_amount, RUPIAH),
                Styled(c.difference, RUPIAH),
                Styled(c.paid_date, DATE) if c.paid_date else None,
                c.reject_reason,
                c.programme.code if c.programme_id else "",
            ]
        )
    return book.file()
