"""An import's result as its reader needs it: the rejected rows grouped by what is wrong
("704 baris: kuota program penuh", the first rows named), in words, not in codes. The codes stay
in the error workbook and the JSON for machines. Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

ROWS_NAMED = 10  # rows listed by number under a group ("baris 5, 9, 12, …")

# What each code means to the person who typed the row: short, without the code.
TITLES: dict[str, Any] = {
    "missing_value": _("kolom wajib kosong"),
    "nik_format": _("NIK bukan 16 digit angka"),
    "nik_number_cell": _("NIK atau No. KK tersimpan sebagai angka, digit terakhirnya hilang"),
    "nik_region": _("kode provinsi di NIK tidak ada"),
    "nik_date": _("tanggal lahir di dalam NIK tidak sah"),
    "nik_mismatch": _("NIK tidak cocok dengan jenis kelamin atau tanggal lahir"),
    "date_invalid": _("tanggal tidak dikenali"),
    "sex_invalid": _("jenis kelamin bukan L atau P"),
    "village_unknown": _("desa/kelurahan tidak dikenal"),
    "village_out_of_scope": _("desa di luar wilayah Anda atau wilayah program"),
    "occupation_not_eligible": _("pekerjaan tidak termasuk daftar program"),
    "age_out_of_range": _("usia di luar batas program"),
    "duplicate_in_file": _("NIK sama muncul dua kali dalam berkas"),
    "already_enrolled": _("sudah menjadi peserta program lain pada bulan yang sama"),
    "quota_exceeded": _("kuota program penuh"),
    "kk_format": _("No. KK tidak sah"),
    "phone_invalid": _("nomor HP tidak sah"),
    "income_invalid": _("penghasilan bukan angka rupiah"),
    "worker_inactive": _("data pekerja sudah dinonaktifkan"),
    "possible_duplicate": _("mungkin orang yang sama dengan data lain (nama mirip)"),
    # The BPJS branch's answer.
    "nik_unmatched": _("tidak ada kepesertaan terverifikasi dengan NIK ini"),
    "enrolment_ambiguous": _("NIK terdaftar di beberapa program"),
    "kpj_mismatch": _("KPJ berbeda dengan yang sudah tercatat"),
    "kpj_taken": _("KPJ sudah tercatat untuk peserta lain"),
    "kpj_format": _("nomor KPJ tidak sah"),
    "bpjs_refused": _("ditolak BPJS"),
    "status_invalid": _("STATUS tidak dikenal"),
    "transition_invalid": _("status kepesertaan tidak dapat diubah begitu"),
    "batch_other": _("dikirim di batch lain daripada yang disebut nama berkas"),
}


def error_groups(issues: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The issues grouped by code, largest group first: for each its code, how many rows
    (a row with two problems of one kind counts once) and the first `ROWS_NAMED` row numbers.
    JSON-ready (stored on the job); no message, which may quote a name or a NIK and so goes
    with the uploaded file when its retention ends."""
    rows_of: dict[str, set[int]] = {}
    for issue in issues:
        rows_of.setdefault(str(issue.get("code", "")), set()).add(int(issue.get("row", 0)))
    groups = [
        {"code": code, "rows": len(rows), "first_rows": sorted(rows)[:ROWS_NAMED]}
        for code, rows in rows_of.items()
    ]
    return sorted(groups, key=lambda g: (-g["rows"], g["code"]))


def title(code: str, example: str = "") -> str:
    """The group's title in words; an unknown code is shown by its first message."""
    known = TITLES.get(code)
    return str(known) if known is not None else (example or code)


def presented(
    groups: Iterable[Mapping[str, Any]], issues: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Groups as the result page shows them: with their title, the first stored message of
    the kind as an example (none once the file's retention ended) and how many rows beyond
    the ones named."""
    examples: dict[str, str] = {}
    for issue in issues:
        examples.setdefault(str(issue.get("code", "")), str(issue.get("message", "")))
    return [
        {
            **g,
            "title": title(g["code"], examples.get(g["code"], "")),
            "example": examples.get(g["code"], ""),
            "more": max(g["rows"] - len(g["first_rows"]), 0),
        }
        for g in groups
    ]
