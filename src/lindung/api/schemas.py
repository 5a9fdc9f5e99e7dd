"""Request and response shapes of the REST API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from lindung.core.formatting import mask_identity, mask_phone
from lindung.registry.privacy import full_in_api


def _full(context: Any) -> bool:
    """Personal data whole for this response? (`registry.privacy.full_in_api`: roles that only
    read get NIK, No. KK and phone masked.)"""
    request = (context or {}).get("request")
    return request is not None and full_in_api(getattr(request, "auth", None))


class Error(Schema):
    code: str
    message: str
    field: str | None = None
    errors: list[Error] | None = None


class WorkerOut(Schema):
    id: int
    nik: str
    kk_number: str
    name: str
    sex: str
    birth_place: str
    birth_date: dt.date
    village: str = Field(..., alias="village_id", description="Kode wilayah desa/kelurahan")
    village_name: str = Field(..., alias="village.name")
    occupation: str = Field(..., alias="occupation.code")
    address: str
    phone: str
    declared_income: int
    status: str

    @staticmethod
    def resolve_nik(obj: Any, context: Any) -> str:
        return obj.nik if _full(context) else mask_identity(obj.nik)

    @staticmethod
    def resolve_kk_number(obj: Any, context: Any) -> str:
        return obj.kk_number if _full(context) else mask_identity(obj.kk_number)

    @staticmethod
    def resolve_phone(obj: Any, context: Any) -> str:
        return obj.phone if _full(context) else mask_phone(obj.phone)


class WorkerIn(Schema):
    nik: str
    name: str
    sex: str = Field(..., description="L (laki-laki) atau P (perempuan)")
    birth_date: dt.date
    village: str = Field(..., description="Kode wilayah desa/kelurahan, mis. 64.01.01.2009")
    occupation: str = Field(..., description="Kode pekerjaan, mis. nelayan")
    kk_number: str = ""
    birth_place: str = ""
    address: str = ""
    phone: str = ""
    declared_income: int | None = None


class WorkerPatch(Schema):
    nik: str | None = None
    name: str | None = None
    sex: str | None = None
    birth_date: dt.date | None = None
    village: str | None = None
    occupation: str | None = None
    kk_number: str | None = None
    birth_place: str | None = None
    address: str | None = None
    phone: str | None = None
    declared_income: int | None = None
    status: str | None = None


class ProgrammeOut(Schema):
    code: str
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    fiscal_year: int
    period_start: dt.date
    period_end: dt.date
    age_min: int
    age_max: int
    quota: int
    used: int | None = Field(None, description="Peserta diusulkan s.d. aktif")
    budget_total: int | None = None


class EnrolmentOut(Schema):
    id: int
    worker_id: int
    worker_nik: str  # from resolve_worker_nik: masked for read-only roles
    worker_name: str = Field(..., alias="worker.name")
    programme: str = Field(..., alias="programme.code")
    status: str
    period_start: dt.date
    period_end: dt.date
    kpj_number: str
    registration_date: dt.date | None
    end_date: dt.date | None
    end_reason: str
    reject_reason: str
    proposed_at: dt.datetime
    verified_at: dt.datetime | None
    registered_at: dt.datetime | None
    activated_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_worker_nik(obj: Any, context: Any) -> str:
        return obj.worker.nik if _full(context) else mask_identity(obj.worker.nik)


class ProposeIn(Schema):
    programme: str = Field(..., description="Kode program, mis. PASER-2026")
    worker_id: int


class RejectIn(Schema):
    reason: str


class RegisterIn(Schema):
    kpj_number: str
    registration_date: dt.date


class EndIn(Schema):
    reason: str = Field(..., description="meninggal, pindah, anggaran_habis, menunggak, "
                                         "penerima_upah")
    end_date: dt.date | None = None
