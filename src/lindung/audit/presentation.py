"""The audit trail as an inspector reads it: actions, record kinds and field names in
Indonesian, values formatted (dates, rupiah, occupation and status names) instead of `verify`,
`worker #3601`, `birth_date`, `occupation: 7` or Python lists.

Labels are data the reader needs, not rules: an action or field not listed here is shown as
recorded, so nothing is ever hidden from the trail. The audit app sits below every domain app,
so the apps register their own value labels (status and reason codes) and the lookup of names
behind ids (`register_labels`, `register_names`, called from their AppConfig.ready)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from lindung.core.formatting import rupiah, tanggal

ACTIONS: dict[str, Any] = {
    "create": _("Dibuat"),
    "update": _("Diubah"),
    "propose": _("Diusulkan"),
    "promote": _("Dari daftar tunggu"),
    "verify": _("Diverifikasi"),
    "reject": _("Ditolak"),
    "register": _("Didaftarkan ke BPJS"),
    "activate": _("Diaktifkan"),
    "end": _("Diakhiri"),
    "lapse": _("Putus karena menunggak"),
    "merge": _("Digabung"),
    "merged_into": _("Digabung ke data lain"),
    "not_duplicate": _("Bukan data ganda"),
    "reveal": _("NIK lengkap ditampilkan"),
    "export": _("Diunduh"),
    "purge": _("Berkas dihapus (retensi)"),
    "budget_add": _("Anggaran ditambah"),
    "bill_generate": _("Tagihan dibuat"),
    "bill_adjust": _("Tagihan disesuaikan"),
    "payment_record": _("Pembayaran dicatat"),
    "login": _("Masuk"),
    "login_failed": _("Gagal masuk"),
    "logout": _("Keluar"),
    "password_change": _("Kata sandi diganti"),
    "revoke": _("Dicabut"),
    "target_set": _("Target ditetapkan"),
    "denominator_set": _("Perkiraan pekerja diisi"),
    "denominator_delete": _("Perkiraan pekerja dihapus"),
    "denominators_import": _("Perkiraan pekerja diimpor"),
    "outreach_create": _("Sosialisasi dicatat"),
    "outreach_update": _("Sosialisasi diubah"),
    "outreach_delete": _("Sosialisasi dihapus"),
    "claim_report": _("Klaim dilaporkan"),
    "claim_documents_complete": _("Dokumen klaim lengkap"),
    "claim_submit": _("Klaim diajukan ke BPJS"),
    "claim_pay": _("Klaim dibayar"),
    "claim_reject": _("Klaim ditolak"),
    "claim_recheck": _("Klaim diperiksa ulang"),
    "claim_document_upload": _("Dokumen klaim diunggah"),
    "claim_document_view": _("Dokumen klaim dibuka"),
}

OBJECT_TYPES: dict[str, Any] = {
    "worker": _("Pekerja"),
    "enrolment": _("Kepesertaan"),
    "programme": _("Program"),
    "bill": _("Tagihan"),
    "payment": _("Pembayaran"),
    "importjob": _("Impor berkas"),
    "claim": _("Klaim"),
    "claimdocument": _("Dokumen klaim"),
    "user": _("Pengguna"),
    "apitoken": _("Token API"),
    "region": _("Wilayah"),
    "denominator": _("Perkiraan pekerja"),
    "target": _("Target"),
    "outreachevent": _("Sosialisasi"),
    "duplicatepair": _("Data ganda"),
    "reportrun": _("Laporan"),
}

FIELDS: dict[str, Any] = {
    "nik": _("NIK"),
    "kk_number": _("No. KK"),
    "name": _("Nama"),
    "sex": _("Jenis kelamin"),
    "birth_place": _("Tempat lahir"),
    "birth_date": _("Tanggal lahir"),
    "village": _("Desa/kelurahan"),
    "village_id": _("Desa/kelurahan"),
    "address": _("Alamat"),
    "occupation": _("Pekerjaan"),
    "occupation_id": _("Pekerjaan"),
    "phone": _("No. HP"),
    "declared_income": _("Penghasilan"),
    "status": _("Status"),
    "kpj_number": _("Nomor KPJ"),
    "registration_date": _("Tanggal terdaftar di BPJS"),
    "end_reason": _("Alasan berakhir"),
    "end_date": _("Tanggal berakhir"),
    "reject_reason": _("Alasan penolakan"),
    "reason": _("Alasan"),
    "quota": _("Kuota"),
    "period": _("Periode"),
    "period_start": _("Mulai"),
    "period_end": _("Selesai"),
    "age_min": _("Usia minimum"),
    "age_max": _("Usia maksimum"),
    "occupations": _("Pekerjaan yang memenuhi syarat"),
    "legal_basis": _("Dasar hukum"),
    "amount": _("Jumlah"),
    "total": _("Total"),
    "document_ref": _("Nomor dokumen"),
    "reference": _("Nomor SP2D"),
    "month": _("Bulan"),
    "months_covered": _("Jumlah bulan"),
    "rows": _("Baris"),
    "kind": _("Jenis"),
    "format": _("Format"),
    "filters": _("Saringan"),
    "role": _("Peran"),
    "region": _("Wilayah"),
    "is_active": _("Aktif"),
    "username": _("Nama pengguna"),
    "ip": _("Alamat IP"),
    "paid_amount": _("Dibayar"),
    "paid_on": _("Tanggal bayar"),
}

MONEY = frozenset({"amount", "total", "paid_amount", "declared_income", "budget"})
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None  # None: a value recorded on its own (no before → after)
    new: str


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def object_label(object_type: str) -> str:
    return str(OBJECT_TYPES.get(object_type, object_type))


_VALUE_LABELS: dict[str, Any] = {}
_NAMES: dict[str, Callable[[set[int]], Mapping[int, str]]] = {}


def register_labels(choices: Iterable[tuple[Any, Any]]) -> None:
    """Stored codes (statuses, reasons) shown by their label wherever they appear."""
    _VALUE_LABELS.update({str(k): v for k, v in choices})


def register_names(keys: Iterable[str], lookup: Callable[[set[int]], Mapping[int, str]]) -> None:
    """Ids recorded under `keys` (e.g. "occupation") shown by the names `lookup` gives."""
    for key in keys:
        _NAMES[key] = lookup


def id_names(events: Iterable[Any]) -> dict[str, Mapping[int, str]]:
    """Names behind the ids the events' changes record, one lookup per kind of id."""
    wanted: dict[str, set[int]] = {}
    for ev in events:
        changes = getattr(ev, "changes", None)
        if not isinstance(changes, Mapping):
            continue
        for key in _NAMES.keys() & changes.keys():
            value = changes[key]
            for v in value if isinstance(value, list | tuple) else [value]:
                if isinstance(v, int) or (isinstance(v, str) and v.isdigit()):
                    wanted.setdefault(key, set()).add(int(v))
    return {key: _NAMES[key](ids) for key, ids in wanted.items()}


