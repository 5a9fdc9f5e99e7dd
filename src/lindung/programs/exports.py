"""The worker list as a spreadsheet, with each worker's latest enrolment, through the one
formula-safe writer (core.exports)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from lindung.core.exports import ExportFile, XlsxBook, csv_file
from lindung.core.formatting import mask_identity, mask_phone
from lindung.programs.models import Enrolment
from lindung.registry.models import Worker


def _rows(workers: QuerySet[Worker], *, full: bool) -> Iterator[list[Any]]:
    labels = dict(Enrolment.Status.choices)
    statuses = dict(Worker.Status.choices)
    for w in workers.iterator(chunk_size=2000):
        yield [
            w.nik if full else mask_identity(w.nik),
            w.name,
            w.get_sex_display(),
            w.birth_place,
            w.birth_date,
            w.village_id,
            w.village.name,
            w.village.parent.name if w.village.parent_id else "",
            w.occupation.name,
            w.phone if full else mask_phone(w.phone),
            str(statuses.get(w.status, w.status)),
            str(labels.get(w.enrolment_status, _("Belum diusulkan"))),
            w.kpj or "",
        ]


def worker_list_export(*, workers: QuerySet[Worker], fmt: str, full: bool) -> ExportFile:
    """`workers` (already scoped and filtered by `programs.selectors.
    worker_list_with_enrolments`) as XLSX or CSV; NIK and phone whole only when `full`
    (registry.privacy)."""
    header = [
        _("NIK"),
        _("Nama"),
        _("Jenis kelamin"),
        _("Tempat lahir"),
        _("Tanggal lahir"),
        _("Kode desa"),
        _("Desa/kelurahan"),
        _("Kecamatan"),
        _("Pekerjaan"),
        _("No. HP"),
        _("Status pekerja"),
        _("Kepesertaan"),
        _("Nomor KPJ"),
    ]
    if fmt == "csv":
        return csv_file(header, _rows(workers, full=full))
    if fmt != "xlsx":
        raise Http404(_("Format unduhan tidak dikenal."))
    book = XlsxBook()
    sheet = book.sheet(_("Pekerja"))
    sheet.widths([22, 28, 12, 16, 14, 16, 22, 20, 20, 16, 14, 18, 14])
    sheet.column_formats({1: "@", 6: "@", 10: "@", 13: "@"}).freeze("A2")
    sheet.header(header)
    for row in _rows(workers, full=full):
        sheet.append(row)
    return book.file()