def format_value(key: str, value: Any, *, names: Mapping[str, Mapping[int, str]]) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    if key in names and (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
        return str(names[key].get(int(value), value))
    if key in MONEY and isinstance(value, int | float):
        return rupiah(value)
    if isinstance(value, list | tuple):
        return ", ".join(format_value(key, v, names=names) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{FIELDS.get(k, k)}: {format_value(k, v, names=names)}" for k, v in value.items()
        )
    text = str(value)
    if DATE.match(text):
        try:
            return tanggal(dt.date.fromisoformat(text))
        except ValueError:
            return text
    if DATETIME.match(text):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        return f"{tanggal(moment.date())} {moment:%H.%M}"
    return str(_VALUE_LABELS.get(text, text))


def changes_of(
    changes: Any, *, names: Mapping[str, Mapping[int, str]] | None = None
) -> list[Change]:
    """An event's changes as (field label, old, new) rows for a reader; `names` from
    `id_names` over the page's events (ids recorded without one show as recorded)."""
    if not isinstance(changes, Mapping):
        return []
    names = names or {}
    out = []
    for key, value in changes.items():
        if value is None or value == "":
            continue
        field = str(FIELDS.get(key, key.replace("_", " ")))
        if isinstance(value, list | tuple) and len(value) == 2 and key not in ("occupations",):
            out.append(
                Change(
                    field,
                    format_value(key, value[0], names=names),
                    format_value(key, value[1], names=names),
                )
            )
        else:
            out.append(Change(field, None, format_value(key, value, names=names)))
    return out
